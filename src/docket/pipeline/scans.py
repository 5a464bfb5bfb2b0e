"""OCR inside the PDF path: scanned or garbage-text pages are re-read by the OCR engine.

Born-digital pages pass through untouched (PDF behaviour does not change for them); the
rasterizer is only opened on the first page that needs OCR.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from docket.domain.document import Block, PageContent, Word

if TYPE_CHECKING:
    from docket.domain.parse_options import ParseOptions
    from docket.engines.base import OcrEngine
    from docket.engines.ocr.scanned import PdfRasterizer


def ocr_engine(options: ParseOptions, engine: OcrEngine | None) -> OcrEngine:
    if engine is not None:
        return engine
    from docket.engines.ocr.registry import get_ocr_engine

    return get_ocr_engine(options.ocr_engine)


class ScanReader:
    """Callable that swaps a page's text layer for OCR when the page needs it."""

    def __init__(self, data: bytes, options: ParseOptions, engine: OcrEngine | None) -> None:
        self._data = data
        self._options = options
        self._engine = engine
        self._stack = ExitStack()
        self._raster: PdfRasterizer | None = None

    def __call__(self, page: PageContent) -> PageContent:
        from docket.engines.ocr.scanned import needs_ocr, open_rasterizer

        if not self._options.ocr or sound_text_layer(page) or not needs_ocr(without_leaders(page)):
            return page
        engine = ocr_engine(self._options, self._engine)
        if self._raster is None:
            self._raster = self._stack.enter_context(
                open_rasterizer(self._data, self._options.password)
            )
        return self._raster.ocr(engine, page)

    def close(self) -> None:
        self._stack.close()


# stricter than the OCR engine's own tests (25 characters, 30 % letters, 30 % bad characters),
# so a page this gate passes is one that ``needs_ocr`` would pass too
_SOUND_MIN_CHARS = 50
_SOUND_LETTERS = 0.5


def sound_text_layer(page: PageContent) -> bool:
    """A cheap certainty that the text layer is fine: enough text, mostly letters, no character
    that could be a broken encoding (replacement, private-use, unassigned, control).

    Counting per distinct character keeps this to a few C-level passes over the page text; the
    full per-character check runs only on pages this does not clear.
    """
    text = "".join([w.text for w in page.words])
    if len(text) < _SOUND_MIN_CHARS:
        return False
    letters = 0
    for ch in set(text):
        if ch == "\ufffd" or not ch.isprintable():
            return False
        if ch.isalnum():
            letters += text.count(ch)
    return letters >= _SOUND_LETTERS * len(text)


# runs of underscores, dots or dashes: form leaders ('Witness: ________', 'Total ....... 12')
_LEADERS = re.compile(r"[_.\-\u2010-\u2015\u2024-\u2026\u00b7]{3,}")


def without_leaders(page: PageContent) -> PageContent:
    """``page`` with its form leaders taken out of the words (itself when it has none).

    Leaders are punctuation, so a born-digital form full of blanks to fill in would look like
    a garbage text layer to the letter-share test and be sent to OCR for nothing.
    """
    if not any(_LEADERS.search(w.text) for w in page.words):
        return page
    words: list[Word] = []
    for w in page.words:
        text = _LEADERS.sub("", w.text)
        if text:
            words.append(replace(w, text=text) if text != w.text else w)
    return replace(page, words=words)


@contextmanager
def scan_reader(
    data: bytes, options: ParseOptions, engine: OcrEngine | None = None
) -> Iterator[ScanReader]:
    reader = ScanReader(data, options, engine)
    try:
        yield reader
    finally:
        reader.close()


def annotate_confidence(page: PageContent, blocks: list[Block]) -> None:
    """Set each block's min/avg OCR confidence from the OCR words whose centre it holds."""
    if not page.ocr:
        return
    for block in blocks:
        b = block.bbox
        confs = [
            w.confidence
            for w in page.words
            if w.confidence is not None and b.contains_point(w.bbox.cx, w.bbox.cy, 1.0)
        ]
        if confs:
            block.min_ocr_confidence = round(min(confs), 4)
            block.avg_ocr_confidence = round(sum(confs) / len(confs), 4)
