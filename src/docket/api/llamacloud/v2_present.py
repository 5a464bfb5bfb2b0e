"""Docket extract runs → LlamaCloud's v2 ``ExtractV2Job``.

A v2 job is a Docket extract run (same id), so jobs made through Extend or the 1.x SDK list here
too; their configuration is described from Docket's options. ``extract_result`` is an object for
``per_doc`` and a list for ``per_page`` / ``per_table_row``; ``extract_metadata.field_metadata``
mirrors it (``document_metadata`` / ``page_metadata`` / ``row_metadata``) and is included when
asked for (``expand=extract_metadata``) or when citations or confidence were switched on.
"""

from __future__ import annotations

from typing import Any, Final

from docket.api.llamacloud.present import field_metadata, ts
from docket.api.llamacloud.present_runs import pages, run_error
from docket.api.llamacloud.translate import llama_config, llama_schema
from docket.domain.extract_config import ExtractConfig
from docket.domain.extraction import ExtractionResult, ExtractTarget
from docket.domain.runs import Run, RunStatus
from docket.services.extraction import run_config, run_processor
from docket.services.llamacloud_agents import llama_extras

V2_KEY: Final = "v2"  # extras["llamacloud"]["v2"]: the v2 request (configuration, its id)
STATUS: Final = {
    RunStatus.PENDING: "PENDING",
    RunStatus.PROCESSING: "RUNNING",
    RunStatus.PROCESSED: "COMPLETED",
    RunStatus.FAILED: "FAILED",
    RunStatus.CANCELLED: "CANCELLED",
}
FROM_STATUS: Final = {v: k for k, v in STATUS.items()}
TARGETS: Final = {
    ExtractTarget.DOCUMENT: "per_doc",
    ExtractTarget.PAGE: "per_page",
    ExtractTarget.TABLE_ROW: "per_table_row",
}
META_KEYS: Final = {
    ExtractTarget.DOCUMENT: "document_metadata",
    ExtractTarget.PAGE: "page_metadata",
    ExtractTarget.TABLE_ROW: "row_metadata",
}


def v2_request(cfg: ExtractConfig) -> dict[str, Any]:
    found = llama_extras(cfg).get(V2_KEY)
    return found if isinstance(found, dict) else {}


def configuration_json(cfg: ExtractConfig) -> dict[str, Any]:
    """The configuration as sent, or one described from Docket's options (other protocols)."""
    sent = v2_request(cfg).get("configuration")
    if isinstance(sent, dict):
        return sent
    v1 = llama_config(cfg)
    out: dict[str, Any] = {
        "data_schema": llama_schema(cfg),
        "extraction_target": TARGETS[cfg.options.target],
        "cite_sources": cfg.options.citations,
        "confidence_scores": cfg.options.confidence,
        "system_prompt": cfg.instructions,
        "target_pages": v1.get("page_range"),
    }
    return {k: v for k, v in out.items() if v is not None}


def _metadata(cfg: ExtractConfig, result: ExtractionResult) -> dict[str, Any]:
    target = cfg.options.target
    trees = [field_metadata(o.value, o.metadata) or {} for o in result.outputs]
    value: Any = (trees[0] if trees else {}) if target is ExtractTarget.DOCUMENT else trees
    return {"field_metadata": {META_KEYS[target]: value}, "parse_job_id": None, "parse_tier": None}


def _result(cfg: ExtractConfig, result: ExtractionResult) -> Any:
    if cfg.options.target is ExtractTarget.DOCUMENT:
        return result.outputs[0].value if result.outputs else {}
    return [o.value for o in result.outputs]


def job_json(run: Run, result: ExtractionResult | None, expand: list[str] | None) -> dict[str, Any]:
    cfg = run_config(run)
    sent = v2_request(cfg)
    wanted = set(expand or [])
    count = pages(run)
    usage = {"num_pages_extracted": count, "num_pages_billed": 0}
    out: dict[str, Any] = {
        "id": run.id,
        "project_id": run.workspace_id,
        "file_input": sent.get("file_input") or run.file_id,
        "configuration_id": sent.get("configuration_id")
        or (None if sent else (run_processor(run) or {}).get("id")),
        "status": STATUS[run.status],
        "error_message": run_error(run),
        "created_at": ts(run.created_at),
        "updated_at": ts(run.updated_at),
        "extract_result": None,
        "extract_metadata": None,
        "metadata": {"usage": usage, "engine": result.engine if result else None},
    }
    if "configuration" in wanted:
        out["configuration"] = configuration_json(cfg)
    if "usage" in wanted:
        out["usage"] = {"credits": 0.0, "extract_credits": 0.0, "parse_credits": 0.0}
    if result is not None:
        out["extract_result"] = _result(cfg, result)
        if wanted & {"extract_metadata"} or cfg.options.citations or cfg.options.confidence:
            out["extract_metadata"] = _metadata(cfg, result)
    return out
