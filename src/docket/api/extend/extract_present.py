"""Extract runs and their output in Extend's wire shape.

``output = {value, metadata}``; ``metadata`` maps value paths (``total``, ``items[0]``,
``items[0].amount``) to ``{ocrConfidence, logprobsConfidence, citations, insights}``. Docket's
calibrated confidence is reported as ``logprobsConfidence`` (the field SDK users read);
``ocrConfidence`` is null (the words come from a text layer or an OCR engine whose word
confidences are not carried through). Failure reasons are Extend's: Docket's file codes become
``FAILED_TO_PROCESS_FILE`` and configuration codes ``INVALID_CONFIGURATION``, with Docket's code
kept at the start of ``failureMessage``.
"""

from __future__ import annotations

import re
from typing import Any

from docket.api.extend.extract_config import config_to_wire
from docket.api.extend.present import file_summary, ts
from docket.domain.extract_config import ExtractConfig
from docket.domain.extraction import ExtractionResult, FieldResult
from docket.domain.runs import Run, RunStatus, StoredFile

_CONFIG_CODES = frozenset({"INVALID_REQUEST", "INVALID_CONFIG_OPTIONS", "INVALID_CONFIGURATION"})
_RUN_CODES = frozenset(
    {
        "ABORTED",
        "INTERNAL_ERROR",
        "FAILED_TO_PROCESS_FILE",
        "INVALID_PROCESSOR",
        "INVALID_CONFIGURATION",
        "PARSING_ERROR",
        "PRE_PROCESSING_FAILURE",
        "POST_PROCESSING_FAILURE",
        "OUT_OF_CREDITS",
        "SCHEMA_GENERATION_FAILED",
    }
)
_INTERNAL = frozenset({"MODEL_PROVIDER_ERROR", "TIMEOUT"})
_PROPERTY_OF_ITEM = re.compile(r"\[\d+\]\.")
_ITEM = re.compile(r"\[\d+\]$")


def failure(run: Run) -> tuple[str | None, str | None]:
    """Extend's ``failureReason`` and ``failureMessage`` of a FAILED run."""
    code, message = run.failure_reason, run.failure_message
    if code is None or code in _RUN_CODES:
        return code, message
    if code in _CONFIG_CODES:
        wire = "INVALID_CONFIGURATION"
    elif code in _INTERNAL:
        wire = "INTERNAL_ERROR"
    else:  # the file could not be read: CORRUPT_FILE, PASSWORD_PROTECTED_FILE, ...
        wire = "FAILED_TO_PROCESS_FILE"
    return wire, f"{code}: {message or ''}".strip()


def _field(fr: FieldResult, file_id: str, citations: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"ocrConfidence": None, "logprobsConfidence": fr.confidence}
    if citations:
        out["citations"] = [
            {
                "fileId": file_id,
                "page": {"number": c.page, "width": c.page_width, "height": c.page_height},
                "referenceText": c.reference_text,
                "polygon": [{"x": p.x, "y": p.y} for p in c.polygon],
            }
            for c in fr.citations
        ]
    out["insights"] = [{"type": "reasoning", "content": fr.reasoning}] if fr.reasoning else []
    return out


def _keep(path: str, paths: set[str], strategy: str | None) -> bool:
    """``arrayCitationStrategy``: ``item`` cites ``arr[i]``, ``property`` cites
    ``arr[i].prop`` (an item of primitives keeps ``arr[i]``); unset keeps both."""
    if strategy == "item":
        return not _PROPERTY_OF_ITEM.search(path)
    if strategy == "property" and _ITEM.search(path):
        return not any(p.startswith(path + ".") for p in paths)
    return True


def output_json(result: ExtractionResult, cfg: ExtractConfig, file_id: str) -> dict[str, Any]:
    """``{value, metadata}`` of the document target (Extend has one output per run)."""
    if not result.outputs:
        return {"value": {}, "metadata": {}}
    first = result.outputs[0]
    strategy = (cfg.extras.get("advancedOptions") or {}).get("arrayCitationStrategy")
    paths = set(first.metadata)
    metadata = {
        path: _field(fr, file_id, cfg.options.citations)
        for path, fr in first.metadata.items()
        if _keep(path, paths, strategy)
    }
    return {"value": first.value, "metadata": metadata}


def processor_refs(run: Run) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """``extractor`` and ``extractorVersion`` summaries of a run by extractor reference."""
    ref = run.config.get("processor")
    if not isinstance(ref, dict):
        return None, None
    extractor = {
        "object": "extractor",
        "id": ref["id"],
        "name": ref.get("name", ""),
        "createdAt": ref.get("createdAt") or ts(run.created_at),
        "updatedAt": ref.get("updatedAt") or ts(run.created_at),
    }
    version = {
        "object": "extractor_version",
        "id": ref.get("versionId"),
        "description": ref.get("description"),
        "version": ref.get("version"),
        "extractorId": ref["id"],
        "createdAt": ref.get("versionCreatedAt") or ts(run.created_at),
        "createdBy": None,
    }
    return extractor, version


def _usage(run: Run, full: bool) -> dict[str, Any] | None:
    if run.status is not RunStatus.PROCESSED:
        return None
    usage = dict(run.usage or {})
    if not full:
        return {"credits": usage.get("credits", 0), "totalCredits": usage.get("totalCredits")}
    model = (run.metrics or {}).get("modelUsage")
    if model is not None:
        usage["modelUsage"] = model  # LLM calls and tokens (zero for the offline engine)
    return usage


def _common(run: Run, file: StoredFile | None, dashboard: str) -> dict[str, Any]:
    reason, message = failure(run) if run.status is RunStatus.FAILED else (None, None)
    extractor, version = processor_refs(run)
    return {
        "object": "extract_run",
        "id": run.id,
        "status": run.status.value,
        "failureReason": reason,
        "failureMessage": message,
        "metadata": run.metadata,
        "reviewed": False,
        "edited": False,
        "extractor": extractor,
        "extractorVersion": version,
        "file": file_summary(file, run.file_id),
        "parseRunId": None,
        "dashboardUrl": f"{dashboard.rstrip('/')}/extract_runs/{run.id}",
    }


def extract_run_json(
    run: Run,
    file: StoredFile | None,
    result: ExtractionResult | None,
    *,
    dashboard: str = "",
) -> dict[str, Any]:
    cfg = ExtractConfig.model_validate(run.config.get("extract", {}))
    out = _common(run, file, dashboard)
    out["output"] = output_json(result, cfg, run.file_id) if result is not None else None
    out["config"] = config_to_wire(cfg)
    out["usage"] = _usage(run, full=True)
    out["batchId"] = run.batch_id
    out["createdAt"] = ts(run.created_at)
    out["updatedAt"] = ts(run.updated_at)
    return out


def extract_run_summary(
    run: Run, file: StoredFile | None, *, dashboard: str = ""
) -> dict[str, Any]:
    out = _common(run, file, dashboard)
    out["usage"] = _usage(run, full=False)
    out["batchId"] = run.batch_id
    out["createdAt"] = ts(run.created_at)
    out["updatedAt"] = ts(run.updated_at)
    return out
