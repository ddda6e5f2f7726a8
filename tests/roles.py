"""The callers the authorization matrix and the fuzzing run as: one of each kind of role, and a
second of the scoped ones (another municipality, governor, institution)."""

ALTA = "5601"  # Finnmark (56), served by the Troms og Finnmark governor

ROLES: dict[str, str | None] = {
    "anon": None,
    "muni": f"municipality:{ALTA}",
    "muni2": "municipality:1103",  # Stavanger, Rogaland
    "gov": "governor:troms-finnmark",  # serves 55 and 56
    "gov2": "governor:rogaland",
    "inst": "institution:uit",
    "inst2": "institution:uis",
    "dir": "directorate",
}
