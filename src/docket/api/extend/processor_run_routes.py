"""The routes classify and split share: one router factory, sync waiting, batch limits, links.

``/classify*`` and ``/split*`` differ only in their processor kind, request models, plan parser,
output rendering and which file references they accept, so both routers are built here by
:func:`processor_run_router`. Annotations are evaluated eagerly (no ``__future__`` import) so the
per-kind query alias (``classifierId`` / ``splitterId``) reaches FastAPI.
"""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from docket.api.deps import Services, ServicesDep, WorkspaceDep, base_url, workspace
from docket.api.extend.classify_present import processor_run_json
from docket.api.extend.classify_requests import PlanFn, run_config
from docket.api.extend.present import batch_json, list_json
from docket.api.extend.requests import file_input
from docket.domain.processors import ProcessorKind
from docket.domain.runs import Run, RunStatus
from docket.errors import DocketError, ErrorCode, InvalidRequest
from docket.services.files import FileInput

SORT_DIR = Annotated[Literal["asc", "desc"], Query(alias="sortDir")]
RenderOutput = Callable[[bytes], dict[str, Any]]
FileRef = Callable[[dict[str, Any]], FileInput]


def dashboard_url(svc: Services, request: Request | None, run: Run) -> str:
    """Extend's ``dashboardUrl`` (required): here the run's own API URL."""
    if request is not None:
        root = base_url(request, svc)
    else:
        root = (svc.settings.server.public_url or "").rstrip("/")
    return f"{root}/{run.kind}_runs/{run.id}"


def check_batch_size(svc: Services, n: int) -> None:
    limit = svc.settings.limits.max_batch_inputs
    if n > limit:
        raise InvalidRequest(f"a batch takes at most {limit} inputs; got {n}")


def wait_for(svc: Services, run: Run, runs_path: str) -> Run:
    """Block until ``run`` closes (sync endpoints) and return it in its terminal state, as sync
    ``/extract`` does (a FAILED run carries ``failureReason``); past the sync limit, 422
    TIMEOUT carrying ``runId`` (the run goes on)."""
    limit = svc.settings.server.sync_timeout_s
    done = svc.executor.wait(run.id, limit)
    if done is None:
        raise DocketError(
            f"the run did not finish within {limit:g} s; poll GET {runs_path}/{run.id}",
            code=ErrorCode.TIMEOUT,
            run_id=run.id,
        )
    return done


def present_run(
    svc: Services, request: Request | None, run: Run, render: RenderOutput
) -> dict[str, Any]:
    """A full ``ClassifyRun``/``SplitRun``; ``output`` only once the run is PROCESSED."""
    output = None
    if run.status is RunStatus.PROCESSED and run.output_key is not None:
        output = render(svc.runs.output(run))
    file = svc.files.summaries([run.file_id]).get(run.file_id)
    return processor_run_json(run, file, dashboard_url(svc, request, run), output=output)


def processor_run_router(
    run_kind: str,
    processor: ProcessorKind,
    request_model: type[BaseModel],
    batch_model: type[BaseModel],
    plan: PlanFn,
    present: Callable[[Services, Request | None, Run], dict[str, Any]],
    file_ref: FileRef = file_input,
) -> APIRouter:
    """``/{run_kind}`` (sync) and ``/{run_kind}_runs`` CRUD for one processor kind.

    The request's processor reference lives in the field named by ``processor.value``
    (``classifier`` / ``splitter``), its list filter in the query ``{processor.value}Id``."""
    router = APIRouter(tags=[run_kind], dependencies=[Depends(workspace)])
    runs = f"/{run_kind}_runs"
    field = processor.value

    def create(svc: Services, ws: str, body: Any, request: Request) -> Run:
        config = run_config(svc.processors, ws, processor, getattr(body, field), body.config, plan)
        file = svc.files.resolve(ws, file_ref(body.file))
        run = svc.runs.create(ws, run_kind, file, config, body.metadata, body.priority)
        request.state.run_id = run.id
        return run

    def sync(body: Any, ws: WorkspaceDep, svc: ServicesDep, request: Request) -> dict[str, Any]:
        run = create(svc, ws, body, request)
        return present(svc, request, wait_for(svc, run, runs))

    def create_run(
        body: Any, ws: WorkspaceDep, svc: ServicesDep, request: Request
    ) -> dict[str, Any]:
        return present(svc, request, create(svc, ws, body, request))

    def create_batch(body: Any, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
        check_batch_size(svc, len(body.inputs))
        config = run_config(svc.processors, ws, processor, getattr(body, field), None, plan)
        inputs = [(svc.files.resolve(ws, file_ref(i.file)), i.metadata) for i in body.inputs]
        return batch_json(svc.runs.create_batch(ws, run_kind, inputs, config, body.priority))

    def get_run(
        run_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request
    ) -> dict[str, Any]:
        return present(svc, request, svc.runs.get(ws, run_kind, run_id))

    def list_runs(
        ws: WorkspaceDep,
        svc: ServicesDep,
        request: Request,
        status: Annotated[RunStatus | None, Query()] = None,
        processor_id: Annotated[str | None, Query(alias=f"{field}Id")] = None,
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
            run_kind,
            status=status.value if status else None,
            batch_id=batch_id or (source_id if source == "BATCH_PROCESSOR_RUN" else None),
            source="BATCH_PARSER_RUN" if source == "BATCH_PROCESSOR_RUN" else source,
            file_name_contains=file_name_contains,
            processor_id=processor_id,
            ascending=sort_dir == "asc",
            token=token,
            size=max_page_size,
        )
        files = svc.files.summaries([r.file_id for r in page.items])
        items = [
            processor_run_json(
                r, files.get(r.file_id), dashboard_url(svc, request, r), summary=True
            )
            for r in page.items
        ]
        return list_json(page, items)

    def delete_run(run_id: str, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
        return {"id": svc.runs.delete(ws, run_kind, run_id)}

    def cancel_run(
        run_id: str, ws: WorkspaceDep, svc: ServicesDep, request: Request
    ) -> dict[str, Any]:
        return present(svc, request, svc.runs.cancel(ws, run_kind, run_id))

    # FastAPI reads the body model from the annotation, which differs per kind.
    for fn in (sync, create_run):
        fn.__annotations__["body"] = request_model
    create_batch.__annotations__["body"] = batch_model

    # Route names (hence OpenAPI operation ids) as the hand-written routers had them.
    add = router.add_api_route
    add(f"/{run_kind}", sync, methods=["POST"], name=f"{run_kind}_sync")
    add(runs, create_run, methods=["POST"], name=f"create_{run_kind}_run")
    add(f"{runs}/batch", create_batch, methods=["POST"], name=f"create_{run_kind}_batch")
    add(f"{runs}/{{run_id}}", get_run, methods=["GET"], name=f"get_{run_kind}_run")
    add(runs, list_runs, methods=["GET"], name=f"list_{run_kind}_runs")
    add(f"{runs}/{{run_id}}", delete_run, methods=["DELETE"], name=f"delete_{run_kind}_run")
    add(f"{runs}/{{run_id}}/cancel", cancel_run, methods=["POST"], name=f"cancel_{run_kind}_run")
    return router
