"""LlamaCloud ``/api/v1/classifier/jobs`` (``client.classifier``, deprecated in 1.x but served)
over Docket's classify runs.

A classifier job covers several files, so it is a Docket *batch* of classify runs (job id =
batch id); each file's result is its run's classification. ``rules`` become the classes (the
rule's ``type`` is both id and name, its ``description`` the class description); ``mode`` FAST
runs the offline classifier, MULTIMODAL the LLM provider configured under ``multimodal`` (else
the offline one); ``parsing_configuration.target_pages`` / ``max_pages`` limit the pages read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Literal

from fastapi import Query
from pydantic import Field

from docket.api.deps import Services, ServicesDep, WorkspaceDep
from docket.api.llamacloud.deps import OrganizationId, ProjectId, router
from docket.api.llamacloud.present import ts
from docket.api.llamacloud.wire import Wire
from docket.domain.classification import ClassifyOptions, DocumentClass
from docket.domain.parse_options import PageRange, ParseOptions
from docket.domain.runs import Batch, Run, RunStatus
from docket.errors import InvalidRequest, NotFound
from docket.services.classify_kind import classify_output

classifier_router = router("llamacloud-classifier")
KIND: Final = "classify"
ENGINES: Final = {"FAST": "fast", "MULTIMODAL": "multimodal"}  # baseProcessor names


class Rule(Wire):
    type: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)


class ParsingConfiguration(Wire):
    lang: str | None = None
    max_pages: int | None = Field(default=None, ge=1)
    target_pages: list[int] | None = None


class ClassifyJobCreate(Wire):
    file_ids: list[str] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)
    mode: Literal["FAST", "MULTIMODAL"] = "FAST"
    parsing_configuration: ParsingConfiguration | None = None


def _pages(cfg: ParsingConfiguration | None) -> list[tuple[int, int]] | None:
    if cfg is None:
        return None
    if cfg.target_pages:
        if any(p < 1 for p in cfg.target_pages):
            raise InvalidRequest("parsing_configuration.target_pages are 1-based page numbers")
        return [(p, p) for p in sorted(set(cfg.target_pages))]
    return [(1, cfg.max_pages)] if cfg.max_pages else None


def run_config(body: ClassifyJobCreate) -> dict[str, Any]:
    types = [r.type for r in body.rules]
    if len(set(types)) != len(types):
        raise InvalidRequest("rules: each type may appear once")
    pages = _pages(body.parsing_configuration)
    parse = ParseOptions(page_ranges=[PageRange(start=a, end=b) for a, b in pages or []] or None)
    return {
        "echo": body.model_dump(mode="json", exclude_none=True),
        "classes": [
            DocumentClass(id=r.type, type=r.type, description=r.description).model_dump()
            for r in body.rules
        ],
        "options": ClassifyOptions(page_ranges=pages).model_dump(mode="json"),
        "parse": parse.model_dump(mode="json"),
        "baseProcessor": ENGINES[body.mode],
        "overlap": False,
        "strictIdentifiers": False,
    }


_STATUS: Final = {
    RunStatus.PENDING: "PENDING",
    RunStatus.PROCESSING: "PENDING",
    RunStatus.PROCESSED: "SUCCESS",
    RunStatus.FAILED: "ERROR",
    RunStatus.CANCELLED: "CANCELLED",
}


def job_json(batch: Batch, echo: dict[str, Any], updated_at: datetime) -> dict[str, Any]:
    status = _STATUS[batch.status]
    counts = batch.status_counts
    if status == "SUCCESS" and counts.get(RunStatus.FAILED, 0):
        status = "PARTIAL_SUCCESS"
    return {
        "id": batch.id,
        "project_id": batch.workspace_id,
        "user_id": batch.workspace_id,
        "rules": echo.get("rules", []),
        "mode": echo.get("mode", "FAST"),
        "parsing_configuration": echo.get("parsing_configuration"),
        "status": status,
        "error_message": "every file failed" if status == "ERROR" else None,
        "created_at": ts(batch.created_at),
        "updated_at": ts(updated_at),
    }


def _runs(svc: Services, ws: str, batch_id: str, token: str | None, size: int) -> Any:
    return svc.runs.page(ws, KIND, batch_id=batch_id, ascending=True, token=token, size=size)


def _echo(run: Run) -> dict[str, Any]:
    found = run.config.get("echo")
    return found if isinstance(found, dict) else {}


def _job(svc: Services, ws: str, job_id: str) -> tuple[Batch, Run]:
    try:
        batch = svc.runs.get_batch(ws, job_id)
    except NotFound:
        batch = None
    if batch is None or batch.kind != KIND:
        raise NotFound(f"Classify job {job_id} not found")
    first = _runs(svc, ws, job_id, None, 1).items
    if not first:  # its runs went with their deleted files
        raise NotFound(f"Classify job {job_id} not found")
    return batch, first[0]


@classifier_router.post("/classifier/jobs")
def create_job(
    body: ClassifyJobCreate,
    ws: WorkspaceDep,
    svc: ServicesDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    config = run_config(body)
    files = [svc.files.get(ws, file_id) for file_id in body.file_ids]
    batch = svc.runs.create_batch(ws, KIND, [(f, None) for f in files], config)
    return job_json(batch, config["echo"], batch.created_at)


@classifier_router.get("/classifier/jobs")
def list_jobs(
    ws: WorkspaceDep,
    svc: ServicesDep,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 50,
    page_token: Annotated[str | None, Query()] = None,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    """Newest first; the token is the id of the last job of the previous page."""
    seen: dict[str, Run] = {}
    token: str | None = None
    while True:  # jobs are the batches of the workspace's classify runs
        page = svc.runs.page(ws, KIND, token=token, size=200)
        for run in page.items:
            if run.batch_id and run.batch_id not in seen:
                seen[run.batch_id] = run
        if not page.next_token:
            break
        token = page.next_token
    ids = list(seen)
    start = ids.index(page_token) + 1 if page_token in seen else 0
    chosen = ids[start : start + page_size]
    items = [
        job_json(svc.runs.get_batch(ws, i), _echo(seen[i]), seen[i].updated_at) for i in chosen
    ]
    more = start + page_size < len(ids)
    return {"items": items, "next_page_token": chosen[-1] if more and chosen else None}


@classifier_router.get("/classifier/jobs/{job_id}")
def get_job(
    job_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    batch, run = _job(svc, ws, job_id)
    return job_json(batch, _echo(run), run.updated_at)


def _item(svc: Services, job_id: str, run: Run) -> dict[str, Any]:
    result = None
    if run.status is RunStatus.PROCESSED and run.output_key is not None:
        found = classify_output(svc.runs.output(run))
        result = {"type": found.type, "confidence": found.confidence, "reasoning": found.reasoning}
    return {
        "id": run.id,
        "classify_job_id": job_id,
        "file_id": run.file_id,
        "result": result,
        "created_at": ts(run.created_at),
        "updated_at": ts(run.updated_at),
    }


@classifier_router.get("/classifier/jobs/{job_id}/results")
def get_results(
    job_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
    page_token: Annotated[str | None, Query()] = None,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    batch, _ = _job(svc, ws, job_id)
    page = _runs(svc, ws, job_id, page_token, page_size)
    return {
        "items": [_item(svc, job_id, r) for r in page.items],
        "next_page_token": page.next_token,
        "total_size": batch.run_count,
    }
