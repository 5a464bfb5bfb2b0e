"""Shared worker-process steps of the parse, extract, classify and split run kinds.

Each reads the run's input from the blob store, parses it (checking the run's cancel flag between
pages), then (all but parse) hands the document to an engine. Everything here runs inside a
worker process, so results cross back as plain tuples of picklable values.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from docket.domain.classification import ClassifierEngine, ClassifyOptions, DocumentClass
from docket.domain.document import ParsedDocument
from docket.domain.parse_options import ParseOptions
from docket.engines.llm.openai_compatible import ModelRegistry
from docket.errors import DocketError, ErrorCode
from docket.pipeline.classify import select_classifier
from docket.pipeline.formats import ParseLimits
from docket.pipeline.parse import Cancelled, parse_document
from docket.services.runs import RunCancelled
from docket.storage.blobs import BlobStore
from docket.store.db import Database
from docket.store.repos import RunRepository
from docket.worker.pool import JobQueue

# Extend's failure reasons for classify/split runs, plus Docket's own codes that say more.
PROCESSOR_FAILURE_CODES: Final = frozenset(
    {
        "FAILED_TO_PROCESS_FILE",
        "INVALID_CONFIGURATION",
        "MODEL_PROVIDER_ERROR",
        "INTERNAL_ERROR",
    }
)
_CANCEL_CHECK_S: Final = 0.2
# A config that does not fit this file fails the run as Extend's INVALID_CONFIGURATION.
_CONFIG_CODES: Final = frozenset({ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_CONFIG_OPTIONS})

Outcome = tuple[Any, ...]
# The LLM providers the server knows (picklable; read once from the environment by the app).
EngineSpec = ModelRegistry


class RunGone(Exception):
    """The run was cancelled or deleted while its worker was busy."""


@cache
def runs_repo(db_url: str) -> RunRepository:
    return RunRepository(Database(db_url).sessions)


def cancel_check(db_url: str, run_id: str) -> Callable[[], bool]:
    """A cheap ``cancelled()`` for the parser: reads the flag at most every 0.2 s."""
    runs = runs_repo(db_url)
    last = [0.0, False]

    def cancelled() -> bool:
        t = time.monotonic()
        if t - float(last[0]) >= _CANCEL_CHECK_S:
            last[0], last[1] = t, runs.cancel_requested(run_id)
        return bool(last[1])

    return cancelled


def parse_limited(
    data: bytes,
    options: ParseOptions,
    limits: tuple[int, int],
    cancelled: Callable[[], bool],
) -> ParsedDocument:
    """``parse_document`` within the run's (max bytes, max pages), checking ``cancelled``."""
    return parse_document(
        data,
        options,
        limits=ParseLimits(max_bytes=limits[0], max_pages=limits[1]),
        cancelled=cancelled,
    )


@dataclass(frozen=True)
class ClassifyInput:
    """What a classify or split worker reads before its engine runs."""

    config: dict[str, Any]
    data: bytes
    doc: ParsedDocument
    classes: list[DocumentClass]
    options: ClassifyOptions
    cancelled: Callable[[], bool]


def read_classify_input(
    db_url: str,
    run_id: str,
    data: bytes,
    config_json: str,
    password: str | None,
    limits: tuple[int, int],
) -> ClassifyInput:
    """Parse the input under the run's config (classes, options, parse options); a cancel seen
    by then raises :class:`RunGone`."""
    cancelled = cancel_check(db_url, run_id)
    cfg: dict[str, Any] = json.loads(config_json)
    parse = parse_password(ParseOptions.model_validate(cfg["parse"]), password)
    doc = parse_input(data, parse, limits, cancelled)
    classes = [DocumentClass.model_validate(c) for c in cfg["classes"]]
    options = ClassifyOptions.model_validate(cfg["options"])
    if cancelled():
        raise RunGone()
    return ClassifyInput(cfg, data, doc, classes, options, cancelled)


