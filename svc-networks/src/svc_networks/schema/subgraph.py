"""The subgraph assembled from its parts."""

from __future__ import annotations

from strawberry.tools import merge_types

from shared.subgraph import federation_schema
from svc_networks.schema.dialogue import DialogueMutation, DialogueQuery
from svc_networks.schema.municipality import County, Municipality
from svc_networks.schema.networks import NetworkMutation, NetworkQuery
from svc_networks.schema.plans import PlanMutation, PlanQuery
from svc_networks.schema.projects import ProjectMutation, ProjectQuery

Query = merge_types("Query", (NetworkQuery, PlanQuery, ProjectQuery, DialogueQuery))
Mutation = merge_types(
    "Mutation", (NetworkMutation, PlanMutation, ProjectMutation, DialogueMutation)
)
schema = federation_schema(Query, Mutation, types=[Municipality, County])
