"""Build ParsedDocuments from positioned text lines through Docket's real layout engine.

Used where a test needs a precise page (a stacked label, a table) without shipping a PDF.
"""

from __future__ import annotations

from docket.domain.document import PageContent, PageInfo, ParsedDocument, Word
from docket.domain.geometry import BBox
from docket.domain.parse_options import Chunking
from docket.engines.layout.heuristic import HeuristicLayout
from docket.engines.tables.engine import RuleTables
from docket.pipeline.chunking import chunk_pages
from docket.pipeline.ids import block_id

CHAR_W = 5.0
LINE_H = 10.0


def words_at(text: str, x: float, y: float) -> list[Word]:
    out, pos = [], x
    for t in text.split():
        w = len(t) * CHAR_W
        out.append(Word(t, BBox(pos, y, pos + w, y + LINE_H), font_size=LINE_H))
        pos += w + CHAR_W
    return out


def make_document(pages: list[list[tuple[str, float, float]]]) -> ParsedDocument:
    """``pages``: per page, ``(text, x, y)`` runs in points on a 612×792 page."""
    infos, analysed = [], []
    for n, runs in enumerate(pages, start=1):
        words = [w for text, x, y in runs for w in words_at(text, x, y)]
        content = PageContent(n, 612.0, 792.0, words)
        blocks = HeuristicLayout().analyze(content, RuleTables().detect(content))
        for i, b in enumerate(blocks):
            b.page, b.id = n, block_id(n, i, b.text)
            b.content = b.text
        infos.append(PageInfo(number=n, width=612.0, height=792.0))
        analysed.append((n, blocks))
    return ParsedDocument(
        mime_type="application/pdf",
        pages=infos,
        chunks=chunk_pages(analysed, Chunking()),
        page_count=len(pages),
    )
