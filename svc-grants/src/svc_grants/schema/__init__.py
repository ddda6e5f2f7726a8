"""Grants' subgraph, one module per part of the domain; `schema` is the assembled subgraph."""

from svc_grants.schema.subgraph import schema

__all__ = ["schema"]
