"""Grants' use cases, one module per part of the domain; each use case owns one transaction.

`schemes` (the directorate's schemes and budgets), `applications` (the lifecycle, as clients
drive it), `effects` (what other services' events change), `reads` (queries and batched fields).
The calling convention and where authorization lives: docs/patterns.md.
"""
