"""The default engine escalates only pages Tesseract reads badly."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from docket.domain.document import Word
from docket.engines.ocr.cascade import ESCALATE_BELOW, CascadeOcr, reading_quality
from docket.engines.ocr.registry import get_ocr_engine
from docket.engines.ocr.tesseract import TesseractOcr


class Recording:
    """A real Tesseract that counts the pages it was asked to read."""

    name = "recording"

    def __init__(self) -> None:
        self.inner = TesseractOcr()
        self.calls = 0

    def recognize(self, image: Image.Image, dpi: float) -> list[Word]:
        self.calls += 1
        return self.inner.recognize(image, dpi)

    def orientation(self, image: Image.Image) -> tuple[int, float]:
        return self.inner.orientation(image)


def test_clean_page_stays_with_primary_and_faint_dot_matrix_escalates(
    shared_data: Path,
) -> None:
    tess = get_ocr_engine("tesseract")
    fallback = Recording()
    cascade = CascadeOcr(tess, fallback)
    clean = Image.new("L", (1400, 400), 255)
    ImageDraw.Draw(clean).text(
        (60, 120), "Delivery note 5531 shipped", fill=0, font=ImageFont.load_default(size=48)
    )
    words = cascade.recognize(clean, 300.0)
    assert reading_quality(words) >= ESCALATE_BELOW and fallback.calls == 0
    assert "5531" in {w.text for w in words}
    hard = Image.open(shared_data / "sroie" / "img" / "252.jpg").convert("L")
    assert reading_quality(tess.recognize(hard, 300.0)) < ESCALATE_BELOW
    cascade.recognize(hard, 300.0)
    assert fallback.calls == 1


def test_blank_page_reads_empty_through_the_cascade() -> None:
    cascade = CascadeOcr(get_ocr_engine("tesseract"), Recording())
    assert cascade.recognize(Image.new("L", (800, 1000), 255), 300.0) == []
    assert reading_quality([]) == 0.0
