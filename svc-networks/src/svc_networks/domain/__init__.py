"""Networks' rules, pure Python, no I/O: one module per part of the domain.

`networks` (a county's learning network and its memberships), `plans` (versioned competence
plans and their approvals), `projects` (development projects, their budget and lifecycle),
`dialogue` (the governor's dialogue meetings and the municipalities' risk self-assessments).
"""
