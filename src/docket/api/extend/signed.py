"""Downloads behind signed URLs (``presignedUrl``, ``outputUrl``): the URL is the key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from docket.api.deps import ServicesDep
from docket.api.extend.parse_runs import output_json
from docket.errors import DocketError, ErrorCode, NotFound

router = APIRouter(tags=["signed"])

Expires = Annotated[int, Query()]
Signature = Annotated[str, Query()]


def _check(svc: ServicesDep, request: Request, expires: int, signature: str) -> None:
    if not svc.signer.verify(request.url.path, expires, signature):
        raise DocketError("the link is invalid or expired", code=ErrorCode.UNAUTHORIZED)


@router.get("/files/{file_id}/content")
def file_content(
    file_id: str, request: Request, svc: ServicesDep, expires: Expires, signature: Signature
) -> Response:
    _check(svc, request, expires, signature)
    stored = svc.files.summaries([file_id]).get(file_id)
    if stored is None:
        raise NotFound(f"File {file_id} not found")
    return Response(
        svc.files.content(stored), media_type=stored.media_type or "application/octet-stream"
    )


@router.get("/parse_runs/{run_id}/output")
def parse_output(
    run_id: str, request: Request, svc: ServicesDep, expires: Expires, signature: Signature
) -> Response:
    _check(svc, request, expires, signature)
    run = svc.runs.get_any(run_id)
    return Response(output_json(svc, run), media_type="application/json")
