"""The ``classify`` run kind: parse the input, then pick one of the run's classes.

Both steps run in one worker process (pdfium and the engines stay out of the API process). The
worker stores the engine's :class:`ClassifyResult` as JSON at ``outputs/<run id>.json``; the wire
layer renders it (Extend's ``{id, type, confidence, insights}``). A cancel is honoured between
parsed pages and again before the engine starts.
"""

from __future__ import annotations

import json
import time

from docket.domain.classification import ClassifyResult
from docket.domain.runs import Run, StoredFile
from docket.pipeline.classify import classify_document
from docket.services.doc_work import (
    PROCESSOR_FAILURE_CODES,
    EngineSpec,
    Outcome,
    WorkerKind,
    classifier_engine,
    elapsed_ms,
    guarded,
    read_classify_input,
)
from docket.services.runs import WorkResult
from docket.storage.blobs import BlobStore


def classify_in_worker(
    db_url: str,
    blobs: BlobStore,
    run_id: str,
    file_key: str,
    password: str | None,
    config_json: str,
    limits: tuple[int, int],
    engine: EngineSpec,
) -> Outcome:
    """Runs in a worker process: ("ok", key, pages, ms) | ("failed", code, msg) | ("cancelled",)."""

    def work() -> Outcome:
        start = time.perf_counter()
        got = read_classify_input(
            db_url, run_id, blobs.get(file_key), config_json, password, limits
        )
        model = classifier_engine(engine, str(got.config.get("baseProcessor", "")))
        result = classify_document(got.doc, got.classes, got.options, model)
        key = f"outputs/{run_id}.json"
        blobs.put(key, result.model_dump_json().encode())
        return ("ok", key, len(got.doc.pages), elapsed_ms(start), result.usage.total_tokens)

    return guarded(work)


def classify_output(data: bytes) -> ClassifyResult:
    return ClassifyResult.model_validate_json(data)


class ClassifyKind(WorkerKind):
    name = "classify"
    id_prefix = "clr"
    batch_prefix = "bpr"
    failure_codes = PROCESSOR_FAILURE_CODES

    def execute(self, run: Run, file: StoredFile) -> WorkResult:
        outcome = self.run_worker(
            classify_in_worker,
            run.id,
            file.blob_key,
            file.password,
            json.dumps(run.config),
            self._limits,
            self._engine,
        )
        _, key, pages, ms, tokens = outcome
        return WorkResult(
            output_key=str(key),
            metrics={"processingTimeMs": int(ms), "pageCount": int(pages), "llmTokens": tokens},
            credits=float(pages),
        )
