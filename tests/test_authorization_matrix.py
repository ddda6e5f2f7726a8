"""Who may call what: every query and mutation under every role, in one table.

Each cell runs against the real platform (four services on PostgreSQL, Kafka, the router) twice:
through the router, and directly against the subgraph that owns the field (a subgraph is
reachable on its own, so it must refuse by itself). The entities the operations act on are set up
once, through the router, by the role that rightfully creates them.

Outcomes:
  OK    allowed: no UNAUTHENTICATED, FORBIDDEN or NOT_FOUND (a mutation may still answer
        BAD_USER_INPUT or CONFLICT: re-running it is expected to clash with the first run)
  DENY  FORBIDDEN
  AUTH  UNAUTHENTICATED: a token is required
  HIDE  the caller learns nothing: NOT_FOUND, null, an empty list, or (a batch) every row
        rejected on its id as unknown

Adding an operation: one row in MATRIX and one entry in OPERATIONS under the same name;
`test_every_root_field_of_the_schema_is_in_the_matrix` says which are missing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shared.auth import issue_token
from shared.settings import AuthSettings
from tests.conftest import Client, eventually
from tests.roles import ALTA, ROLES

pytestmark = pytest.mark.integration

OK, DENY, AUTH, HIDE = "OK", "DENY", "AUTH", "HIDE"

HAMMERFEST, VADSO, SOR_VARANGER = "5603", "5607", "5605"  # Finnmark (56), as Alta
# ROLES["inst"] posts the offering and enrolments the rows act on.

# fmt: off
MATRIX: dict[str, tuple[str, str, str, str, str, str, str, str]] = {
    #                                        anon  muni  muni2 gov   gov2  inst  inst2 dir
    # The municipality entity and its fields: public identity, private service data
    "Query.municipality":                   (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.municipalities":                 (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.county":                         (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.counties":                       (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Municipality.nameIn":                  (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Municipality.numbersIn":               (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Municipality.countyNumbersIn":         (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Municipality.coverage":                (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Municipality.enrolments":              (AUTH, OK,   DENY, OK,   DENY, OK,   HIDE, OK),
    "Municipality.enrolmentsConnection":    (AUTH, OK,   DENY, OK,   DENY, OK,   HIDE, OK),
    "Municipality.supportProgramme":        (AUTH, OK,   DENY, OK,   DENY, DENY, DENY, OK),
    "Municipality.workforce":               (AUTH, OK,   DENY, OK,   DENY, DENY, DENY, OK),
    "Municipality.grantEligibility":        (AUTH, OK,   DENY, OK,   DENY, DENY, DENY, OK),
    "Municipality.grantApplications":       (AUTH, OK,   DENY, OK,   DENY, DENY, DENY, OK),
    "Municipality.learningNetwork":         (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Municipality.developmentProjects":     (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Municipality.dialogueMeetings":        (AUTH, OK,   DENY, OK,   DENY, DENY, DENY, OK),
    "Municipality.riskAssessment":          (AUTH, OK,   DENY, OK,   DENY, DENY, DENY, OK),
    "Municipality.guidance":                (AUTH, OK,   DENY, OK,   DENY, DENY, DENY, OK),
    # The county entity: its area in time is public, its progress figures are not
    "County.municipalities":                (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "County.nameIn":                        (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "County.numbersIn":                     (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "County.governorsIn":                   (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "County.goalProgress":                  (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    # Education
    "Query.programmes":                     (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.programme":                      (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.institutions":                   (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.institution":                    (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.offering":                       (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.offerings":                      (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.educationTotals":                (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.enrolment":                      (HIDE, OK,   HIDE, OK,   HIDE, OK,   HIDE, OK),
    # An institution's own enrolments (none for the second), or any for the directorate
    "Query.enrolmentsConnection":           (AUTH, DENY, DENY, DENY, DENY, OK,   HIDE, OK),
    "Query.supportCohorts":                 (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.supportCohort":                  (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.workforceReport":                (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Query.supportProgrammeYears":          (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.nationalOverview":               (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.goalProgress":                   (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Mutation.createOffering":              (AUTH, DENY, DENY, DENY, DENY, OK,   OK,   DENY),
    "Mutation.registerEnrolments":          (AUTH, DENY, DENY, DENY, DENY, OK,   DENY, DENY),
    "Mutation.recordCompletions":           (AUTH, DENY, DENY, DENY, DENY, OK,   HIDE, DENY),
    "Mutation.withdrawEnrolment":           (AUTH, DENY, DENY, DENY, DENY, OK,   HIDE, DENY),
    "Mutation.createSupportCohort":         (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.addCohortGathering":          (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.joinSupportCohort":           (AUTH, OK,   DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.recordCohortEvaluations":     (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.completeSupportCohort":       (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.recordWorkforce":             (AUTH, OK,   DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.recordSupportProgrammeYear":  (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    # Grants: the directorate administers employer grants, a county governor its project funds
    "Query.grantSchemes":                   (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.countyGrantBudgets":             (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.grantApplication":               (AUTH, OK,   HIDE, OK,   HIDE, HIDE, HIDE, OK),
    "Query.grantApplications":              (AUTH, OK,   HIDE, OK,   HIDE, HIDE, HIDE, OK),
    "Query.grantApplicationsConnection":    (AUTH, OK,   HIDE, OK,   HIDE, HIDE, HIDE, OK),
    "Query.appropriation":                  (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Mutation.setAppropriation":            (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Query.grantAssessmentQueue":           (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Mutation.createGrantScheme":           (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.submitGrantApplication":      (AUTH, OK,   DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.startGrantAssessment":        (AUTH, DENY, HIDE, DENY, HIDE, HIDE, HIDE, OK),
    "Mutation.decideGrantApplication":      (AUTH, DENY, HIDE, DENY, HIDE, HIDE, HIDE, OK),
    "Mutation.decideGrantApplication (project funds)":
                                            (AUTH, DENY, HIDE, OK,   HIDE, HIDE, HIDE, DENY),
    "Mutation.recordGrantPayment":          (AUTH, DENY, HIDE, DENY, HIDE, HIDE, HIDE, OK),
    "Mutation.settleGrantApplication":      (AUTH, DENY, HIDE, DENY, HIDE, HIDE, HIDE, OK),
    "Mutation.reclaimGrant":                (AUTH, DENY, HIDE, DENY, HIDE, HIDE, HIDE, OK),
    "Mutation.declareGrantImpartiality":    (AUTH, DENY, HIDE, DENY, HIDE, HIDE, HIDE, OK),
    # After the award (an approved employer grant): the holder reports and asks, the
    # directorate as its administrator decides; the county governor only reads.
    "Mutation.submitGrantReport":           (AUTH, OK,   HIDE, DENY, HIDE, HIDE, HIDE, OK),
    "Mutation.decideGrantReport":           (AUTH, DENY, HIDE, DENY, HIDE, HIDE, HIDE, OK),
    "Mutation.requestGrantChange":          (AUTH, OK,   HIDE, DENY, HIDE, HIDE, HIDE, OK),
    "Mutation.decideGrantChange":           (AUTH, DENY, HIDE, DENY, HIDE, HIDE, HIDE, OK),
    # Networks
    "Query.learningNetworks":               (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.competencePlan":                 (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.developmentProject":             (OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "Query.dialogueOverview":               (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    # The directorate may propose for the first municipality, as it may apply for one.
    "Mutation.proposeDevelopmentProject":   (AUTH, OK,   DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.startDevelopmentProject":     (AUTH, OK,   DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.completeDevelopmentProject":  (AUTH, OK,   DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.recordDialogueMeeting":       (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Mutation.recordRiskAssessment":        (AUTH, OK,   DENY, DENY, DENY, DENY, DENY, DENY),
    "Mutation.approveCompetencePlan (member)":
                                            (AUTH, OK,   DENY, DENY, DENY, DENY, DENY, DENY),
    "Mutation.approveCompetencePlan (network)":
                                            (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Mutation.createLearningNetwork":       (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Mutation.joinLearningNetwork":         (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Mutation.setLeadershipContact":        (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Mutation.leaveLearningNetwork":        (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Mutation.draftCompetencePlan":         (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    # Guidance
    "Query.guidanceQueue":                  (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Query.guidanceCases":                  (AUTH, OK,   HIDE, OK,   HIDE, HIDE, HIDE, OK),
    "Query.guidanceCasesConnection":        (AUTH, OK,   HIDE, OK,   HIDE, HIDE, HIDE, OK),
    "Query.guidanceCase":                   (AUTH, OK,   HIDE, OK,   HIDE, HIDE, HIDE, OK),
    "Query.guidanceEngagements":            (AUTH, OK,   HIDE, OK,   HIDE, HIDE, HIDE, OK),
    "Query.guidanceEngagementsConnection":  (AUTH, OK,   HIDE, OK,   HIDE, HIDE, HIDE, OK),
    "Query.guidanceEngagement":             (AUTH, OK,   HIDE, OK,   HIDE, HIDE, HIDE, OK),
    "Query.guidanceAdvisers":               (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.nominateForGuidance":         (AUTH, DENY, DENY, OK,   DENY, DENY, DENY, OK),
    "Mutation.requestGuidance":             (AUTH, OK,   DENY, DENY, DENY, DENY, DENY, DENY),
    "Mutation.respondToGuidance":           (AUTH, OK,   HIDE, DENY, HIDE, HIDE, HIDE, DENY),
    "Mutation.registerGuidanceAdviser":     (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.startGuidanceEngagement":     (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.addGuidanceMilestone":        (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.reachGuidanceMilestone":      (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.logGuidanceVisit":            (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.completeGuidanceEngagement":  (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
    "Mutation.endGuidanceEngagementEarly":  (AUTH, DENY, DENY, DENY, DENY, DENY, DENY, OK),
}
# fmt: on


@dataclass(frozen=True)
class Operation:
    """A call of one field: `selection` is a root field with its arguments and sub-selection,
    or for a Municipality or County row the entity field's; `variables` may name set-up entities as
    "@name" (replaced by their ids)."""

    service: str
    selection: str
    variables: dict[str, Any]
    parameters: str = ""  # the variable definitions, e.g. "$id: ID!"


def op(service: str, selection: str, parameters: str = "", **variables: Any) -> Operation:
    return Operation(service, selection, variables, parameters)


EMPLOYER_APP = "@application"
PAGE = "(first: 10) { edges { cursor } }"  # no edges tell as little as an empty list
APPROPRIATED = 2030  # a year of its own: setting it cannot clash with the set-up's schemes
PARTICIPANTS = [{"employeeRef": "p-1", "role": "LEADER"}]
OPERATIONS: dict[str, Operation] = {
    "Query.municipality": op("education", f'municipality(number: "{ALTA}") {{ name }}'),
    "Query.municipalities": op("education", 'municipalities(county: "56") { number }'),
    "Query.county": op("education", 'county(number: "56") { name }'),
    "Query.counties": op("education", "counties { number }"),
    "Municipality.nameIn": op("education", "nameIn(year: 2018)"),
    "Municipality.numbersIn": op("education", "numbersIn(year: 2018)"),
    "Municipality.countyNumbersIn": op("education", "countyNumbersIn(year: 2018)"),
    "Municipality.coverage": op("education", "coverage { measures }"),
    "Municipality.enrolments": op("education", "enrolments { id }"),
    "Municipality.enrolmentsConnection": op("education", f"enrolmentsConnection{PAGE}"),
    "Municipality.supportProgramme": op("education", "supportProgramme { headCount }"),
    "Municipality.workforce": op("education", "workforce { employeeCount }"),
    "Municipality.grantEligibility": op("grants", "grantEligibility { enrolmentId }"),
    "Municipality.grantApplications": op("grants", "grantApplications { id }"),
    "Municipality.learningNetwork": op("networks", "learningNetwork { id }"),
    "Municipality.developmentProjects": op("networks", "developmentProjects { id }"),
    "Municipality.dialogueMeetings": op("networks", "dialogueMeetings { id }"),
    "Municipality.riskAssessment": op("networks", "riskAssessment { level }"),
    "Municipality.guidance": op("guidance", "guidance { id }"),
    "County.municipalities": op("education", "municipalities { number }"),
    "County.nameIn": op("education", "nameIn(year: 2018)"),
    "County.numbersIn": op("education", "numbersIn(year: 2018)"),
    "County.governorsIn": op("education", "governorsIn(year: 2018)"),
    "County.goalProgress": op("education", "goalProgress { year }"),
    "Query.programmes": op("education", "programmes { id }"),
    "Query.programme": op("education", "programme(id: $id) { id }", "$id: ID!", id="@programme"),
    "Query.institutions": op("education", "institutions { id }"),
    "Query.institution": op("education", 'institution(id: "uit") { id }'),
    "Query.offering": op("education", "offering(id: $id) { id }", "$id: ID!", id="@offering"),
    "Query.offerings": op("education", 'offerings(institution: "uit") { id }'),
    "Query.educationTotals": op("education", 'educationTotals(county: "56") { active }'),
    "Query.enrolment": op("education", "enrolment(id: $id) { id }", "$id: ID!", id="@enrolment"),
    "Query.enrolmentsConnection": op("education", f"enrolmentsConnection{PAGE}"),
    "Query.supportCohorts": op("education", 'supportCohorts(county: "56") { id }'),
    "Query.supportCohort": op(
        "education", "supportCohort(id: $id) { id }", "$id: ID!", id="@cohort"
    ),
    "Query.workforceReport": op("education", 'workforceReport(county: "56") { employeeCount }'),
    "Query.supportProgrammeYears": op("education", "supportProgrammeYears { year }"),
    "Query.nationalOverview": op("education", "nationalOverview(year: 2018) { year }"),
    "Query.goalProgress": op("education", 'goalProgress(county: "56") { year }'),
    "Mutation.recordSupportProgrammeYear": op(
        "education",
        "recordSupportProgrammeYear(input: $i) { year }",
        "$i: SupportProgrammeYearInput!",
        i={"year": 2019, "employees": 1200, "municipalities": 90},
    ),
    "Mutation.createOffering": op(
        "education",
        "createOffering(input: $i) { id }",
        "$i: OfferingInput!",
        i={"programmeId": "@programme", "term": "2019V", "seats": 10},
    ),
    "Mutation.registerEnrolments": op(
        "education",
        "registerEnrolments(input: $i) { accepted replayed }",
        "$i: [EnrolmentInput!]!",
        i=[
            {
                "offeringId": "@offering",
                "municipality": ALTA,
                "employeeRef": "e-matrix",
                "externalRef": "matrix-1",
            }
        ],
    ),
    "Mutation.recordCompletions": op(
        "education",
        "recordCompletions(input: $i) { items { status field reason } }",
        "$i: [CompletionInput!]!",
        i=[{"enrolmentId": "@enrolment", "credits": 30, "completedOn": "2019-06-20"}],
    ),
    "Mutation.withdrawEnrolment": op(
        "education",
        'withdrawEnrolment(id: $id, reason: "Sluttet") { status }',
        "$id: ID!",
        id="@withdrawable",
    ),
    "Mutation.createSupportCohort": op(
        "education",
        "createSupportCohort(input: $i) { id }",
        "$i: SupportCohortInput!",
        i={
            "county": "56",
            "knowledgeCentre": "RKBU_NORD",
            "startsOn": "2019-01-10",
            "endsOn": "2019-04-30",
        },
    ),
    "Mutation.addCohortGathering": op(
        "education",
        "addCohortGathering(input: $i) { id }",
        "$i: CohortGatheringInput!",
        i={"cohortId": "@cohort", "kind": "JOINT", "date": "2018-09-20"},
    ),
    "Mutation.joinSupportCohort": op(
        "education",
        "joinSupportCohort(input: $i) { headCount }",
        "$i: CohortJoinInput!",
        i={
            "cohortId": "@cohort",
            "municipality": ALTA,
            "headCount": 6,
            "participants": PARTICIPANTS,
        },
    ),
    "Mutation.recordCohortEvaluations": op(
        "education",
        "recordCohortEvaluations(input: $i) { id }",
        "$i: CohortEvaluationsInput!",
        i={
            "cohortId": "@cohort",
            "submissionRef": "matrix",
            "responses": [{"satisfaction": 4, "relevance": 5, "learningOutcome": 4}],
        },
    ),
    "Mutation.completeSupportCohort": op(
        "education", "completeSupportCohort(id: $id) { id }", "$id: ID!", id="@cohort"
    ),
    "Mutation.recordWorkforce": op(
        "education",
        "recordWorkforce(input: $i) { employeeCount }",
        "$i: WorkforceInput!",
        i={
            "municipality": ALTA,
            "asOf": "2019-01-01",
            "employees": [{"employeeRef": "w-1", "position": "CORE_TASK", "education": "MASTER_5"}],
        },
    ),
    "Query.grantSchemes": op("grants", "grantSchemes { id }"),
    "Query.countyGrantBudgets": op("grants", "countyGrantBudgets { year }"),
    "Query.grantApplication": op(
        "grants", "grantApplication(id: $id) { id }", "$id: ID!", id=EMPLOYER_APP
    ),
    "Query.grantApplications": op("grants", "grantApplications { id }"),
    "Query.grantApplicationsConnection": op("grants", f"grantApplicationsConnection{PAGE}"),
    "Query.appropriation": op("grants", f"appropriation(year: {APPROPRIATED}) {{ amountNok }}"),
    "Mutation.setAppropriation": op(
        "grants",
        f'setAppropriation(year: {APPROPRIATED}, amountNok: "5000000.00") {{ year }}',
    ),
    "Query.grantAssessmentQueue": op("grants", 'grantAssessmentQueue(county: "56") { id }'),
    "Mutation.createGrantScheme": op(
        "grants",
        "createGrantScheme(input: $i) { id }",
        "$i: GrantSchemeInput!",
        i={
            "name": "Matrise",
            "year": 2020,
            "kind": "EMPLOYER_FURTHER_EDUCATION",
            "budgetNok": "1000.00",
        },
    ),
    "Mutation.submitGrantApplication": op(
        "grants",
        "submitGrantApplication(input: $i) { id }",
        "$i: GrantApplicationInput!",
        i={
            "schemeId": "@employer_scheme",
            "municipality": ALTA,
            "amountNok": "5000.00",
            "purpose": "Vikarutgifter",
            "enrolmentId": "@enrolment",
        },
    ),
    "Mutation.startGrantAssessment": op(
        "grants", "startGrantAssessment(id: $id) { status }", "$id: ID!", id=EMPLOYER_APP
    ),
    "Mutation.decideGrantApplication": op(
        "grants",
        'decideGrantApplication(id: $id, input: {outcome: APPROVE, reason: "Ok"}) { status }',
        "$id: ID!",
        id=EMPLOYER_APP,
    ),
    "Mutation.decideGrantApplication (project funds)": op(
        "grants",
        'decideGrantApplication(id: $id, input: {outcome: APPROVE, reason: "Ok"}) { status }',
        "$id: ID!",
        id="@project_application",
    ),
    "Mutation.recordGrantPayment": op(
        "grants",
        'recordGrantPayment(id: $id, amountNok: "100.00") { status }',
        "$id: ID!",
        id=EMPLOYER_APP,
    ),
    "Mutation.settleGrantApplication": op(
        "grants", "settleGrantApplication(id: $id) { status }", "$id: ID!", id=EMPLOYER_APP
    ),
    "Mutation.reclaimGrant": op(
        "grants",
        'reclaimGrant(id: $id, amountNok: "10.00", reason: "Feil") { status }',
        "$id: ID!",
        id=EMPLOYER_APP,
    ),
    "Mutation.declareGrantImpartiality": op(
        "grants",
        "declareGrantImpartiality(id: $id, recuse: false) { status }",
        "$id: ID!",
        id="@grant",
    ),
    "Mutation.submitGrantReport": op(
        "grants",
        "submitGrantReport(input: $i) { status }",
        "$i: GrantReportInput!",
        i={
            "applicationId": "@grant",
            "kind": "STATUS",
            "text": "Godt i gang",
            "spentNok": "100.00",
        },
    ),
    "Mutation.decideGrantReport": op(
        "grants",
        'decideGrantReport(id: $id, approve: true, reason: "Ok") { status }',
        "$id: ID!",
        id="@report",
    ),
    "Mutation.requestGrantChange": op(
        "grants",
        "requestGrantChange(input: $i) { id }",
        "$i: ChangeRequestInput!",
        i={
            "applicationId": "@grant",
            "kind": "BUDGET_MOVE",
            "reason": "Flytt",
            "amountNok": "100.00",
        },
    ),
    "Mutation.decideGrantChange": op(
        "grants",
        'decideGrantChange(id: $id, approve: true, reason: "Ok") { status }',
        "$id: ID!",
        id="@change",
    ),
    "Query.learningNetworks": op("networks", 'learningNetworks(county: "56") { id }'),
    "Query.competencePlan": op(
        "networks", "competencePlan(id: $id) { id }", "$id: ID!", id="@plan"
    ),
    "Query.developmentProject": op(
        "networks", "developmentProject(id: $id) { id }", "$id: ID!", id="@project"
    ),
    "Query.dialogueOverview": op("networks", 'dialogueOverview(county: "56") { meetings }'),
    "Mutation.proposeDevelopmentProject": op(
        "networks",
        "proposeDevelopmentProject(input: $i) { id }",
        "$i: DevelopmentProjectInput!",
        i={
            "networkId": "@network",
            "title": "Matrise",
            "municipalities": [ALTA],
            "partner": "UiT",
            "budgetNok": "1000.00",
        },
    ),
    "Mutation.startDevelopmentProject": op(
        "networks", "startDevelopmentProject(id: $id) { status }", "$id: ID!", id="@project"
    ),
    "Mutation.completeDevelopmentProject": op(
        "networks",
        'completeDevelopmentProject(id: $id, finalReport: "Ferdig") { status }',
        "$id: ID!",
        id="@project",
    ),
    "Mutation.recordDialogueMeeting": op(
        "networks",
        "recordDialogueMeeting(input: $i) { id }",
        "$i: DialogueMeetingInput!",
        i={
            "municipality": ALTA,
            "heldOn": "2019-03-01",
            "topics": ["PRACTICE"],
            "participants": ["Rådmann"],
        },
    ),
    "Mutation.recordRiskAssessment": op(
        "networks",
        "recordRiskAssessment(input: $i) { level }",
        "$i: RiskAssessmentInput!",
        i={"municipality": ALTA, "assessedOn": "2019-03-02", "level": "HIGH", "concerns": []},
    ),
    "Mutation.approveCompetencePlan (member)": op(
        "networks",
        "approveCompetencePlan(input: $i) { status }",
        "$i: PlanApprovalInput!",
        i={"planId": "@plan", "municipality": ALTA},
    ),
    "Mutation.approveCompetencePlan (network)": op(
        "networks",
        "approveCompetencePlan(input: $i) { status }",
        "$i: PlanApprovalInput!",
        i={"planId": "@plan"},
    ),
    "Mutation.createLearningNetwork": op(
        "networks",
        "createLearningNetwork(input: $i) { id }",
        "$i: LearningNetworkInput!",
        i={"county": "56", "name": "Øst-Finnmark", "members": [SOR_VARANGER]},
    ),
    "Mutation.joinLearningNetwork": op(
        "networks",
        f'joinLearningNetwork(networkId: $id, municipality: "{VADSO}") {{ id }}',
        "$id: ID!",
        id="@network",
    ),
    "Mutation.setLeadershipContact": op(
        "networks",
        f'setLeadershipContact(networkId: $id, municipality: "{VADSO}", '
        'leadershipContact: "Leder") { id }',
        "$id: ID!",
        id="@network",
    ),
    "Mutation.leaveLearningNetwork": op(
        "networks",
        f'leaveLearningNetwork(networkId: $id, municipality: "{VADSO}", leftOn: "2030-01-01") '
        "{ id }",
        "$id: ID!",
        id="@network",
    ),
    "Mutation.draftCompetencePlan": op(
        "networks",
        'draftCompetencePlan(networkId: $id, title: "Ny versjon") { id }',
        "$id: ID!",
        id="@network",
    ),
    "Query.guidanceQueue": op("guidance", "guidanceQueue { id }"),
    "Query.guidanceCases": op("guidance", "guidanceCases { id }"),
    "Query.guidanceCase": op("guidance", "guidanceCase(id: $id) { id }", "$id: ID!", id="@case"),
    "Query.guidanceCasesConnection": op("guidance", f"guidanceCasesConnection{PAGE}"),
    "Query.guidanceEngagements": op("guidance", "guidanceEngagements { id }"),
    "Query.guidanceEngagementsConnection": op("guidance", f"guidanceEngagementsConnection{PAGE}"),
    "Query.guidanceEngagement": op(
        "guidance", "guidanceEngagement(id: $id) { id }", "$id: ID!", id="@engagement"
    ),
    "Query.guidanceAdvisers": op("guidance", "guidanceAdvisers { id }"),
    "Mutation.nominateForGuidance": op(
        "guidance",
        "nominateForGuidance(input: $i) { id }",
        "$i: GuidanceNominationInput!",
        i={"municipality": ALTA, "reason": "Høy risiko"},
    ),
    "Mutation.requestGuidance": op(
        "guidance",
        "requestGuidance(input: $i) { id }",
        "$i: GuidanceRequestInput!",
        i={"municipality": ALTA, "reason": "Vi trenger støtte"},
    ),
    "Mutation.respondToGuidance": op(
        "guidance",
        "respondToGuidance(caseId: $id, accept: true, committedHoursPerMonth: 10) { status }",
        "$id: ID!",
        id="@case",
    ),
    "Mutation.registerGuidanceAdviser": op(
        "guidance",
        "registerGuidanceAdviser(input: $i) { id }",
        "$i: GuidanceAdviserInput!",
        i={"name": "Kari Veileder", "capacity": 2},
    ),
    "Mutation.startGuidanceEngagement": op(
        "guidance",
        "startGuidanceEngagement(input: $i) { id }",
        "$i: GuidanceEngagementInput!",
        i={"caseId": "@case", "round": 2019, "startsOn": "2019-02-01", "advisers": ["@adviser"]},
    ),
    "Mutation.addGuidanceMilestone": op(
        "guidance",
        "addGuidanceMilestone(input: $i) { id }",
        "$i: GuidanceMilestoneInput!",
        i={"engagementId": "@engagement", "title": "Plan", "dueOn": "2019-06-01"},
    ),
    "Mutation.reachGuidanceMilestone": op(
        "guidance",
        'reachGuidanceMilestone(id: $id, reachedOn: "2019-05-20") { id }',
        "$id: ID!",
        id="@milestone",
    ),
    "Mutation.logGuidanceVisit": op(
        "guidance",
        "logGuidanceVisit(input: $i) { id }",
        "$i: GuidanceVisitInput!",
        i={
            "engagementId": "@engagement",
            "adviserId": "@adviser",
            "visitedOn": "2019-03-01",
            "note": "Møte med ledelsen",
        },
    ),
    "Mutation.completeGuidanceEngagement": op(
        "guidance",
        'completeGuidanceEngagement(id: $id, finalReport: "Ferdig", completedOn: "2021-02-01") '
        "{ status }",
        "$id: ID!",
        id="@engagement",
    ),
    "Mutation.endGuidanceEngagementEarly": op(
        "guidance",
        'endGuidanceEngagementEarly(id: $id, reason: "Avsluttet") { status }',
        "$id: ID!",
        id="@engagement",
    ),
}

# Root fields of the composed schema that are not authorization decisions of their own.
# The municipality's identity is as public as Query.municipality; subscriptions have their own
# tests (tests/test_live_events.py).
NOT_IN_MATRIX = {
    "Municipality.number",
    "Municipality.name",
    "Municipality.county",
    "County.number",
    "County.name",
}
# The entities whose fields have rows, and the one each row reads (by the root field `county`
# or `municipality`, and directly from the owning subgraph as the router's `_entities` call).
ENTITIES = {"Municipality": ALTA, "County": "56"}


# The world the operations act on ---------------------------------------------------------------


def _data(body: dict[str, Any]) -> dict[str, Any]:
    assert not body.get("errors"), body["errors"]
    return body["data"]


def _first(client: Client, query: str, variables: dict[str, Any], role: str) -> Any:
    """The one root field's value of a call that must succeed."""
    return next(iter(_data(client.call(query, variables, role=role)).values()))


