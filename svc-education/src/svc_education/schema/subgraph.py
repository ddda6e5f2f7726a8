"""The subgraph assembled from its parts."""

from __future__ import annotations

from strawberry.tools import merge_types

from shared.subgraph import federation_schema
from svc_education.schema.catalogue import CatalogueMutation, CatalogueQuery
from svc_education.schema.enrolments import EnrolmentMutation, EnrolmentQuery
from svc_education.schema.overview import OverviewQuery
from svc_education.schema.progress import ProgressQuery
from svc_education.schema.regions import RegionQuery
from svc_education.schema.support import SupportMutation, SupportQuery
from svc_education.schema.workforce import WorkforceMutation, WorkforceQuery

Query = merge_types(
    "Query",
    (
        RegionQuery,
        CatalogueQuery,
        EnrolmentQuery,
        SupportQuery,
        WorkforceQuery,
        OverviewQuery,
        ProgressQuery,
    ),
)
Mutation = merge_types(
    "Mutation", (CatalogueMutation, EnrolmentMutation, SupportMutation, WorkforceMutation)
)
schema = federation_schema(Query, Mutation)
