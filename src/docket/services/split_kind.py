"""The ``split`` run kind: parse the input, cut it into classified page ranges, file each one.

The worker process parses, splits and writes one derived file per split to the blob store
(:mod:`docket.services.split_files`); the queue thread then registers those files (with
``parentFileId`` and ``metadata.parentSplit``) before the run is marked PROCESSED, so a processed
run's every ``fileId`` resolves. The stored output is a :class:`StoredSplit`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from docket.domain.classification import SplitSegment, SplitterEngine
from docket.domain.runs import Run, StoredFile
from docket.pipeline.split import select_splitter, split_document
from docket.services.doc_work import (
    PROCESSOR_FAILURE_CODES,
    EngineSpec,
    Outcome,
    RunGone,
    WorkerKind,
    elapsed_ms,
    guarded,
    model_for,
    read_classify_input,
    runs_repo,
)
from docket.services.ids import new_id
from docket.services.runs import RunCancelled, WorkResult
from docket.services.split_files import DerivedFile, write_split_files
from docket.services.split_output import StoredSplit
from docket.storage.blobs import BlobStore
from docket.store.repos import FileRepository, now
from docket.worker.pool import JobQueue


def splitter_engine(registry: EngineSpec, base_processor: str) -> SplitterEngine:
    return select_splitter(model_for(registry, base_processor), registry)


def merge_equal_identifiers(segments: list[SplitSegment]) -> list[SplitSegment]:
    """``strictIdentifierModeEnabled``: neighbours of one class with one identifier are one."""
    out: list[SplitSegment] = []
    for seg in segments:
        prev = out[-1] if out else None
        if (
            prev is not None
            and seg.identifier
            and prev.class_id == seg.class_id
            and prev.identifier.strip().lower() == seg.identifier.strip().lower()
            and seg.start_page <= prev.end_page + 1
        ):
            out[-1] = prev.model_copy(
                update={
                    "end_page": max(prev.end_page, seg.end_page),
                    "observation": f"{prev.observation} {seg.observation}".strip(),
                    "confidence": min(prev.confidence, seg.confidence),
                }
            )
        else:
            out.append(seg)
    return out


def split_in_worker(
    db_url: str,
    blobs: BlobStore,
    run_id: str,
    file: StoredFile,
    config_json: str,
    limits: tuple[int, int],
    engine: EngineSpec,
) -> Outcome:
    """("ok", key, pages, ms, tokens, [DerivedFile]) | ("failed", code, msg) | ("cancelled",)."""

    def work() -> Outcome:
        start = time.perf_counter()
        data = blobs.get(file.blob_key)
        got = read_classify_input(db_url, run_id, data, config_json, file.password, limits)
        cfg, doc, cancelled = got.config, got.doc, got.cancelled
        splitter = splitter_engine(engine, str(cfg.get("baseProcessor", "")))
        result = split_document(doc, got.classes, got.options, splitter)
        if cfg.get("strictIdentifiers"):
            result = result.model_copy(
                update={"segments": merge_equal_identifiers(result.segments)}
            )
        if cancelled():
            raise RunGone()
        derived = write_split_files(
            blobs, data, file.media_type, file.password, file.name, doc, result.segments
        )
        stored = StoredSplit(
            result=result,
            split_ids=[new_id("split") for _ in result.segments],
            file_ids=[d.file_id for d in derived],
        )
        key = f"outputs/{run_id}.json"
        blobs.put(key, stored.model_dump_json().encode())
        tokens = result.usage.total_tokens
        return ("ok", key, len(doc.pages), elapsed_ms(start), tokens, derived)

    return guarded(work)


def parent_split(split_id: str, seg: SplitSegment) -> dict[str, Any]:
    """Extend's ``ParentSplit`` for a derived file."""
    return {
        "id": split_id,
        "type": seg.type,
        "identifier": seg.identifier,
        "startPage": seg.start_page,
        "endPage": seg.end_page,
    }


class SplitKind(WorkerKind):
    name = "split"
    id_prefix = "splr"
    batch_prefix = "bpr"
    failure_codes = PROCESSOR_FAILURE_CODES

    def __init__(
        self,
        db_url: str,
        blobs: BlobStore,
        files: FileRepository,
        queue: JobQueue,
        limits: tuple[int, int],
        engine: EngineSpec,
        timeout_s: float | None = None,
    ) -> None:
        super().__init__(db_url, blobs, queue, limits, engine, timeout_s)
        self._files = files

    def execute(self, run: Run, file: StoredFile) -> WorkResult:
        outcome = self.run_worker(
            split_in_worker, run.id, file, json.dumps(run.config), self._limits, self._engine
        )
        _, key, pages, ms, tokens, derived = outcome
        if runs_repo(self._db_url).cancel_requested(run.id):  # cancelled or deleted meanwhile
            for d in derived:
                self._blobs.delete(d.blob_key)
            raise RunCancelled()
        stored = StoredSplit.model_validate_json(self._blobs.get(str(key)))
        self._register(run, file, stored, derived)
        return WorkResult(
            output_key=str(key),
            metrics={
                "processingTimeMs": int(ms),
                "pageCount": int(pages),
                "splitCount": len(stored.split_ids),
                "llmTokens": tokens,
            },
            credits=float(pages),
        )

    def _register(
        self, run: Run, parent: StoredFile, stored: StoredSplit, derived: list[DerivedFile]
    ) -> None:
        for split_id, seg, d in zip(stored.split_ids, stored.result.segments, derived, strict=True):
            stamp = now()
            self._files.add(
                StoredFile(
                    id=d.file_id,
                    workspace_id=run.workspace_id,
                    name=d.name,
                    media_type=d.media_type,
                    size=d.size,
                    page_count=d.page_count,
                    blob_key=d.blob_key,
                    created_at=stamp,
                    updated_at=stamp,
                    parent_file_id=parent.id,
                    parent_split=parent_split(split_id, seg),
                )
            )
