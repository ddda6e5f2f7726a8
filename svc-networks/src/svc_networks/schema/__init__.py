"""Networks' subgraph, one module per part of the domain; `schema` is the assembled subgraph."""

from svc_networks.schema.subgraph import schema

__all__ = ["schema"]
