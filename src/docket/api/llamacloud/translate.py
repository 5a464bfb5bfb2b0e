"""LlamaCloud ``ExtractConfig`` + ``data_schema`` → Docket's :class:`ExtractConfig`, and back.

The mapping (docs/llamacloud.md has the table):

* ``extraction_mode``: FAST → the offline engine. BALANCED (LlamaCloud's default), PREMIUM and
  MULTIMODAL → the LLM provider configured under the mode's lowercase name
  (``DOCKET_LLM_MODELS=balanced=...``) or the catch-all ``*``; with no provider configured they
  run the offline engine (the engine used is reported in ``extraction_metadata.usage.engine``).
* ``extract_model`` → that public model name's provider; an unconfigured name is a 400
  (``INVALID_CONFIGURATION``) at request time, never a silent fallback. ``parse_model`` is
  checked the same way (Docket parses without a model, so it only has to be resolvable).
* ``extraction_target`` → :class:`ExtractTarget`; ``system_prompt`` → instructions;
  ``page_range`` → the pages parsed and extracted; ``chunk_mode`` SECTION → section chunks;
  ``cite_sources`` (or the deprecated ``citation_bbox``), ``confidence_scores`` and
  ``use_reasoning`` switch citations, confidence and reasoning (all off by default, as in
  LlamaCloud).
* ``num_pages_context``, ``high_resolution_mode``, ``invalidate_cache`` (Docket keeps no result
  cache) and ``multimodal_fast_mode`` are accepted and echoed only; ``priority`` is applied
  when the run is queued (``jobs.PRIORITIES``).

The caller's config and original schema ride along in ``extras["llamacloud"]`` so that agents,
jobs and runs echo exactly what was sent.
"""

from __future__ import annotations

from typing import Any, Final

from docket.api.llamacloud.schema import parse_data_schema, to_docket_schema
from docket.api.llamacloud.wire import DataSchema
from docket.api.llamacloud.wire import ExtractConfig as LlamaConfig
from docket.domain.document import ChunkType
from docket.domain.extract_config import ExtractConfig
from docket.domain.extraction import ExtractOptions, ExtractTarget
from docket.domain.parse_options import Chunking, PageRange, ParseOptions, parse_page_spec
from docket.engines.llm.openai_compatible import ModelRegistry
from docket.errors import InvalidConfigOptions
from docket.services.llamacloud_agents import EXTRAS_KEY

TARGETS: Final = {
    "PER_DOC": ExtractTarget.DOCUMENT,
    "PER_PAGE": ExtractTarget.PAGE,
    "PER_TABLE_ROW": ExtractTarget.TABLE_ROW,
}
DEFAULT_MODE: Final = "BALANCED"
DEFAULT_TARGET: Final = "PER_DOC"


def engine_for(cfg: LlamaConfig, models: ModelRegistry) -> str | None:
    """The public model name the run's engine is chosen by (None: the offline engine)."""
    if cfg.parse_model:
        models.resolve(cfg.parse_model)
    if cfg.extract_model:
        models.resolve(cfg.extract_model)  # INVALID_CONFIGURATION (400) when not configured
        return cfg.extract_model
    mode = (cfg.extraction_mode or DEFAULT_MODE).lower()
    if mode == "fast":
        return None
    return mode if mode in models.providers or "*" in models.providers else None


def page_ranges(spec: str | None) -> list[tuple[int, int]] | None:
    if spec is None or not spec.strip():
        return None
    try:
        return [(r.start, r.end) for r in parse_page_spec(spec)]
    except ValueError as exc:
        raise InvalidConfigOptions(
            f"config.page_range {spec!r} is not a list of pages or ranges like '1,3,5-7' ({exc})"
        ) from None


def to_extract_config(
    cfg: LlamaConfig, data_schema: DataSchema, models: ModelRegistry
) -> ExtractConfig:
    """Translate and check a LlamaCloud config and schema (400 on anything unusable)."""
    schema = to_docket_schema(data_schema)
    ranges = page_ranges(cfg.page_range)
    parse = ParseOptions(
        chunking=Chunking(
            type=ChunkType.SECTION if cfg.chunk_mode == "SECTION" else ChunkType.PAGE
        ),
        page_ranges=[PageRange(start=a, end=b) for a, b in ranges] if ranges else None,
    )
    options = ExtractOptions(
        target=TARGETS[cfg.extraction_target or DEFAULT_TARGET],
        page_ranges=ranges,
        instructions=cfg.system_prompt or None,
        citations=bool(cfg.cite_sources or cfg.citation_bbox),
        confidence=bool(cfg.confidence_scores),
        reasoning=bool(cfg.use_reasoning),
    )
    return ExtractConfig(
        json_schema=schema,
        model=engine_for(cfg, models),
        instructions=cfg.system_prompt or None,
        options=options,
        parse=parse,
        extras={
            EXTRAS_KEY: {
                "config": cfg.model_dump(mode="json", exclude_none=True),
                "data_schema": parse_data_schema(data_schema),
            }
        },
    )


def llama_config(cfg: ExtractConfig) -> dict[str, Any]:
    """The LlamaCloud config to echo: what was sent, with the defaults filled in. Configs made
    through another protocol (an Extend extractor) are described from Docket's options."""
    sent = cfg.extras.get(EXTRAS_KEY, {}).get("config")
    out: dict[str, Any] = dict(sent) if isinstance(sent, dict) else _describe(cfg)
    out.setdefault("extraction_mode", DEFAULT_MODE if cfg.model else "FAST")
    out.setdefault("extraction_target", DEFAULT_TARGET)
    out.setdefault("chunk_mode", "PAGE")
    for key in ("cite_sources", "confidence_scores", "use_reasoning"):
        out.setdefault(key, False)
    return out


def _describe(cfg: ExtractConfig) -> dict[str, Any]:
    target = {v: k for k, v in TARGETS.items()}[cfg.options.target]
    out: dict[str, Any] = {
        "extraction_target": target,
        "cite_sources": cfg.options.citations,
        "confidence_scores": cfg.options.confidence,
        "use_reasoning": cfg.options.reasoning,
        "system_prompt": cfg.instructions,
    }
    if cfg.model:
        out["extract_model"] = cfg.model
    if cfg.options.page_ranges:
        out["page_range"] = ",".join(
            f"{a}-{b}" if a != b else str(a) for a, b in cfg.options.page_ranges
        )
    return {k: v for k, v in out.items() if v is not None}


def llama_schema(cfg: ExtractConfig) -> dict[str, Any]:
    """The schema as the caller sent it (Docket's normalised one for non-LlamaCloud configs)."""
    sent = cfg.extras.get(EXTRAS_KEY, {}).get("data_schema")
    if isinstance(sent, dict):
        return sent
    return cfg.json_schema or {}
