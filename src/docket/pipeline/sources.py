"""Every non-PDF input to the same :class:`ParsedDocument` as a PDF.

Raster images go through OCR and the geometric table/layout engines like a scanned PDF page.
Office, HTML, text and e-mail documents are read from their structure into typed blocks on
synthetic pages (docs/formats.md explains why the layout engine is bypassed for them). Legacy
and ODF formats are converted to PDF by LibreOffice and parsed as PDF. E-mail attachments are
parsed recursively and appended as sub-documents after the message.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docket.domain.document import Block, BlockType, PageError, PageInfo, ParsedDocument
from docket.domain.geometry import BBox
from docket.domain.parse_options import ParseOptions, Target
from docket.errors import DocketError, ErrorCode, FileTypeNotSupported
from docket.pipeline import media_types as mt
from docket.pipeline.chunking import chunk_pages
from docket.pipeline.ids import block_id
from docket.pipeline.render import markdown_of, render_block, spatial_text
from docket.pipeline.scans import annotate_confidence, ocr_engine

if TYPE_CHECKING:
    from docket.engines.office.flow import FlowPage
    from docket.pipeline.formats import ParseLimits
    from docket.pipeline.parse import CancelledFn, ParseEngines, ProgressFn

MAX_ATTACHMENT_DEPTH = 3
_depth: ContextVar[int] = ContextVar("docket_attachment_depth", default=0)


@dataclass(slots=True)
class _Page:
    info: PageInfo
    blocks: list[Block]
    spatial: str = ""


def parse_source(
    data: bytes,
    mime: str,
    options: ParseOptions,
    *,
    engines: ParseEngines,
    limits: ParseLimits,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ParsedDocument:
    """Parse a detected non-PDF document (``mime`` from content sniffing)."""
    if mime in mt.IMAGES:
        pages, count, errors = _image_pages(data, options, engines, limits, progress, cancelled)
        return _assemble(mime, pages, count, errors, options)
    if mime in mt.CONVERTED:
        from docket.engines.office.libreoffice import convert_to_pdf
        from docket.pipeline.parse import parse_document

        pdf = convert_to_pdf(data, mt.CONVERTED[mime])
        doc = parse_document(pdf, options, engines=engines, limits=limits, progress=progress,
                             cancelled=cancelled)  # fmt: skip
        return doc.model_copy(update={"mime_type": mime})
    if mime == mt.EML:
        return _email(data, options, engines, limits)
    reader = _readers().get(mime)
    if reader is None:
        raise FileTypeNotSupported(f"files of type {mime} are not supported")
    flow_pages = reader(data)
    if len(flow_pages) > limits.max_pages:
        raise DocketError(
            f"the document has {len(flow_pages)} pages; the limit is {limits.max_pages}",
            code=ErrorCode.FILE_SIZE_TOO_LARGE,
        )
    pages = _select([_from_flow(p) for p in flow_pages], options)
    return _assemble(mime, pages, len(flow_pages), [], options)


def _readers() -> dict[str, Callable[[bytes], list[FlowPage]]]:
    """Imported on use so a PDF-only run never loads the Office libraries."""
    from docket.engines.office import docx, html, pptx, sheets, text

    return {
        mt.DOCX: docx.read_docx,
        mt.XLSX: sheets.read_xlsx,
        mt.XLS: sheets.read_xls,
        mt.PPTX: pptx.read_pptx,
        mt.HTML: html.read_html,
        mt.MARKDOWN: text.read_markdown,
        mt.TEXT: text.read_plain,
        mt.CSV: text.read_delimited,
        mt.TSV: lambda d: text.read_delimited(d, "\t"),
    }


def _from_flow(page: FlowPage) -> _Page:
    info = PageInfo(number=page.number, width=page.width, height=page.height)
    return _Page(info, page.blocks)


def _select(pages: list[_Page], options: ParseOptions) -> list[_Page]:
    wanted = set(options.selected_pages(len(pages)))
    out = [p for p in pages if p.info.number in wanted]
    if pages and not out:
        raise DocketError(
            f"no page of the requested ranges exists (the document has {len(pages)} pages)",
            code=ErrorCode.INVALID_CONFIG_OPTIONS,
        )
    return out


def _image_pages(
    data: bytes,
    options: ParseOptions,
    engines: ParseEngines,
    limits: ParseLimits,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> tuple[list[_Page], int, list[PageError]]:
    from docket.engines.ocr.images import open_image, read_frame
    from docket.engines.ocr.page import ocr_page
    from docket.pipeline.parse import Cancelled

    engine = ocr_engine(options, engines.ocr)
    pages: list[_Page] = []
    errors: list[PageError] = []
    with open_image(data) as (image, count):
        if count > limits.max_pages:
            raise DocketError(
                f"the image has {count} pages; the limit is {limits.max_pages} pages",
                code=ErrorCode.FILE_SIZE_TOO_LARGE,
            )
        wanted = options.selected_pages(count)
        if not wanted:
            raise DocketError(
                f"no page of the requested ranges exists (the image has {count} pages)",
                code=ErrorCode.INVALID_CONFIG_OPTIONS,
            )
        for done, number in enumerate(wanted, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled("the run was cancelled", code=ErrorCode.INTERNAL_ERROR)
            try:
                frame = read_frame(image, number)
                content = ocr_page(engine, frame.image, number=number, width=frame.width,
                                   height=frame.height, dpi=frame.dpi)  # fmt: skip
                del frame
                blocks = engines.layout.analyze(content, engines.tables.detect(content))
                annotate_confidence(content, blocks)
            except DocketError as exc:
                if exc.code in (ErrorCode.FILE_SIZE_TOO_LARGE, ErrorCode.INVALID_CONFIGURATION):
                    raise
                errors.append(PageError(page=number, code=exc.code.value, message=exc.message))
                continue
            info = PageInfo(number=number, width=content.width, height=content.height,
                            rotation=content.rotation, dpi=content.dpi, ocr=True)  # fmt: skip
            spatial = spatial_text(content) if options.target is Target.SPATIAL else ""
            pages.append(_Page(info, blocks, spatial))
            if progress is not None:
                progress(done, len(wanted))
    if errors and not pages:
        raise DocketError(errors[0].message, code=ErrorCode(errors[0].code))
    return pages, count, errors


def _email(
    data: bytes, options: ParseOptions, engines: ParseEngines, limits: ParseLimits
) -> ParsedDocument:
    from docket.engines.office.email import read_email

    content = read_email(data)
    pages = [_from_flow(p) for p in content.pages]
    errors: list[PageError] = []
    depth = _depth.get()
    for att in content.attachments:
        start = len(pages) + 1
        head = Block(type=BlockType.HEADING, page=start, bbox=BBox(54.0, 54.0, 558.0, 76.0),
                     text=f"Attachment: {att.filename}", level=1)  # fmt: skip
        try:
            if depth >= MAX_ATTACHMENT_DEPTH:
                raise FileTypeNotSupported("attachments are nested too deeply")
            token = _depth.set(depth + 1)
            try:
                from docket.pipeline.parse import parse_document

                sub_options = options.model_copy(update={"page_ranges": None})
                sub = parse_document(att.data, sub_options, engines=engines, limits=limits)
            finally:
                _depth.reset(token)
        except DocketError as exc:
            message = f"attachment {att.filename}: {exc.message}"
            errors.append(PageError(page=start, code=exc.code.value, message=message))
            note = f"(not parsed: {exc.message})"
            body = Block(type=BlockType.TEXT, page=start, bbox=BBox(54.0, 84.0, 558.0, 98.0),
                         text=note)  # fmt: skip
            pages.append(_Page(PageInfo(number=start, width=612.0, height=792.0), [head, body]))
            continue
        renumber = {info.number: start + i for i, info in enumerate(sub.pages)}
        for e in sub.errors:  # a nested attachment's failures stay visible at the top
            errors.append(PageError(page=renumber.get(e.page, start), code=e.code,
                                    message=f"attachment {att.filename}: {e.message}"))  # fmt: skip
        by_page: dict[int, list[Block]] = {}
        for b in sub.blocks:
            by_page.setdefault(b.page, []).append(b)
        for i, info in enumerate(sub.pages):
            number = start + i
            blocks = [b.model_copy(update={"page": number}) for b in by_page.get(info.number, [])]
            if i == 0:
                blocks.insert(0, head.model_copy(update={"page": number}))
            pages.append(_Page(info.model_copy(update={"number": number}), blocks))
    selected = _select(pages, options)
    return _assemble(mt.EML, selected, len(pages), errors, options)


def _assemble(
    mime: str, pages: list[_Page], count: int, errors: list[PageError], options: ParseOptions
) -> ParsedDocument:
    for page in pages:
        for i, b in enumerate(page.blocks):
            b.page = page.info.number
            b.id = block_id(page.info.number, i, b.text)
            b.content = render_block(b, options.table_format)
    spatial = {
        p.info.number: p.spatial or markdown_of(p.blocks) for p in pages
    }  # structured pages have no word geometry: their spatial text is their plain rendering
    page_text = (lambda n, _b: spatial[n]) if options.target is Target.SPATIAL else None
    chunks = chunk_pages([(p.info.number, p.blocks) for p in pages], options.chunking, page_text)
    return ParsedDocument(
        mime_type=mime,
        pages=[p.info for p in pages],
        chunks=chunks,
        page_count=count,
        errors=errors,
    )
