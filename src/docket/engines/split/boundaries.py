"""Scores each gap between two pages for "a new document starts here".

Every signal adds a weight (log-odds-like: positive = cut, negative = same document) and a human
phrase, so the cut that is finally made can say which signals decided it. The weights are
generic (page numbering, layout and vocabulary behave the same in any document collection) and
were set on the benchmark's dev split only.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from docket.engines.split.pages import PageFeatures

PRIOR = -1.0
# (tf-idf cosine limit, weight): below a positive weight's limit the pages share few telling
# words; above a negative weight's limit they share many.
VOCABULARY = [(0.03, 2.0), (0.06, 1.5), (0.1, 0.5), (0.25, -1.5), (0.15, -1.0)]


@dataclass(frozen=True)
class Signal:
    name: str
    weight: float
    text: str


@dataclass
class Gap:
    """The gap before page ``page`` (so ``page`` would start a new document)."""

    page: int
    signals: list[Signal] = field(default_factory=list)

    @property
    def score(self) -> float:
        return PRIOR + sum(s.weight for s in self.signals)

    @property
    def probability(self) -> float:
        return 1.0 / (1.0 + math.exp(-self.score))

    def add(self, name: str, weight: float, text: str) -> None:
        self.signals.append(Signal(name, weight, text))

    def describe(self, positive: bool = True) -> str:
        chosen = [s for s in self.signals if (s.weight > 0) == positive]
        chosen.sort(key=lambda s: -abs(s.weight))
        return "; ".join(s.text for s in chosen)


def score_gap(prev: PageFeatures, nxt: PageFeatures) -> Gap:
    gap = Gap(page=nxt.number)
    if nxt.blank:
        gap.add("blank", -4.0, f"page {nxt.number} is blank (kept with the document before it)")
        return gap
    if prev.blank:
        gap.add("blank", 3.5, f"blank separator page {prev.number} before it")
    _numbering(gap, prev, nxt)
    _layout(gap, prev, nxt)
    _content(gap, prev, nxt)
    return gap


def _numbering(gap: Gap, prev: PageFeatures, nxt: PageFeatures) -> None:
    a, b = prev.page_no, nxt.page_no
    said = f"'{nxt.page_no_text}'"
    if b is not None and b == 1:
        if a is not None and a >= 1:
            gap.add(
                "numbering", 3.5, f"page numbering restarts ({said} after '{prev.page_no_text}')"
            )
        else:
            gap.add("numbering", 2.5, f"page {nxt.number} is printed as page 1 ({said})")
    elif a is not None and b is not None:
        if b == a + 1 and (prev.page_total == nxt.page_total or nxt.page_total is None):
            gap.add("numbering", -3.5, f"page numbering continues ({said})")
        elif b == a + 1:
            gap.add("numbering", -1.0, f"page number follows on ({said}) with another total")
        elif b <= a:
            gap.add("numbering", 2.5, f"page numbering goes back from {a} to {b}")
        else:
            gap.add(
                "numbering", 0.5 if b - a <= 3 else 2.0, f"page numbering jumps from {a} to {b}"
            )
    elif b is not None and b > 1 and not prev.blank:
        gap.add("numbering", -0.5, f"page {nxt.number} is printed as page {b} (a continuation)")
    if prev.page_total is not None and a is not None:
        if a == prev.page_total and (b is None or b == 1):
            gap.add("numbering", 1.5, f"page {prev.number} was the last ('{prev.page_no_text}')")
        elif a < prev.page_total and b is None:
            gap.add("numbering", -1.5, f"'{prev.page_no_text}' announces more pages")


def _layout(gap: Gap, prev: PageFeatures, nxt: PageFeatures) -> None:
    if _size_changed(prev, nxt):
        turned = not _size_changed(prev, _turned(nxt))
        what = "orientation" if turned else "size"
        sizes = f"{prev.width:.0f}x{prev.height:.0f} -> {nxt.width:.0f}x{nxt.height:.0f}"
        gap.add("size", 1.0 if turned else 2.0, f"page {what} changes ({sizes})")
    if prev.ocr != nxt.ocr:
        gap.add("source", 1.0, "scanned and born-digital pages meet")
    if prev.bands and nxt.bands:
        shared = prev.bands & nxt.bands
        if shared:
            line = sorted(shared, key=len)[-1].split(":", 1)[1]
            gap.add("furniture", -2.0, f"same running header/footer ('{line[:40]}')")
        elif prev.furniture and nxt.furniture:
            gap.add("furniture", 1.0, "running header/footer changes")
    if nxt.title:
        gap.add("title", 1.5, f"title '{nxt.title}' at the top of page {nxt.number}")
    if nxt.doc_word:
        gap.add("kind", 1.0, f"document word '{nxt.doc_word}' in the page top")
    words = nxt.first_line.split()
    if len(words) >= 4 and words[0].isalpha() and words[0].islower() and len(words[0]) >= 2:
        gap.add("flow", -1.5, f"page {nxt.number} starts mid-sentence ('{nxt.first_line[:30]}')")


def _turned(f: PageFeatures) -> PageFeatures:
    return PageFeatures(f.number, f.height, f.width, f.ocr, f.blank)


def _size_changed(a: PageFeatures, b: PageFeatures) -> bool:
    def off(x: float, y: float) -> bool:
        return abs(x - y) > 0.03 * max(x, y, 1.0)

    return off(a.width, b.width) or off(a.height, b.height)


def _content(gap: Gap, prev: PageFeatures, nxt: PageFeatures) -> None:
    sim = cosine(prev, nxt)
    fewest = min(sum(prev.tokens.values()), sum(nxt.tokens.values()))
    if fewest >= 5:
        scale = 1.0 if fewest >= 15 else 0.5
        for limit, weight in VOCABULARY:
            if (sim < limit) if weight > 0 else (sim > limit):
                word = "changes" if weight > 0 else "carries on"
                gap.add("vocabulary", weight * scale, f"vocabulary {word} (overlap {sim:.2f})")
                break
    for key, value in nxt.identifiers.items():
        before = prev.identifiers.get(key)
        if before is None:
            continue
        if _norm(before) == _norm(value):
            gap.add("identifier", -2.5, f"same {key} '{value}'")
        else:
            gap.add("identifier", 2.5, f"{key} changes ('{before}' -> '{value}')")


def weigh_tokens(feats: list[PageFeatures]) -> None:
    """tf-idf over the file's own pages: words on nearly every page (function words, the
    language of the whole batch) say little about where one document ends."""
    df: Counter[str] = Counter()
    for f in feats:
        df.update(f.tokens.keys())
    n = len(feats)
    for f in feats:
        f.weights = {
            w: (1 + math.log(c)) * math.log((n + 1) / (df[w] + 0.5)) for w, c in f.tokens.items()
        }


def cosine(a: PageFeatures, b: PageFeatures) -> float:
    wa, wb = a.weights, b.weights
    dot = sum(wa[w] * wb[w] for w in wa.keys() & wb.keys())
    na = math.sqrt(sum(v * v for v in wa.values()))
    nb = math.sqrt(sum(v * v for v in wb.values()))
    return dot / (na * nb) if na and nb else 0.0


def _norm(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())
