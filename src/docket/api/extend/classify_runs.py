"""Extend-compatible /classify (sync) and /classify_runs routes.

Sync classify is async plus wait, like ``/extract``: the run is created exactly as ``POST
/classify_runs`` would, then the request waits up to the sync limit and answers the run in its
terminal state (a FAILED run carries ``failureReason``); a timeout answers 422 TIMEOUT with
``runId`` (the run stays pollable). ``file`` may be ``{url}``, ``{id}`` or
``{text}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from docket.api.deps import Services, ServicesDep, WorkspaceDep, workspace
from docket.api.extend.classify_config import classify_plan
from docket.api.extend.classify_present import classify_output_json, processor_run_json
from docket.api.extend.classify_requests import ClassifyBatchRequest, ClassifyRequest, run_config
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
from docket.services.classify_kind import classify_output

router = APIRouter(tags=["classify"], dependencies=[Depends(workspace)])
KIND = "classify"


def output_dict(svc: Services, run: Run) -> dict[str, Any] | None:
    if run.status is not RunStatus.PROCESSED or run.output_key is None:
        return None
    return classify_output_json(classify_output(svc.runs.output(run)))


def present(svc: Services, request: Request | None, run: Run) -> dict[str, Any]:
    file = svc.files.summaries([run.file_id]).get(run.file_id)
    url = dashboard_url(svc, request, run)
    return processor_run_json(run, file, url, output=output_dict(svc, run))


def _create(svc: Services, ws: str, body: ClassifyRequest, request: Request) -> Run:
    config = run_config(
        svc.processors, ws, ProcessorKind.CLASSIFIER, body.classifier, body.config, classify_plan
    )
    file = svc.files.resolve(ws, file_input(body.file))
    run = svc.runs.create(ws, KIND, file, config, body.metadata, body.priority)
    request.state.run_id = run.id
    return run


@router.post("/classify")
def classify_sync(
    body: ClassifyRequest, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    run = _create(svc, ws, body, request)
    return present(svc, request, wait_for(svc, run, "/classify_runs"))


@router.post("/classify_runs")
def create_classify_run(
    body: ClassifyRequest, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, _create(svc, ws, body, request))


@router.post("/classify_runs/batch")
def create_classify_batch(
    body: ClassifyBatchRequest, ws: WorkspaceDep, svc: ServicesDep
) -> dict[str, Any]:
    check_batch_size(svc, len(body.inputs))
    config = run_config(
        svc.processors, ws, ProcessorKind.CLASSIFIER, body.classifier, None, classify_plan
    )
    inputs = [(svc.files.resolve(ws, file_input(i.file)), i.metadata) for i in body.inputs]
    return batch_json(svc.runs.create_batch(ws, KIND, inputs, config, body.priority))


@router.get("/classify_runs/{run_id}")
def get_classify_run(
    run_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, svc.runs.get(ws, KIND, run_id))


@router.get("/classify_runs")
def list_classify_runs(
    ws: WorkspaceDep,
    svc: ServicesDep,
    request: Request,
    status: Annotated[RunStatus | None, Query()] = None,
    classifier_id: Annotated[str | None, Query(alias="classifierId")] = None,
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
        processor_id=classifier_id,
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


@router.delete("/classify_runs/{run_id}")
def delete_classify_run(run_id: str, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
    return {"id": svc.runs.delete(ws, KIND, run_id)}


@router.post("/classify_runs/{run_id}/cancel")
def cancel_classify_run(
    run_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, svc.runs.cancel(ws, KIND, run_id))
