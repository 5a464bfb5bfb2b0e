"""Extend-compatible /split (sync) and /split_runs routes.

Sync split waits like ``/classify`` (the terminal run, or 422 TIMEOUT carrying ``runId``).
``file`` must be ``{url}`` or ``{id}``: raw ``{text}`` has no pages to cut, so it is refused with
400 INVALID_REQUEST. Each split of a PROCESSED run names a derived file (``fileId``) whose File
carries ``parentFileId`` and ``metadata.parentSplit``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from docket.api.deps import Services, ServicesDep, WorkspaceDep, workspace
from docket.api.extend.classify_config import split_plan
from docket.api.extend.classify_present import processor_run_json, split_output_json
from docket.api.extend.classify_requests import SplitBatchRequest, SplitRequest, run_config
from docket.api.extend.present import batch_json, list_json
from docket.api.extend.processor_run_routes import (
    SORT_DIR,
    check_batch_size,
    dashboard_url,
    wait_for,
)
from docket.api.extend.requests import file_input
from docket.domain.processors import ProcessorKind
from docket.domain.runs import Run, RunStatus
from docket.errors import InvalidRequest
from docket.services.files import FileInput
from docket.services.split_output import StoredSplit

router = APIRouter(tags=["split"], dependencies=[Depends(workspace)])
KIND = "split"


def output_dict(svc: Services, run: Run) -> dict[str, Any] | None:
    if run.status is not RunStatus.PROCESSED or run.output_key is None:
        return None
    return split_output_json(StoredSplit.model_validate_json(svc.runs.output(run)))


def present(svc: Services, request: Request | None, run: Run) -> dict[str, Any]:
    file = svc.files.summaries([run.file_id]).get(run.file_id)
    url = dashboard_url(svc, request, run)
    return processor_run_json(run, file, url, output=output_dict(svc, run))


def split_input(ref: dict[str, Any]) -> FileInput:
    """A file reference split accepts: no raw text (Extend: url or id only)."""
    if ref.get("text") is not None:
        raise InvalidRequest("file.text is not accepted by split; give a file url or id")
    return file_input(ref)


def _create(svc: Services, ws: str, body: SplitRequest, request: Request) -> Run:
    config = run_config(
        svc.processors, ws, ProcessorKind.SPLITTER, body.splitter, body.config, split_plan
    )
    file = svc.files.resolve(ws, split_input(body.file))
    run = svc.runs.create(ws, KIND, file, config, body.metadata, body.priority)
    request.state.run_id = run.id
    return run


@router.post("/split")
def split_sync(
    body: SplitRequest, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    run = _create(svc, ws, body, request)
    return present(svc, request, wait_for(svc, run, "/split_runs"))


@router.post("/split_runs")
def create_split_run(
    body: SplitRequest, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, _create(svc, ws, body, request))


@router.post("/split_runs/batch")
def create_split_batch(
    body: SplitBatchRequest, ws: WorkspaceDep, svc: ServicesDep
) -> dict[str, Any]:
    check_batch_size(svc, len(body.inputs))
    config = run_config(svc.processors, ws, ProcessorKind.SPLITTER, body.splitter, None, split_plan)
    inputs = [(svc.files.resolve(ws, split_input(i.file)), i.metadata) for i in body.inputs]
    return batch_json(svc.runs.create_batch(ws, KIND, inputs, config, body.priority))


@router.get("/split_runs/{run_id}")
def get_split_run(
    run_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, svc.runs.get(ws, KIND, run_id))


@router.get("/split_runs")
def list_split_runs(
    ws: WorkspaceDep,
    svc: ServicesDep,
    request: Request,
    status: Annotated[RunStatus | None, Query()] = None,
    splitter_id: Annotated[str | None, Query(alias="splitterId")] = None,
    batch_id: Annotated[str | None, Query(alias="batchId")] = None,
    source: Annotated[str | None, Query()] = None,
    source_id: Annotated[str | None, Query(alias="sourceId")] = None,
    file_name_contains: Annotated[str | None, Query(alias="fileNameContains")] = None,
    sort_by: Annotated[Literal["createdAt", "updatedAt"], Query(alias="sortBy")] = "createdAt",
    sort_dir: SORT_DIR = "desc",
    token: Annotated[str | None, Query(alias="nextPageToken")] = None,
    max_page_size: Annotated[int, Query(alias="maxPageSize", ge=1, le=1000)] = 10,
) -> dict[str, Any]:
    page = svc.runs.page(
        ws,
        KIND,
        status=status.value if status else None,
        batch_id=batch_id or (source_id if source == "BATCH_PROCESSOR_RUN" else None),
        source="BATCH_PARSER_RUN" if source == "BATCH_PROCESSOR_RUN" else source,
        file_name_contains=file_name_contains,
        processor_id=splitter_id,
        ascending=sort_dir == "asc",
        token=token,
        size=max_page_size,
    )
    files = svc.files.summaries([r.file_id for r in page.items])
    items = [
        processor_run_json(r, files.get(r.file_id), dashboard_url(svc, request, r), summary=True)
        for r in page.items
    ]
    return list_json(page, items)


@router.delete("/split_runs/{run_id}")
def delete_split_run(run_id: str, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
    return {"id": svc.runs.delete(ws, KIND, run_id)}


@router.post("/split_runs/{run_id}/cancel")
def cancel_split_run(
    run_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, svc.runs.cancel(ws, KIND, run_id))
