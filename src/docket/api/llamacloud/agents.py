"""LlamaCloud ``/api/v1/extraction/extraction-agents`` over Docket's saved extractors."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from docket.api.deps import WorkspaceDep
from docket.api.llamacloud.deps import OrganizationId, ProjectId, router
from docket.api.llamacloud.present_runs import agent_json
from docket.api.llamacloud.schema import to_docket_schema
from docket.api.llamacloud.state import AgentsDep
from docket.api.llamacloud.translate import to_extract_config
from docket.api.llamacloud.wire import AgentCreate, AgentUpdate, GenerateBody, SchemaBody
from docket.domain.processors import ProcessorKind
from docket.errors import InvalidConfiguration
from docket.services.llamacloud_agents import is_default, mark_default

agents_router = router("llamacloud-extraction-agents")
EXTRACTOR = ProcessorKind.EXTRACTOR
PATH = "/extraction/extraction-agents"


@agents_router.post(PATH)
def create_agent(
    body: AgentCreate,
    ws: WorkspaceDep,
    agents: AgentsDep,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> dict[str, Any]:
    cfg = to_extract_config(body.config, body.data_schema, agents.extraction.models)
    created = agents.processors.create(ws, EXTRACTOR, body.name, config=cfg.model_dump(mode="json"))
    return agent_json(created)


@agents_router.get(PATH)
def list_agents(
    ws: WorkspaceDep,
    agents: AgentsDep,
    include_default: Annotated[bool, Query()] = False,
    project_id: ProjectId = None,
    organization_id: OrganizationId = None,
) -> list[dict[str, Any]]:
    return [agent_json(p) for p in agents.all(ws) if include_default or not is_default(p)]


@agents_router.post(f"{PATH}/schema/validation")
def validate_schema(body: SchemaBody, ws: WorkspaceDep) -> dict[str, Any]:
    """The schema as Docket will use it (nullable leaves, inlined references), or a 400."""
    return {"data_schema": to_docket_schema(body.data_schema)}


@agents_router.post(f"{PATH}/schema/generate")
def generate_schema(body: GenerateBody, ws: WorkspaceDep) -> dict[str, Any]:
    """Docket does not invent schemas; a given ``data_schema`` comes back as Docket uses it."""
    if body.data_schema is None:
        raise InvalidConfiguration(
            "Docket does not generate schemas from prompts or files; send data_schema (a JSON "
            "Schema or a pydantic model's model_json_schema())"
        )
    return {"data_schema": to_docket_schema(body.data_schema)}


@agents_router.get(f"{PATH}/{{agent_id}}")
def get_agent(agent_id: str, ws: WorkspaceDep, agents: AgentsDep) -> dict[str, Any]:
    return agent_json(agents.get(ws, agent_id))


@agents_router.put(f"{PATH}/{{agent_id}}")
def update_agent(
    agent_id: str, body: AgentUpdate, ws: WorkspaceDep, agents: AgentsDep
) -> dict[str, Any]:
    current = agents.get(ws, agent_id)  # 404 before a 400 about the config
    cfg = to_extract_config(body.config, body.data_schema, agents.extraction.models)
    if is_default(current):
        cfg = mark_default(cfg)
    updated = agents.processors.update(ws, EXTRACTOR, agent_id, config=cfg.model_dump(mode="json"))
    return agent_json(updated)


@agents_router.delete(f"{PATH}/{{agent_id}}")
def delete_agent(agent_id: str, ws: WorkspaceDep, agents: AgentsDep) -> dict[str, Any]:
    agents.processors.delete(ws, EXTRACTOR, agent_id)
    return {"id": agent_id, "deleted": True}
