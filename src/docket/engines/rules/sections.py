"""Sections for nested objects: ``vendor: {name, address}`` reads under a "Vendor" heading.

Forms and invoices print the same sub-labels ("Name:", "Address:") once per party. The
heading words that name a nested object (by the same label similarity as leaves) anchor it;
when some leaf candidate is printed below an anchor, in its column, the candidates outside
(under another party's heading) lose SECTION_PENALTY.
"""

from __future__ import annotations

from docket.domain.geometry import BBox
from docket.engines.rules.index import DocIndex
from docket.engines.rules.labels import FieldSpec, label_score, tokens
from docket.engines.rules.matching import Candidate

MIN_ANCHOR = 0.7  # label score of a heading word for the object's name
MAX_HEADING_WORDS = 8  # longer lines are prose, not headings
SECTION_PENALTY = 0.15
SECTION_DEPTH = 12.0  # line heights below the heading that still belong to it

Anchor = tuple[int, BBox]  # page, box of the heading words


def section_anchors(index: DocIndex, spec: FieldSpec) -> list[Anchor]:
    """Boxes of short heading words (one or two) that name the object."""
    out: list[Anchor] = []
    for ln in index.lines:
        if len(ln.words) > MAX_HEADING_WORDS:
            continue
        for i in range(len(ln.words)):
            for n in (1, 2):
                ws = ln.words[i : i + n]
                if len(ws) < n:
                    continue
                toks = tokens(" ".join(w.text for w in ws))
                if toks and label_score(spec, toks, use_desc=False) >= MIN_ANCHOR:
                    box = ws[0].bbox
                    for w in ws[1:]:
                        box = box.union(w.bbox)
                    out.append((ln.page, box))
                    break
    return out


def in_section(cand: Candidate, anchors: list[Anchor]) -> bool:
    """The candidate's first cited word sits below an anchor, in the anchor's column."""
    for line, words in cand.spans[:1]:
        if not words:
            continue
        w = words[0].bbox
        page = line.page
        for apage, a in anchors:
            h = max(a.height, 1.0)
            if apage != page:
                continue
            below = -0.5 * h <= w.top - a.bottom <= SECTION_DEPTH * h
            column = a.left - 3 * h <= w.left <= a.left + 12 * h
            if below and column:
                return True
    return False
