"""Classify and split runs -> Extend wire JSON (``ClassifyRun``, ``SplitRun`` and summaries).

The engines' results are stored in Docket's own shapes; this module renders them the way the
SDK reads them: ``ClassifyOutput {id, type, confidence, insights}`` and ``SplitOutput {splits}``
with one ``fileId`` per split. ``classifier``/``classifierVersion`` (or the splitter pair) come
from the processor reference the run was created with.
"""

from __future__ import annotations

from typing import Any

from docket.api.extend.present import file_summary, ts
from docket.domain.classification import ClassifyResult
from docket.domain.runs import Run, RunStatus, StoredFile
from docket.services.split_output import StoredSplit

PROCESSOR_KEY = "processor"  # run.config["processor"]: the saved processor version a run used
PROCESSOR_OF = {"classify": "classifier", "split": "splitter"}


def classify_output_json(result: ClassifyResult) -> dict[str, Any]:
    insights = [{"type": "reasoning", "content": result.reasoning}] if result.reasoning else []
    return {
        "id": result.class_id,
        "type": result.type,
        "confidence": round(float(result.confidence), 4),
        "insights": insights,
    }


def split_output_json(stored: StoredSplit) -> dict[str, Any]:
    splits = []
    for split_id, file_id, seg in zip(
        stored.split_ids, stored.file_ids, stored.result.segments, strict=True
    ):
        splits.append(
            {
                "id": split_id,
                "type": seg.type,
                "classificationId": seg.class_id,
                "identifier": seg.identifier,
                "observation": seg.observation,
                "startPage": seg.start_page,
                "endPage": seg.end_page,
                "fileId": file_id,
            }
        )
    return {"splits": splits}


def processor_ref(
    processor_id: str,
    name: str,
    created_at: str,
    updated_at: str,
    version_id: str,
    version: str,
    version_created_at: str,
    description: str | None,
) -> dict[str, Any]:
    """What a run keeps of the saved processor version it used (rendered on every read)."""
    return {
        "id": processor_id,
        "name": name,
        "createdAt": created_at,
        "updatedAt": updated_at,
        "versionId": version_id,
        "version": version,
        "versionCreatedAt": version_created_at,
        "description": description,
    }


def _refs(run: Run) -> dict[str, Any]:
    ref = run.config.get(PROCESSOR_KEY)
    if not isinstance(ref, dict):
        return {}
    name = PROCESSOR_OF[run.kind]
    return {
        name: {
            "object": name,
            "id": ref["id"],
            "name": ref["name"],
            "createdAt": ref["createdAt"],
            "updatedAt": ref["updatedAt"],
        },
        f"{name}Version": {
            "object": f"{name}_version",
            "id": ref["versionId"],
            "description": ref.get("description"),
            "version": ref["version"],
            f"{name}Id": ref["id"],
            "createdAt": ref["versionCreatedAt"],
        },
    }


def processor_run_json(
    run: Run,
    file: StoredFile | None,
    dashboard_url: str,
    *,
    output: dict[str, Any] | None = None,
    summary: bool = False,
) -> dict[str, Any]:
    """A ``ClassifyRun``/``SplitRun`` (``summary``: the list item, without output and config)."""
    out: dict[str, Any] = {"object": f"{run.kind}_run", "id": run.id, "status": run.status.value}
    if output is not None and not summary:
        out["output"] = output
    out.update(_refs(run))
    if run.status is RunStatus.FAILED:
        out["failureReason"] = run.failure_reason
        out["failureMessage"] = run.failure_message
    out["metadata"] = run.metadata
    out["reviewed"] = False
    out["edited"] = False
    if not summary:
        out["config"] = run.config.get("echo", {})
    out["file"] = file_summary(file, run.file_id)
    out["batchId"] = run.batch_id
    out["parseRunId"] = None
    out["dashboardUrl"] = dashboard_url
    if run.status is RunStatus.PROCESSED:
        usage = run.usage or {}
        credits = usage.get("credits", 0)
        out["usage"] = {"credits": credits, "totalCredits": usage.get("totalCredits", credits)}
        if not summary:
            out["metrics"] = run.metrics
    out["createdAt"] = ts(run.created_at)
    out["updatedAt"] = ts(run.updated_at)
    return out