def _run(client: Client, name: str, ids: dict[str, str], role: str) -> Any:
    """A row's own operation, as set-up: it must succeed."""
    return _first(client, _document(name), _bound(OPERATIONS[name].variables, ids), role)


@pytest.fixture(scope="module")
def world(gateway: Client) -> dict[str, str]:
    """Every entity a row names, created through the router by the role that rightfully does."""
    inst, muni, gov, director = ROLES["inst"], ROLES["muni"], ROLES["gov"], "directorate"
    assert inst and muni and gov
    ids: dict[str, str] = {}
    ids["programme"] = _data(gateway.call("{ programmes { id } }"))["programmes"][0]["id"]
    ids["offering"] = _first(
        gateway,
        "mutation($i: OfferingInput!) { createOffering(input: $i) { id } }",
        {"i": {"programmeId": ids["programme"], "term": "2018H", "seats": 50}},
        inst,
    )["id"]
    for name in ("enrolment", "withdrawable", "granted"):
        row = {
            "offeringId": ids["offering"],
            "municipality": ALTA,
            "employeeRef": f"e-{name}",
            "externalRef": f"{name}-{uuid.uuid4().hex}",
        }
        batch = _first(
            gateway,
            """mutation($i: [EnrolmentInput!]!) { registerEnrolments(input: $i) {
              items { enrolment { id } } } }""",
            {"i": [row]},
            inst,
        )
        ids[name] = batch["items"][0]["enrolment"]["id"]
    ids["cohort"] = _run(gateway, "Mutation.createSupportCohort", ids, director)["id"]
    _run(gateway, "Mutation.joinSupportCohort", ids, muni)
    _run(gateway, "Mutation.recordWorkforce", ids, muni)
    _run(gateway, "Mutation.recordSupportProgrammeYear", ids, director)
    _run(gateway, "Mutation.setAppropriation", ids, director)

    scheme = "mutation($i: GrantSchemeInput!) { createGrantScheme(input: $i) { id } }"
    ids["employer_scheme"] = _first(
        gateway,
        scheme,
        {
            "i": {
                "name": "Arbeidsgivertilskudd 2018",
                "year": 2018,
                "kind": "EMPLOYER_FURTHER_EDUCATION",
                "budgetNok": "1000000.00",
            }
        },
        director,
    )["id"]
    ids["project_scheme"] = _first(
        gateway,
        scheme,
        {
            "i": {
                "name": "Stimuleringsmidler Finnmark 2018",
                "year": 2018,
                "kind": "DEVELOPMENT_PROJECT",
                "budgetNok": "1000000.00",
                "county": "56",
            }
        },
        director,
    )["id"]

    ids["network"] = _first(
        gateway,
        "mutation($i: LearningNetworkInput!) { createLearningNetwork(input: $i) { id } }",
        {"i": {"county": "56", "name": "Vest-Finnmark", "members": [ALTA, HAMMERFEST]}},
        gov,
    )["id"]
    ids["plan"] = _first(
        gateway,
        'mutation($id: ID!) { draftCompetencePlan(networkId: $id, title: "Plan") { id } }',
        {"id": ids["network"]},
        gov,
    )["id"]
    approve = "mutation($i: PlanApprovalInput!) { approveCompetencePlan(input: $i) { status } }"
    _first(gateway, approve, {"i": {"planId": ids["plan"]}}, gov)
    for number in (ALTA, HAMMERFEST):
        approval = {"i": {"planId": ids["plan"], "municipality": number}}
        status = _first(gateway, approve, approval, f"municipality:{number}")["status"]
    assert status == "IN_FORCE"
    ids["project"] = _first(
        gateway,
        "mutation($i: DevelopmentProjectInput!) { proposeDevelopmentProject(input: $i) { id } }",
        {
            "i": {
                "networkId": ids["network"],
                "title": "Felles fagteam",
                "municipalities": [ALTA, HAMMERFEST],
                "partner": "UiT",
                "budgetNok": "200000.00",
            }
        },
        muni,
    )["id"]
    _run(gateway, "Mutation.recordDialogueMeeting", ids, gov)
    _run(gateway, "Mutation.recordRiskAssessment", ids, muni)

    # Grants learns enrolments and projects from events: it refuses these until they arrive.
    ids["application"] = _submitted(
        gateway, ids, {"schemeId": ids["employer_scheme"], "enrolmentId": ids["enrolment"]}
    )
    ids["project_application"] = _submitted(
        gateway, ids, {"schemeId": ids["project_scheme"], "projectId": ids["project"]}
    )
    _award_grant(gateway, ids)

    ids["case"] = _run(gateway, "Mutation.nominateForGuidance", ids, gov)["id"]
    _run(gateway, "Mutation.respondToGuidance", ids, muni)
    ids["adviser"] = _run(gateway, "Mutation.registerGuidanceAdviser", ids, director)["id"]
    ids["engagement"] = _run(gateway, "Mutation.startGuidanceEngagement", ids, director)["id"]
    ids["milestone"] = _run(gateway, "Mutation.addGuidanceMilestone", ids, director)["id"]
    # A second, accepted case keeps the directorate's queue from being empty.
    _first(
        gateway,
        "mutation($i: GuidanceRequestInput!) { requestGuidance(input: $i) { id } }",
        {"i": {"municipality": HAMMERFEST, "reason": "Trenger hjelp", "committedHoursPerMonth": 8}},
        f"municipality:{HAMMERFEST}",
    )
    return ids


