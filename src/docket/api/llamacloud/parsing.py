"""LlamaParse v2 (``/api/v2/parse``): ``client.parsing`` of the ``llama-cloud`` SDK, 1.x and
2.x alike (create by file id, URL or upload; get with ``expand``; list; and in 2.x cancel and
delete).

A parse job is a Docket parse run (job id = run id, Extend's ``/parse_runs`` sees it too), so
it is parsed by the same pipeline. ``tier`` and ``version`` are echoed: Docket has one parser.
``page_ranges`` (``target_pages``, ``max_pages``) select the pages; the other option groups
(processing, output, input, crop box, agentic prompts) are accepted and not applied. Saved
parse configurations and per-job webhooks are refused with a 400 saying so.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import Field, ValidationError

from docket.api.deps import Services, ServicesDep, WorkspaceDep, workspace
from docket.api.llamacloud.deps import OrganizationId, ProjectId
from docket.api.llamacloud.parsing_present import FROM_STATUS, LLAMA_KEY, job_json, outputs
from docket.api.llamacloud.route import LlamaRoute
from docket.api.llamacloud.v2_filters import stamp, within
from docket.api.llamacloud.wire import Wire
from docket.domain.document import ParsedDocument
from docket.domain.parse_options import PageRange, ParseOptions, parse_page_spec
from docket.domain.runs import Run, RunStatus, StoredFile
from docket.errors import InvalidConfigOptions, InvalidRequest, NotFound
from docket.services.files import ByUrl

KIND: Final = "parse"
parsing_router = APIRouter(
    prefix="/api/v2",
    tags=["llamacloud-parse"],
    route_class=LlamaRoute,
    dependencies=[Depends(workspace)],
)
Expand = Annotated[list[str] | None, Query()]


class PageRanges(Wire):
    max_pages: int | None = Field(default=None, ge=1)
    target_pages: str | None = None


class ParseConfig(Wire):
    """The options of a parse request (the upload route sends them as ``configuration``)."""

    tier: str = "fast"
    version: str = "latest"
    configuration_id: str | None = None
    page_ranges: PageRanges | None = None
    source_url: str | None = None
    user_metadata: dict[str, str] | None = None
    webhook_configuration_ids: list[str] | None = None
    webhook_configurations: list[dict[str, Any]] | None = None


class ParseCreate(ParseConfig):
    file_id: str | None = None


def selected(ranges: PageRanges | None) -> list[PageRange] | None:
    """``target_pages`` (1-based ``"1,3-5"``), cut to the first ``max_pages`` of them."""
    if ranges is None:
        return None
    picked: list[PageRange] | None = None
    if ranges.target_pages and ranges.target_pages.strip():
        try:
            picked = parse_page_spec(ranges.target_pages)
        except ValueError as exc:
            raise InvalidConfigOptions(
                f"page_ranges.target_pages {ranges.target_pages!r} is not a list of pages or "
                f"ranges like '1,3,5-7' ({exc})"
            ) from None
    if ranges.max_pages is None:
        return picked
    if picked is None:
        return [PageRange(start=1, end=ranges.max_pages)]
    out: list[PageRange] = []
    left = ranges.max_pages
    for r in picked:
        if left <= 0:
            break
        end = min(r.end, r.start + left - 1)
        out.append(PageRange(start=r.start, end=end))
        left -= end - r.start + 1
    return out


def _check(conf: ParseConfig) -> None:
    if conf.configuration_id:
        raise InvalidRequest("configuration_id: Docket has no saved parse configurations")
    if conf.webhook_configuration_ids or any(
        h.get("webhook_url") for h in conf.webhook_configurations or []
    ):
        raise InvalidRequest(
            "parse job webhooks are not delivered by Docket; subscribe a Docket webhook endpoint "
            "to parse_run events instead"
        )


def _start(
    svc: Services, ws: str, file: StoredFile, conf: ParseConfig, request: Request
) -> dict[str, Any]:
    options = ParseOptions(page_ranges=selected(conf.page_ranges))
    config = {
        "echo": {},
        "options": options.model_dump(mode="json"),
        LLAMA_KEY: {"tier": conf.tier, "version": conf.version},
    }
    run = svc.runs.create(ws, KIND, file, config, conf.user_metadata)
    request.state.run_id = run.id  # a later 5xx must not make the SDK retry (a second job)
    return job_json(run, file.name)


@parsing_router.post("/parse")
def create(
    body: ParseCreate,
    ws: WorkspaceDep,
    svc: ServicesDep,
    request: Request,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    _check(body)
    if (body.file_id is None) == (body.source_url is None):
        raise InvalidRequest("give exactly one of file_id or source_url (or upload the file)")
    if body.file_id is not None:
        file = svc.files.get(ws, body.file_id)
    else:
        assert body.source_url is not None
        file = svc.files.resolve(ws, ByUrl(body.source_url))
    return _start(svc, ws, file, body, request)


@parsing_router.post("/parse/upload")
def upload(
    ws: WorkspaceDep,
    svc: ServicesDep,
    request: Request,
    file: Annotated[UploadFile, File()],
    configuration: Annotated[str, Form()] = "{}",
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    try:
        conf = ParseConfig.model_validate(json.loads(configuration or "{}"))
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"configuration is not valid JSON ({exc.msg})") from None
    except ValidationError as exc:
        raise InvalidRequest(f"configuration: {exc.errors()[0].get('msg')}") from None
    _check(conf)
    stored = svc.files.store(ws, file.filename or "upload", file.file.read(svc.files.max_bytes + 1))
    return _start(svc, ws, stored, conf, request)


def _job(svc: Services, ws: str, job_id: str) -> Run:
    try:
        return svc.runs.get(ws, KIND, job_id)
    except NotFound:
        raise NotFound(f"Parse job {job_id} not found") from None


def _name(svc: Services, run: Run) -> str | None:
    found = svc.files.summaries([run.file_id]).get(run.file_id)
    return found.name if found is not None else None


@parsing_router.get("/parse/{job_id}")
def get(
    job_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    expand: Expand = None,
    image_filenames: Annotated[str | None, Query()] = None,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    """The job; with ``expand``, the outputs of a COMPLETED job (text, markdown, items,
    metadata, job_metadata, text_full, markdown_full)."""
    run = _job(svc, ws, job_id)
    out: dict[str, Any] = {"job": job_json(run, _name(svc, run))}
    if expand and run.status is RunStatus.PROCESSED and run.output_key is not None:
        doc = ParsedDocument.model_validate_json(svc.runs.output(run))
        out.update(outputs(doc, set(expand)))
    return out


def _in_window(run: Run, after: datetime | None, before: datetime | None) -> bool:
    return within(run.created_at, after, before)


@parsing_router.get("/parse")
def list_jobs(
    ws: WorkspaceDep,
    svc: ServicesDep,
    status: Annotated[str | None, Query()] = None,
    job_ids: Annotated[list[str] | None, Query()] = None,
    created_at_on_or_after: Annotated[str | None, Query()] = None,
    created_at_on_or_before: Annotated[str | None, Query()] = None,
    page_size: Annotated[int | None, Query(ge=1, le=1000)] = None,
    page_token: Annotated[str | None, Query()] = None,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    """Newest first, cursor pages; a page is never empty while another follows."""
    after = stamp(created_at_on_or_after, "created_at_on_or_after")
    before = stamp(created_at_on_or_before, "created_at_on_or_before")
    if status is not None and status not in FROM_STATUS:
        raise InvalidRequest(f"status must be one of {', '.join(FROM_STATUS)}")
    run_status = FROM_STATUS[status] if status else None
    if job_ids:
        found = []
        for job_id in job_ids:
            try:
                found.append(svc.runs.get(ws, KIND, job_id))
            except NotFound:
                continue
        kept = [
            r
            for r in found
            if (run_status is None or r.status is run_status) and _in_window(r, after, before)
        ]
        return {"items": [job_json(r, _name(svc, r)) for r in kept], "next_page_token": None}
    token = page_token
    while True:
        page = svc.runs.page(
            ws,
            KIND,
            status=run_status.value if run_status else None,
            token=token,
            size=page_size or 50,
        )
        items = [r for r in page.items if _in_window(r, after, before)]
        token = page.next_token
        if items or not token:
            break
    names = svc.files.summaries([r.file_id for r in items])
    return {
        "items": [
            job_json(r, names[r.file_id].name if r.file_id in names else None) for r in items
        ],
        "next_page_token": token,
    }


@parsing_router.post("/parse/{job_id}/cancel")
def cancel(
    job_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    _job(svc, ws, job_id)
    run = svc.runs.cancel(ws, KIND, job_id)
    return job_json(run, _name(svc, run))


@parsing_router.delete("/parse/{job_id}")
def delete(
    job_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    """Only a finished (COMPLETED, FAILED, CANCELLED) job; cancel a running one first."""
    run = _job(svc, ws, job_id)
    if not run.status.terminal:
        raise InvalidRequest(f"parse job {job_id} is still running; cancel it first")
    svc.runs.delete(ws, KIND, job_id)
    return {"id": job_id, "project_id": ws}
