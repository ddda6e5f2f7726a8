"""Education's rules, pure Python, one module per part of the domain.

`checks` (terms, references, pseudonyms), `enrolments` (seats, the waiting list, withdrawals,
completions, totals), `support` (the service-support programme), `workforce` (competence).
"""
