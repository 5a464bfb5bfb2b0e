"""Extend-compatible ``/extractors`` and ``/extractors/{extractorId}/versions`` routes."""

from __future__ import annotations

from docket.api.extend.extract_config import config_from_wire, config_to_wire
from docket.api.extend.processor_routes import ProcessorWire, processor_router
from docket.domain.processors import ProcessorKind

router = processor_router(
    ProcessorWire(
        ProcessorKind.EXTRACTOR, "extractors", config_in=config_from_wire, config_out=config_to_wire
    )
)
