"""Extend-compatible /files routes (upload, list, get with presignedUrl, delete)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile

from docket.api.deps import ServicesDep, WorkspaceDep, base_url, workspace
from docket.api.extend.present import file_json, file_summary, list_json

router = APIRouter(tags=["files"], dependencies=[Depends(workspace)])

PageSize = Annotated[int, Query(alias="maxPageSize", ge=1, le=1000)]


@router.post("/files/upload")
def upload_file(
    ws: WorkspaceDep,
    svc: ServicesDep,
    file: Annotated[UploadFile, File()],
    password: Annotated[str | None, Form()] = None,
    convert_to_pdf: Annotated[bool, Query(alias="convertToPdf")] = False,
) -> dict[str, Any]:
    data = file.file.read(svc.files.max_bytes + 1)
    stored = svc.files.store(ws, file.filename or "upload", data, password)
    return file_json(stored)


@router.get("/files")
def list_files(
    ws: WorkspaceDep,
    svc: ServicesDep,
    name_contains: Annotated[str | None, Query(alias="nameContains")] = None,
    sort_dir: Annotated[Literal["asc", "desc"], Query(alias="sortDir")] = "desc",
    token: Annotated[str | None, Query(alias="nextPageToken")] = None,
    size: PageSize = 10,
) -> dict[str, Any]:
    page = svc.files.page(
        ws, name_contains=name_contains, ascending=sort_dir == "asc", token=token, size=size
    )
    return list_json(page, [file_summary(f) for f in page.items])


@router.get("/files/{file_id}")
def get_file(file_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request) -> dict[str, Any]:
    stored = svc.files.get(ws, file_id)
    url = base_url(request, svc) + svc.signer.sign(f"/files/{file_id}/content")
    return file_json(stored, presigned_url=url)


@router.delete("/files/{file_id}")
def delete_file(file_id: str, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
    return {"id": svc.files.delete(ws, file_id)}
