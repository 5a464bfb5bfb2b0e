"""Request dependencies: the service container and the caller's workspace (Bearer key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from docket.errors import DocketError, ErrorCode, InvalidRequest
from docket.services.executor import Executor
from docket.services.extraction import ExtractionService
from docket.services.files import FileService
from docket.services.keys import KeyService
from docket.services.processors import ProcessorService
from docket.services.runs import RunService
from docket.services.signing import UrlSigner
from docket.services.webhooks import WebhookService
from docket.settings import Settings

API_VERSION = "2026-02-09"


@dataclass
class Services:
    settings: Settings
    keys: KeyService
    files: FileService
    runs: RunService
    executor: Executor
    signer: UrlSigner
    processors: ProcessorService
    extraction: ExtractionService
    webhooks: WebhookService | None = None


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def workspace(request: Request) -> str:
    """The workspace of the Bearer key; 401 without a valid one."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise DocketError("missing Authorization: Bearer <api key>", code=ErrorCode.UNAUTHORIZED)
    version = request.headers.get("x-extend-api-version")
    if version and version != API_VERSION:
        raise InvalidRequest(f"unsupported x-extend-api-version {version!r}; use {API_VERSION}")
    ws = services(request).keys.authenticate(token.strip())
    if ws is None:
        raise DocketError("invalid API key", code=ErrorCode.UNAUTHORIZED)
    request.state.workspace_id = ws  # routers that read request.state (webhooks) see it too
    return ws


ServicesDep = Annotated[Services, Depends(services)]
WorkspaceDep = Annotated[str, Depends(workspace)]


def base_url(request: Request, svc: Services) -> str:
    configured = svc.settings.server.public_url
    return (configured or str(request.base_url)).rstrip("/")