def _award_grant(gateway: Client, ids: dict[str, str]) -> None:
    """An approved employer grant with its reporting duties: a STATUS report handed in and a
    change request, for the administrator to decide."""
    ids["grant"] = _submitted(
        gateway, ids, {"schemeId": ids["employer_scheme"], "enrolmentId": ids["granted"]}
    )
    director, muni = "directorate", ROLES["muni"]
    assert muni
    _run(gateway, "Mutation.declareGrantImpartiality", ids, director)
    decide = _document("Mutation.decideGrantApplication")
    assert _first(gateway, decide, {"id": ids["grant"]}, director)["status"] == "APPROVED"
    reports = _first(
        gateway,
        "query($id: ID!) { grantApplication(id: $id) { reports { id kind } } }",
        {"id": ids["grant"]},
        director,
    )["reports"]
    ids["report"] = next(r["id"] for r in reports if r["kind"] == "STATUS")
    assert _run(gateway, "Mutation.submitGrantReport", ids, muni)["status"] == "SUBMITTED"
    ids["change"] = _run(gateway, "Mutation.requestGrantChange", ids, muni)["id"]


def _submitted(gateway: Client, ids: dict[str, str], target: dict[str, str]) -> str:
    application = {"municipality": ALTA, "amountNok": "5000.00", "purpose": "Tilskudd", **target}
    query = "mutation($i: GrantApplicationInput!) { submitGrantApplication(input: $i) { id } }"

    def submitted() -> str | None:
        body = gateway.call(query, {"i": application}, role=ROLES["muni"])
        return None if body.get("errors") else body["data"]["submitGrantApplication"]["id"]

    found = eventually(submitted, timeout=60)
    assert found, f"grants never learnt the target of {target}"
    return str(found)


