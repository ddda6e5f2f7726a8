"""Networks' use cases, one module per part of the domain; each use case owns one transaction.

`networks` (creating a network, members joining and leaving), `plans` (drafts, the network's
decision, members' approvals), `projects` (proposals, start, completion), `dialogue` (meetings
and risk self-assessments), `effects` (what grants' events change), `reads` (queries and
batched fields), `state` (a network's state loaded for a change). The calling convention and
where authorization lives: docs/patterns.md.
"""
