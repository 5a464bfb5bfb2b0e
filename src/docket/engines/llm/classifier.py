"""The LLM classifier: one structured-output call over the document's first pages.

The model answers ``{class_id, confidence, reasoning, evidence}`` where ``class_id`` is
constrained to the configured ids; an answer naming no configured class (by id or type) is a
``MODEL_PROVIDER_ERROR`` rather than a guess. Classification needs the opening pages, not the
whole file, so the prompt is cut at ``max_chars`` on a page boundary.
"""

from __future__ import annotations

import json
import time
from typing import Any

from docket.domain.classification import (
    ClassifyOptions,
    ClassifyResult,
    ClassScore,
    DocumentClass,
    Evidence,
)
from docket.domain.document import ParsedDocument
from docket.engines.llm.openai_compatible import OpenAICompatibleClient
from docket.errors import ModelProviderError

SYSTEM_PROMPT = (
    "You classify a document into exactly one of the given classes, using each class's type "
    "and description. Answer only with JSON that follows the given schema: the chosen class_id, "
    "your confidence between 0 and 1 (how likely the choice is right), one or two sentences of "
    "reasoning, and the short phrases (with their page numbers) that decided it. If a class "
    "reads like 'other' or 'unknown', choose it when no other class fits; otherwise choose the "
    "closest class with a low confidence."
)


def answer_schema(classes: list[DocumentClass]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "class_id": {"type": "string", "enum": [c.id for c in classes]},
            "confidence": {"type": "number"},
            "reasoning": {"type": "string"},
            "evidence": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"text": {"type": "string"}, "page": {"type": "integer"}},
                    "required": ["text", "page"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["class_id", "confidence", "reasoning", "evidence"],
        "additionalProperties": False,
    }


def pages_prompt(doc: ParsedDocument, max_chars: int) -> str:
    """Page-tagged text of the first pages, whole pages only, at most ``max_chars`` (the first
    page is always included, cut if it alone is longer)."""
    pages: dict[int, list[str]] = {}
    for b in doc.blocks:
        pages.setdefault(b.page, []).append(b.content or b.text)
    parts: list[str] = []
    used = 0
    for n, texts in sorted(pages.items()):
        part = f'<page number="{n}">\n' + "\n\n".join(texts) + "\n</page>"
        if parts and used + len(part) > max_chars:
            parts.append(f"<!-- {doc.page_count - n + 1} more page(s) not shown -->")
            break
        parts.append(part[:max_chars])
        used += len(part)
    return "\n\n".join(parts)


class LlmClassifier:
    """``ClassifierEngine`` over an OpenAI-compatible chat-completions client."""

    def __init__(self, client: OpenAICompatibleClient, *, max_chars: int = 12_000) -> None:
        self.client = client
        self.max_chars = max_chars
        self.name = f"llm:{client.model}"

    def classify(
        self, document: ParsedDocument, classes: list[DocumentClass], options: ClassifyOptions
    ) -> ClassifyResult:
        start = time.perf_counter()
        listing = json.dumps(
            [{"class_id": c.id, "type": c.type, "description": c.description} for c in classes],
            ensure_ascii=False,
            indent=1,
        )
        system = SYSTEM_PROMPT + "\n\nClasses:\n" + listing
        if options.instructions:
            system += f"\n\nInstructions:\n{options.instructions}"
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": pages_prompt(document, self.max_chars)},
        ]
        answer, usage = self.client.chat_json(messages, answer_schema(classes), "classification")
        chosen = _match_class(answer.get("class_id"), classes)
        try:
            confidence = min(1.0, max(0.0, float(answer.get("confidence", 0.5))))
        except (TypeError, ValueError):
            confidence = 0.5
        evidence = []
        for item in answer.get("evidence") or []:
            if isinstance(item, dict) and str(item.get("text") or "").strip():
                page = item.get("page")
                evidence.append(
                    Evidence(
                        text=str(item["text"])[:200],
                        page=page if isinstance(page, int) and page >= 1 else 1,
                        weight=1.0,
                    )
                )
        rest = (1.0 - confidence) / max(len(classes) - 1, 1)
        scores = [
            ClassScore(
                class_id=c.id,
                score=confidence if c.id == chosen.id else rest,
                probability=round(confidence if c.id == chosen.id else rest, 4)
                if len(classes) > 1
                else 1.0,
            )
            for c in classes
        ]
        return ClassifyResult(
            class_id=chosen.id,
            type=chosen.type,
            confidence=round(confidence, 4),
            reasoning=str(answer.get("reasoning") or "").strip(),
            evidence=evidence,
            scores=scores,
            usage=usage,
            engine=self.name,
            seconds=time.perf_counter() - start,
        )


def _match_class(value: Any, classes: list[DocumentClass]) -> DocumentClass:
    text = str(value or "").strip()
    for c in classes:
        if c.id == text:
            return c
    for c in classes:
        if c.type.strip().lower() == text.lower() or c.id.lower() == text.lower():
            return c
    raise ModelProviderError(f"the model chose {text!r}, which is not a configured class id")
