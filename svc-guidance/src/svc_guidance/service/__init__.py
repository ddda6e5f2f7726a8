"""Guidance's use cases, one module per part of the domain; each use case owns one transaction.

`intake` (nominations, requests and the municipality's answer), `advisers` (the team),
`engagements` (starting, planning, visits, ending), `effects` (what other services' events
change), `reads` (queries and batched fields). Calling convention: docs/patterns.md.
"""
