"""The engine Protocols the pipeline depends on.

Each is one or two methods so that a new implementation (another PDF library, an OCR engine,
a learned layout model) is a single module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

from docket.domain.document import Block, PageContent, Word

if TYPE_CHECKING:
    from PIL.Image import Image


class TextLayerDocument(Protocol):
    """An open document; pages are read one at a time so memory stays flat."""

    @property
    def page_count(self) -> int: ...

    def read_page(self, number: int) -> PageContent:
        """Words (with boxes and fonts), ruling lines and image boxes of a 1-based page."""
        ...


class TextLayerEngine(Protocol):
    def open(
        self, data: bytes, password: str | None = None
    ) -> AbstractContextManager[TextLayerDocument]:
        """Open a document; raises DocketError (CORRUPT_FILE, PASSWORD_PROTECTED_FILE…)."""
        ...


class TableEngine(Protocol):
    def detect(self, page: PageContent) -> list[Block]:
        """Table blocks (with ``table`` set) found on the page."""
        ...


class LayoutEngine(Protocol):
    def analyze(self, page: PageContent, tables: list[Block]) -> list[Block]:
        """All blocks of a page in reading order, the given tables included."""
        ...


class OcrEngine(Protocol):
    """Reads an upright page image; orientation is asked separately so any engine can be used."""

    name: str

    def recognize(self, image: Image, dpi: float) -> list[Word]:
        """Words in the image's pixels, ``confidence`` in 0–1, ``font_size`` = text height px."""
        ...

    def orientation(self, image: Image) -> tuple[int, float]:
        """Clockwise rotation of the text (0/90/180/270) and a confidence (0 = unknown)."""
        ...


def iter_pages(doc: TextLayerDocument, numbers: list[int]) -> Iterator[PageContent]:
    for n in numbers:
        yield doc.read_page(n)
