"""Fast engine first, strong engine only for the pages the fast one reads badly.

Tesseract's mean word confidence tracks its accuracy closely (on SROIE receipts pages under
~0.80 mean confidence are the dot-matrix / faint / photographed ones it misreads), so only
those pages pay for RapidOCR (about 45 % of SROIE receipts, few of clean office scans).
Without the rapidocr extra this is plain Tesseract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docket.domain.document import Word

if TYPE_CHECKING:
    from PIL.Image import Image

    from docket.engines.base import OcrEngine

ESCALATE_BELOW = 0.80


def reading_quality(words: list[Word]) -> float:
    """Mean confidence of the words holding a letter or digit (0 when there are none)."""
    confs = [w.confidence or 0.0 for w in words if any(ch.isalnum() for ch in w.text)]
    return sum(confs) / len(confs) if confs else 0.0


class CascadeOcr:
    """:class:`~docket.engines.base.OcrEngine` trying ``primary`` then ``fallback``."""

    name = "auto"

    def __init__(
        self, primary: OcrEngine, fallback: OcrEngine, threshold: float = ESCALATE_BELOW
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.threshold = threshold

    def recognize(self, image: Image, dpi: float) -> list[Word]:
        words = self.primary.recognize(image, dpi)
        if reading_quality(words) >= self.threshold:
            return words
        strong = self.fallback.recognize(image, dpi)
        # A blank or picture-only page stays empty; keep whichever engine found text.
        return strong if strong or not words else words

    def orientation(self, image: Image) -> tuple[int, float]:
        return self.primary.orientation(image)