# Running a cell --------------------------------------------------------------------------------


def _document(name: str) -> str:
    operation = OPERATIONS[name]
    kind = "mutation" if name.startswith("Mutation.") else "query"
    parameters = f"({operation.parameters})" if operation.parameters else ""
    return f"{kind}{parameters} {{ {operation.selection} }}"


def _bound(value: Any, ids: dict[str, str]) -> Any:
    """The variables with every "@name" replaced by the id of that set-up entity."""
    if isinstance(value, str) and value.startswith("@"):
        return ids[value[1:]]
    if isinstance(value, dict):
        return {k: _bound(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_bound(v, ids) for v in value]
    return value


def _call_shapes(name: str, operation: Operation, ids: dict[str, str]) -> Iterator[Any]:
    """(document, variables, path to the value) through the router, then to the subgraph."""
    variables = _bound(operation.variables, ids)
    kind, _, field = name.partition(".")
    if kind not in ENTITIES:
        field = operation.selection.split("(")[0].split(" ")[0]
        document = _document(name)
        yield "router", document, variables, [field]
        yield operation.service, document, variables, [field]
        return
    number, root = ENTITIES[kind], kind.lower()
    router = f"query($n: String!) {{ {root}(number: $n) {{ {operation.selection} }} }}"
    yield "router", router, {"n": number}, [root, field]
    subgraph = (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        f"{{ ... on {kind} {{ {operation.selection} }} }} }}"
    )
    representation = [{"__typename": kind, "number": number}]
    yield operation.service, subgraph, {"r": representation}, ["_entities", 0, field]


def _outcome(body: dict[str, Any], path: list[Any], mutation: bool) -> str:
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    for code, outcome in (("UNAUTHENTICATED", AUTH), ("FORBIDDEN", DENY), ("NOT_FOUND", HIDE)):
        if code in codes:
            return outcome
    # A mutation refused for domain reasons (a re-run clashing with the first) was allowed.
    domain_reasons = {"BAD_USER_INPUT", "CONFLICT"} if mutation else set()
    if set(codes) - domain_reasons:
        return f"error {body['errors']}"
    value: Any = body.get("data")
    for step in path:
        value = None if value is None else value[step]
    if isinstance(value, dict) and set(value) == {"edges"}:  # a connection: as its list
        value = value["edges"]
    if _rows_of_unknown_ids(value):
        return HIDE
    return HIDE if value in (None, []) and not codes else OK


def _rows_of_unknown_ids(value: Any) -> bool:
    """A batch answers per row: a row naming an entity the caller may not touch is rejected on
    its id field ("no enrolment of this institution has this id"), as if it did not exist."""
    items = value.get("items") if isinstance(value, dict) else None
    return bool(items) and all(
        item["status"] == "REJECTED" and str(item["field"]).endswith("Id") for item in items
    )


@pytest.fixture(scope="module")
def tokens() -> dict[str, str | None]:
    settings = AuthSettings()
    return {alias: role and issue_token([role], settings) for alias, role in ROLES.items()}


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.mark.parametrize("name", list(MATRIX))
def test_each_role_gets_what_the_matrix_says(
    name: str,
    platform: Any,
    world: dict[str, str],
    tokens: dict[str, str | None],
    http: httpx.Client,
) -> None:
    operation = OPERATIONS[name]
    expected = dict(zip(ROLES, MATRIX[name], strict=True))
    mutation = name.startswith("Mutation.")
    actual: dict[tuple[str, str], str] = {}
    # Refusals first, so that an allowed call's effect cannot change what a refused one sees.
    for alias in sorted(ROLES, key=lambda a: expected[a] == OK):
        token = tokens[alias]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for target, document, variables, path in _call_shapes(name, operation, world):
            url = platform.gateway_url if target == "router" else f"{platform[target].url}/graphql"
            response = http.post(
                url, json={"query": document, "variables": variables}, headers=headers
            )
            assert response.status_code < 500, (target, alias, response.text)
            actual[(target, alias)] = _outcome(response.json(), path, mutation)
    wrong = {
        f"{alias} via {target}": f"{got} (expected {expected[alias]})"
        for (target, alias), got in actual.items()
        if got != expected[alias]
    }
    assert not wrong, json.dumps(wrong, indent=1, ensure_ascii=False)


def test_every_root_field_of_the_schema_is_in_the_matrix(gateway: Client) -> None:
    """A new query, mutation, municipality or county field fails here until it has its row."""
    assert set(MATRIX) == set(OPERATIONS)
    schema = _data(gateway.call(_ROOTS))
    fields = {
        f"{kind}.{field['name']}"
        for kind in ("Query", "Mutation", *ENTITIES)
        for field in schema[kind]["fields"]
    }
    assert fields - {name.split(" ")[0] for name in MATRIX} - NOT_IN_MATRIX == set()


_ROOTS = """{ Query: __type(name: "Query") { fields { name } }
  Mutation: __type(name: "Mutation") { fields { name } }
  Municipality: __type(name: "Municipality") { fields { name } }
  County: __type(name: "County") { fields { name } } }"""
