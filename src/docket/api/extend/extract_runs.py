"""Extend-compatible ``/extract`` (sync), ``/extract_runs`` and ``/extract_runs/batch``.

A request names an inline ``config`` or an ``extractor: {id, version?, overrideConfig?}``;
either is turned into one :class:`ExtractConfig` and checked (schema dialect, a configured
model) before any run exists, so configuration mistakes are 400s, never failed runs. Sync
extract is async plus wait: it answers the run in its terminal state (a FAILED run carries
``failureReason``), or TIMEOUT with ``runId`` when the sync limit passes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from docket.api.deps import Services, ServicesDep, WorkspaceDep, base_url, workspace
from docket.api.extend.extract_config import config_from_wire, config_to_wire, merge_override
from docket.api.extend.extract_present import extract_run_json, extract_run_summary
from docket.api.extend.present import batch_json, list_json
from docket.api.extend.requests import file_input
from docket.domain.extract_config import ExtractConfig
from docket.domain.runs import Run, RunStatus
from docket.errors import DocketError, ErrorCode, InvalidRequest
from docket.services.extraction import KIND, RunSpec

router = APIRouter(tags=["extract"], dependencies=[Depends(workspace)])


class ExtractorRef(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    id: str
    version: str | None = None
    override_config: dict[str, Any] | None = Field(default=None, alias="overrideConfig")


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    extractor: ExtractorRef | None = None
    config: dict[str, Any] | None = None
    file: dict[str, Any] | None = None
    package: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    priority: int | None = None


class ExtractBatchInput(BaseModel):
    model_config = ConfigDict(extra="allow")
    file: dict[str, Any]
    metadata: dict[str, Any] | None = None


class ExtractBatchRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    extractor: ExtractorRef
    inputs: list[ExtractBatchInput] = Field(min_length=1)
    priority: int | None = None


def run_spec(
    svc: Services, ws: str, extractor: ExtractorRef | None, config: dict[str, Any] | None
) -> RunSpec:
    """The checked config of a request: inline, or an extractor version (+ overrides)."""
    if extractor is not None and config is not None:
        raise InvalidRequest("give either extractor or config, not both")
    if extractor is None:
        if config is None:
            raise InvalidRequest(
                "one of extractor or config is required (schema inference is not supported)"
            )
        return svc.extraction.spec(config_from_wire(config))
    resolved = svc.extraction.resolve(ws, extractor.id, extractor.version)
    stored = ExtractConfig.model_validate(resolved.version.config)
    wire = merge_override(config_to_wire(stored), extractor.override_config)
    return svc.extraction.spec(config_from_wire(wire), resolved)


def _dashboard(svc: Services, request: Request | None) -> str:
    if request is not None:
        return base_url(request, svc)
    return svc.settings.server.public_url or ""


def present(svc: Services, request: Request | None, run: Run) -> dict[str, Any]:
    file = svc.files.summaries([run.file_id]).get(run.file_id)
    result = svc.extraction.result(run)
    return extract_run_json(run, file, result, dashboard=_dashboard(svc, request))


def _create(svc: Services, ws: str, body: ExtractRequest, request: Request) -> Run:
    if body.package is not None:
        raise InvalidRequest("multi-file package extraction is not supported; send one file")
    if body.file is None:
        raise InvalidRequest("file is required")
    spec = run_spec(svc, ws, body.extractor, body.config)
    file = svc.files.resolve(ws, file_input(body.file))
    run = svc.extraction.create_run(ws, file, spec, body.metadata, body.priority)
    request.state.run_id = run.id
    return run


@router.post("/extract")
def extract_sync(
    body: ExtractRequest, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    run = _create(svc, ws, body, request)
    limit = svc.settings.server.sync_timeout_s
    done = svc.executor.wait(run.id, limit)
    if done is None:
        raise DocketError(
            f"the extraction did not finish within {limit:g} s; poll GET /extract_runs/{run.id}",
            code=ErrorCode.TIMEOUT,
            run_id=run.id,
        )
    return present(svc, request, done)


@router.post("/extract_runs")
def create_extract_run(
    body: ExtractRequest, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, _create(svc, ws, body, request))


@router.post("/extract_runs/batch")
def create_extract_batch(
    body: ExtractBatchRequest, ws: WorkspaceDep, svc: ServicesDep
) -> dict[str, Any]:
    limit = svc.settings.limits.max_batch_inputs
    if len(body.inputs) > limit:
        raise InvalidRequest(f"a batch takes at most {limit} inputs; got {len(body.inputs)}")
    spec = run_spec(svc, ws, body.extractor, None)
    inputs = [(svc.files.resolve(ws, file_input(i.file)), i.metadata) for i in body.inputs]
    return batch_json(svc.extraction.create_batch(ws, inputs, spec, body.priority))


@router.get("/extract_runs/{run_id}")
def get_extract_run(
    run_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, svc.extraction.get(ws, run_id))


@router.get("/extract_runs")
def list_extract_runs(
    ws: WorkspaceDep,
    svc: ServicesDep,
    request: Request,
    status: Annotated[RunStatus | None, Query()] = None,
    extractor_id: Annotated[str | None, Query(alias="extractorId")] = None,
    batch_id: Annotated[str | None, Query(alias="batchId")] = None,
    source: Annotated[str | None, Query()] = None,
    source_id: Annotated[str | None, Query(alias="sourceId")] = None,
    file_name_contains: Annotated[str | None, Query(alias="fileNameContains")] = None,
    sort_by: Annotated[Literal["createdAt", "updatedAt"], Query(alias="sortBy")] = "createdAt",
    sort_dir: Annotated[Literal["asc", "desc"], Query(alias="sortDir")] = "desc",
    token: Annotated[str | None, Query(alias="nextPageToken")] = None,
    max_page_size: Annotated[int | None, Query(alias="maxPageSize", ge=1, le=1000)] = None,
) -> dict[str, Any]:
    """Filters as Extend's; runs are ordered by creation time (``sortBy`` is accepted)."""
    if source == "BATCH_PROCESSOR_RUN" and source_id and not batch_id:
        batch_id = source_id
    page = svc.extraction.page(
        ws,
        status=status.value if status else None,
        extractor_id=extractor_id,
        batch_id=batch_id,
        file_name_contains=file_name_contains,
        ascending=sort_dir == "asc",
        token=token,
        size=max_page_size or 10,
    )
    files = svc.files.summaries([r.file_id for r in page.items])
    dash = _dashboard(svc, request)
    items = [extract_run_summary(r, files.get(r.file_id), dashboard=dash) for r in page.items]
    return list_json(page, items)


@router.delete("/extract_runs/{run_id}")
def delete_extract_run(run_id: str, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
    return {"id": svc.runs.delete(ws, KIND, run_id)}


@router.post("/extract_runs/{run_id}/cancel")
def cancel_extract_run(
    run_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, svc.runs.cancel(ws, KIND, run_id))
