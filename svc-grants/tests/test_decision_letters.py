"""A decision letter (PDF) with every decision, downloadable with the application's access."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import httpx
import pypdf

from shared.auth import issue_token
from svc_grants import letters
from svc_grants.app import SERVICE

DIRECTORATE = ["directorate"]
LETTER = """query($id: ID!) { grantApplication(id: $id) {
  decisionLetter { id title mediaType url } } }"""


async def letter_of(grants, application_id: str) -> dict[str, Any] | None:
    data = await grants.call(LETTER, {"id": application_id}, DIRECTORATE)
    return data["grantApplication"]["decisionLetter"]


async def download(grants, url: str, roles: list[str] | None) -> httpx.Response:
    """GET the document as a client does (the router forwards /grants/... to the service)."""
    headers = {}
    if roles is not None:
        headers["Authorization"] = f"Bearer {issue_token(roles, grants.runtime.settings)}"
    transport = httpx.ASGITransport(app=SERVICE.app(grants.runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://grants") as client:
        return await client.get(url.removeprefix("/grants"), headers=headers)


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


async def test_an_approval_has_a_letter_in_norwegian_with_all_a_decision_must_say(grants) -> None:
    scheme_id = await grants.scheme("1000000", year=2030)
    app = await grants.submit(scheme_id, "50000", enrolmentId=await grants.enrolment(term="2030H"))
    assert await letter_of(grants, app["id"]) is None  # undecided: no letter yet
    await grants.decide(app["id"], roles=DIRECTORATE, amountNok="40000")
    letter = await letter_of(grants, app["id"])
    assert letter["mediaType"] == "application/pdf"
    assert letter["title"] == "Vedtak om tilskudd – innvilget – Tilskudd 2030"
    assert letter["url"] == f"/grants/documents/{letter['id']}"
    response = await download(grants, letter["url"], ["municipality:5601"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(text_of(response.content).split())
    for expected in (
        "Alta kommune (5601)",
        "Søknaden er innvilget med NOK 40000.00",  # the amount
        "Begrunnelse: within the guidelines",
        "Vilkår",  # the conditions
        "Statusrapport skal leveres innen 02.10.2030 og sluttrapport innen 31.03.2031",
        "bevilgningsreglementet § 10",  # the legal basis
        "økonomistyring i staten",
        "Klagerett",  # the right to appeal
        "innen tre uker",
        "forvaltningsloven §§ 28 og 29",
        "Barne-, ungdoms- og familiedirektoratet",
    ):
        assert expected in text, expected


async def test_a_rejection_has_a_letter_too(grants) -> None:
    scheme_id = await grants.scheme()
    app = await grants.submit(scheme_id, enrolmentId=await grants.enrolment())
    await grants.decide(app["id"], "REJECT", roles=DIRECTORATE)
    letter = await letter_of(grants, app["id"])
    response = await download(grants, letter["url"], ["municipality:5601"])
    text = " ".join(text_of(response.content).split())
    assert "Søknaden er avslått. Begrunnelse: within the guidelines" in text
    assert "Klagerett" in text and "Rapportering" not in text


async def test_only_who_may_read_the_application_may_fetch_its_letter(grants) -> None:
    scheme_id = await grants.scheme()
    app = await grants.submit(scheme_id, enrolmentId=await grants.enrolment())
    await grants.decide(app["id"], roles=DIRECTORATE)
    url = (await letter_of(grants, app["id"]))["url"]
    for roles, status in (
        (["municipality:5601"], 200),
        (["county:56"], 200),  # Alta's county governor reads Alta's applications
        (DIRECTORATE, 200),
        (["municipality:5603"], 404),  # another municipality learns nothing, not even that
        (["county:11"], 404),
        (None, 401),
    ):
        response = await download(grants, url, roles)
        assert response.status_code == status, roles
        if status != 200:
            assert b"%PDF" not in response.content
    for missing in ("/documents/00000000-0000-0000-0000-000000000000", "/documents/nope"):
        response = await download(grants, missing, DIRECTORATE)
        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_project_letter_comes_from_the_county_governor_and_any_name_prints() -> None:
    decision = letters.Decision(
        municipality="5610",  # Kárášjohka - Karasjok: š is not Latin-1
        scheme_name="Stimuleringsmidler Finnmark",
        scheme_year=2030,
        scheme_kind="DEVELOPMENT_PROJECT",
        county="56",
        purpose="Felles fagteam – Kárášjohka og Guovdageaidnu",
        requested_ore=100_000_00,
        approved_ore=None,
        reason="Prosjektet mangler partner",
        decided_on=date(2030, 5, 2),
        reports_due={},
    )
    text = " ".join(text_of(letters.render(decision)).split())
    assert "Til: Kárásjohka - Karasjok kommune (5610)" in text  # š printed as s
    assert "Fra: Statsforvalteren i Finnmark" in text
    assert "Dato: 02.05.2030" in text
