"""The subgraph assembled from its parts."""

from __future__ import annotations

from strawberry.tools import merge_types

from shared.subgraph import federation_schema
from svc_grants.schema.aftercare import AftercareMutation
from svc_grants.schema.applications import ApplicationMutation, ApplicationQuery
from svc_grants.schema.municipality import County, Municipality
from svc_grants.schema.schemes import SchemeMutation, SchemeQuery

Query = merge_types("Query", (SchemeQuery, ApplicationQuery))
Mutation = merge_types("Mutation", (SchemeMutation, ApplicationMutation, AftercareMutation))
schema = federation_schema(Query, Mutation, types=[Municipality, County])
