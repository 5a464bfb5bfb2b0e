"""The ``parse`` run kind: the pipeline's ``parse_document`` in a worker process.

The worker process reads the input from the blob store, checks the run's cancel flag in the
database between pages, writes the ParsedDocument JSON to ``outputs/<run id>.json`` and returns a
small, always-picklable outcome tuple (exceptions with custom constructors do not cross process
boundaries reliably).
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any, Final

from docket.domain.parse_options import ParseOptions
from docket.domain.runs import Run, StoredFile
from docket.errors import DocketError, ErrorCode
from docket.pipeline.formats import ParseLimits
from docket.pipeline.parse import Cancelled, parse_document
from docket.services.runs import RunCancelled, WorkResult
from docket.storage.blobs import BlobStore
from docket.store.db import Database
from docket.store.repos import RunRepository
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
_CANCEL_CHECK_S = 0.2

Outcome = tuple[Any, ...]


@cache
def _runs_repo(db_url: str) -> RunRepository:
    return RunRepository(Database(db_url).sessions)


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
    runs = _runs_repo(db_url)
    last = [0.0, False]

    def cancelled() -> bool:
        t = time.monotonic()
        if t - float(last[0]) >= _CANCEL_CHECK_S:
            last[0], last[1] = t, runs.cancel_requested(run_id)
        return bool(last[1])

    try:
        if runs.cancel_requested(run_id):
            return ("cancelled",)
        data = blobs.get(file_key)
        options = ParseOptions.model_validate_json(options_json)
        doc = parse_document(
            data,
            options,
            limits=ParseLimits(max_bytes=limits[0], max_pages=limits[1]),
            cancelled=cancelled,
        )
        key = f"outputs/{run_id}.json"
        blobs.put(key, doc.model_dump_json().encode())
        return ("ok", key, len(doc.pages), round((time.perf_counter() - start) * 1000))
    except Cancelled:
        return ("cancelled",)
    except DocketError as exc:
        return ("failed", exc.code.value, exc.message)
    except MemoryError:
        return ("failed", ErrorCode.FILE_SIZE_TOO_LARGE.value, "the document needs too much memory")
    except Exception as exc:  # a bug or an engine crash we did not translate
        return ("failed", ErrorCode.INTERNAL_ERROR.value, f"internal error ({type(exc).__name__})")


class ParseKind:
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
        self._db_url = db_url
        self._blobs = blobs
        self._queue = queue
        self._limits = limits
        self._timeout_s = timeout_s

    def execute(self, run: Run, file: StoredFile) -> WorkResult:
        options = ParseOptions.model_validate(run.config.get("options", {}))
        if options.password is None and file.password:
            options = options.model_copy(update={"password": file.password})
        outcome = self._queue.run_cpu(
            parse_in_worker,
            self._db_url,
            self._blobs,
            run.id,
            file.blob_key,
            options.model_dump_json(),
            self._limits,
            timeout_s=self._timeout_s,
        )
        if outcome[0] == "cancelled":
            raise RunCancelled()
        if outcome[0] == "failed":
            raise DocketError(str(outcome[2]), code=ErrorCode(outcome[1]))
        _, key, pages, ms = outcome
        return WorkResult(
            output_key=str(key),
            metrics={"processingTimeMs": int(ms), "pageCount": int(pages)},
            credits=float(pages),
        )
