"""The ``parse`` run kind: the pipeline's ``parse_document`` in a worker process.

The worker process reads the input from the blob store, checks the run's cancel flag in the
database between pages, writes the ParsedDocument JSON to ``outputs/<run id>.json`` and returns a
small, always-picklable outcome tuple (exceptions with custom constructors do not cross process
boundaries reliably).
"""

from __future__ import annotations

import time
from typing import Final

from docket.domain.parse_options import ParseOptions
from docket.domain.runs import Run, StoredFile
from docket.engines.llm.openai_compatible import ModelRegistry
from docket.errors import ErrorCode
from docket.services.doc_work import (
    Outcome,
    WorkerKind,
    cancel_check,
    elapsed_ms,
    guarded,
    parse_limited,
    runs_repo,
)
from docket.services.runs import WorkResult
from docket.storage.blobs import BlobStore
from docket.worker.pool import JobQueue

PARSE_FAILURE_CODES: Final = frozenset(
    {
        "UNABLE_TO_DOWNLOAD_FILE",
        "FILE_TYPE_NOT_SUPPORTED",
        "FILE_SIZE_TOO_LARGE",
        "CORRUPT_FILE",
        "OCR_ERROR",
        "PASSWORD_PROTECTED_FILE",
        "FAILED_TO_CONVERT_TO_PDF",
        "FAILED_TO_CONVERT_TO_JPEG",
        "FAILED_TO_GENERATE_TARGET_FORMAT",
        "CHUNKING_ERROR",
        "INTERNAL_ERROR",
        "INVALID_CONFIG_OPTIONS",
    }
)


def parse_in_worker(
    db_url: str,
    blobs: BlobStore,
    run_id: str,
    file_key: str,
    options_json: str,
    limits: tuple[int, int],
) -> Outcome:
    """Runs in a worker process: ("ok", key, pages, ms) | ("failed", code, msg) | ("cancelled",)."""
    start = time.perf_counter()
    runs = runs_repo(db_url)
    cancelled = cancel_check(db_url, run_id)

    def work() -> Outcome:
        if runs.cancel_requested(run_id):
            return ("cancelled",)
        data = blobs.get(file_key)
        options = ParseOptions.model_validate_json(options_json)
        doc = parse_limited(data, options, limits, cancelled)
        key = f"outputs/{run_id}.json"
        blobs.put(key, doc.model_dump_json().encode())
        return ("ok", key, len(doc.pages), elapsed_ms(start))

    return guarded(work, config_failure=False, memory_code=ErrorCode.FILE_SIZE_TOO_LARGE)


class ParseKind(WorkerKind):
    name = "parse"
    id_prefix = "pr"
    batch_prefix = "bpar"
    failure_codes = PARSE_FAILURE_CODES

    def __init__(
        self,
        db_url: str,
        blobs: BlobStore,
        queue: JobQueue,
        limits: tuple[int, int],
        timeout_s: float | None = None,
    ) -> None:
        super().__init__(db_url, blobs, queue, limits, ModelRegistry(), timeout_s)

    def execute(self, run: Run, file: StoredFile) -> WorkResult:
        options = ParseOptions.model_validate(run.config.get("options", {}))
        if options.password is None and file.password:
            options = options.model_copy(update={"password": file.password})
        outcome = self.run_worker(
            parse_in_worker, run.id, file.blob_key, options.model_dump_json(), self._limits
        )
        _, key, pages, ms = outcome
        return WorkResult(
            output_key=str(key),
            metrics={"processingTimeMs": int(ms), "pageCount": int(pages)},
            credits=float(pages),
        )
