"""LlamaCloud's error shape for every LlamaCloud route: FastAPI's ``{"detail": ...}`` body.

The Extend error handlers are app-wide, so LlamaCloud routers use :class:`LlamaRoute`, which
renders failures itself before they reach those handlers. The status comes from the error code
(``docket.errors.code_info``), so the SDK raises its matching class (400 ``BadRequestError``,
401 ``AuthenticationError``, 404 ``NotFoundError``, 422 ``UnprocessableEntityError``).
Request-validation failures keep FastAPI's native 422 list body, as LlamaCloud answers them.
Once a request has created a run, a 5xx becomes 422: the SDK retries 5xx answers, and a retried
POST would create a second job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from docket.api.errors import REQUEST_ID_HEADER, request_id
from docket.errors import DocketError, ErrorCode, code_info

log = logging.getLogger(__name__)


def detail_response(
    request: Request, status: int, detail: Any, code: ErrorCode | None = None
) -> JSONResponse:
    if status >= 500 and getattr(request.state, "run_id", None):
        status = 422
    body: dict[str, Any] = {"detail": detail}
    if code is not None:
        body["code"] = code.value
    rid = request_id(request)
    headers = {REQUEST_ID_HEADER: rid} if rid else None
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers)


def render_exception(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, DocketError):
        return detail_response(request, code_info(exc.code)[0], exc.message, exc.code)
    if isinstance(exc, RequestValidationError):
        errors = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in exc.errors()[:20]]
        return detail_response(request, 422, errors)
    if isinstance(exc, HTTPException):
        return detail_response(request, exc.status_code, exc.detail)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return detail_response(request, 500, "internal error", ErrorCode.INTERNAL_ERROR)


class LlamaRoute(APIRoute):
    """An APIRoute whose failures (auth, validation, service errors) answer ``{"detail"}``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                return render_exception(request, exc)

        return guarded
