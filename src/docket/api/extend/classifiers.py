"""Extend-compatible ``/classifiers`` and ``/classifiers/{classifierId}/versions`` routes.

The stored config is the ClassifyConfig with defaults filled (``baseProcessor``); a draft may
have no classifications yet, but a run that uses it is refused until it has one.
``class_list_processor`` also builds the splitters: the same shape with another list key.
"""

from __future__ import annotations

from fastapi import APIRouter

from docket.api.extend.classify_config import saved_classify_config
from docket.api.extend.processor_routes import ProcessorWire, processor_router
from docket.domain.processors import ProcessorKind
from docket.services.processors import ConfigValidator, ProcessorSpec


def class_list_processor(
    kind: ProcessorKind, prefix: str, validate: ConfigValidator, list_key: str
) -> tuple[ProcessorSpec, APIRouter]:
    """The spec and routes of a processor whose config holds a list of classes, stored as sent."""
    spec = ProcessorSpec(
        kind=kind,
        id_prefix=prefix,
        version_prefix=f"{prefix}v",
        label=kind.value.capitalize(),
        validate=validate,
        default_config=lambda: {list_key: []},
    )
    return spec, processor_router(ProcessorWire(kind, f"{kind.value}s"))


CLASSIFIER_SPEC, router = class_list_processor(
    ProcessorKind.CLASSIFIER, "cl", saved_classify_config, "classifications"
)