def parse_input(
    data: bytes,
    options: ParseOptions,
    limits: tuple[int, int],
    cancelled: Callable[[], bool],
) -> ParsedDocument:
    """Parse a run's input; parse failures become FAILED_TO_PROCESS_FILE naming the cause."""
    try:
        return parse_limited(data, options, limits, cancelled)
    except Cancelled:
        raise RunGone() from None
    except DocketError as exc:
        if exc.code in _CONFIG_CODES:  # e.g. page ranges that select no page of this file
            raise
        raise DocketError(
            f"{exc.code.value}: {exc.message}", code=ErrorCode.FAILED_TO_PROCESS_FILE
        ) from None


def guarded(
    work: Callable[[], Outcome],
    *,
    config_failure: bool = True,
    memory_code: ErrorCode = ErrorCode.FAILED_TO_PROCESS_FILE,
) -> Outcome:
    """Run ``work`` and turn every way it can end into an outcome tuple.

    ("ok", ...) from ``work`` itself | ("failed", code, message) | ("cancelled",).
    ``config_failure``: request/option errors fail as INVALID_CONFIGURATION (classify, split);
    parse and extract keep the error's own code and fail out-of-memory as FILE_SIZE_TOO_LARGE.
    """
    try:
        return work()
    except (RunGone, Cancelled):
        return ("cancelled",)
    except DocketError as exc:
        remap = config_failure and exc.code in _CONFIG_CODES
        code = ErrorCode.INVALID_CONFIGURATION if remap else exc.code
        return ("failed", code.value, exc.message)
    except MemoryError:
        return ("failed", memory_code.value, "the document needs too much memory")
    except Exception as exc:  # a bug or an engine crash we did not translate
        return ("failed", ErrorCode.INTERNAL_ERROR.value, f"internal error ({type(exc).__name__})")


def raise_outcome(outcome: Outcome) -> None:
    """In the queue thread: cancelled/failed outcomes become the framework's exceptions."""
    if outcome[0] == "cancelled":
        raise RunCancelled()
    if outcome[0] == "failed":
        raise DocketError(str(outcome[2]), code=ErrorCode(outcome[1]))


class WorkerKind:
    """What a worker-backed run kind holds, and how its ``execute`` runs the worker function.

    ``engine`` is the LLM provider registry (parse passes an empty one)."""

    def __init__(
        self,
        db_url: str,
        blobs: BlobStore,
        queue: JobQueue,
        limits: tuple[int, int],
        engine: EngineSpec,
        timeout_s: float | None = None,
    ) -> None:
        self._db_url = db_url
        self._blobs = blobs
        self._queue = queue
        self._limits = limits
        self._engine = engine
        self._timeout_s = timeout_s

    def run_worker(self, fn: Callable[..., Outcome], run_id: str, *args: Any) -> Outcome:
        """``fn(db_url, blobs, run_id, *args)`` in a worker process; a cancelled or failed
        outcome is raised here (:func:`raise_outcome`), an ok one returned."""
        outcome = self._queue.run_cpu(
            fn, self._db_url, self._blobs, run_id, *args, timeout_s=self._timeout_s
        )
        raise_outcome(outcome)
        return outcome


def parse_password(options: ParseOptions, password: str | None) -> ParseOptions:
    if options.password is None and password:
        return options.model_copy(update={"password": password})
    return options


def elapsed_ms(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)


def model_for(registry: EngineSpec, base_processor: str) -> str | None:
    """The model a run uses: its ``baseProcessor`` name when a provider is configured under
    exactly that name (``DOCKET_LLM_MODELS=classification_performance=gpt-4.1``), otherwise
    None (the offline engine), as for extraction."""
    return base_processor if base_processor and base_processor in registry.providers else None


def classifier_engine(registry: EngineSpec, base_processor: str) -> ClassifierEngine:
    return select_classifier(model_for(registry, base_processor), registry)
