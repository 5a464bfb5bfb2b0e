"""HTML (and Markdown, rendered to HTML first) to typed blocks with selectolax (lexbor).

Semantic elements decide the block type: ``h1``–``h6`` headings, list items with their nesting
depth, ``table`` with row/col spans, ``img`` as figures (alt text kept); scripts, styles and
other non-content elements are dropped. Mixed inline content becomes text paragraphs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docket.domain.document import BlockType
from docket.engines.office.flow import Flow, FlowPage
from docket.errors import DocketError, ErrorCode

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

_SKIP = frozenset(
    {"script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg",
     "canvas", "button", "select", "input", "textarea", "meta", "link", "title", "nav"}
)  # fmt: skip
_TEXT_BLOCKS = frozenset(
    {"p", "pre", "address", "figcaption", "dt", "dd", "caption", "summary", "legend", "label"}
)
_BLOCKS = frozenset(
    {"div", "section", "article", "main", "header", "footer", "aside", "body", "html", "form",
     "fieldset", "details", "figure", "blockquote", "center", "dl", "ul", "ol", "li", "table",
     "hr", "h1", "h2", "h3", "h4", "h5", "h6", "img", "tr", "td", "th", "tbody", "thead",
     "tfoot", "br"} | _TEXT_BLOCKS
)  # fmt: skip
_WS = re.compile(r"\s+")
_MAX_DEPTH = 150
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BR_BYTES = re.compile(rb"<br\s*/?>", re.IGNORECASE)


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def read_html(data: bytes | str) -> list[FlowPage]:
    """Pages of blocks from an HTML document (any encoding lexbor can detect)."""
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DocketError(
            "reading HTML needs selectolax; install it with `pip install 'docket[office]'`",
            code=ErrorCode.INVALID_CONFIGURATION,
        ) from exc
    data = _BR_BYTES.sub(b" \n", data) if isinstance(data, bytes) else _BR.sub(" \n", data)
    tree = LexborHTMLParser(data)
    flow = Flow()
    root = tree.body or tree.root
    if root is not None:
        _Walker(flow).walk(root, 0, 0)
    return flow.pages


class _Walker:
    def __init__(self, flow: Flow) -> None:
        self.flow = flow

    def walk(self, node: LexborNode, indent: int, depth: int) -> None:
        buffer: list[str] = []
        for child in node.iter(include_text=True):
            tag = child.tag or ""
            if tag == "-text":
                buffer.append(child.text_content or "")
                continue
            if tag in _SKIP or tag.startswith("-"):
                continue
            if tag not in _BLOCKS:
                buffer.append(child.text(separator="") if not child.css_first("img") else "")
                for img in child.css("img"):
                    self._figure(img)
                continue
            self._flush(buffer)
            buffer = []
            self._block(child, tag, indent, depth)
        self._flush(buffer)

    def _flush(self, buffer: list[str]) -> None:
        text = _clean(" ".join(buffer))
        if text:
            self.flow.add(BlockType.TEXT, text)

    def _block(self, node: LexborNode, tag: str, indent: int, depth: int) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.flow.add(BlockType.HEADING, _clean(node.text(separator="")), level=int(tag[1]))
        elif tag == "pre":
            self.flow.add(BlockType.TEXT, node.text())
        elif tag in ("ul", "ol"):
            self._list(node, ordered=tag == "ol", indent=indent, depth=depth)
        elif tag == "table":
            self._table(node)
        elif tag == "img":
            self._figure(node)
        elif tag in ("hr", "br"):
            return
        elif depth >= _MAX_DEPTH or (tag in _TEXT_BLOCKS and not _has_blocks(node)):
            self.flow.add(BlockType.TEXT, _clean(node.text(separator="")))
        else:
            self.walk(node, indent, depth + 1)

    def _list(self, node: LexborNode, *, ordered: bool, indent: int, depth: int) -> None:
        n = 0
        for li in node.iter():
            if li.tag != "li":
                continue
            n += 1
            own: list[str] = []
            nested: list[LexborNode] = []
            for part in li.iter(include_text=True):
                if part.tag in ("ul", "ol"):
                    nested.append(part)
                elif part.tag == "-text":
                    own.append(part.text_content or "")
                elif part.tag not in _SKIP:
                    own.append(part.text(separator=""))
            marker = f"{n}." if ordered else "•"
            text = _clean(" ".join(own))
            if text:
                self.flow.add(BlockType.LIST_ITEM, f"{marker} {text}", indent=indent)
            for sub in nested:
                if depth < _MAX_DEPTH:
                    self._list(sub, ordered=sub.tag == "ol", indent=indent + 1, depth=depth + 1)

    def _table(self, node: LexborNode) -> None:
        rows: list[list[str]] = []
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(tr for tr in node.css("tr") if _owner_id(tr) == node.mem_id):
            rows.append([])
            c = 0
            for cell in tr.iter():
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                rs = _span(cell.attributes.get("rowspan"))
                cs = _span(cell.attributes.get("colspan"))
                row = rows[r]
                while len(row) <= c:
                    row.append("")
                row[c] = _clean(cell.text(separator=""))
                if rs > 1 or cs > 1:
                    spans[(r, c)] = (rs, cs)
                for rr in range(r, r + rs):
                    for cc in range(c, c + cs):
                        taken.add((rr, cc))
                c += cs
        height = max([len(rows)] + [r + s[0] for (r, _), s in spans.items()])
        rows.extend([] for _ in range(height - len(rows)))
        width = max([len(r) for r in rows] + [c + s[1] for (_, c), s in spans.items()] + [0])
        if not rows or width == 0:
            return
        grid = [r + [""] * (width - len(r)) for r in rows]
        self.flow.add(BlockType.TABLE, "\n".join(" | ".join(r) for r in grid),
                      grid=(grid, spans))  # fmt: skip

    def _figure(self, node: LexborNode) -> None:
        alt = _clean(node.attributes.get("alt") or "")
        self.flow.add(BlockType.FIGURE, alt, figure_type="image")


def _owner_id(tr: LexborNode) -> int:
    parent = tr.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent.mem_id if parent is not None else -1


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _has_blocks(node: LexborNode) -> bool:
    return any(
        (c.tag or "") in _BLOCKS and c.tag not in ("br",) for c in node.iter() if c.tag != "-text"
    )
