"""The one place errors become HTTP responses (Extend's flat error body).

``{code, message, retryable, requestId[, runId]}`` plus the ``x-extend-request-id`` header. Once a
request has created a run (``request.state.run_id``), a 5xx status would make the SDK retry the
POST and create a second run, so such errors are answered with 422 instead (the SDK types 422
bodies as ``ApiError``, so ``err.body.run_id`` names the run to poll).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from docket.errors import DocketError, ErrorCode, code_info

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "x-extend-request-id"


def request_id(request: Request) -> str | None:
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else None


def render(
    code: ErrorCode,
    message: str,
    rid: str | None,
    *,
    run_id: str | None = None,
    status: int | None = None,
) -> JSONResponse:
    http, retryable = code_info(code)
    http = status or http
    if run_id is not None and http >= 500:
        http = 422
    body: dict[str, Any] = {
        "code": code.value,
        "message": message,
        "retryable": retryable,
        "requestId": rid,
    }
    if run_id is not None:
        body["runId"] = run_id
    headers = {REQUEST_ID_HEADER: rid} if rid else None
    return JSONResponse(body, status_code=http, headers=headers)


def _run_id(request: Request, exc: DocketError | None = None) -> str | None:
    found = exc.details.get("run_id") if exc is not None else None
    if isinstance(found, str):
        return found
    rid = getattr(request.state, "run_id", None)
    return rid if isinstance(rid, str) else None


async def _docket(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DocketError)
    return render(exc.code, exc.message, request_id(request), run_id=_run_id(request, exc))


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path"))


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for err in exc.errors()[:5]:
        where = _loc(tuple(err.get("loc", ())))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return render(
        ErrorCode.INVALID_REQUEST, "; ".join(parts) or "invalid request", request_id(request)
    )


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = {
        401: ErrorCode.UNAUTHORIZED,
        404: ErrorCode.NOT_FOUND,
        413: ErrorCode.FILE_SIZE_TOO_LARGE,
        429: ErrorCode.RATE_LIMIT_EXCEEDED,
    }.get(
        exc.status_code,
        ErrorCode.INVALID_REQUEST if exc.status_code < 500 else ErrorCode.INTERNAL_ERROR,
    )
    message = str(exc.detail) if exc.detail else "request failed"
    if exc.status_code == 404 and message == "Not Found":
        message = f"no route {request.method} {request.url.path}"
    return render(code, message, request_id(request), status=exc.status_code)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return render(
        ErrorCode.INTERNAL_ERROR, "internal error", request_id(request), run_id=_run_id(request)
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(DocketError, _docket)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
