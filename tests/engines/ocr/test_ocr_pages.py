"""OCR on real receipt scans: words, confidences, orientation, skew, boxes in page points."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest
from PIL import Image

from docket.domain.document import PageContent, Word
from docket.engines.ocr.page import estimate_skew, ocr_page
from docket.engines.ocr.registry import get_ocr_engine
from docket.engines.ocr.tesseract import TesseractOcr

RECEIPT = "043"


@pytest.fixture(scope="module")
def engine() -> TesseractOcr:
    e = get_ocr_engine("tesseract")
    assert isinstance(e, TesseractOcr)
    return e


@pytest.fixture(scope="module")
def receipt(shared_data: Path) -> Image.Image:
    return Image.open(shared_data / "sroie" / "img" / f"{RECEIPT}.jpg").convert("L")


def _alnum(text: str) -> set[str]:
    return set(re.findall(r"[0-9a-z]+", text.lower()))


def _truth_words(shared_data: Path) -> set[str]:
    words: set[str] = set()
    with (shared_data / "sroie" / "box" / f"{RECEIPT}.csv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) > 8:
                words |= _alnum(",".join(row[8:]))
    return words


def _page(engine: TesseractOcr, image: Image.Image) -> PageContent:
    return ocr_page(engine, image, number=1, width=image.width * 0.24, height=image.height * 0.24,
                    dpi=300.0)  # fmt: skip


def test_receipt_words_confidences_and_boxes(
    engine: TesseractOcr, receipt: Image.Image, shared_data: Path
) -> None:
    page = _page(engine, receipt)
    assert page.ocr and page.rotation == 0
    found = _alnum(" ".join(w.text for w in page.words))
    truth = _truth_words(shared_data)
    recall = len(found & truth) / len(truth)
    precision = len(found & truth) / len(found)
    assert recall > 0.85 and precision > 0.65, (recall, precision)
    assert all(w.confidence is not None and 0.0 <= w.confidence <= 1.0 for w in page.words)
    assert all(
        0 <= w.bbox.left < w.bbox.right <= page.width + 0.01
        and 0 <= w.bbox.top < w.bbox.bottom <= page.height + 0.01
        for w in page.words
    )
    bistro = next(w for w in page.words if w.text == "BISTRO")
    # ground truth line "32 PUB & BISTRO ..." spans y 172–201 px in the image
    assert 160 * 0.24 < bistro.bbox.cy < 210 * 0.24


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_rotated_scan_is_read_and_boxes_map_to_the_rotated_page(
    engine: TesseractOcr, receipt: Image.Image, turn: int
) -> None:
    upright = _page(engine, receipt)
    rotated_img = receipt.rotate(turn, expand=True)
    page = _page(engine, rotated_img)
    assert page.rotation == (360 - turn) % 360  # the correction applied
    ref = next(w for w in upright.words if w.text == "BISTRO")
    got = next(w for w in page.words if w.text == "BISTRO")
    w, h = upright.width, upright.height
    # where the upright box lands after turning the page `turn` degrees counter-clockwise
    cx, cy = ref.bbox.cx, ref.bbox.cy
    expected = {90: (cy, w - cx), 180: (w - cx, h - cy), 270: (h - cy, cx)}[turn]
    assert abs(got.bbox.cx - expected[0]) < 3 and abs(got.bbox.cy - expected[1]) < 3


def test_skew_estimated_and_corrected(engine: TesseractOcr, receipt: Image.Image) -> None:
    skewed = receipt.rotate(3.0, expand=True, fillcolor=255)
    assert estimate_skew(skewed) == pytest.approx(-3.0, abs=0.6)
    assert estimate_skew(receipt) == 0.0
    page = _page(engine, skewed)
    assert {"BISTRO", "DAMANSARA"} <= {w.text for w in page.words}


def test_unknown_engine_is_a_config_error() -> None:
    from docket.errors import DocketError, ErrorCode

    with pytest.raises(DocketError) as err:
        get_ocr_engine("abbyy")
    assert err.value.code is ErrorCode.INVALID_CONFIG_OPTIONS


def test_rapidocr_engine_or_a_message_naming_the_extra(receipt: Image.Image) -> None:
    from docket.errors import DocketError

    try:
        import rapidocr  # noqa: F401
    except ImportError:
        with pytest.raises(DocketError) as err:
            get_ocr_engine("rapidocr")
        assert "docket[rapidocr]" in err.value.message
        return
    engine = get_ocr_engine("rapidocr")
    small = receipt.crop((0, 0, receipt.width, 400))
    words = engine.recognize(small, 300.0)
    assert "BISTRO" in {w.text for w in words}
    assert all(w.confidence is not None and 0 <= w.confidence <= 1 for w in words)
    # RapidOCR reads upside-down text at ~0.67 mean confidence (no tall boxes to give it
    # away): its own, higher orientation-check level makes the page be turned anyway.
    turned = receipt.rotate(180, expand=True)
    page = ocr_page(engine, turned, number=1, width=turned.width * 0.24,
                    height=turned.height * 0.24, dpi=300.0)  # fmt: skip
    assert page.rotation == 180 and "BISTRO" in {w.text for w in page.words}


def _turned(
    point: tuple[float, float], size: tuple[float, float], angle: float
) -> tuple[float, float]:
    """Where ``point`` of a ``size`` page lands after PIL's ``rotate(angle, expand=True)``."""
    w, h = size
    t = math.radians(angle)
    cos, sin = math.cos(t), math.sin(t)
    nw, nh = abs(w * cos) + abs(h * sin), abs(w * sin) + abs(h * cos)
    dx, dy = point[0] - w / 2, point[1] - h / 2
    return nw / 2 + dx * cos + dy * sin, nh / 2 - dx * sin + dy * cos


