"""Extend-compatible ``/classifiers`` and ``/classifiers/{classifierId}/versions`` routes.

The stored config is the ClassifyConfig with defaults filled (``baseProcessor``); a draft may
have no classifications yet, but a run that uses it is refused until it has one.
"""

from __future__ import annotations

from typing import Any

from docket.api.extend.classify_config import saved_classify_config
from docket.api.extend.processor_routes import ProcessorWire, processor_router
from docket.domain.processors import ProcessorKind
from docket.services.processors import ProcessorSpec


def _wire_config(config: dict[str, Any]) -> dict[str, Any]:
    return config


CLASSIFIER_SPEC = ProcessorSpec(
    kind=ProcessorKind.CLASSIFIER,
    id_prefix="cl",
    version_prefix="clv",
    label="Classifier",
    validate=saved_classify_config,
    default_config=lambda: {"classifications": []},
)

router = processor_router(
    ProcessorWire(
        ProcessorKind.CLASSIFIER, "classifiers", config_in=_wire_config, config_out=_wire_config
    )
)
