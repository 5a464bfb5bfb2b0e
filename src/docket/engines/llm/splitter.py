"""The LLM splitter: page summaries in, segments out as structured output, then checked.

The model sees every page as a short summary (printed page number, top lines, the start of its
text, blank or not) and the user's classes, and answers segments by page range. The answer is
repaired into a contiguous, covering list (a model that skips or repeats a page never leaks
that to the caller), class ids are checked against the request, and an identifier is kept only
when its characters are printed on the segment's pages (grounding). The model gives no
confidence, so segments carry ``confidence=0.0`` (unknown) rather than an invented number.
"""

from __future__ import annotations

import re
import time
from typing import Any

from docket.domain.classification import (
    ClassifyOptions,
    DocumentClass,
    SplitResult,
    SplitSegment,
)
from docket.domain.document import ParsedDocument
from docket.engines.llm.openai_compatible import OpenAICompatibleClient
from docket.engines.split.pages import kind_words_for, page_blocks, page_features
from docket.engines.split.segments import repair
from docket.errors import ModelProviderError

SYSTEM_PROMPT = (
    "A file holds one or more documents scanned or merged together. Decide where each document "
    "starts and ends and which of the given classes it belongs to. Pages are listed in order "
    "with a summary each. Answer segments in page order that cover every page exactly once "
    "(the first starts at the first page, each next one right after the previous ends, the last "
    "ends at the last page). Cut where a new document starts: page numbering restarts, a new "
    "letterhead or title, another sender or recipient, a different identifier. Keep a blank "
    "page with the document before it. Two documents of the same class in a row are two "
    "segments. For a class with an identifier key, copy that value exactly as printed into "
    "'identifier' (null when not printed). 'observation' says in one sentence why the segment "
    "starts where it does."
)
_ALNUM = re.compile(r"[^0-9a-z]+")


def _norm(text: str) -> str:
    return _ALNUM.sub("", text.lower())


class LlmSplitter:
    """``SplitterEngine`` over a chat-completions client."""

    def __init__(self, client: OpenAICompatibleClient, *, max_chars: int = 40_000) -> None:
        self.client = client
        self.max_chars = max_chars
        self.name = f"llm:{client.model}"

    def split(
        self, document: ParsedDocument, classes: list[DocumentClass], options: ClassifyOptions
    ) -> SplitResult:
        start = time.perf_counter()
        pages = sorted(p.number for p in document.pages)
        texts = _page_texts(document)
        system = SYSTEM_PROMPT
        if options.instructions:
            system += f"\n\nInstructions:\n{options.instructions}"
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": self.prompt(document, classes, texts)},
        ]
        answer, usage = self.client.chat_json(messages, answer_schema(classes), name="split")
        segments, repaired = self.segments(answer, classes, pages, texts)
        if repaired:
            for s in segments:
                s.observation = (s.observation + " (page range adjusted to cover the file)").strip()
        return SplitResult(
            segments=segments,
            usage=usage,
            engine=self.name,
            seconds=time.perf_counter() - start,
        )

    def prompt(
        self, doc: ParsedDocument, classes: list[DocumentClass], texts: dict[int, str]
    ) -> str:
        lines = ["Classes:"]
        for c in classes:
            line = f"- id={c.id!r} type={c.type!r}"
            if c.description:
                line += f": {c.description}"
            if c.identifier_key:
                line += f" (identifier key: {c.identifier_key})"
            lines.append(line)
        n = max(1, len(doc.pages))
        per_page = max(160, min(1500, self.max_chars // n))
        blocks = page_blocks(doc)
        kinds = kind_words_for([c.type for c in classes])
        lines.append(f"\nThe file has {n} pages.")
        for info in sorted(doc.pages, key=lambda p: p.number):
            f = page_features(info, blocks.get(info.number, []), kinds)
            attrs = [f'number="{info.number}"', f'size="{info.width:.0f}x{info.height:.0f}"']
            if f.blank:
                attrs.append('blank="true"')
            if f.page_no_text:
                attrs.append(f'printed_number="{f.page_no_text}"')
            if f.title:
                attrs.append(f'title="{f.title}"')
            body = texts.get(info.number, "")
            if len(body) > per_page:
                body = body[: per_page - 100] + " [...] " + body[-80:]
            lines.append(f"<page {' '.join(attrs)}>\n{body}\n</page>")
        return "\n".join(lines)

    def segments(
        self,
        answer: dict[str, Any],
        classes: list[DocumentClass],
        pages: list[int],
        texts: dict[int, str],
    ) -> tuple[list[SplitSegment], bool]:
        raw = answer.get("segments")
        if not isinstance(raw, list) or not raw:
            raise ModelProviderError("the model answered no segments")
        by_id = {c.id: c for c in classes}
        by_type = {c.type.strip().lower(): c for c in classes}
        out: list[SplitSegment] = []
        for item in raw:
            if not isinstance(item, dict):
                raise ModelProviderError("the model answered a segment that is not an object")
            key = str(item.get("class_id") or "")
            cls = by_id.get(key) or by_type.get(key.strip().lower())
            if cls is None:
                raise ModelProviderError(f"the model answered an unknown class {key!r}")
            try:
                first, last = int(item["start_page"]), int(item["end_page"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ModelProviderError("the model answered a segment without pages") from exc
            out.append(
                SplitSegment(
                    class_id=cls.id,
                    type=cls.type,
                    start_page=first,
                    end_page=last,
                    identifier=str(item.get("identifier") or "").strip(),
                    observation=str(item.get("observation") or "").strip(),
                )
            )
        fixed, repaired = repair(out, pages)
        if not fixed:
            raise ModelProviderError("the model's segments name no page of the file")
        for s in fixed:
            if s.identifier:
                seen = _norm(" ".join(texts.get(p, "") for p in pages
                                      if s.start_page <= p <= s.end_page))  # fmt: skip
                if not _norm(s.identifier) or _norm(s.identifier) not in seen:
                    s.identifier = ""  # not printed on these pages: not grounded
        return fixed, repaired


def answer_schema(classes: list[DocumentClass]) -> dict[str, Any]:
    segment = {
        "type": "object",
        "properties": {
            "class_id": {"type": "string", "enum": [c.id for c in classes]},
            "start_page": {"type": "integer"},
            "end_page": {"type": "integer"},
            "identifier": {"type": ["string", "null"]},
            "observation": {"type": "string"},
        },
        "required": ["class_id", "start_page", "end_page", "identifier", "observation"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"segments": {"type": "array", "items": segment}},
        "required": ["segments"],
        "additionalProperties": False,
    }


def _page_texts(doc: ParsedDocument) -> dict[int, str]:
    return {n: "\n".join(b.text for b in blocks) for n, blocks in page_blocks(doc).items()}
