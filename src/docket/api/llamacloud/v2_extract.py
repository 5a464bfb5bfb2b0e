"""LlamaCloud v2 extraction (``/api/v2/extract``), the ``llama-cloud`` 2.x SDK's
``client.extract.{create, run, get, list, cancel, delete, validate_schema}``.

Another translation over the same extraction service as the 1.x routes: a v2 job is a Docket
extract run (job id = run id). ``configuration`` is translated like a 1.x config (schema,
target, citations, confidence, system prompt, pages); ``configuration_id`` names a saved
extraction agent (a Docket extractor). ``tier`` picks the LLM provider configured under that
name (or ``*``), else the offline engine. ``file_input`` is a file id or a parse job id (its
file).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request

from docket.api.deps import Services, ServicesDep, WorkspaceDep, workspace
from docket.api.llamacloud.deps import OrganizationId, ProjectId
from docket.api.llamacloud.hooks import check_webhooks
from docket.api.llamacloud.jobs import agent_config, start
from docket.api.llamacloud.route import LlamaRoute
from docket.api.llamacloud.schema import to_docket_schema
from docket.api.llamacloud.state import AgentsDep
from docket.api.llamacloud.translate import to_extract_config
from docket.api.llamacloud.v2_filters import stamp, within
from docket.api.llamacloud.v2_present import FROM_STATUS, V2_KEY, job_json, v2_request
from docket.api.llamacloud.v2_wire import (
    ExtractConfiguration,
    ExtractCreate,
    SchemaValidation,
    V2WebhookConfiguration,
)
from docket.api.llamacloud.wire import ExtractConfig as LlamaConfig
from docket.api.llamacloud.wire import WebhookConfiguration
from docket.domain.extract_config import ExtractConfig
from docket.domain.processors import Processor
from docket.domain.runs import Run, StoredFile
from docket.engines.llm.openai_compatible import ModelRegistry
from docket.errors import InvalidConfigOptions, InvalidRequest, NotFound
from docket.services.extraction import KIND, run_config, run_processor
from docket.services.llamacloud_agents import EXTRAS_KEY, LlamaAgents

v2_extract_router = APIRouter(
    prefix="/api/v2",
    tags=["llamacloud-v2-extract"],
    route_class=LlamaRoute,
    dependencies=[Depends(workspace)],
)
Expand = Annotated[list[str] | None, Query()]
DEFAULT_TIER: Final = "agentic"
PARSE_KIND: Final = "parse"


def tier_engine(tier: str | None, models: ModelRegistry) -> str | None:
    """The provider configured under the tier's name (or ``*``); None: the offline engine."""
    name = tier or DEFAULT_TIER
    return name if name in models.providers or "*" in models.providers else None


def to_config(conf: ExtractConfiguration, models: ModelRegistry) -> ExtractConfig:
    """Translate and check a v2 ``configuration`` (400 on anything Docket cannot honour)."""
    if conf.parse_config_id:
        raise InvalidConfigOptions(
            "configuration.parse_config_id: Docket has no saved parse configurations; omit it"
        )
    pages = conf.target_pages or (f"1-{conf.max_pages}" if conf.max_pages else None)
    engine = tier_engine(conf.tier, models)
    v1 = LlamaConfig(
        extraction_mode="FAST" if engine is None else None,  # what a 1.x listing echoes
        extraction_target=(conf.extraction_target or "per_doc").upper(),
        cite_sources=conf.cite_sources,
        confidence_scores=conf.confidence_scores,
        system_prompt=conf.system_prompt,
        page_range=pages,
    )
    cfg = to_extract_config(v1, conf.data_schema, models)
    return cfg.model_copy(update={"model": engine})


def _with_request(
    cfg: ExtractConfig, v2: dict[str, Any], hooks: list[WebhookConfiguration]
) -> ExtractConfig:
    llama = dict(cfg.extras.get(EXTRAS_KEY) or {})
    llama.pop("default", None)
    llama[V2_KEY] = v2
    llama["job"] = {
        "from_ui": False,
        "priority": None,
        "webhook_configurations": [h.model_dump(exclude_none=True) for h in hooks],
    }
    return cfg.model_copy(update={"extras": {**cfg.extras, EXTRAS_KEY: llama}})


def _hooks(body: ExtractCreate) -> list[WebhookConfiguration]:
    if body.webhook_configuration_ids:
        raise InvalidRequest(
            "webhook_configuration_ids: Docket has no saved LlamaCloud webhook configurations; "
            "send webhook_configurations inline (or use Docket's webhook endpoints)"
        )
    hooks: list[V2WebhookConfiguration] = body.webhook_configurations or []
    if any(h.webhook_signing_secret for h in hooks):
        raise InvalidRequest(
            "webhook_signing_secret is not supported: Docket signs deliveries with the secret "
            "of its own webhook endpoint"
        )
    return [
        WebhookConfiguration.model_validate(h.model_dump(exclude={"webhook_signing_secret"}))
        for h in hooks
    ]


def _input(svc: Services, ws: str, file_input: str) -> StoredFile:
    """A file id, or a parse job id (the file that job parsed)."""
    try:
        return svc.files.get(ws, file_input)
    except NotFound:
        pass
    try:
        run = svc.runs.get(ws, PARSE_KIND, file_input)
    except NotFound:
        raise NotFound(f"file_input {file_input} is neither a file nor a parse job") from None
    return svc.files.get(ws, run.file_id)


