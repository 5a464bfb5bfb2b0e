"""Classification orchestration: validate the classes, pick the pages, run the engine.

Engines only ever see a (sub-)document and a validated class list. ``classify_pages`` runs the
engine once per page, the cheap page-level signal the splitter builds on.
"""

from __future__ import annotations

import time

from docket.domain.classification import (
    ClassifierEngine,
    ClassifyOptions,
    ClassifyResult,
    DocumentClass,
)
from docket.domain.document import ParsedDocument
from docket.engines.classify.offline import EMBEDDING_CALIBRATION, OfflineClassifier
from docket.engines.llm.classifier import LlmClassifier
from docket.engines.llm.openai_compatible import ModelRegistry, OpenAICompatibleClient
from docket.errors import ErrorCode, InvalidRequest
from docket.pipeline.extract import OFFLINE_MODELS, restrict_pages


def validate_classes(classes: list[DocumentClass]) -> None:
    """At least one class, unique non-empty ids, a non-empty type for each."""
    if not classes:
        raise InvalidRequest(
            "invalid classifier configuration: at least one classification is required",
            code=ErrorCode.INVALID_REQUEST,
        )
    seen: set[str] = set()
    for i, c in enumerate(classes):
        if not c.id.strip():
            raise InvalidRequest(
                f"invalid classifier configuration: classifications[{i}].id is empty",
                code=ErrorCode.INVALID_REQUEST,
            )
        if c.id in seen:
            raise InvalidRequest(
                f"invalid classifier configuration: duplicate classification id {c.id!r}",
                code=ErrorCode.INVALID_REQUEST,
            )
        seen.add(c.id)
        if not c.type.strip():
            raise InvalidRequest(
                f"invalid classifier configuration: classifications[{i}].type is empty",
                code=ErrorCode.INVALID_REQUEST,
            )


def classify_document(
    doc: ParsedDocument,
    classes: list[DocumentClass],
    options: ClassifyOptions | None = None,
    engine: ClassifierEngine | None = None,
) -> ClassifyResult:
    """Validate, restrict to the requested pages and classify; timing and engine recorded."""
    options = options or ClassifyOptions()
    engine = engine or OfflineClassifier()
    validate_classes(classes)
    start = time.perf_counter()
    sub = restrict_pages(doc, options.page_ranges)
    if options.page_ranges and not sub.pages:
        raise InvalidRequest(
            "the page ranges select no page of the document", code=ErrorCode.INVALID_REQUEST
        )
    result = engine.classify(sub, classes, options)
    return result.model_copy(
        update={"engine": result.engine or engine.name, "seconds": time.perf_counter() - start}
    )


def classify_pages(
    doc: ParsedDocument,
    classes: list[DocumentClass],
    engine: ClassifierEngine | None = None,
    options: ClassifyOptions | None = None,
) -> list[ClassifyResult]:
    """One result per page of ``doc``, in page order (each page classified on its own)."""
    options = (options or ClassifyOptions()).model_copy(update={"page_ranges": None})
    engine = engine or OfflineClassifier()
    validate_classes(classes)
    out = []
    for page in doc.pages:
        start = time.perf_counter()
        sub = restrict_pages(doc, [(page.number, page.number)])
        res = engine.classify(sub, classes, options)
        out.append(
            res.model_copy(
                update={"engine": res.engine or engine.name, "seconds": time.perf_counter() - start}
            )
        )
    return out


EMBEDDING_MODELS = frozenset({"offline-embed", "docket-offline-embed"})


def select_classifier(model: str | None, registry: ModelRegistry | None = None) -> ClassifierEngine:
    """The offline engine for no/offline model names (``docket-offline-embed``: with the packaged
    MiniLM word table); otherwise the configured provider (``INVALID_CONFIGURATION`` when the
    name is not configured)."""
    if model is None or model.strip().lower() in OFFLINE_MODELS:
        return OfflineClassifier()
    if model.strip().lower() in EMBEDDING_MODELS:
        return OfflineClassifier(EMBEDDING_CALIBRATION)
    cfg = (registry or ModelRegistry.from_env()).resolve(model)
    return LlmClassifier(OpenAICompatibleClient(cfg.base_url, cfg.api_key, cfg.model))