@pytest.mark.parametrize(("turn", "skew"), [(90, 2.5), (180, -3.0), (0, 4.0)])
def test_turned_and_skewed_scan_boxes_land_in_the_original_frame(
    engine: TesseractOcr, receipt: Image.Image, turn: int, skew: float
) -> None:
    """A real receipt turned and then skewed (as a scanner feeds it): the page is read upright
    and every box is reported on the page exactly as the user's file shows it."""
    upright = _page(engine, receipt)
    scan = receipt.rotate(turn, expand=True).rotate(skew, expand=True, fillcolor=255)
    page = _page(engine, scan)
    assert page.rotation == (360 - turn) % 360
    anchors = {"BISTRO", "DAMANSARA", "TRADING", "PETALING"} & {w.text for w in page.words}
    assert len(anchors) >= 3, anchors  # resampled twice, a word may be misread
    for text in sorted(anchors):
        ref = next(w for w in upright.words if w.text == text).bbox
        got = next(w for w in page.words if w.text == text).bbox
        # upright centre (points → pixels) carried through both rotations, back to points
        px = (ref.cx / 0.24, ref.cy / 0.24)
        once = _turned(px, receipt.size, turn)
        size1 = receipt.size if turn % 180 == 0 else (receipt.height, receipt.width)
        ex, ey = _turned(once, size1, skew)
        assert abs(got.cx - ex * 0.24) < 4 and abs(got.cy - ey * 0.24) < 4, (text, got, ex, ey)
        assert 0 <= got.left < got.right <= page.width and 0 <= got.top < got.bottom <= page.height


def test_lazy_orientation_check_skips_osd_on_an_upright_page(
    engine: TesseractOcr, receipt: Image.Image
) -> None:
    """Orientation detection costs ~0.3 s a page: an upright page that reads well never runs it."""

    class Counting:
        name = "counting"

        def __init__(self) -> None:
            self.osd = 0

        def recognize(self, image: Image.Image, dpi: float) -> list[Word]:
            return engine.recognize(image, dpi)

        def orientation(self, image: Image.Image) -> tuple[int, float]:
            self.osd += 1
            return engine.orientation(image)

    counting = Counting()
    assert _page(counting, receipt).rotation == 0  # type: ignore[arg-type]
    assert counting.osd == 0
    assert _page(counting, receipt.rotate(90, expand=True)).rotation == 270  # type: ignore[arg-type]
    assert counting.osd == 1
