"""Records -> Extend wire JSON (camelCase, ``object`` tags, RFC 3339 timestamps)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from docket.domain.runs import Batch, Page, Run, RunStatus, StoredFile
from docket.services.files import file_type


def ts(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def file_summary(f: StoredFile | None, file_id: str = "") -> dict[str, Any]:
    if f is None:  # deleted since the run was made
        return {"object": "file", "id": file_id, "name": "", "metadata": {}}
    out: dict[str, Any] = {"object": "file", "id": f.id, "name": f.name}
    kind = file_type(f.media_type)
    if kind:
        out["type"] = kind
    out["parentFileId"] = f.parent_file_id
    meta: dict[str, Any] = {"pageCount": f.page_count} if f.page_count is not None else {}
    if f.parent_split is not None:
        meta["parentSplit"] = f.parent_split
    out["metadata"] = meta
    out["createdAt"] = ts(f.created_at)
    out["updatedAt"] = ts(f.updated_at)
    return out


def file_json(f: StoredFile, presigned_url: str | None = None) -> dict[str, Any]:
    out = file_summary(f)
    if presigned_url is not None:
        out["presignedUrl"] = presigned_url
    return out


def _common(run: Run, file: StoredFile | None, obj: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "object": obj,
        "id": run.id,
        "batchId": run.batch_id,
        "file": file_summary(file, run.file_id),
        "status": run.status.value,
        "metadata": run.metadata,
    }
    if run.status is RunStatus.FAILED:
        out["failureReason"] = run.failure_reason
        out["failureMessage"] = run.failure_message
    return out


def run_json(
    run: Run,
    file: StoredFile | None,
    *,
    output: dict[str, Any] | None = None,
    output_url: str | None = None,
) -> dict[str, Any]:
    out = _common(run, file, f"{run.kind}_run")
    out["config"] = run.config.get("echo", {})
    if run.status is RunStatus.PROCESSED:
        if output_url is not None:
            out["outputUrl"] = output_url
        elif output is not None:
            out["output"] = output
        out["metrics"] = run.metrics
        out["usage"] = run.usage
    out["createdAt"] = ts(run.created_at)
    out["updatedAt"] = ts(run.updated_at)
    return out


def run_summary(run: Run, file: StoredFile | None) -> dict[str, Any]:
    out = _common(run, file, f"{run.kind}_run")
    if run.status is RunStatus.PROCESSED:
        out["metrics"] = run.metrics
        out["usage"] = {"credits": (run.usage or {}).get("credits", 0)}
    out["createdAt"] = ts(run.created_at)
    out["updatedAt"] = ts(run.updated_at)
    return out


def batch_json(batch: Batch) -> dict[str, Any]:
    return {
        "object": "batch_run",
        "id": batch.id,
        "status": batch.status.value,
        "runCount": batch.run_count,
        "createdAt": ts(batch.created_at),
    }


def list_json(page: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "list", "data": items, "nextPageToken": page.next_token}
