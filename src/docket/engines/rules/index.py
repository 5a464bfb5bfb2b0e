"""A flat, geometry-aware view of a parsed document for matching labels to values.

Every line of every block becomes a :class:`DLine` that remembers the words (with boxes) behind
each character, so any matched span can be cited exactly. Table cells, which carry text and a
box but no words, get words laid out proportionally inside the cell box.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docket.domain.citations import Citation, Point
from docket.domain.document import Block, BlockType, ParsedDocument, TableCell, Word
from docket.domain.geometry import BBox, union_all
from docket.engines.rules.labels import tokens


@dataclass
class DLine:
    page: int
    words: list[Word]
    bbox: BBox
    block_id: str
    block_type: BlockType
    order: int
    text: str = ""
    starts: list[int] = field(default_factory=list)  # char offset of each word in ``text``

    def __post_init__(self) -> None:
        pos, parts = 0, []
        for w in self.words:
            self.starts.append(pos)
            parts.append(w.text)
            pos += len(w.text) + 1
        self.text = " ".join(parts)

    @property
    def height(self) -> float:
        return max(self.bbox.height, 1.0)

    def word_range(self, start: int, end: int) -> list[Word]:
        """The words overlapping characters ``start:end``."""
        return [
            w
            for w, s in zip(self.words, self.starts, strict=True)
            if s < end and s + len(w.text) > start
        ]

    def tokens_upto(self, k: int) -> tuple[str, ...]:
        return tokens(" ".join(w.text for w in self.words[:k]))


@dataclass
class PageGeom:
    width: float
    height: float


@dataclass
class DocIndex:
    lines: list[DLine]
    tables: list[Block]
    pages: dict[int, PageGeom]

    _by_page: dict[int, list[DLine]] = field(default_factory=dict)

    def on_page(self, page: int) -> list[DLine]:
        if not self._by_page:
            for ln in self.lines:
                self._by_page.setdefault(ln.page, []).append(ln)
        return self._by_page.get(page, [])


def cell_words(cell: TableCell) -> list[Word]:
    """Words of a cell spread over its box in proportion to their length."""
    return spread_words(cell.text, cell.bbox)


def spread_words(text: str, box: BBox) -> list[Word]:
    parts = text.split()
    total = sum(len(p) for p in parts) + max(len(parts) - 1, 0)
    x, out = box.left, []
    for p in parts:
        w = box.width * len(p) / max(total, 1)
        out.append(Word(p, BBox(x, box.top, x + w, box.bottom)))
        x += w + box.width / max(total, 1)
    return out


def text_lines(text: str, box: BBox) -> list[tuple[BBox, list[Word]]]:
    """Lines of a block that has text but no word geometry (text, HTML, Office readers).

    The block's box is shared evenly between its lines and each line's words are spread like a
    cell's, so a citation points at the right line of the right block, never outside it.
    """
    rows = [r for r in text.splitlines() if r.strip()]
    out: list[tuple[BBox, list[Word]]] = []
    step = box.height / max(len(rows), 1)
    for i, row in enumerate(rows):
        line_box = BBox(box.left, box.top + i * step, box.right, box.top + (i + 1) * step)
        words = spread_words(row, line_box)
        if words:
            out.append((line_box, words))
    return out


def build_index(doc: ParsedDocument) -> DocIndex:
    lines: list[DLine] = []
    tables: list[Block] = []
    for block in doc.blocks:
        if block.type is BlockType.TABLE and block.table is not None:
            tables.append(block)
            if not block.lines:
                for row in range(block.table.rows):
                    cells = sorted(
                        (c for c in block.table.cells if c.row == row and c.text.strip()),
                        key=lambda c: c.col,
                    )
                    words = [w for c in cells for w in cell_words(c)]
                    if words:
                        box = union_all(w.bbox for w in words)
                        lines.append(DLine(block.page, words, box, block.id, block.type, 0))
                continue
        if not block.lines and block.text.strip():
            for box, words in text_lines(block.text, block.bbox):
                lines.append(DLine(block.page, words, box, block.id, block.type, 0))
            continue
        for ln in block.lines:
            words = [w for w in ln.words if w.text.strip()]
            if words:
                lines.append(DLine(block.page, words, ln.bbox, block.id, block.type, 0))
    lines = join_row_fragments(lines)
    for i, dl in enumerate(lines):
        dl.order = i
    pages = {p.number: PageGeom(p.width, p.height) for p in doc.pages}
    return DocIndex(lines, tables, pages)


ROW_GAP = 1.2  # fragments closer than this many line heights are one line


def join_row_fragments(lines: list[DLine]) -> list[DLine]:
    """Re-join pieces of one printed line that layout split apart (``SLF | CASH & CARRY``).

    Two fragments join when they share a row (vertical overlap ≥ 60 %) and the horizontal gap
    is under ``ROW_GAP`` line heights; wider gaps are label/value columns and stay apart.
    """
    out: list[DLine] = []
    page_of: dict[int, list[int]] = {}  # page -> positions in ``out``
    for ln in lines:
        same = page_of.setdefault(ln.page, [])
        for i in same:
            prev = out[i]
            h = min(prev.height, ln.height)
            overlap = min(prev.bbox.bottom, ln.bbox.bottom) - max(prev.bbox.top, ln.bbox.top)
            if overlap < 0.6 * h:
                continue
            left, right = (prev, ln) if prev.bbox.left <= ln.bbox.left else (ln, prev)
            gap = right.bbox.left - left.bbox.right
            if -0.2 * h <= gap <= ROW_GAP * h:
                out[i] = DLine(
                    ln.page,
                    left.words + right.words,
                    left.bbox.union(right.bbox),
                    left.block_id,
                    left.block_type,
                    0,
                )
                break
        else:
            same.append(len(out))
            out.append(ln)
    return out


def cite_words(
    words: list[Word], page: int, geom: PageGeom | None, block_id: str | None
) -> Citation | None:
    if not words:
        return None
    box = union_all(w.bbox for w in words).rounded(2)
    return Citation(
        page=page,
        page_width=geom.width if geom else None,
        page_height=geom.height if geom else None,
        reference_text=" ".join(w.text for w in words),
        polygon=[Point(x=x, y=y) for x, y in box.polygon()],
        block_id=block_id or None,
    )
