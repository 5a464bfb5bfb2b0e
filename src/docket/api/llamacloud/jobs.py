"""LlamaCloud extraction jobs and the stateless ``POST /api/v1/extraction/run``.

A job *is* a Docket extract run (job id = run id): created through the shared extraction service
with the agent's extractor as its processor, so Extend's ``/extract_runs`` sees it too. Job-only
settings (``from_ui``, ``priority``, ``webhook_configurations``) ride in the run config's
LlamaCloud extras.
"""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
from typing import Annotated, Any, Final

from fastapi import File, Form, Query, Request, UploadFile
from pydantic import ValidationError

from docket.api.deps import Services, ServicesDep, WorkspaceDep
from docket.api.llamacloud.deps import OrganizationId, ProjectId, router
from docket.api.llamacloud.hooks import check_webhooks
from docket.api.llamacloud.present_runs import job_json, run_json
from docket.api.llamacloud.state import AgentsDep
from docket.api.llamacloud.translate import llama_config, llama_schema, to_extract_config
from docket.api.llamacloud.wire import (
    DataSchema,
    ExtractConfig,
    JobCreate,
    StatelessRun,
    WebhookConfiguration,
)
from docket.domain.extract_config import ExtractConfig as DocketConfig
from docket.domain.processors import Processor
from docket.domain.runs import Run, RunStatus, StoredFile
from docket.errors import InvalidRequest, NotFound
from docket.services.extraction import create_extract_run
from docket.services.files import ByBytes, ByText
from docket.services.llamacloud_agents import EXTRAS_KEY, LlamaAgents
from docket.services.processors import Resolved

jobs_router = router("llamacloud-extraction-jobs")
FromUi = Annotated[bool, Query()]
# LlamaCloud's priority levels on Docket's run queue (1-100, lower starts first; default 50).
PRIORITIES: Final = {"critical": 1, "high": 25, "medium": 50, "low": 75}


def _with_job(
    cfg: DocketConfig, from_ui: bool, priority: str | None, hooks: list[WebhookConfiguration] | None
) -> DocketConfig:
    llama = dict(cfg.extras.get(EXTRAS_KEY) or {})
    llama.pop("default", None)
    llama["job"] = {
        "from_ui": from_ui,
        "priority": priority,
        "webhook_configurations": [h.model_dump(exclude_none=True) for h in hooks or []],
    }
    return cfg.model_copy(update={"extras": {**cfg.extras, EXTRAS_KEY: llama}})


def start(
    agents: LlamaAgents,
    request: Request,
    ws: str,
    agent: Processor,
    file: StoredFile,
    cfg: DocketConfig,
) -> Run:
    llama = cfg.extras.get(EXTRAS_KEY) or {}
    level = (llama.get("job") or {}).get("priority") or (llama.get("config") or {}).get("priority")
    run = create_extract_run(
        agents.extraction,
        ws,
        file,
        cfg,
        processor=Resolved(agent, agent.draft),
        priority=PRIORITIES.get(str(level)),
    )
    request.state.run_id = run.id  # a later 5xx must not make the SDK retry (a second job)
    return run


def agent_config(
    agents: LlamaAgents,
    agent: Processor,
    override: ExtractConfig | None,
    schema_override: DataSchema | None,
) -> DocketConfig:
    """The agent's config, or it with the set fields of ``override`` and/or another schema."""
    base = DocketConfig.model_validate(agent.draft.config)
    if override is None and schema_override is None:
        return base
    merged = {**llama_config(base), **(override.model_dump(exclude_unset=True) if override else {})}
    schema = schema_override if schema_override is not None else llama_schema(base)
    return to_extract_config(ExtractConfig.model_validate(merged), schema, agents.extraction.models)


def _upload_name(mime_type: str) -> str:
    ext = mimetypes.guess_extension(mime_type.split(";")[0].strip()) or ""
    return f"upload{ext}"


