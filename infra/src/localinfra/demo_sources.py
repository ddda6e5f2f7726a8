"""The demo data's provenance: the source documents its facts come from, and the labels.

Every record the demo writes carries `demo` and `source` (shared.provenance). A record whose
every figure is in a source document has `demo: false` and a source naming the document and the
figure as stated there; a record with anything invented has `demo: true` and a source saying
what is sourced and what is invented. The documents are the Norwegian originals, named by title
and year.
"""

from __future__ import annotations

from shared import reference

STRATEGY = "Kompetansestrategi for det kommunale barnevernet 2018–2024 (the strategy document)"
NIFU_NEWS = "Bufdir, news on NIFU's evaluation of Tjenestestøtteprogrammet (2018)"
PRESS_RELEASE = (
    "Bufdir, press release «Kommuner styrker og utvikler barneverntjenesten sin» (6 June 2018)"
)
ROGALAND_NEWS = "Fylkesmannen i Rogaland, «Det kommunale barnevernet skal styrkast» (2018)"

Provenance = dict[str, bool | str]


def fact(document: str, figure: str) -> Provenance:
    """Nothing invented: the figure as the document states it."""
    return {"demo": False, "source": f"{document}: {figure}"}


def partly(document: str, figure: str, invented: str) -> Provenance:
    """A sourced fact with invented details: demo, saying which is which."""
    return {"demo": True, "source": f"{document}: {figure}. Invented for the demo: {invented}"}


def invented(what: str) -> Provenance:
    return {"demo": True, "source": f"Invented for the demo: {what}"}


def county_name_2018(county: str) -> str:
    """A county's Norwegian name in 2018 ("Nordland - Nordlánnda" → "Nordland")."""
    name = reference.county_name_in(county, 2018)
    assert name is not None, f"county {county} existed in 2018"
    return name.split(" - ")[0]