@v2_extract_router.post("/extract")
def create(
    body: ExtractCreate,
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    request: Request,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    if (body.configuration is None) == (body.configuration_id is None):
        raise InvalidRequest("give exactly one of configuration or configuration_id")
    hooks = _hooks(body)
    v2: dict[str, Any] = {"file_input": body.file_input, "configuration_id": body.configuration_id}
    if body.configuration is not None:
        cfg = to_config(body.configuration, agents.extraction.models)
        agent = agents.default(ws, cfg)
        v2["configuration"] = body.configuration.model_dump(mode="json", exclude_none=True)
    else:
        assert body.configuration_id is not None
        agent = _agent(agents, ws, body.configuration_id)
        cfg = agent_config(agents, agent, None, None)
    check_webhooks(svc.webhooks, ws, hooks)
    file = _input(svc, ws, body.file_input)
    run = start(agents, request, ws, agent, file, _with_request(cfg, v2, hooks))
    return job_json(run, None, None)


def _agent(agents: LlamaAgents, ws: str, config_id: str) -> Processor:
    try:
        return agents.get(ws, config_id)
    except NotFound:
        raise NotFound(f"Configuration {config_id} not found") from None


def _job(agents: LlamaAgents, ws: str, job_id: str) -> Run:
    try:
        return agents.extraction.get(ws, job_id)
    except NotFound:
        raise NotFound(f"Extract job {job_id} not found") from None


def _present(agents: LlamaAgents, run: Run, expand: list[str] | None) -> dict[str, Any]:
    return job_json(run, agents.extraction.result(run), expand)


@v2_extract_router.get("/extract/{job_id}")
def get(
    job_id: str,
    ws: WorkspaceDep,
    agents: AgentsDep,
    expand: Expand = None,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    return _present(agents, _job(agents, ws, job_id), expand)


def _keep(
    run: Run, file_input: str | None, after: datetime | None, before: datetime | None
) -> bool:
    if file_input is not None and file_input not in (run.file_id, _sent_input(run)):
        return False
    return within(run.created_at, after, before)


def _sent_input(run: Run) -> str | None:
    found = v2_request(run_config(run)).get("file_input")
    return found if isinstance(found, str) else None


@v2_extract_router.get("/extract")
def list_jobs(
    ws: WorkspaceDep,
    agents: AgentsDep,
    configuration_id: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
    file_input: Annotated[str | None, Query()] = None,
    document_input_value: Annotated[str | None, Query()] = None,
    job_ids: Annotated[list[str] | None, Query()] = None,
    created_at_on_or_after: Annotated[str | None, Query()] = None,
    created_at_on_or_before: Annotated[str | None, Query()] = None,
    expand: Expand = None,
    page_size: Annotated[int | None, Query(ge=1, le=1000)] = None,
    page_token: Annotated[str | None, Query()] = None,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    """Newest first, cursor pages (``items``, ``next_page_token``). A page is never empty while
    another follows (the SDK stops at an empty page), so filtered pages may run short."""
    after = stamp(created_at_on_or_after, "created_at_on_or_after")
    before = stamp(created_at_on_or_before, "created_at_on_or_before")
    wanted_input = file_input or document_input_value
    if status is not None and status not in FROM_STATUS:
        return {"items": [], "next_page_token": None}
    run_status = FROM_STATUS[status].value if status else None
    if job_ids:
        runs = [r for r in (_maybe(agents, ws, j) for j in job_ids) if r is not None]
        kept = [
            r
            for r in runs
            if _keep(r, wanted_input, after, before)
            and (run_status is None or r.status.value == run_status)
            and (configuration_id is None or _agent_id(r) == configuration_id)
        ]
        return {"items": [_present(agents, r, expand) for r in kept], "next_page_token": None}
    token = page_token
    while True:
        page = agents.extraction.page(
            ws, extractor_id=configuration_id, status=run_status, token=token, size=page_size or 50
        )
        items = [r for r in page.items if _keep(r, wanted_input, after, before)]
        token = page.next_token
        if items or not token:
            break
    return {"items": [_present(agents, r, expand) for r in items], "next_page_token": token}


def _maybe(agents: LlamaAgents, ws: str, job_id: str) -> Run | None:
    try:
        return agents.extraction.get(ws, job_id)
    except NotFound:
        return None


def _agent_id(run: Run) -> str | None:
    ref = run_processor(run) or {}
    found = ref.get("id")
    return found if isinstance(found, str) else None


@v2_extract_router.post("/extract/{job_id}/cancel")
def cancel(
    job_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    _job(agents, ws, job_id)
    return _present(agents, svc.runs.cancel(ws, KIND, job_id), None)


@v2_extract_router.delete("/extract/{job_id}")
def delete(
    job_id: str,
    ws: WorkspaceDep,
    svc: ServicesDep,
    agents: AgentsDep,
    force: Annotated[bool, Query()] = False,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    """A job still PENDING or RUNNING is refused (cancel it first) unless ``force``."""
    run = _job(agents, ws, job_id)
    if not run.status.terminal and not force:
        raise InvalidRequest(
            f"extract job {job_id} is still running; cancel it first or pass force=true"
        )
    svc.runs.delete(ws, KIND, job_id)
    return {"id": job_id, "deleted": True}


@v2_extract_router.post("/extract/schema/validation")
def validate_schema(body: SchemaValidation, ws: WorkspaceDep) -> dict[str, Any]:
    """The schema as Docket will use it (nullable leaves, inlined references), or a 400."""
    return {"data_schema": to_docket_schema(body.data_schema)}
