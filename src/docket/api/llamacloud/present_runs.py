"""Extract runs and extractors → LlamaCloud's ExtractAgent, ExtractJob and ExtractRun.

A job and its run are one Docket extract run (same id); the agent shown on a job is the
extractor as the run used it, so it still reads after the agent is deleted.
"""

from __future__ import annotations

from typing import Any, Final

from docket.api.llamacloud.present import file_json, result_json, ts
from docket.api.llamacloud.translate import llama_config, llama_schema
from docket.domain.extract_config import ExtractConfig
from docket.domain.extraction import ExtractionResult, ExtractTarget
from docket.domain.processors import Processor
from docket.domain.runs import Run, RunStatus, StoredFile
from docket.services.extraction import run_config, run_processor
from docket.services.llamacloud_agents import llama_extras

JOB_STATUS: Final = {
    RunStatus.PENDING: "PENDING",
    RunStatus.PROCESSING: "PENDING",
    RunStatus.PROCESSED: "SUCCESS",
    RunStatus.FAILED: "ERROR",
    RunStatus.CANCELLED: "CANCELLED",
}
# ExtractRun's status has no CANCELLED: a cancelled run is an ERROR saying so.
RUN_STATUS: Final = {**JOB_STATUS, RunStatus.CANCELLED: "ERROR"}


def agent_json(p: Processor) -> dict[str, Any]:
    cfg = ExtractConfig.model_validate(p.draft.config)
    return {
        "id": p.id,
        "name": p.name,
        "project_id": p.workspace_id,
        "config": llama_config(cfg),
        "data_schema": llama_schema(cfg),
        "custom_configuration": None,
        "created_at": ts(p.created_at),
        "updated_at": ts(p.updated_at),
    }


def run_agent_json(run: Run) -> dict[str, Any]:
    """The agent as the run used it (still shown after the agent is deleted)."""
    cfg = run_config(run)
    ref = run_processor(run) or {}
    return {
        "id": str(ref.get("id", "")),
        "name": str(ref.get("name", "")),
        "project_id": run.workspace_id,
        "config": llama_config(cfg),
        "data_schema": llama_schema(cfg),
    }


def run_error(run: Run) -> str | None:
    if run.status is RunStatus.FAILED:
        return f"{run.failure_reason}: {run.failure_message}"
    if run.status is RunStatus.CANCELLED:
        return "CANCELLED: the job was cancelled"
    return None


def job_json(run: Run, file: StoredFile | None) -> dict[str, Any]:
    return {
        "id": run.id,
        "extraction_agent": run_agent_json(run),
        "status": JOB_STATUS[run.status],
        "error": run_error(run),
        "file_id": run.file_id,
        "file": file_json(file, run.workspace_id) if file is not None else None,
    }


def run_json(run: Run, file: StoredFile | None, result: ExtractionResult | None) -> dict[str, Any]:
    cfg = run_config(run)
    job = llama_extras(cfg).get("job") or {}
    out: dict[str, Any] = {
        "id": run.id,
        "job_id": run.id,
        "extraction_agent_id": str((run_processor(run) or {}).get("id", "")),
        "project_id": run.workspace_id,
        "config": llama_config(cfg),
        "data_schema": llama_schema(cfg),
        "from_ui": bool(job.get("from_ui", False)),
        "status": RUN_STATUS[run.status],
        "error": run_error(run),
        "file_id": run.file_id,
        "file": file_json(file, run.workspace_id) if file is not None else None,
        "created_at": ts(run.created_at),
        "updated_at": ts(run.updated_at),
        "data": None,
        "extraction_metadata": None,
    }
    if result is not None:
        out.update(result_json(result, cfg.options.target is ExtractTarget.DOCUMENT, pages(run)))
    return out


def pages(run: Run) -> int | None:
    count = (run.metrics or {}).get("pageCount")
    return int(count) if isinstance(count, int) else None