@jobs_router.post("/extraction/run")
def stateless_run(
    body: StatelessRun,
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    request: Request,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    given = [x for x in (body.file, body.file_id, body.text) if x is not None]
    if len(given) != 1:
        raise InvalidRequest("give exactly one of file (base64 data + mime_type), file_id or text")
    cfg = to_extract_config(body.config, body.data_schema, agents.extraction.models)
    check_webhooks(svc.webhooks, ws, body.webhook_configurations or [])
    file = _input(svc, ws, body)
    agent = agents.default(ws, cfg)
    run = start(
        agents, request, ws, agent, file, _with_job(cfg, False, None, body.webhook_configurations)
    )
    return job_json(run, file)


def _input(svc: Services, ws: str, body: StatelessRun) -> StoredFile:
    if body.file_id is not None:
        return svc.files.get(ws, body.file_id)
    if body.text is not None:
        return svc.files.resolve(ws, ByText(body.text, "text.txt"))
    assert body.file is not None
    try:
        data = base64.b64decode(body.file.data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest("file.data is not valid base64") from None
    return svc.files.resolve(ws, ByBytes(data, _upload_name(body.file.mime_type)))


@jobs_router.post("/extraction/jobs")
def create_job(
    body: JobCreate,
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    request: Request,
    from_ui: FromUi = False,
) -> dict[str, Any]:
    agent = agents.get(ws, body.extraction_agent_id)
    cfg = agent_config(agents, agent, body.config_override, body.data_schema_override)
    file = svc.files.get(ws, body.file_id)
    check_webhooks(svc.webhooks, ws, body.webhook_configurations or [])
    priority = body.priority or (body.config_override.priority if body.config_override else None)
    cfg = _with_job(cfg, from_ui, priority, body.webhook_configurations)
    return job_json(start(agents, request, ws, agent, file, cfg), file)


def _json_field(raw: str | None, field: str) -> Any:
    if raw is None or not raw.strip():
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"{field} is not valid JSON ({exc.msg})") from None


@jobs_router.post("/extraction/jobs/file")
def create_job_on_file(
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    request: Request,
    extraction_agent_id: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    config_override: Annotated[str | None, Form()] = None,
    data_schema_override: Annotated[str | None, Form()] = None,
    from_ui: FromUi = False,
) -> dict[str, Any]:
    agent = agents.get(ws, extraction_agent_id)
    raw_override = _json_field(config_override, "config_override")
    try:
        override = ExtractConfig.model_validate(raw_override) if raw_override is not None else None
    except ValidationError as exc:
        raise InvalidRequest(f"config_override: {exc.errors()[0].get('msg')}") from None
    schema = _json_field(data_schema_override, "data_schema_override")
    cfg = agent_config(agents, agent, override, schema)
    stored = svc.files.store(ws, file.filename or "upload", file.file.read(svc.files.max_bytes + 1))
    cfg = _with_job(cfg, from_ui, override.priority if override else None, None)
    return job_json(start(agents, request, ws, agent, stored, cfg), stored)


@jobs_router.get("/extraction/jobs")
def list_jobs(
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    extraction_agent_id: Annotated[str, Query()],
) -> list[dict[str, Any]]:
    agents.get(ws, extraction_agent_id)
    runs = list(agents.runs(ws, extraction_agent_id))
    files = svc.files.summaries([r.file_id for r in runs])
    return [job_json(r, files.get(r.file_id)) for r in runs]


def _job(agents: LlamaAgents, ws: str, job_id: str) -> Run:
    try:
        return agents.extraction.get(ws, job_id)
    except NotFound:
        raise NotFound(f"Extraction job {job_id} not found") from None


@jobs_router.get("/extraction/jobs/{job_id}")
def get_job(job_id: str, ws: WorkspaceDep, svc: ServicesDep, agents: AgentsDep) -> dict[str, Any]:
    run = _job(agents, ws, job_id)
    return job_json(run, svc.files.summaries([run.file_id]).get(run.file_id))


@jobs_router.get("/extraction/jobs/{job_id}/result")
def get_job_result(
    job_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    run = _job(agents, ws, job_id)
    if run.status is not RunStatus.PROCESSED:
        state = job_json(run, None)
        detail = (
            f": {state['error']}"
            if state["error"]
            else f"; poll GET /api/v1/extraction/jobs/{job_id}"
        )
        raise InvalidRequest(f"job {job_id} is {state['status']}{detail}")
    out = run_json(run, None, agents.extraction.result(run))
    return {
        "run_id": run.id,
        "extraction_agent_id": out["extraction_agent_id"],
        "data": out["data"],
        "extraction_metadata": out["extraction_metadata"] or {},
    }
