"""Request ids and body-size limits, as plain ASGI so they also cover streamed bodies.

Uploads (multipart) may be up to the file limit plus form overhead; every other body up to the
JSON limit. A declared ``Content-Length`` over the limit is refused before reading; a streamed
body is counted and cut off as it arrives.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docket.api.errors import REQUEST_ID_HEADER, render
from docket.errors import DocketError, ErrorCode
from docket.services.ids import new_id

_FORM_OVERHEAD = 64 * 1024


class BodyTooLarge(DocketError):
    pass


class RequestContext:
    def __init__(self, app: ASGIApp, max_json_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_json = max_json_bytes
        self.max_upload = max_upload_bytes + _FORM_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = new_id("req")
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = rid
        headers = dict(scope.get("headers") or [])
        upload = headers.get(b"content-type", b"").startswith(b"multipart/")
        limit = self.max_upload if upload else self.max_json
        code = ErrorCode.FILE_SIZE_TOO_LARGE if upload else ErrorCode.INVALID_REQUEST
        what = "upload" if upload else "request body"
        message = f"the {what} is larger than {limit} bytes"

        async def send_with_id(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                hdrs = list(msg.get("headers", []))
                if not any(k.lower() == REQUEST_ID_HEADER.encode() for k, _ in hdrs):
                    hdrs.append((REQUEST_ID_HEADER.encode(), rid.encode()))
                msg["headers"] = hdrs
            await send(msg)

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            status = 413 if upload else 400
            await render(code, message, rid, status=status)(scope, receive, send_with_id)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(message, code=code)
            return msg

        await self.app(scope, counted, send_with_id)
