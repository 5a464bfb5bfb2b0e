"""Splitting orchestration: validate the classes, restrict the pages, pick the engine, and make
sure the answer covers every page exactly once with a known class.

``split_document`` is what the API layer calls for ``/split`` and ``/split_runs``; the offline
engine is the default, an LLM splitter is used when a configured model is named.
"""

from __future__ import annotations

import time

from docket.domain.classification import (
    ClassifierEngine,
    ClassifyOptions,
    DocumentClass,
    SplitResult,
    SplitterEngine,
)
from docket.domain.document import ParsedDocument
from docket.engines.llm.openai_compatible import ModelRegistry, OpenAICompatibleClient
from docket.engines.llm.splitter import LlmSplitter
from docket.engines.split.offline import OfflineSplitter
from docket.engines.split.segments import coverage_problem
from docket.errors import DocketError, ErrorCode, InvalidRequest
from docket.pipeline.classify import select_classifier, validate_classes
from docket.pipeline.extract import OFFLINE_MODELS, restrict_pages


def select_splitter(
    model: str | None,
    registry: ModelRegistry | None = None,
    classifier: ClassifierEngine | None = None,
) -> SplitterEngine:
    """The offline splitter for no/offline model names (classes from ``classifier`` or the
    offline classifier); otherwise the configured provider (``INVALID_CONFIGURATION`` when the
    name is not configured)."""
    if model is None or model.strip().lower() in OFFLINE_MODELS:
        return OfflineSplitter(classifier or select_classifier(None))
    cfg = (registry or ModelRegistry.from_env()).resolve(model)
    return LlmSplitter(OpenAICompatibleClient(cfg.base_url, cfg.api_key, cfg.model))


def split_document(
    doc: ParsedDocument,
    classes: list[DocumentClass],
    options: ClassifyOptions | None = None,
    splitter: SplitterEngine | None = None,
    classifier: ClassifierEngine | None = None,
) -> SplitResult:
    """Cut ``doc`` into classified, contiguous sub-documents covering its (selected) pages."""
    options = options or ClassifyOptions()
    start = time.perf_counter()
    validate_classes(classes)
    doc = restrict_pages(doc, options.page_ranges)
    pages = sorted(p.number for p in doc.pages)
    if not pages:
        raise InvalidRequest("the document has no pages to split", code=ErrorCode.INVALID_REQUEST)
    engine = splitter or select_splitter(None, classifier=classifier)
    # the document is already restricted; engines see the pages they are given
    result = engine.split(doc, classes, options.model_copy(update={"page_ranges": None}))
    problem = coverage_problem(result.segments, pages)
    known = {c.id for c in classes}
    unknown = [s.class_id for s in result.segments if s.class_id not in known]
    if problem is not None or unknown:
        # an engine bug, never the caller's fault
        raise DocketError(
            f"{engine.name} returned an invalid split: {problem or unknown}",
            code=ErrorCode.INTERNAL_ERROR,
        )
    return result.model_copy(update={"seconds": time.perf_counter() - start})
