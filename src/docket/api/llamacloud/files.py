"""LlamaCloud ``/api/v1/beta/files`` (upload, list, content link, delete) over Docket's files."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import File, Form, Query, Request, Response, UploadFile

from docket.api.deps import ServicesDep, WorkspaceDep, base_url
from docket.api.llamacloud.deps import OrganizationId, ProjectId, router
from docket.api.llamacloud.present import file_json

files_router = router("llamacloud-files")


@files_router.post("/beta/files")
def upload(
    ws: WorkspaceDep,
    svc: ServicesDep,
    file: Annotated[UploadFile, File()],
    purpose: Annotated[str, Form()],
    external_file_id: Annotated[str | None, Form()] = None,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    data = file.file.read(svc.files.max_bytes + 1)
    stored = svc.files.store(ws, file.filename or "upload", data)
    out = file_json(stored, ws, purpose)
    out["external_file_id"] = external_file_id
    return out


@files_router.get("/beta/files")
def list_files(
    ws: WorkspaceDep,
    svc: ServicesDep,
    file_name: Annotated[str | None, Query()] = None,
    file_ids: Annotated[list[str] | None, Query()] = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 50,
    page_token: Annotated[str | None, Query()] = None,
    order_by: Annotated[str | None, Query()] = None,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    """Cursor pages (``items``, ``next_page_token``); ``file_name`` is an exact match."""
    if file_ids:
        found = svc.files.summaries(file_ids)
        items = [found[i] for i in file_ids if i in found and found[i].workspace_id == ws]
        return {"items": [file_json(f, ws) for f in items], "next_page_token": None}
    ascending = bool(order_by) and "desc" not in (order_by or "")
    page = svc.files.page(
        ws, name_contains=file_name, ascending=ascending, token=page_token, size=page_size
    )
    items = [f for f in page.items if file_name is None or f.name == file_name]
    return {
        "items": [file_json(f, ws) for f in items],
        "next_page_token": page.next_token,
        "total_size": None,
    }


@files_router.get("/beta/files/{file_id}/content")
def content_link(
    file_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    request: Request,
    expires_at_seconds: Annotated[int | None, Query()] = None,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    """A signed download link (Docket's ``/files/{id}/content``), LlamaCloud's PresignedURL."""
    svc.files.get(ws, file_id)
    path = svc.signer.sign(f"/files/{file_id}/content")
    expires = int(parse_qs(urlsplit(path).query)["expires"][0])
    return {
        "url": base_url(request, svc) + path,
        "expires_at": datetime.fromtimestamp(expires, UTC).isoformat(),
        "form_fields": None,
    }


@files_router.delete("/beta/files/{file_id}", status_code=204)
def delete(
    file_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> Response:
    svc.files.delete(ws, file_id)
    return Response(status_code=204)
