"""LlamaCloud ``/api/v1/extraction/runs``: a run is the extract run behind a job (same id)."""

from __future__ import annotations

from itertools import islice
from typing import Annotated, Any

from fastapi import Query

from docket.api.deps import ServicesDep, WorkspaceDep
from docket.api.llamacloud.deps import OrganizationId, ProjectId, router
from docket.api.llamacloud.present_runs import run_json
from docket.api.llamacloud.state import AgentsDep
from docket.domain.runs import Run
from docket.errors import NotFound
from docket.services.extraction import KIND
from docket.services.llamacloud_agents import LlamaAgents

runs_router = router("llamacloud-extraction-runs")


def _present(svc: ServicesDep, agents: LlamaAgents, run: Run) -> dict[str, Any]:
    file = svc.files.summaries([run.file_id]).get(run.file_id)
    return run_json(run, file, agents.extraction.result(run))


def _run(agents: LlamaAgents, ws: str, run_id: str) -> Run:
    try:
        return agents.extraction.get(ws, run_id)
    except NotFound:
        raise NotFound(f"Extraction run {run_id} not found") from None


@runs_router.get("/extraction/runs")
def list_runs(
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    extraction_agent_id: Annotated[str, Query()],
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """LlamaCloud's offset pages: ``{items, total, skip}`` (the SDK follows ``skip``)."""
    agents.get(ws, extraction_agent_id)
    runs = list(agents.runs(ws, extraction_agent_id))
    items = [_present(svc, agents, r) for r in islice(runs, skip, skip + limit)]
    return {"items": items, "total": len(runs), "skip": skip, "limit": limit}


@runs_router.get("/extraction/runs/by-job/{job_id}")
def get_run_by_job(
    job_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    return _present(svc, agents, _run(agents, ws, job_id))


@runs_router.get("/extraction/runs/{run_id}")
def get_run(
    run_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    return _present(svc, agents, _run(agents, ws, run_id))


@runs_router.delete("/extraction/runs/{run_id}")
def delete_run(
    run_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    svc.runs.delete(ws, KIND, run_id)
    return {"id": run_id, "deleted": True}
