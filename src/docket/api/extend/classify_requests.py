"""Request bodies of the classify and split routes, and turning one into a run's config.

A run gets its config inline (``config``) or from a saved processor (``classifier`` /
``splitter``: ``{id, version?, overrideConfig?}``); exactly one of the two. The resolved config is
validated the same way in both cases, so a saved draft that is still incomplete (no classes)
fails with a 400 when a run asks for it, never inside the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from docket.api.extend.classify_config import Plan, merge_override
from docket.api.extend.classify_present import PROCESSOR_KEY, processor_ref
from docket.api.extend.present import ts
from docket.domain.processors import ProcessorKind
from docket.errors import InvalidRequest
from docket.services.processors import ProcessorService
from docket.store.repos import PROCESSOR_ID_KEY


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class ProcessorRefIn(_Wire):
    id: str = Field(min_length=1)
    version: str | None = None
    override_config: dict[str, Any] | None = None


class ClassifyRequest(_Wire):
    file: dict[str, Any]
    classifier: ProcessorRefIn | None = None
    config: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    priority: int | None = None


class SplitRequest(_Wire):
    file: dict[str, Any]
    splitter: ProcessorRefIn | None = None
    config: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    priority: int | None = None


class BatchInputIn(_Wire):
    file: dict[str, Any]
    metadata: dict[str, Any] | None = None


class ClassifyBatchRequest(_Wire):
    classifier: ProcessorRefIn
    inputs: list[BatchInputIn] = Field(min_length=1)
    priority: int | None = None


class SplitBatchRequest(_Wire):
    splitter: ProcessorRefIn
    inputs: list[BatchInputIn] = Field(min_length=1)
    priority: int | None = None


PlanFn = Callable[..., Plan]


def run_config(
    processors: ProcessorService,
    workspace_id: str,
    kind: ProcessorKind,
    ref: ProcessorRefIn | None,
    config: dict[str, Any] | None,
    plan: PlanFn,
) -> dict[str, Any]:
    """The JSON stored on a new run: the validated plan plus the processor version it used."""
    field = kind.value  # "classifier" | "splitter"
    if ref is not None and config is not None:
        raise InvalidRequest(f"give either {field} or config, not both")
    if ref is None:
        if config is None:
            raise InvalidRequest(f"one of {field} or config is required")
        return plan(config, "config").run_config()
    resolved = processors.resolve(workspace_id, kind, ref.id, ref.version)
    p, v = resolved.processor, resolved.version
    raw = merge_override(v.config, ref.override_config)
    where = f"{field}.overrideConfig" if ref.override_config else f"{field} {p.id} {v.version}"
    out = plan(raw, where).run_config()
    out[PROCESSOR_KEY] = processor_ref(
        p.id, p.name, ts(p.created_at), ts(p.updated_at), v.id, v.version, ts(v.created_at),
        v.description,
    )  # fmt: skip
    out[PROCESSOR_ID_KEY] = p.id
    return out
