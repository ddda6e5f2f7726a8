"""Three small Federation-2 strawberry subgraphs shaped like the real ones, for gateway tests.

- education owns the roots `municipalities`, `municipality`, `counties`, `search` (a union),
  `places` (an interface), `Municipality { number name county enrolments }`, `County`,
  `Enrolment`, `Offering` and `Institution { id name }`. Municipalities have 0, 1 or 2
  enrolments, so lists are uneven.
- grants adds `Municipality { grantEligibility grantLabel riskyGrant }` (riskyGrant fails
  for numbers ending in 7; `GrantEligibility.scheme` for municipality 0005; and
  `GrantEligibility.municipality` leads back to education), the root `grantSchemes` and the
  mutation `submitGrantApplication` (BAD_USER_INPUT on `amountNok` for a negative amount).
- networks adds `Municipality.learningNetwork` and `Institution.partnerSince`, so
  Municipality → enrolments → offering → institution → partnerSince crosses back at level 4.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from shared.errors import BadUserInput, NotFound

FEDERATION_VERSION = "2.7"  # strawberry's default 2.11 is refused by federation-composition 0.27
COUNT = 357
NUMBERS = [f"{i:04d}" for i in range(1, COUNT + 1)]
INSTITUTIONS = {"uis": "Universitetet i Stavanger", "uit": "UiT", "ntnu": "NTNU"}


def county_of(number: str) -> str:
    return f"{int(number) % 15 + 1:02d}"


def enrolment_count(number: str) -> int:
    return int(number) % 3


# --- education -------------------------------------------------------------------------


@strawberry.enum
class EnrolmentStatus(Enum):
    ACTIVE = "ACTIVE"
    WAITLISTED = "WAITLISTED"


@strawberry.federation.type(keys=["id"])
class Institution:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Institution:
        return cls(id=id, name=INSTITUTIONS[id])


@strawberry.type
class Offering:
    id: strawberry.ID
    term: str
    institution: Institution


@strawberry.type
class Enrolment:
    id: strawberry.ID
    status: EnrolmentStatus
    offering: Offering


@strawberry.interface
class Place:
    number: str

    @strawberry.field
    def name(self) -> str:
        raise NotImplementedError


@strawberry.federation.type(keys=["number"])
class County(Place):
    number: str

    @strawberry.field
    def name(self) -> str:
        return f"Fylke {self.number}"

    @strawberry.field
    def municipalities(self) -> list[EduMunicipality]:
        return [EduMunicipality(number=n) for n in NUMBERS if county_of(n) == self.number]

    @classmethod
    def resolve_reference(cls, number: str) -> County:
        return cls(number=number)


@strawberry.federation.type(keys=["number"], name="Municipality")
class EduMunicipality(Place):
    number: str

    @strawberry.field
    def name(self) -> str:
        return f"Kommune {self.number}"

    @strawberry.field
    def county(self) -> County:
        return County(number=county_of(self.number))

    @strawberry.field
    def enrolments(self) -> list[Enrolment]:
        institutions = list(INSTITUTIONS)
        return [
            Enrolment(
                id=strawberry.ID(f"{self.number}-{i}"),
                status=EnrolmentStatus.ACTIVE if i == 0 else EnrolmentStatus.WAITLISTED,
                offering=Offering(
                    id=strawberry.ID(f"o{i}"),
                    term="2019H",
                    institution=Institution.resolve_reference(
                        strawberry.ID(institutions[(int(self.number) + i) % 3])
                    ),
                ),
            )
            for i in range(enrolment_count(self.number))
        ]

    @classmethod
    def resolve_reference(cls, number: str) -> EduMunicipality:
        return cls(number=number)


SearchResult = Annotated[EduMunicipality | County, strawberry.union("SearchResult")]


@strawberry.type
class EduQuery:
    @strawberry.field
    def municipalities(self, county: str | None = None) -> list[EduMunicipality]:
        return [EduMunicipality(number=n) for n in NUMBERS if county in (None, county_of(n))]

    @strawberry.field
    def municipality(self, number: str) -> EduMunicipality | None:
        if number not in NUMBERS:
            raise NotFound(f"no municipality {number}")
        return EduMunicipality(number=number)

    @strawberry.field
    def counties(self) -> list[County]:
        return [County(number=f"{i:02d}") for i in range(1, 16)]

    @strawberry.field
    def places(self) -> list[Place]:
        return [EduMunicipality(number="0010"), County(number="03")]

    @strawberry.field
    def search(self, term: str) -> list[SearchResult]:
        return [EduMunicipality(number=term.zfill(4)), County(number=term.zfill(2)[-2:])]


education_schema = strawberry.federation.Schema(
    query=EduQuery, federation_version=FEDERATION_VERSION
)


# --- grants ----------------------------------------------------------------------------


@strawberry.type
class GrantScheme:
    id: strawberry.ID
    name: str
    year: int


@strawberry.type
class GrantEligibility:
    enrolment_id: strawberry.ID
    status: str

    @strawberry.field
    def scheme(self) -> GrantScheme | None:
        if self.enrolment_id.startswith("0005"):
            raise NotFound("the scheme of 2019 is not created yet")
        return GrantScheme(id=strawberry.ID("s2019"), name="Arbeidsgivertilskudd", year=2019)

    @strawberry.field
    def municipality(self) -> GrantsMunicipality:
        return GrantsMunicipality(number=self.enrolment_id[:4])


@strawberry.federation.type(keys=["number"], name="Municipality")
class GrantsMunicipality:
    number: str

    @strawberry.field
    def grant_eligibility(self) -> list[GrantEligibility]:
        return [
            GrantEligibility(enrolment_id=strawberry.ID(f"{self.number}-{i}"), status="ELIGIBLE")
            for i in range(enrolment_count(self.number))
        ]

    @strawberry.field
    def grant_label(self) -> str:
        return f"grants for {self.number}"

    @strawberry.field
    def risky_grant(self) -> str | None:
        if self.number.endswith("7"):
            raise NotFound(f"no grant for {self.number}")
        return f"grant {self.number}"

    @classmethod
    def resolve_reference(cls, number: str) -> GrantsMunicipality:
        return cls(number=number)


@strawberry.type
class GrantApplication:
    id: strawberry.ID
    amount_nok: str
    municipality: GrantsMunicipality


@strawberry.type
class GrantsQuery:
    @strawberry.field
    def grant_schemes(self, year: int | None = None) -> list[GrantScheme]:
        return [GrantScheme(id=strawberry.ID("s2019"), name="Arbeidsgivertilskudd", year=2019)]


@strawberry.type
class GrantsMutation:
    @strawberry.mutation
    def submit_grant_application(self, municipality: str, amount_nok: str) -> GrantApplication:
        if amount_nok.startswith("-"):
            raise BadUserInput("amountNok", "must be a positive amount")
        return GrantApplication(
            id=strawberry.ID("a1"),
            amount_nok=amount_nok,
            municipality=GrantsMunicipality(number=municipality),
        )


def grants_schema(*extra_types: type) -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=GrantsQuery,
        mutation=GrantsMutation,
        types=[GrantsMunicipality, *extra_types],
        federation_version=FEDERATION_VERSION,
    )


# --- networks --------------------------------------------------------------------------


@strawberry.type
class LearningNetwork:
    id: strawberry.ID
    name: str


@strawberry.federation.type(keys=["id"], name="Institution")
class NetworksInstitution:
    id: strawberry.ID

    @strawberry.field
    def partner_since(self) -> int:
        return 2017 + len(self.id)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> NetworksInstitution:
        return cls(id=id)


@strawberry.federation.type(keys=["number"], name="Municipality")
class NetworksMunicipality:
    number: str

    @strawberry.field
    def learning_network(self) -> LearningNetwork | None:
        county = county_of(self.number)
        return LearningNetwork(id=strawberry.ID(f"n{county}"), name=f"Nettverk {county}")

    @classmethod
    def resolve_reference(cls, number: str) -> NetworksMunicipality:
        return cls(number=number)


@strawberry.type
class NetworksQuery:
    @strawberry.field
    def learning_networks(self) -> list[LearningNetwork]:
        return [LearningNetwork(id=strawberry.ID("n01"), name="Nettverk 01")]


networks_schema = strawberry.federation.Schema(
    query=NetworksQuery,
    types=[NetworksMunicipality, NetworksInstitution],
    federation_version=FEDERATION_VERSION,
)


# --- grants, another release: a field added ----------------------------------------------


@strawberry.federation.type(keys=["number"], name="Municipality")
class GrantsMunicipalityV2:
    number: str

    @strawberry.field
    def grant_label(self) -> str:
        return f"grants for {self.number}"

    @strawberry.field
    def grant_total_nok(self) -> str:
        return f"{int(self.number) * 1000}.00"

    @classmethod
    def resolve_reference(cls, number: str) -> GrantsMunicipalityV2:
        return cls(number=number)


def grants_v2_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=GrantsQuery, types=[GrantsMunicipalityV2], federation_version=FEDERATION_VERSION
    )
