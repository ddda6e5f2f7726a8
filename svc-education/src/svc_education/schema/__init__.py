"""Education's subgraph, one module per part of the domain; `schema` is the assembled subgraph.

`regions` (the County and Municipality entities education owns), `catalogue`, `enrolments`,
`support`, `workforce`.
"""

from svc_education.schema.subgraph import schema

__all__ = ["schema"]
