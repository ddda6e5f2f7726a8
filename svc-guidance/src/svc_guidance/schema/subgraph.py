"""The subgraph assembled from its parts."""

from __future__ import annotations

from strawberry.tools import merge_types

from shared.live import LiveEventsSubscription
from shared.subgraph import federation_schema
from svc_guidance.schema.advisers import AdviserMutation, AdviserQuery
from svc_guidance.schema.engagements import EngagementMutation, EngagementQuery
from svc_guidance.schema.intake import IntakeMutation, IntakeQuery
from svc_guidance.schema.types import Municipality

Query = merge_types("Query", (IntakeQuery, EngagementQuery, AdviserQuery))
Mutation = merge_types("Mutation", (IntakeMutation, EngagementMutation, AdviserMutation))
# Guidance hosts the platform's live events (platformEvents; docs/live-events.md).
schema = federation_schema(
    Query, Mutation, types=[Municipality], subscription=LiveEventsSubscription
)
