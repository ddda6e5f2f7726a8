"""`python -m shared.token ROLE...`: prints a local HS256 token and nothing else."""

from __future__ import annotations

import sys

from shared.auth import issue_token
from shared.settings import AuthSettings


def main(argv: list[str]) -> int:
    roles = [role for arg in argv for role in arg.split(",") if role]
    if not roles:
        print(
            "usage: make token "
            "ROLE=<directorate|governor:OFFICE|county:NN|municipality:NNNN|institution:ID>",
            file=sys.stderr,
        )
        return 2
    try:
        print(issue_token(roles, AuthSettings()))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
