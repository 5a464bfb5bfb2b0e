"""The ``extract`` run kind: parse the input, then extract, in one worker process.

The worker reads the input from the blob store, parses it (checking the run's cancel flag
between pages), checks the flag again before the engine runs, and writes the
:class:`~docket.domain.extraction.ExtractionResult` JSON to ``outputs/<run id>.json``. It returns
a small picklable tuple, like the parse kind. Engine-level usage (LLM calls and tokens) is kept
in the run's metrics so that it survives with the run row.
"""

from __future__ import annotations

import time
from typing import Any, Final

from docket.domain.extract_config import ExtractConfig
from docket.domain.parse_options import PageRange
from docket.domain.runs import Run, StoredFile
from docket.engines.llm.openai_compatible import ModelRegistry
from docket.errors import DocketError, ErrorCode
from docket.pipeline.extract import OFFLINE_MODELS, run_extraction, select_engine
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

# Extend's extract failure reasons, plus Docket's own codes where they say more (a corrupt or
# encrypted file, a failing model endpoint).
EXTRACT_FAILURE_CODES: Final = frozenset(
    {
        "INVALID_CONFIGURATION",
        "INVALID_REQUEST",
        "INVALID_CONFIG_OPTIONS",
        "MODEL_PROVIDER_ERROR",
        "INTERNAL_ERROR",
        "UNABLE_TO_DOWNLOAD_FILE",
        "FILE_TYPE_NOT_SUPPORTED",
        "FILE_SIZE_TOO_LARGE",
        "CORRUPT_FILE",
        "OCR_ERROR",
        "PASSWORD_PROTECTED_FILE",
        "FAILED_TO_CONVERT_TO_PDF",
        "FAILED_TO_GENERATE_TARGET_FORMAT",
        "CHUNKING_ERROR",
        "TIMEOUT",
    }
)
RUN_CONFIG_KEY: Final = "extract"  # run.config["extract"] holds the ExtractConfig JSON

# Extend's processor names: served by the offline engine unless a provider is configured
# under exactly that name (``DOCKET_LLM_MODELS=extraction_performance=gpt-4.1``).
BUILTIN_PROCESSORS: Final = frozenset(
    {"extraction_performance", "extraction_light", "extraction_operator"}
)


def engine_model(model: str | None, models: ModelRegistry) -> str | None:
    """The model name the engine is chosen by (None: offline); raises INVALID_CONFIGURATION
    for a model name no provider serves, so a bad name fails at request time."""
    name = (model or "").strip()
    if name.lower() in OFFLINE_MODELS:
        return None
    if name in BUILTIN_PROCESSORS:
        return name if name in models.providers else None
    models.resolve(name)
    return name


def extract_in_worker(
    db_url: str,
    blobs: BlobStore,
    run_id: str,
    file_key: str,
    password: str | None,
    config_json: str,
    limits: tuple[int, int],
    models: ModelRegistry,
) -> Outcome:
    """("ok", key, pages, ms, usage) | ("failed", code, message) | ("cancelled",)."""
    start = time.perf_counter()
    runs = runs_repo(db_url)
    cancelled = cancel_check(db_url, run_id)

    def work() -> Outcome:
        if runs.cancel_requested(run_id):
            return ("cancelled",)
        cfg = ExtractConfig.model_validate_json(config_json)
        if cfg.json_schema is None:
            raise DocketError("the config has no schema", code=ErrorCode.INVALID_CONFIGURATION)
        parse = cfg.parse
        if password and not parse.password:
            parse = parse.model_copy(update={"password": password})
        if cfg.options.page_ranges and not parse.page_ranges:  # parse only the pages used
            ranges = [PageRange(start=a, end=b) for a, b in cfg.options.page_ranges]
            parse = parse.model_copy(update={"page_ranges": ranges})
        doc = parse_limited(blobs.get(file_key), parse, limits, cancelled)
        if runs.cancel_requested(run_id):
            return ("cancelled",)
        engine = select_engine(engine_model(cfg.model, models), models)
        result = run_extraction(doc, cfg.json_schema, engine, cfg.options)
        if runs.cancel_requested(run_id):
            return ("cancelled",)
        key = f"outputs/{run_id}.json"
        blobs.put(key, result.model_dump_json().encode())
        usage = result.usage.model_dump()
        return ("ok", key, len(doc.pages), elapsed_ms(start), usage, result.engine)

    return guarded(work, config_failure=False, memory_code=ErrorCode.FILE_SIZE_TOO_LARGE)


class ExtractKind(WorkerKind):
    name = "extract"
    id_prefix = "exr"
    batch_prefix = "bpr"
    failure_codes = EXTRACT_FAILURE_CODES

    def execute(self, run: Run, file: StoredFile) -> WorkResult:
        cfg = ExtractConfig.model_validate(run.config.get(RUN_CONFIG_KEY, {}))
        outcome = self.run_worker(
            extract_in_worker,
            run.id,
            file.blob_key,
            file.password,
            cfg.model_dump_json(),
            self._limits,
            self._engine,
        )
        _, key, pages, ms, usage, engine = outcome
        metrics: dict[str, Any] = {
            "processingTimeMs": int(ms),
            "pageCount": int(pages),
            "engine": str(engine),
            "modelUsage": {
                "calls": int(usage["calls"]),
                "promptTokens": int(usage["prompt_tokens"]),
                "completionTokens": int(usage["completion_tokens"]),
                "totalTokens": int(usage["total_tokens"]),
            },
        }
        return WorkResult(output_key=str(key), metrics=metrics, credits=float(pages))
