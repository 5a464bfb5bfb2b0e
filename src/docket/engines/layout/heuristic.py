"""Layout analysis from geometry and typography alone (no model): fast and deterministic.

Lines are ordered column-aware, grouped into paragraphs, and typed: headings by relative font
size and weight, list items by their markers, key-value lines by a short label and a colon,
figures from image regions, page numbers by their shape in the margins.
"""

from __future__ import annotations

import re

from docket.domain.document import Block, BlockType, Line, PageContent
from docket.domain.geometry import BBox
from docket.engines.layout.lines import body_font_size, build_lines, line_box
from docket.engines.layout.reading_order import order

_BULLET = re.compile(
    r"^([•●○◦▪▫■□‣⁃∙·\-–—*➢➤►]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])$"
)
_KEY_VALUE = re.compile(r"^([^:]{1,40}):\s+(\S.*)$")
_PAGE_NUMBER = re.compile(
    r"^(page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_SENTENCE_END = (".", ",", ";")


class HeuristicLayout:
    """:class:`~docket.engines.base.LayoutEngine` from geometry and font cues."""

    def analyze(self, page: PageContent, tables: list[Block]) -> list[Block]:
        table_boxes = [t.bbox for t in tables]
        figure_boxes = [b for b in page.images if not _inside_any(b, table_boxes, 0.5)]
        words = [
            w
            for w in page.words
            if not _inside_any(w.bbox, table_boxes, 0.5)
            and not _inside_any(w.bbox, figure_boxes, 0.6)
        ]
        body = body_font_size(page.words)
        lines = build_lines(words)
        blocks = self._paragraphs(lines, body, page.number)
        blocks.extend(self._figures(page, figure_boxes))
        blocks.extend(tables)
        gutter = max(6.0, 0.8 * body)
        return order(blocks, [b.bbox for b in blocks], gutter)

    def _paragraphs(self, lines: list[Line], body: float, page: int) -> list[Block]:
        if not lines:
            return []
        gutter = max(6.0, 0.8 * body)
        ordered = order(lines, [ln.bbox for ln in lines], gutter)
        groups: list[list[Line]] = []
        for ln in ordered:
            if groups and _continues(groups[-1], ln):
                groups[-1].append(ln)
            else:
                groups.append([ln])
        return [self._typed(g, body, page) for g in groups]

    def _typed(self, lines: list[Line], body: float, page: int) -> Block:
        text = _join_lines(lines)
        box = line_box(lines)
        size = max(ln.font_size for ln in lines)
        first = lines[0].words[0].text if lines[0].words else ""
        kind = BlockType.TEXT
        level: int | None = None
        if _BULLET.match(first) and len(lines[0].words) > 1:
            kind = BlockType.LIST_ITEM
        elif _is_heading(lines, text, size, body):
            kind = BlockType.HEADING
            level = _heading_level(size, body)
        elif len(lines) == 1 and _KEY_VALUE.match(text) and not text.endswith(_SENTENCE_END[:1]):
            kind = BlockType.KEY_VALUE
        elif len(lines) == 1 and _PAGE_NUMBER.match(text.strip()):
            kind = BlockType.PAGE_NUMBER
        return Block(type=kind, page=page, bbox=box, text=text, level=level, lines=lines)

    def _figures(self, page: PageContent, boxes: list[BBox]) -> list[Block]:
        out: list[Block] = []
        for box in _merge_overlapping(boxes):
            if box.area < 0.005 * page.width * page.height:
                continue
            inner = [
                w
                for w in page.words
                if box.overlap_ratio(w.bbox) >= 0.0 and _inside(w.bbox, box, 0.6)
            ]
            lines = build_lines(inner)
            out.append(
                Block(
                    type=BlockType.FIGURE,
                    page=page.number,
                    bbox=box,
                    text=" ".join(ln.text for ln in lines),
                    figure_type="image",
                    lines=lines,
                )
            )
        return out


def _continues(group: list[Line], ln: Line) -> bool:
    prev = group[-1]
    ph, h = prev.bbox.height, ln.bbox.height
    if ph <= 0 or h <= 0:
        return False
    gap = ln.bbox.top - prev.bbox.bottom
    if gap < -0.5 * min(ph, h) or gap > 0.75 * max(ph, h):
        return False
    ps, s = prev.font_size, ln.font_size
    if ps and s and abs(ps - s) > 0.15 * max(ps, s):
        return False
    if prev.bold != ln.bold and (len(group) == 1 or len(prev.words) < 8):
        return False
    first = ln.words[0].text if ln.words else ""
    if _BULLET.match(first) and len(ln.words) > 1:
        return False
    overlap = min(prev.bbox.right, ln.bbox.right) - max(prev.bbox.left, ln.bbox.left)
    return overlap > 0


def _is_heading(lines: list[Line], text: str, size: float, body: float) -> bool:
    if len(lines) > 3 or len(text) > 200 or not any(c.isalpha() for c in text):
        return False
    if text.rstrip().endswith((".", ",", ";")) and len(text) > 40:
        return False
    if size >= body * 1.18:
        return True
    return all(ln.bold for ln in lines) and len(text.split()) <= 14 and not _KEY_VALUE.match(text)


def _heading_level(size: float, body: float) -> int:
    ratio = size / body if body else 1.0
    if ratio >= 1.7:
        return 1
    if ratio >= 1.35:
        return 2
    if ratio >= 1.15:
        return 3
    return 4


def _join_lines(lines: list[Line]) -> str:
    parts: list[str] = []
    for ln in lines:
        t = ln.text
        if parts and parts[-1].endswith("-") and t[:1].islower() and len(parts[-1]) > 1:
            parts[-1] = parts[-1][:-1] + t
        else:
            parts.append(t)
    return " ".join(parts)


def _inside(inner: BBox, outer: BBox, ratio: float) -> bool:
    return (
        inner.overlap_ratio(outer) >= ratio
        if inner.area > 0
        else outer.contains_point(inner.cx, inner.cy)
    )


def _inside_any(inner: BBox, outers: list[BBox], ratio: float) -> bool:
    return any(_inside(inner, o, ratio) for o in outers)


def _merge_overlapping(boxes: list[BBox]) -> list[BBox]:
    merged: list[BBox] = []
    for b in sorted(boxes, key=lambda b: (b.top, b.left)):
        for i, m in enumerate(merged):
            if m.intersection_area(b) > 0:
                merged[i] = m.union(b)
                break
        else:
            merged.append(b)
    return merged
