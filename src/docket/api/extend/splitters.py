"""Extend-compatible ``/splitters`` and ``/splitters/{splitterId}/versions`` routes.

The stored config is the SplitConfig with defaults filled (``baseProcessor``); a draft may
have no splitClassifications yet, but a run that uses it is refused until it has one.
"""

from __future__ import annotations

from typing import Any

from docket.api.extend.classify_config import saved_split_config
from docket.api.extend.processor_routes import ProcessorWire, processor_router
from docket.domain.processors import ProcessorKind
from docket.services.processors import ProcessorSpec


def _wire_config(config: dict[str, Any]) -> dict[str, Any]:
    return config


SPLITTER_SPEC = ProcessorSpec(
    kind=ProcessorKind.SPLITTER,
    id_prefix="spl",
    version_prefix="splv",
    label="Splitter",
    validate=saved_split_config,
    default_config=lambda: {"splitClassifications": []},
)

router = processor_router(
    ProcessorWire(
        ProcessorKind.SPLITTER, "splitters", config_in=_wire_config, config_out=_wire_config
    )
)
