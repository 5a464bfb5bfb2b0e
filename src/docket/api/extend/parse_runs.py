"""Extend-compatible /parse (sync) and /parse_runs routes.

Sync parse is async plus wait: the run is created exactly as ``POST /parse_runs`` would, then the
request waits up to the sync limit. Processing failures come back as errors whose ``code`` is the
failure reason; a timeout comes back as TIMEOUT carrying ``runId`` (the run stays pollable).
With ``dataRetention.mode = "zero"`` a successful sync parse keeps nothing once its response is
built: the run, its output and an input this request stored (URL, text, inline) are deleted.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from docket.api.deps import Services, ServicesDep, WorkspaceDep, base_url, workspace
from docket.api.extend.parse_output import parse_output_json
from docket.api.extend.present import batch_json, list_json, run_json, run_summary
from docket.api.extend.requests import BatchRequest, ParseRequest, file_input, parse_options
from docket.domain.document import ParsedDocument
from docket.domain.runs import Run, RunStatus
from docket.errors import DocketError, ErrorCode, InvalidRequest
from docket.services.files import ById

router = APIRouter(tags=["parse"], dependencies=[Depends(workspace)])
KIND = "parse"

ResponseType = Annotated[Literal["json", "url"], Query(alias="responseType")]


def output_dict(svc: Services, run: Run) -> dict[str, Any]:
    doc = ParsedDocument.model_validate_json(svc.runs.output(run))
    tables = run.config.get("echo", {}).get("blockOptions", {}).get("tables", {})
    return parse_output_json(doc, cell_blocks=tables.get("cellBlocksEnabled") is not False)


def output_json(svc: Services, run: Run) -> bytes:
    return json.dumps(output_dict(svc, run), separators=(",", ":")).encode()


def present(
    svc: Services, request: Request | None, run: Run, response_type: str = "json"
) -> dict[str, Any]:
    file = svc.files.summaries([run.file_id]).get(run.file_id)
    if run.status is not RunStatus.PROCESSED or run.output_key is None:
        return run_json(run, file)
    if response_type == "url" and request is not None:
        url = base_url(request, svc) + svc.signer.sign(f"/parse_runs/{run.id}/output")
        return run_json(run, file, output_url=url)
    return run_json(run, file, output=output_dict(svc, run))


def _create(svc: Services, ws: str, body: ParseRequest, request: Request) -> Run:
    options, echo = parse_options(body.config)
    file = svc.files.resolve(ws, file_input(body.file))
    config = {"echo": echo, "options": options.model_dump(mode="json")}
    run = svc.runs.create(ws, KIND, file, config, body.metadata, body.priority)
    request.state.run_id = run.id
    return run


def _forget(svc: Services, ws: str, body: ParseRequest, run: Run) -> None:
    """Zero data retention: delete what the sync parse stored (the response is already built)."""
    if isinstance(file_input(body.file), ById):
        svc.runs.delete(ws, KIND, run.id)
    else:  # the input was stored for this request: deleting it deletes its runs and outputs
        svc.files.delete(ws, run.file_id)


@router.post("/parse")
def parse_sync(
    body: ParseRequest,
    ws: WorkspaceDep,
    svc: ServicesDep,
    request: Request,
    response_type: ResponseType = "json",
) -> dict[str, Any]:
    run = _create(svc, ws, body, request)
    done = svc.executor.wait(run.id, svc.settings.server.sync_timeout_s)
    if done is None:
        raise DocketError(
            f"the parse did not finish within {svc.settings.server.sync_timeout_s:g} s; "
            f"poll GET /parse_runs/{run.id}",
            code=ErrorCode.TIMEOUT,
            run_id=run.id,
        )
    if done.status is RunStatus.FAILED:
        code = ErrorCode.__members__.get(done.failure_reason or "", ErrorCode.INTERNAL_ERROR)
        raise DocketError(done.failure_message or "the parse failed", code=code, run_id=run.id)
    if body.zero_retention:
        response = present(svc, request, done, "json")  # a URL would outlive the output
        _forget(svc, ws, body, done)
        return response
    return present(svc, request, done, response_type)


@router.post("/parse_runs")
def create_parse_run(
    body: ParseRequest, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, _create(svc, ws, body, request))


@router.post("/parse_runs/batch")
def create_parse_batch(body: BatchRequest, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
    limit = svc.settings.limits.max_batch_inputs
    if len(body.inputs) > limit:
        raise InvalidRequest(f"a batch takes at most {limit} inputs; got {len(body.inputs)}")
    options, echo = parse_options(body.config)
    inputs = [(svc.files.resolve(ws, file_input(i.file)), i.metadata) for i in body.inputs]
    config = {"echo": echo, "options": options.model_dump(mode="json")}
    return batch_json(svc.runs.create_batch(ws, KIND, inputs, config, body.priority))


@router.get("/parse_runs/{run_id}")
def get_parse_run(
    run_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    request: Request,
    response_type: ResponseType = "json",
) -> dict[str, Any]:
    return present(svc, request, svc.runs.get(ws, KIND, run_id), response_type)


@router.get("/parse_runs")
def list_parse_runs(
    ws: WorkspaceDep,
    svc: ServicesDep,
    status: Annotated[RunStatus | None, Query()] = None,
    batch_id: Annotated[str | None, Query(alias="batchId")] = None,
    source: Annotated[str | None, Query()] = None,
    source_id: Annotated[str | None, Query(alias="sourceId")] = None,
    file_name_contains: Annotated[str | None, Query(alias="fileNameContains")] = None,
    token: Annotated[str | None, Query(alias="nextPageToken")] = None,
    max_page_size: Annotated[int | None, Query(alias="maxPageSize", ge=1, le=1000)] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    sort_dir: Annotated[Literal["asc", "desc"], Query(alias="sortDir")] = "desc",
) -> dict[str, Any]:
    page = svc.runs.page(
        ws,
        KIND,
        status=status.value if status else None,
        batch_id=batch_id or (source_id if source == "BATCH_PARSER_RUN" else None),
        source=source,
        file_name_contains=file_name_contains,
        ascending=sort_dir == "asc",
        token=token,
        size=max_page_size or limit or 10,
    )
    files = svc.files.summaries([r.file_id for r in page.items])
    return list_json(page, [run_summary(r, files.get(r.file_id)) for r in page.items])


@router.delete("/parse_runs/{run_id}")
def delete_parse_run(run_id: str, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
    return {"id": svc.runs.delete(ws, KIND, run_id)}


@router.post("/parse_runs/{run_id}/cancel")
def cancel_parse_run(
    run_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request
) -> dict[str, Any]:
    return present(svc, request, svc.runs.cancel(ws, KIND, run_id))
