"""Layout analysis from geometry and typography alone (no model): fast and deterministic.

Lines are ordered column-aware, grouped into paragraphs, and typed: headings by relative font
size and weight, list items by their markers, key-value lines by a short label and a colon,
figures from image regions, page numbers by their shape in the margins.
"""

from __future__ import annotations

import re

from docket.domain.document import Block, BlockType, Line, PageContent
from docket.domain.geometry import BBox
from docket.engines.layout.formulas import merge_formula_pieces
from docket.engines.layout.lines import MARKER, edge_lines, line_box, normalise_edges
from docket.engines.layout.reading_order import order
from docket.engines.layout.word_edges import WordEdges

_BULLET = MARKER
_KEY_VALUE = re.compile(r"^([^:\s][^:]{0,39}):\s*(\S.*)?$")
_SECTION_NUMBER = re.compile(r"^(\d{1,2}(\.\d{1,2}){0,3}\.?|[A-Z]\.|[IVX]{1,4}\.)\s+\S")
_MULTI_LEVEL = re.compile(r"^\d{1,2}(\.\d{1,2}){1,3}\.?\s+[A-Z“\"']")
_CAPTION = re.compile(
    r"^(fig(ure)?|table|tab|eq(uation)?|algorithm|listing|chart|scheme|plate|exhibit)\.?\s*[\dA-Z]",
    re.IGNORECASE,
)
_MATH = re.compile(r"[=∫∑∏√∇∂≤≥≠≈±×⋅∞∈∀∃→⇒≡∝]")
_RUNNING_HEAD = re.compile(
    r"^(\d{1,4}|[ivxlcIVXLC]{1,6})\s+\S.{0,80}$|^\S.{0,80}\s(\d{1,4}|[ivxlcIVXLC]{1,6})$"
)
_PAGE_NUMBER = re.compile(
    r"^(page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_SENTENCE_END = (".", ",", ";")
_ALNUM = re.compile(r"[^\W_]")  # one character for which ``str.isalnum`` holds


class HeuristicLayout:
    """:class:`~docket.engines.base.LayoutEngine` from geometry and font cues."""

    def analyze(self, page: PageContent, tables: list[Block]) -> list[Block]:
        columns = page.word_columns
        edges = WordEdges.of(page.words, columns)
        body = normalise_edges(edges)
        if columns is not None and edges.sizes != columns.sizes:
            page.word_columns = None  # sizes repaired on the words: the columns no longer hold
        table_boxes = [t.bbox for t in tables]
        figure_boxes = [
            b
            for b in page.images
            if not _inside_any(b, table_boxes, 0.5) and not _is_backdrop(b, page, edges)
        ]
        kept = edges
        for box in (*table_boxes, *figure_boxes):
            inside = kept.centred_in(box.left, box.top, box.right, box.bottom)
            kept = kept.select([not x for x in inside])
        sizes: dict[int, list[float]] = {}  # each line's positive word sizes, by id
        lines = edge_lines(kept, sizes=sizes)
        blocks = self._paragraphs(lines, sizes, body, page.number, page.height)
        blocks.extend(self._figures(page, edges, figure_boxes))
        blocks.extend(tables)
        gutter = max(6.0, 0.8 * body)
        return order(blocks, [b.bbox for b in blocks], gutter)

    def _paragraphs(
        self,
        lines: list[Line],
        sizes: dict[int, list[float]],
        body: float,
        page: int,
        height: float,
    ) -> list[Block]:
        if not lines:
            return []
        gutter = max(6.0, 0.8 * body)
        ordered = order(lines, [ln.bbox for ln in lines], gutter)
        edges = _running_heads(lines, height)
        groups: list[list[Line]] = []
        for ln in ordered:
            if (
                groups
                and id(ln) not in edges
                and id(groups[-1][-1]) not in edges
                and _continues(groups[-1], ln, body)
            ):
                groups[-1].append(ln)
            else:
                groups.append([ln])
        blocks = merge_formula_pieces([self._typed(g, sizes, body, page) for g in groups], body)
        for b in blocks:
            kind = edges.get(id(b.lines[0]))
            if kind is not None and b.type is not BlockType.PAGE_NUMBER:
                b.type, b.level = kind, None
        return blocks

    def _typed(
        self, lines: list[Line], sizes: dict[int, list[float]], body: float, page: int
    ) -> Block:
        text = _join_lines(lines)
        box = line_box(lines)
        size = _typical_size(lines, sizes)
        first = lines[0].words[0].text if lines[0].words else ""
        kind = BlockType.TEXT
        level: int | None = None
        if _is_numbered_heading(lines, text, size, body):
            kind = BlockType.HEADING
            level = _heading_level(size, body)
        elif _BULLET.match(first) and len(lines[0].words) > 1:
            kind = BlockType.LIST_ITEM
        elif len(lines) <= 2 and _is_key_value(lines[0]):
            kind = BlockType.KEY_VALUE
        elif _is_formula(text, len(lines)):
            kind = BlockType.FORMULA
        elif _is_heading(lines, text, size, body):
            kind = BlockType.HEADING
            level = _heading_level(size, body)
        elif len(lines) == 1 and _PAGE_NUMBER.match(text.strip()):
            kind = BlockType.PAGE_NUMBER
        return Block(type=kind, page=page, bbox=box, text=text, level=level, lines=lines)

    def _figures(self, page: PageContent, edges: WordEdges, boxes: list[BBox]) -> list[Block]:
        out: list[Block] = []
        for box in _merge_overlapping(boxes):
            if box.area < 0.005 * page.width * page.height:
                continue
            lines = edge_lines(
                edges.select(edges.centred_in(box.left, box.top, box.right, box.bottom))
            )
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


def _continues(group: list[Line], ln: Line, body: float) -> bool:
    # runs for every line of every page: edges are read once, and ``min``/``max`` of two are
    # spelled out in their exact builtin semantics (``min(a, b)`` is ``b if b < a else a``)
    prev = group[-1]
    pb, b = prev.bbox, ln.bbox
    ph, h = pb.bottom - pb.top, b.bottom - b.top
    if ph <= 0 or h <= 0:
        return False
    gap = b.top - pb.bottom
    if gap < -0.5 * (h if h < ph else ph) or gap > 0.75 * (h if h > ph else ph):
        return False
    ps, s = prev.font_size, ln.font_size
    if ps and s and abs(ps - s) > 0.15 * (s if s > ps else ps):
        return False
    if prev.bold != ln.bold and (len(group) == 1 or len(prev.words) < 8):
        return False
    words = ln.words
    if len(words) > 1 and _BULLET.match(words[0].text):
        return False
    left, right = b.left, b.right
    p_left, p_right = pb.left, pb.right
    overlap = (right if right < p_right else p_right) - (left if left > p_left else p_left)
    if overlap <= 0:
        return False
    em = max(s or ps or body, 1.0)
    if len(group) == 1 and p_left - left > 0.4 * (right - left):
        return False  # a short right-set line ('Confidential', a date) above a paragraph
    head = group[0]
    head_words = head.words
    listed = bool(head_words) and _BULLET.match(head_words[0].text) is not None
    if listed and left < head.bbox.left + 0.5 * em:
        # a list item's continuation is indented past its marker
        return left > head_words[0].bbox.right
    if _is_key_value(ln) or (_is_key_value(prev) and p_right - p_left < 0.85 * (right - left)):
        return False
    reach = max([x.bbox.right for x in group[-3:]])
    if prev.text.rstrip().endswith((".", ":", "!", "?")) and p_right < reach - 4 * em:
        return False  # a short last line closes its paragraph
    # a first-line indent (below a line flush with the one before) starts a new paragraph
    return (
        listed
        or len(group) < 2
        or left <= p_left + 0.8 * em
        or abs(p_left - group[-2].bbox.left) >= 0.5 * em
    )


def _is_numbered_heading(lines: list[Line], text: str, size: float, body: float) -> bool:
    """'1. Introduction', '2.3 Results' set bold or large on one line are headings, not items."""
    if len(lines) > 2 or not _SECTION_NUMBER.match(text) or len(text.split()) > 12:
        return False
    if text.rstrip().endswith((".", ",", ";", ":")) or not any(c.isalpha() for c in text):
        return False
    if all(ln.bold for ln in lines) or size >= body * 1.18:
        return True
    # '4.3. The subset solution': a multi-level number on a short line needs no weight
    return len(lines) == 1 and _MULTI_LEVEL.match(text) is not None and len(text.split()) <= 8


def _is_formula(text: str, n_lines: int) -> bool:
    """Display math: operators and symbols with few real words ('∫ f(x) dx = F(b) − F(a)')."""
    if n_lines > 6 or not _MATH.search(text):
        return False
    tokens = text.split()
    wordy = sum(1 for t in tokens if len(t) >= 4 and t.isalpha())
    return wordy <= max(1, len(tokens) // 6)


def _typical_size(lines: list[Line], sizes: dict[int, list[float]]) -> float:
    """Median positive word size, so one tall glyph (a bracket, a dash) does not make a heading.

    ``sizes`` holds each line's positive word sizes (from :func:`edge_lines`).
    """
    if len(lines) == 1:
        ordered = sorted(sizes[id(lines[0])])
    else:
        ordered = sorted([fs for ln in lines for fs in sizes[id(ln)]])
    return ordered[len(ordered) // 2] if ordered else 0.0


def _is_backdrop(box: BBox, page: PageContent, edges: WordEdges) -> bool:
    """A page-sized image under much text (a scan with its OCR layer, a background) is no figure."""
    if box.area < 0.5 * page.width * page.height:
        return False
    return sum(edges.centred_in(box.left, box.top, box.right, box.bottom)) >= 40


def _is_key_value(ln: Line) -> bool:
    """A short label and a colon, then a value: 'Invoice date: 12 March 2026'."""
    text = ln.text
    if ":" not in text:  # most lines: no need to run the pattern
        return False
    m = _KEY_VALUE.match(text)
    if not m or len(text) > 90 or (text.rstrip().endswith((".", ";")) and len(text) > 60):
        return False
    label = m.group(1).strip()
    if _CAPTION.match(label) or label.startswith(("[", "(")) or ". " in label:
        return False  # 'Figure 3: …' is a caption, '[4] A. Author: …' a reference
    return len(label.split()) <= 5 and not label.endswith(("http", "https"))


def _running_heads(lines: list[Line], height: float) -> dict[int, BlockType]:
    """The page's first or last row when short and carrying a page or chapter number.

    E.g. '400  BRITISH HUSBANDRY.  [Ch. XIX.' is furniture even on a single page, where no
    repetition shows. Maps ``id(line)`` to HEADER / FOOTER.
    """
    real = [ln for ln in lines if _ALNUM.search(ln.text)]
    if len(real) < 3:
        return {}
    top = min(ln.bbox.top for ln in real)
    bottom = max(ln.bbox.bottom for ln in real)
    out: dict[int, BlockType] = {}
    for edge, kind in ((True, BlockType.HEADER), (False, BlockType.FOOTER)):
        row = [
            ln
            for ln in real
            if (
                (ln.bbox.top <= top + 0.5 * ln.bbox.height and ln.bbox.bottom < 0.12 * height)
                if edge
                else (
                    ln.bbox.bottom >= bottom - 0.5 * ln.bbox.height and ln.bbox.top > 0.88 * height
                )
            )
        ]
        text = " ".join(ln.text for ln in sorted(row, key=lambda ln: ln.bbox.left)).strip()
        if row and len(row) < len(real) and _RUNNING_HEAD.match(text):
            out.update((id(ln), kind) for ln in row)
    return out


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
