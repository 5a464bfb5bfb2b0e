"""The default engine escalates only pages Tesseract reads badly."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from docket.domain.document import PageContent, Word
from docket.engines.base import OcrEngine
from docket.engines.ocr.cascade import ESCALATE_BELOW, CascadeOcr, reading_quality
from docket.engines.ocr.page import ocr_page
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


class Sizing(Recording):
    """A real Tesseract that records the size of every page it was asked to read."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[tuple[int, int]] = []

    def recognize(self, image: Image.Image, dpi: float) -> list[Word]:
        self.sizes.append(image.size)
        return super().recognize(image, dpi)


@pytest.mark.parametrize(("turn", "skew"), [(0, 0.0), (90, 2.5)])
def test_fallback_reads_the_page_unenlarged_and_boxes_still_land(
    shared_data: Path, turn: int, skew: float
) -> None:
    """The page is enlarged for the primary engine only; the fallback gets the original pixels
    (turned and levelled alike) and its boxes come back in the same page frame."""
    receipt = Image.open(shared_data / "sroie" / "img" / "043.jpg").convert("L")
    scan = receipt.rotate(turn, expand=True)
    if skew:
        scan = scan.rotate(skew, expand=True, fillcolor=255)

    def page(engine: OcrEngine) -> PageContent:
        return ocr_page(engine, scan, number=1, width=scan.width * 0.24,
                        height=scan.height * 0.24, dpi=300.0)  # fmt: skip

    primary = Sizing()
    fallback = Sizing()
    escalated = page(CascadeOcr(primary, fallback, threshold=1.01))  # always escalates
    alone = page(primary)
    assert fallback.calls == 1 and max(primary.sizes[0]) > max(scan.size) * 1.4
    assert max(fallback.sizes[0]) < max(scan.size) * 1.1  # not enlarged (turned: ± canvas)
    assert escalated.rotation == alone.rotation == (360 - turn) % 360
    anchors = {"BISTRO", "DAMANSARA", "TRADING", "PETALING"}
    anchors &= {w.text for w in escalated.words} & {w.text for w in alone.words}
    assert len(anchors) >= 3, anchors
    for text in sorted(anchors):
        ref = next(w for w in alone.words if w.text == text).bbox
        got = next(w for w in escalated.words if w.text == text).bbox
        assert abs(got.cx - ref.cx) < 3 and abs(got.cy - ref.cy) < 3, (text, got, ref)
        assert abs(got.height - ref.height) < 3, (text, got, ref)
