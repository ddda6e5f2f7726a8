"""Guidance's subgraph, one module per part of the domain; `schema` is the assembled subgraph."""

from svc_guidance.schema.subgraph import schema

__all__ = ["schema"]
