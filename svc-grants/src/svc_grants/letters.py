"""Decision letters: the text of a grant decision in Norwegian, rendered as a PDF with fpdf2.

The letter says what a decision under the Public Administration Act must say: the decision
and its grounds, the legal basis, the amount and the conditions, the reporting duties, and the
right to appeal (forvaltningsloven §§ 24–25 and 27). fpdf2's built-in Helvetica is Latin-1, which
has æ, ø and å; a letter in any other alphabet (a Sámi name with š, say) falls back to the letter
without its accent rather than failing the decision.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from shared import reference
from shared.money import format_nok
from svc_grants.domain.applications import SchemeKind

MEDIA_TYPE = "application/pdf"


@dataclass(frozen=True, slots=True)
class Decision:
    """What a decision letter is about."""

    municipality: str
    scheme_name: str
    scheme_year: int
    scheme_kind: str
    county: str | None  # project funds: the county whose governor decides
    purpose: str
    requested_ore: int
    approved_ore: int | None  # None: rejected
    reason: str
    decided_on: date
    reports_due: dict[str, date]  # STATUS and FINAL (approved only)


def title(decision: Decision) -> str:
    outcome = "innvilget" if decision.approved_ore is not None else "avslag"
    return f"Vedtak om tilskudd – {outcome} – {decision.scheme_name} {decision.scheme_year}"


def paragraphs(decision: Decision) -> list[tuple[str, str]]:
    """The letter as (heading, text) pairs; an empty heading is plain text."""
    found = reference.municipality(decision.municipality)
    name = f"{found.name} kommune" if found else f"kommune {decision.municipality}"
    sender = _administrator(decision)
    parts = [
        (
            "",
            f"Til: {name} ({decision.municipality})\nFra: {sender}\n"
            f"Dato: {decision.decided_on.strftime('%d.%m.%Y')}",
        ),
        (
            "",
            f"Vi viser til søknaden om tilskudd fra ordningen «{decision.scheme_name}» "
            f"for {decision.scheme_year}, om NOK {format_nok(decision.requested_ore)} til: "
            f"{decision.purpose}",
        ),
    ]
    if decision.approved_ore is not None:
        status_due = decision.reports_due["STATUS"].strftime("%d.%m.%Y")
        final_due = decision.reports_due["FINAL"].strftime("%d.%m.%Y")
        parts += [
            (
                "Vedtak",
                f"Søknaden er innvilget med NOK {format_nok(decision.approved_ore)}. "
                f"Begrunnelse: {decision.reason}",
            ),
            (
                "Vilkår",
                "Tilskuddet skal brukes til formålet som er beskrevet i søknaden. "
                "Midler som ikke er brukt, eller som er brukt i strid med vilkårene, "
                "kan kreves tilbakebetalt. Endringer i tid eller budsjett må søkes om "
                "før de gjennomføres.",
            ),
            (
                "Rapportering",
                f"Statusrapport skal leveres innen {status_due} og sluttrapport "
                f"innen {final_due}. Siste utbetaling skjer når sluttrapporten "
                "er godkjent.",
            ),
        ]
    else:
        parts.append(("Vedtak", f"Søknaden er avslått. Begrunnelse: {decision.reason}"))
    parts += [
        (
            "Hjemmel",
            "Vedtaket er fattet med hjemmel i Stortingets bevilgning for "
            f"{decision.scheme_year}, bevilgningsreglementet § 10, reglement for "
            "økonomistyring i staten kapittel 6 og regelverket for ordningen.",
        ),
        (
            "Klagerett",
            "Dere kan klage på vedtaket innen tre uker fra det er mottatt, jf. "
            "forvaltningsloven §§ 28 og 29. Klagen sendes til "
            f"{sender}, som sender den videre til klageinstansen om vedtaket ikke "
            "endres. Dere har rett til å se sakens dokumenter, jf. "
            "forvaltningsloven § 18.",
        ),
    ]
    return parts


def render(decision: Decision) -> bytes:
    # Imported here: fpdf2 loads fontTools, about a second of every grants process's start
    # (its migrate step too) that only a letter needs.
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(_latin1(title(decision)))
    pdf.set_author("Kompetanseløftet for det kommunale barnevernet")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _latin1(title(decision)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for heading, text in paragraphs(decision):
        if heading:
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 7, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def _administrator(decision: Decision) -> str:
    if decision.scheme_kind == SchemeKind.DEVELOPMENT_PROJECT and decision.county:
        county = reference.county(decision.county)
        return f"Statsforvalteren i {county.name if county else decision.county}"
    return "Barne-, ungdoms- og familiedirektoratet (Bufdir)"


def _latin1(text: str) -> str:
    """Latin-1 as it is (æøå included); other letters without their accents."""
    return "".join(
        char
        if ord(char) < 256
        else unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        for char in text.replace("–", "-")
    )
