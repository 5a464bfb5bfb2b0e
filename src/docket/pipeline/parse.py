"""Parse one document: sniff, read page by page, find tables and layout, render, chunk.

Pages are read one at a time and dropped after analysis, so memory stays flat in page count;
a page that fails is recorded as a page error while the others go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from docket.domain.document import (
    Block,
    Line,
    PageContent,
    PageError,
    PageInfo,
    ParsedDocument,
)
from docket.domain.parse_options import ParseOptions, Target
from docket.engines.base import LayoutEngine, OcrEngine, TableEngine, TextLayerEngine
from docket.engines.layout.orientation import to_displayed, upright_view
from docket.errors import CorruptFile, DocketError, ErrorCode, FileSizeTooLarge
from docket.pipeline.chunking import chunk_pages
from docket.pipeline.detect import detect
from docket.pipeline.formats import PDF, ParseLimits, check_size
from docket.pipeline.furniture import mark_furniture
from docket.pipeline.headings import harmonise_heading_levels
from docket.pipeline.ids import block_id
from docket.pipeline.render import render_block, spatial_text
from docket.pipeline.scans import annotate_confidence, scan_reader

ProgressFn = Callable[[int, int], None]

#: Pages whose words stay objects; later pages' words are packed into flat arrays. Packing
#: costs ~5 % of a page's parse and unpacking costs each later read (citations), so short
#: documents, the common case, keep objects (~0.2 MB a page); memory stays flat past this.
KEEP_UNPACKED_PAGES = 32
CancelledFn = Callable[[], bool]


class Cancelled(DocketError):
    """Raised between pages when the caller cancelled the work."""


def _default_textlayer() -> TextLayerEngine:
    from docket.engines.textlayer.pdfium import PdfiumTextLayer

    return PdfiumTextLayer()


def _default_tables() -> TableEngine:
    from docket.engines.tables.engine import RuleTables

    return RuleTables()


def _default_layout() -> LayoutEngine:
    from docket.engines.layout.heuristic import HeuristicLayout

    return HeuristicLayout()


@dataclass
class ParseEngines:
    textlayer: TextLayerEngine = field(default_factory=_default_textlayer)
    tables: TableEngine = field(default_factory=_default_tables)
    layout: LayoutEngine = field(default_factory=_default_layout)
    ocr: OcrEngine | None = None  # None: the engine named by the options (Tesseract by default)


@dataclass
class ParseResult:
    document: ParsedDocument
    seconds: float


def parse_document(
    data: bytes,
    options: ParseOptions | None = None,
    *,
    engines: ParseEngines | None = None,
    limits: ParseLimits | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ParsedDocument:
    options = options or ParseOptions()
    engines = engines or ParseEngines()
    limits = limits or ParseLimits()
    check_size(data, limits)
    mime = detect(data)
    if mime != PDF:
        from docket.pipeline.sources import parse_source

        return parse_source(data, mime, options, engines=engines, limits=limits,
                            progress=progress, cancelled=cancelled)  # fmt: skip
    with (
        engines.textlayer.open(data, options.password) as doc,
        scan_reader(data, options, engines.ocr) as rescan,
    ):
        count = doc.page_count
        if count <= 0:
            raise CorruptFile("the PDF has no pages")
        if count > limits.max_pages:
            raise FileSizeTooLarge(
                f"the PDF has {count} pages; the limit is {limits.max_pages} pages"
            )
        wanted = options.selected_pages(count)
        if not wanted:
            raise DocketError(
                f"no page of the requested ranges exists (the document has {count} pages)",
                code=ErrorCode.INVALID_CONFIG_OPTIONS,
            )
        analysed: list[tuple[PageInfo, list[Block]]] = []
        spatial: dict[int, str] = {}
        errors: list[PageError] = []
        for done, number in enumerate(wanted, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled("the run was cancelled", code=ErrorCode.INTERNAL_ERROR)
            try:
                content = rescan(doc.read_page(number))
                # a page whose text is turned is analysed in the text's upright frame
                view = upright_view(content)
                blocks = engines.layout.analyze(view, engines.tables.detect(view))
                annotate_confidence(view, blocks)
                to_displayed(blocks, content)
            except DocketError as exc:
                errors.append(PageError(page=number, code=exc.code.value, message=exc.message))
                content, blocks = PageContent(number, 612.0, 792.0, []), []
                view = content
            if options.target is Target.SPATIAL:
                spatial[number] = spatial_text(view)
            info = PageInfo(
                number=number,
                width=round(content.width, 2),
                height=round(content.height, 2),
                rotation=content.rotation,
                dpi=content.dpi,
                ocr=content.ocr,
            )
            for i, b in enumerate(blocks):
                b.page = number
                b.id = block_id(number, i, b.text)
            if len(analysed) >= KEEP_UNPACKED_PAGES:
                # the page's words, lines and pdfium data go; blocks stay lean
                Line.pack_all([ln for b in blocks for ln in b.lines])
            analysed.append((info, blocks))
            if progress is not None:
                progress(done, len(wanted))
    if len(errors) == len(wanted):
        first = errors[0]
        raise DocketError(first.message, code=ErrorCode(first.code))
    mark_furniture(analysed)
    harmonise_heading_levels(analysed)
    for _, blocks in analysed:
        for b in blocks:
            b.content = render_block(b, options.table_format)
    pages = [(info.number, blocks) for info, blocks in analysed]
    page_text = (lambda n, _b: spatial[n]) if options.target is Target.SPATIAL else None
    chunks = chunk_pages(pages, options.chunking, page_text)
    return ParsedDocument(
        mime_type=mime,
        pages=[info for info, _ in analysed],
        chunks=chunks,
        page_count=count,
        errors=errors,
    )


def timed_parse(data: bytes, options: ParseOptions | None = None, **kw: object) -> ParseResult:
    start = time.perf_counter()
    doc = parse_document(data, options, **kw)  # type: ignore[arg-type]
    return ParseResult(doc, time.perf_counter() - start)
