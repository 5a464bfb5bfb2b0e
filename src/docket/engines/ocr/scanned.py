"""Scanned PDF pages: decide which pages need OCR, render them one at a time, OCR them.

A page is OCR'd when its text layer is empty, nearly empty under a page-sized image, or
garbage (broken font encodings give private-use / replacement / control characters). The
rendering DPI adapts to the page size so a poster does not become a 100-megapixel bitmap,
and each bitmap is dropped before the next page, so a 200-page scan stays in bounded memory.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from docket.domain.document import PageContent
from docket.engines.ocr.page import ocr_page
from docket.engines.textlayer.pdfium import PDFIUM_LOCK
from docket.errors import CorruptFile

if TYPE_CHECKING:
    from docket.engines.base import OcrEngine

TARGET_DPI = 300.0
MAX_PAGE_PIXELS = 12_000_000  # a Letter page at 300 dpi is 8.4 Mpx
_FEW_CHARS = 25
_IMAGE_COVER = 0.3
_GARBAGE_RATIO = 0.3


def render_dpi(width: float, height: float) -> float:
    """300 dpi, lowered for large pages so the bitmap stays within MAX_PAGE_PIXELS.

    Memory wins over legibility: a poster's text is large, so a lower dpi still reads.
    """
    area_in2 = max(width * height, 1.0) / (72.0 * 72.0)
    fit = math.sqrt(MAX_PAGE_PIXELS / area_in2)
    return min(TARGET_DPI, fit)


def _bad_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return ch == "\ufffd" or cat in ("Co", "Cn", "Cs") or (cat == "Cc" and ch not in "\t\n")


def needs_ocr(page: PageContent) -> bool:
    """True when the text layer cannot be trusted to hold the page's text."""
    text = "".join(w.text for w in page.words)
    chars = len(text.strip())
    if chars == 0:
        return True
    area = max(page.width * page.height, 1.0)
    covered = sum(b.area for b in page.images) / area
    if chars < _FEW_CHARS and covered >= _IMAGE_COVER:
        return True
    return garbage_text(page)


def garbage_text(page: PageContent) -> bool:
    """Broken font encodings: mostly replacement / private-use / control or non-alphanumerics."""
    text = "".join(w.text for w in page.words)
    chars = len(text.strip())
    if chars == 0:
        return False
    bad = sum(1 for ch in text if _bad_char(ch))
    letters = sum(1 for ch in text if ch.isalnum())
    return bad / chars > _GARBAGE_RATIO or letters / chars < 0.3


class PdfRasterizer:
    """Renders pages of an open pdfium document (a second handle; pdfium is serialised)."""

    def __init__(self, pdf: Any) -> None:
        self._pdf = pdf

    def ocr(self, engine: OcrEngine, page: PageContent) -> PageContent:
        """The page re-read by OCR, in the same points frame as its text layer."""
        dpi = render_dpi(page.width, page.height)
        with PDFIUM_LOCK:
            pdf_page = self._pdf[page.number - 1]
            try:
                bitmap = pdf_page.render(scale=dpi / 72.0, grayscale=True)
                image = bitmap.to_pil()
            finally:
                pdf_page.close()
        out = ocr_page(
            engine, image, number=page.number, width=page.width, height=page.height, dpi=dpi
        )
        out.rules = page.rules
        if page.words and not garbage_text(page):
            # A sparse but sound text layer (a title over a scanned body) is exact: keep it and
            # add only the OCR words that fall outside its words.
            boxes = [w.bbox for w in page.words]
            extra = [
                w
                for w in out.words
                if not any(b.contains_point(w.bbox.cx, w.bbox.cy, 1.0) for b in boxes)
            ]
            out.words = [*page.words, *extra]
        return out


@contextmanager
def open_rasterizer(data: bytes, password: str | None) -> Iterator[PdfRasterizer]:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data, password=password)
        except Exception as exc:
            raise CorruptFile(f"the PDF could not be opened for rendering: {exc}") from None
    try:
        yield PdfRasterizer(pdf)
    finally:
        with PDFIUM_LOCK:
            pdf.close()
