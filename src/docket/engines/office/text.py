"""Plain text, Markdown, CSV and TSV.

Markdown is rendered to HTML with markdown-it (CommonMark + tables) and read by the HTML
reader, so both share one notion of headings, lists and tables. Plain text keeps paragraphs
(blank-line separated; form feeds are page breaks). CSV/TSV become one table per page of at
most ``ROWS_PER_PAGE`` rows so a large sheet does not become one giant block.
"""

from __future__ import annotations

import csv
import io

from docket.domain.document import BlockType
from docket.engines.office.flow import Flow, FlowPage

ROWS_PER_PAGE = 200
MAX_CELLS = 2_000_000


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (never fails)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_plain(data: bytes) -> list[FlowPage]:
    flow = Flow()
    for i, page in enumerate(decode(data).replace("\r\n", "\n").split("\f")):
        if i:
            flow.page_break()
        for para in page.split("\n\n"):
            flow.add(BlockType.TEXT, para.strip("\n"))
    return flow.pages


def read_markdown(data: bytes) -> list[FlowPage]:
    from markdown_it import MarkdownIt

    from docket.engines.office.html import read_html

    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(decode(data))
    return read_html(html)


def read_delimited(data: bytes, delimiter: str | None = None) -> list[FlowPage]:
    """CSV (dialect sniffed) or TSV; the first row is the header, repeated on every page."""
    from docket.errors import FileSizeTooLarge

    text = decode(data)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    try:  # newline="": the csv module's own handling of lone CR line ends
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        from docket.errors import CorruptFile

        raise CorruptFile(f"the delimited text could not be read: {exc}") from None
    if sum(len(r) for r in rows) > MAX_CELLS:
        raise FileSizeTooLarge(f"the table has more than {MAX_CELLS} cells")
    return table_pages(rows)


def table_pages(
    rows: list[list[str]],
    title: str | None = None,
    flow: Flow | None = None,
    spans: dict[tuple[int, int], tuple[int, int]] | None = None,
) -> list[FlowPage]:
    """Rows as table blocks split into pages of ``ROWS_PER_PAGE`` (header row repeated)."""
    flow = flow or Flow()
    if spans is None:
        rows = [r for r in rows if any(c.strip() for c in r)]
    if title:
        flow.add(BlockType.HEADING, title, level=2)
    if not rows:
        return flow.pages
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    head, body = rows[0], rows[1:]
    start = 0
    while True:
        part = body[start : start + ROWS_PER_PAGE]
        grid = [head, *part]
        local = {
            (r - start if r else 0, c): s
            for (r, c), s in (spans or {}).items()
            if r == 0 or start < r <= start + len(part)
        }
        flow.add(BlockType.TABLE, "\n".join(" | ".join(r) for r in grid),
                 grid=(grid, _clip(local, len(grid), width)))  # fmt: skip
        start += ROWS_PER_PAGE
        if start >= len(body):
            break
        flow.page_break()
    return flow.pages


def _clip(
    spans: dict[tuple[int, int], tuple[int, int]], rows: int, cols: int
) -> dict[tuple[int, int], tuple[int, int]]:
    return {(r, c): (min(rs, rows - r), min(cs, cols - c)) for (r, c), (rs, cs) in spans.items()}
