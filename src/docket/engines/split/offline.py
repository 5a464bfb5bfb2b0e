"""The offline splitter: page signals -> boundary score per gap -> cuts -> classified segments.

A cut is made where the gap's score is positive. Each segment is then classified as a whole by
the classifier engine it was given (the per-page classes are one more boundary signal), and two
neighbours of the same class are merged unless a strong signal (numbering restart, blank
separator, a changed identifier, ...) separates them: two invoices in a row stay two invoices
when their numbers say so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from docket.domain.classification import (
    ClassifierEngine,
    ClassifyOptions,
    ClassifyResult,
    DocumentClass,
    SplitResult,
    SplitSegment,
)
from docket.domain.document import ParsedDocument
from docket.engines.rules.extractor import RulesExtractor
from docket.engines.split.boundaries import Gap, score_gap, weigh_tokens
from docket.engines.split.pages import (
    PageFeatures,
    kind_words_for,
    page_blocks,
    page_features,
    sub_document,
)

Cut = Callable[[int, int], ParsedDocument]  # pages first..last as a document of their own

PAGE_CLASS_MIN = 0.5  # per-page classes below this confidence are not used as a signal
IDENTIFIER_MIN = 0.5
MERGE_BELOW = 1.0
# A segment that fits no class well, cut off only weakly, is the tail of the document before
# it (a signature page, an annex of small print), not a document of its own.
FITS_NO_CLASS = 0.5
TAIL_BELOW = 2.5
STARTS = frozenset({"blank", "numbering", "title", "kind", "size", "source", "identifier"})


@dataclass
class _Segment:
    first: int  # index into the page list
    last: int
    gap: Gap | None  # the cut that opened it (None for the first)
    result: ClassifyResult | None = None


class OfflineSplitter:
    """``SplitterEngine`` without a model; classes come from ``classifier``."""

    name = "docket-offline"

    def __init__(self, classifier: ClassifierEngine, *, threshold: float = 0.0) -> None:
        self.classifier = classifier
        self.threshold = threshold
        self._rules = RulesExtractor()

    def split(
        self, document: ParsedDocument, classes: list[DocumentClass], options: ClassifyOptions
    ) -> SplitResult:
        start = time.perf_counter()
        pages = sorted(document.pages, key=lambda p: p.number)
        blocks = page_blocks(document)

        def cut(first: int, last: int) -> ParsedDocument:
            return sub_document(document, first, last, blocks)

        kinds = kind_words_for([c.type for c in classes])
        feats = [page_features(p, blocks.get(p.number, []), kinds) for p in pages]
        page_results = self._page_classes(cut, feats, classes, options)
        self._page_identifiers(cut, feats, page_results, classes)
        weigh_tokens(feats)
        gaps = [score_gap(feats[i - 1], feats[i]) for i in range(1, len(feats))]
        _class_signals(gaps, feats, page_results)
        segments = self._segments(feats, gaps)
        for seg in segments:
            seg.result = self._classify(cut, feats, seg, classes, options)
        segments = _merge(segments)
        out = [self._segment(cut, feats, s, classes) for s in segments]
        return SplitResult(segments=out, engine=self.name, seconds=time.perf_counter() - start)

    # -- signals ------------------------------------------------------------------------
    def _page_classes(
        self,
        cut: Cut,
        feats: list[PageFeatures],
        classes: list[DocumentClass],
        options: ClassifyOptions,
    ) -> list[ClassifyResult | None]:
        if len(feats) < 2 or len(classes) < 2:
            return [None] * len(feats)
        out: list[ClassifyResult | None] = []
        for f in feats:
            if f.blank:
                out.append(None)
                continue
            sub = cut(f.number, f.number)
            out.append(self.classifier.classify(sub, classes, options))
        return out

    def _page_identifiers(
        self,
        cut: Cut,
        feats: list[PageFeatures],
        page_results: list[ClassifyResult | None],
        classes: list[DocumentClass],
    ) -> None:
        keys = {c.id: c.identifier_key for c in classes if c.identifier_key}
        if not keys or len(feats) < 2:
            return
        for f, res in zip(feats, page_results, strict=True):
            if f.blank:
                continue
            wanted = [keys[res.class_id]] if res and res.class_id in keys else []
            if res is None:
                wanted = sorted(set(keys.values()))
            for key in wanted:
                value, conf = self.identifier(cut(f.number, f.number), key)
                if value and conf >= IDENTIFIER_MIN and any(ch.isdigit() for ch in value):
                    f.identifiers[key] = value

    def identifier(self, doc: ParsedDocument, key: str) -> tuple[str, float]:
        """The value labelled ``key`` (an identifier such as "invoice number") and its
        extraction confidence; ``("", 0.0)`` when the document does not show one."""
        prop = re.sub(r"\W+", "_", key.strip().lower()).strip("_") or "identifier"
        schema = {
            "type": "object",
            "properties": {prop: {"type": ["string", "null"], "description": key}},
        }
        out = self._rules.extract(doc, schema)
        value = out.value.get(prop) if isinstance(out.value, dict) else None
        if value is None or not str(value).strip():
            return "", 0.0
        meta = out.metadata.get(prop)
        conf = meta.confidence if meta and meta.confidence is not None else 0.5
        return str(value).strip(), conf

    # -- segmentation -------------------------------------------------------------------
    def _segments(self, feats: list[PageFeatures], gaps: list[Gap]) -> list[_Segment]:
        segs = [_Segment(0, 0, None)]
        for i, gap in enumerate(gaps, start=1):
            if gap.score > self.threshold:
                segs.append(_Segment(i, i, gap))
            else:
                segs[-1].last = i
        # a segment of blank pages only belongs to its neighbour
        kept: list[_Segment] = []
        for seg in segs:
            if all(feats[i].blank for i in range(seg.first, seg.last + 1)) and kept:
                kept[-1].last = seg.last
            elif kept and all(feats[i].blank for i in range(kept[-1].first, kept[-1].last + 1)):
                seg.first, seg.gap = kept[-1].first, kept[-1].gap
                kept[-1] = seg
            else:
                kept.append(seg)
        return kept

    def _classify(
        self,
        cut: Cut,
        feats: list[PageFeatures],
        seg: _Segment,
        classes: list[DocumentClass],
        options: ClassifyOptions,
    ) -> ClassifyResult:
        sub = cut(feats[seg.first].number, feats[seg.last].number)
        return self.classifier.classify(sub, classes, options)

    def _segment(
        self,
        cut: Cut,
        feats: list[PageFeatures],
        seg: _Segment,
        classes: list[DocumentClass],
    ) -> SplitSegment:
        assert seg.result is not None
        res = seg.result
        first, last = feats[seg.first].number, feats[seg.last].number
        cls = next((c for c in classes if c.id == res.class_id), None)
        identifier = ""
        if cls is not None and cls.identifier_key:
            identifier, _ = self.identifier(cut(first, last), cls.identifier_key)
        if seg.gap is None:
            why = f"Starts the file (page {first})"
            title = feats[seg.first].title
            if title:
                why += f"; title '{title}'"
            boundary = 1.0
        else:
            why = f"Cut before page {first}: {seg.gap.describe() or 'weak signals'}"
            against = seg.gap.describe(positive=False)
            if against:
                why += f" (against: {against})"
            boundary = seg.gap.probability
        why += f". Classified as {res.type} ({res.confidence:.2f})"
        if res.reasoning:
            why += f": {res.reasoning.rstrip('.')}"
        return SplitSegment(
            class_id=res.class_id,
            type=res.type,
            start_page=first,
            end_page=last,
            identifier=identifier,
            observation=why + ".",
            confidence=round((boundary * res.confidence) ** 0.5, 4),
        )


def _class_signals(
    gaps: list[Gap], feats: list[PageFeatures], results: list[ClassifyResult | None]
) -> None:
    """Per-page class changes between neighbouring non-blank pages."""
    for i, gap in enumerate(gaps, start=1):
        a, b = results[i - 1], results[i]
        if a is None or b is None or feats[i].blank:
            continue
        sure = min(a.confidence, b.confidence)
        if a.class_id != b.class_id and sure >= PAGE_CLASS_MIN:
            gap.add("class", 2.0 * sure, f"page class changes from {a.type} to {b.type}")
        elif a.class_id == b.class_id and sure >= PAGE_CLASS_MIN:
            gap.add("class", -0.3 * sure, f"both pages read as {a.type}")


def _class_weight(gap: Gap) -> float:
    return sum(s.weight for s in gap.signals if s.name == "class")


def _merge(segments: list[_Segment]) -> list[_Segment]:
    """Neighbours of one class become one segment when the cut rested on the page classes
    (without them the gap would score below ``MERGE_BELOW``): the whole-segment classes say
    the page-level ones were noise. Layout and numbering cuts stand. A weakly cut segment that
    fits no class joins the one before it."""
    out: list[_Segment] = []
    for seg in segments:
        prev = out[-1] if out else None
        if (
            prev is not None
            and seg.gap is not None
            and prev.result is not None
            and seg.result is not None
            and (
                (
                    prev.result.class_id == seg.result.class_id
                    and seg.gap.score - _class_weight(seg.gap) < MERGE_BELOW
                )
                or (
                    seg.result.confidence < FITS_NO_CLASS
                    and seg.gap.score - _class_weight(seg.gap) < TAIL_BELOW
                    and not any(s.weight > 0 and s.name in STARTS for s in seg.gap.signals)
                )
            )
        ):
            prev.last = seg.last
            if seg.result.confidence > prev.result.confidence:
                prev.result = seg.result
            continue
        out.append(seg)
    return out
