"""Education's use cases, one module per part of the domain; each owns one transaction.

`catalogue` (programmes, institutions, offerings, totals), `enrolments` (registration, the
waiting list, withdrawals, completions), `support` (the service-support programme),
`workforce` (competence). The calling convention and where authorization lives:
docs/patterns.md.
"""
