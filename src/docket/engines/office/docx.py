"""DOCX through python-docx: body order kept, structure from styles and numbering.

Headings from the ``Title`` / ``Heading N`` styles, list items from numbering properties
(nesting depth from ``ilvl``), tables with horizontal and vertical merges as spans, drawings as
figures (alt text kept), section headers/footers as furniture blocks. Page breaks follow
explicit breaks and the breaks Word recorded when it last laid the document out.
"""

from __future__ import annotations

import io
import re
from typing import Any

from docket.domain.document import BlockType
from docket.engines.office.flow import Flow, FlowPage
from docket.engines.office.safety import check_zip
from docket.errors import CorruptFile, DocketError, ErrorCode

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_HEADING = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_LIST_LEVEL = re.compile(r"^list.*\s(\d)$", re.IGNORECASE)


def read_docx(data: bytes) -> list[FlowPage]:
    check_zip(data)
    try:
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DocketError(
            "reading DOCX needs python-docx; install it with `pip install 'docket[office]'`",
            code=ErrorCode.INVALID_CONFIGURATION,
        ) from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors…
        raise CorruptFile(f"the DOCX cannot be read: {exc}") from exc
    flow = Flow()
    lists = _Lists(document)
    sections = list(document.sections)
    if sections:
        _furniture(flow, sections[0].header, BlockType.HEADER)
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            _paragraph(flow, Paragraph(child, document), lists)
        elif child.tag == f"{_W}tbl":
            _table(flow, DocxTable(child, document))
    if sections:
        _furniture(flow, sections[-1].footer, BlockType.FOOTER)
    return flow.pages


def _furniture(flow: Flow, part: Any, kind: BlockType) -> None:
    try:
        text = "\n".join(p.text for p in part.paragraphs if p.text.strip())
    except (AttributeError, KeyError, ValueError):
        return
    flow.add(kind, text)


def _style_name(p: Any) -> str:
    try:
        return str(p.style.name or "") if p.style is not None else ""
    except (AttributeError, KeyError, ValueError):
        return ""


def _paragraph(flow: Flow, p: Any, lists: _Lists) -> None:
    el = p._p
    if el.find(f".//{_W}lastRenderedPageBreak") is not None and _breaks_first(el):
        flow.page_break()
    style = _style_name(p)
    text = p.text
    heading = _HEADING.match(style)
    num = el.find(f"{_W}pPr/{_W}numPr")
    if style.lower() == "title":
        flow.add(BlockType.HEADING, text, level=1)
    elif heading:
        flow.add(BlockType.HEADING, text, level=max(1, min(int(heading.group(1)), 6)))
    elif num is not None or style.lower().startswith("list"):
        level, num_id = 0, style
        if num is not None:
            level = _int_val(num.find(f"{_W}ilvl"))
            num_id = str(_int_val(num.find(f"{_W}numId")))
        styled = _LIST_LEVEL.match(style)
        if (num is None or num.find(f"{_W}ilvl") is None) and styled:
            level = int(styled.group(1)) - 1  # "List Bullet 2" is the second level
        ordered = lists.ordered(num_id, level) if num is not None else "number" in style.lower()
        marker = lists.marker(num_id, level, ordered)
        flow.add(BlockType.LIST_ITEM, f"{marker} {text.strip()}" if text.strip() else "",
                 indent=level)  # fmt: skip
    else:
        flow.add(BlockType.TEXT, text)
    for drawing in el.iter(f"{_WP}docPr"):
        alt = drawing.get("descr") or drawing.get("title") or ""
        flow.add(BlockType.FIGURE, alt, figure_type="image")
    for br in el.iter(f"{_W}br"):
        if br.get(f"{_W}type") == "page":
            flow.page_break()
            break


def _int_val(el: Any) -> int:
    try:
        return int(el.get(f"{_W}val", "0")) if el is not None else 0
    except ValueError:
        return 0


class _Lists:
    """Numbering formats from numbering.xml and running counters, so ordered lists keep their
    numbers ("1.", "2.", …) and bullets stay bullets."""

    def __init__(self, document: Any) -> None:
        self._formats: dict[tuple[str, int], str] = {}
        self._counters: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (AttributeError, KeyError, NotImplementedError):
            return
        abstract: dict[str, dict[int, str]] = {}
        for node in numbering.iterchildren(f"{_W}abstractNum"):
            levels = abstract.setdefault(node.get(f"{_W}abstractNumId", ""), {})
            for lvl in node.iterchildren(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                levels[_int_val_attr(lvl, "ilvl")] = (
                    fmt.get(f"{_W}val", "") if fmt is not None else ""
                )
        for node in numbering.iterchildren(f"{_W}num"):
            ref = node.find(f"{_W}abstractNumId")
            levels = abstract.get(ref.get(f"{_W}val", "") if ref is not None else "", {})
            for level, fmt in levels.items():
                self._formats[(node.get(f"{_W}numId", ""), level)] = fmt

    def ordered(self, num_id: str, level: int) -> bool:
        return self._formats.get((num_id, level), "bullet") not in ("bullet", "none", "")

    def marker(self, num_id: str, level: int, ordered: bool) -> str:
        counts = self._counters.setdefault(num_id, [])
        del counts[level + 1 :]  # a shallower item restarts the deeper levels
        counts.extend([0] * (level + 1 - len(counts)))
        counts[level] += 1
        return f"{counts[level]}." if ordered else "•"


def _int_val_attr(el: Any, name: str) -> int:
    try:
        return int(el.get(f"{_W}{name}", "0"))
    except ValueError:
        return 0


def _breaks_first(el: Any) -> bool:
    """A rendered page break in the first run means the paragraph starts a new page."""
    first = el.find(f".//{_W}r")
    return first is not None and first.find(f"{_W}lastRenderedPageBreak") is not None


def _table(flow: Flow, table: Any) -> None:
    try:
        grid = [list(row.cells) for row in table.rows]
    except (IndexError, ValueError, KeyError) as exc:
        raise CorruptFile(f"a DOCX table has an inconsistent grid: {exc}") from exc
    positions: dict[int, list[tuple[int, int]]] = {}
    cells: dict[int, Any] = {}
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            key = id(cell._tc)
            positions.setdefault(key, []).append((r, c))
            cells[key] = cell
    width = max((len(r) for r in grid), default=0)
    rows = [["" for _ in range(width)] for _ in grid]
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for key, where in positions.items():
        r0 = min(r for r, _ in where)
        c0 = min(c for _, c in where)
        r1 = max(r for r, _ in where)
        c1 = max(c for _, c in where)
        rows[r0][c0] = cells[key].text
        if (r1, c1) != (r0, c0):
            spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
    if not rows or width == 0:
        return
    flow.add(BlockType.TABLE, "\n".join(" | ".join(r) for r in rows),
             grid=(rows, spans))  # fmt: skip
