"""Grants' rules, pure Python, one module per part of the domain.

`applications` (schemes, the appropriation, eligibility and the application lifecycle),
`aftercare` (what follows an award: reporting duties and change requests).
"""
