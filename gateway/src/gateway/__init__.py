"""The router (Hive Gateway, a node program configured in gateway/gateway.config.ts) as seen
from Python: how its supergraph is composed and how it is started. The platform runner and the
tests use this; the router itself has no Python in it."""
