"""Grants' HTTP routes beside the subgraph: downloading a document with the caller's token.

Clients reach it through the router at `/grants/documents/<id>` (the path `Document.url`
gives); the router forwards it here as `/documents/<id>` with the Authorization header.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from shared.auth import principal_from_header
from shared.errors import DomainError
from shared.runtime import ServiceRuntime
from svc_grants.service import documents

STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}


def document_url(document_id: object) -> str:
    """Where a client fetches a document: a path on the router."""
    return f"/grants/documents/{document_id}"


def routes(runtime: ServiceRuntime) -> list[BaseRoute]:
    async def download(request: Request) -> Response:
        try:
            principal = principal_from_header(
                request.headers.get("authorization"), runtime.settings
            )
            found = await documents.document(
                runtime, principal, document_id=request.path_params["id"]
            )
        except DomainError as error:
            body = {"errors": [{"message": error.message, "extensions": error.extensions}]}
            return JSONResponse(body, status_code=STATUS.get(error.code, 400))
        return Response(
            found.content,
            media_type=found.media_type,
            headers={"Content-Disposition": f'inline; filename="vedtak-{found.id}.pdf"'},
        )

    return [Route("/documents/{id}", download, methods=["GET"])]
