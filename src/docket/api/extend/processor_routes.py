"""Extend's saved-processor routes, built once per kind (``/extractors``, ``/classifiers``,
``/splitters``) over the generic :class:`~docket.services.processors.ProcessorService`.

Extend's three processor resources are isomorphic on the wire (swap names and prefixes), so one
factory serves them: create (inline ``config`` or ``clone<Kind>Id``), list, get, update name and
draft, publish a version, list versions (draft first), get a version by ``draft`` / ``latest`` /
number / id. A kind's :class:`ProcessorWire` says how its config crosses the wire
(``config_in``: Extend JSON -> stored JSON; ``config_out``: stored -> Extend JSON).
``present_processor`` / ``present_version`` render webhook payloads for every registered kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from docket.api.deps import ServicesDep, WorkspaceDep, workspace
from docket.api.extend.present import list_json, ts
from docket.domain.processors import Processor, ProcessorKind, ProcessorVersion, ReleaseType
from docket.errors import InvalidRequest

ConfigMap = Callable[[dict[str, Any]], dict[str, Any]]


def _same(config: dict[str, Any]) -> dict[str, Any]:
    return config


@dataclass(frozen=True)
class ProcessorWire:
    kind: ProcessorKind
    path: str  # "classifiers"
    config_in: ConfigMap = field(default=_same)
    config_out: ConfigMap = field(default=_same)

    @property
    def obj(self) -> str:  # "classifier"
        return self.kind.value

    @property
    def id_field(self) -> str:  # "classifierId"
        return f"{self.kind.value}Id"

    @property
    def clone_field(self) -> str:  # "cloneClassifierId"
        return f"clone{self.kind.value.capitalize()}Id"


_WIRES: dict[ProcessorKind, ProcessorWire] = {}


def _wire(kind: ProcessorKind) -> ProcessorWire:
    return _WIRES.get(kind) or ProcessorWire(kind, f"{kind.value}s")


def version_json(v: ProcessorVersion, *, summary: bool = False) -> dict[str, Any]:
    wire = _wire(v.kind)
    out: dict[str, Any] = {
        "object": f"{wire.obj}_version",
        "id": v.id,
        "description": v.description,
        "version": v.version,
        wire.id_field: v.processor_id,
        "createdAt": ts(v.created_at),
        "createdBy": v.created_by,
    }
    if not summary:
        out["config"] = wire.config_out(v.config)
    return out


def processor_json(p: Processor, *, summary: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "object": _wire(p.kind).obj,
        "id": p.id,
        "name": p.name,
        "createdAt": ts(p.created_at),
        "updatedAt": ts(p.updated_at),
    }
    if not summary:
        out["draftVersion"] = version_json(p.draft)
    return out


def present_processor(p: Processor) -> dict[str, Any]:
    """Webhook payload of ``<kind>.created|updated|draft.updated|deleted``."""
    return processor_json(p)


def present_version(v: ProcessorVersion) -> dict[str, Any]:
    """Webhook payload of ``<kind>.version.published``."""
    return version_json(v)


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class UpdateIn(_Wire):
    name: str | None = None
    config: dict[str, Any] | None = None


class PublishIn(_Wire):
    release_type: ReleaseType
    description: str | None = None
    config: dict[str, Any] | None = None


PageSize = Annotated[int, Query(alias="maxPageSize", ge=1, le=1000)]
Token = Annotated[str | None, Query(alias="nextPageToken")]
SortDir = Annotated[Literal["asc", "desc"], Query(alias="sortDir")]
SortBy = Annotated[Literal["createdAt", "updatedAt"], Query(alias="sortBy")]


def processor_router(wire: ProcessorWire) -> APIRouter:
    """The routes of one processor kind (also registers its wire for event payloads)."""
    _WIRES[wire.kind] = wire
    router = APIRouter(tags=[wire.path], dependencies=[Depends(workspace)])
    kind = wire.kind
    base = f"/{wire.path}"

    def config_in(raw: object) -> dict[str, Any] | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise InvalidRequest("config must be a JSON object")
        return wire.config_in(raw)

    @router.post(base)
    def create(
        ws: WorkspaceDep, svc: ServicesDep, body: Annotated[dict[str, Any], Body()]
    ) -> dict[str, Any]:
        if body.get("generate") is not None:
            raise InvalidRequest("generate is not supported; give config or a clone source")
        name = body.get("name")
        if not isinstance(name, str):
            raise InvalidRequest("name must be a non-empty string")
        clone = body.get(wire.clone_field)
        if clone is not None and not isinstance(clone, str):
            raise InvalidRequest(f"{wire.clone_field} must be a string")
        p = svc.processors.create(
            ws, kind, name, config=config_in(body.get("config")), clone_id=clone
        )
        return processor_json(p)

    @router.get(base)
    def list_processors(
        ws: WorkspaceDep,
        svc: ServicesDep,
        sort_by: SortBy = "createdAt",
        sort_dir: SortDir = "desc",
        token: Token = None,
        size: PageSize = 10,
    ) -> dict[str, Any]:
        page = svc.processors.page(
            ws, kind, sort_by=sort_by, ascending=sort_dir == "asc", token=token, size=size
        )
        return list_json(page, [processor_json(p, summary=True) for p in page.items])

    @router.get(base + "/{pid}")
    def get_processor(pid: str, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
        return processor_json(svc.processors.get(ws, kind, pid))

    @router.post(base + "/{pid}")
    def update_processor(
        pid: str, body: UpdateIn, ws: WorkspaceDep, svc: ServicesDep
    ) -> dict[str, Any]:
        p = svc.processors.update(ws, kind, pid, name=body.name, config=config_in(body.config))
        return processor_json(p)

    @router.get(base + "/{pid}/versions")
    def list_versions(
        pid: str,
        ws: WorkspaceDep,
        svc: ServicesDep,
        sort_dir: SortDir = "desc",
        token: Token = None,
        size: PageSize = 10,
    ) -> dict[str, Any]:
        page = svc.processors.versions(
            ws, kind, pid, ascending=sort_dir == "asc", token=token, size=size
        )
        return list_json(page, [version_json(v, summary=True) for v in page.items])

    @router.post(base + "/{pid}/versions")
    def publish_version(
        pid: str, body: PublishIn, ws: WorkspaceDep, svc: ServicesDep
    ) -> dict[str, Any]:
        v = svc.processors.publish(
            ws,
            kind,
            pid,
            body.release_type,
            description=body.description,
            config=config_in(body.config),
        )
        return version_json(v)

    @router.get(base + "/{pid}/versions/{version_id}")
    def get_version(
        pid: str, version_id: str, ws: WorkspaceDep, svc: ServicesDep
    ) -> dict[str, Any]:
        return version_json(svc.processors.version(ws, kind, pid, version_id))

    return router
