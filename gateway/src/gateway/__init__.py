"""The client-facing GraphQL gateway over the services' Federation-2 subgraphs."""
