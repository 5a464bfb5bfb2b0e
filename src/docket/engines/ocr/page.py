"""One raster page to a :class:`PageContent`: orientation, deskew, OCR, boxes back in points.

The engine sees an upright, deskewed grey image; every word box is mapped back through the
inverse rotation into the *original* page's frame and scaled to points (72 dpi), so citations
drawn on the user's file land where the text is, whatever correction was applied.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from docket.domain.document import PageContent, Word
from docket.domain.geometry import BBox
from docket.engines.ocr.cascade import CascadeOcr, reading_quality

if TYPE_CHECKING:
    from PIL.Image import Image

    from docket.engines.base import OcrEngine

_OSD_MIN_CONF = 1.5  # below this Tesseract's orientation guess is noise
_SKEW_MIN = 0.3  # degrees; smaller skew does not hurt recognition
_SKEW_MAX = 8.0
ORIENT_CHECK_BELOW = 0.5  # reading quality under which orientation is checked
UPSCALE_BELOW = 2200  # px on the long side
MAX_UPSCALE = 1.5
DOWNSCALE_ABOVE = 3600  # px on the long side: a Letter page at ~330 dpi


def estimate_skew(gray: Image) -> float:
    """The counter-clockwise rotation (degrees) that levels slightly skewed text lines.

    Text lines give sharp horizontal ink profiles only when level, so the angle that maximises
    the variance of the row-profile's differences is the skew. The profile of the page turned
    by a small angle is a histogram of the ink pixels' sheared row coordinates, so no image is
    rotated: ~10 ms on a ~1000 px thumbnail.
    """
    import numpy as np

    thumb = gray.copy()
    thumb.thumbnail((1000, 1000))
    arr = np.asarray(thumb, dtype=np.uint8)
    if arr.size == 0:
        return 0.0
    threshold = min(int(arr.mean()) - 30, 160)
    ys, xs = np.nonzero(arr < threshold)
    if ys.size < 200:
        return 0.0
    cols = xs.astype(np.float64) - arr.shape[1] / 2
    rows = ys.astype(np.float64)

    def score(angle: float) -> float:
        sheared = np.round(rows - cols * math.tan(math.radians(angle))).astype(np.int64)
        profile = np.bincount(sheared - sheared.min()).astype(np.float64)
        return float(np.var(np.diff(profile)))

    best = max((a / 2 for a in range(-16, 17)), key=score)
    best = max((best + d / 10 for d in range(-5, 6)), key=score)
    if abs(best) < _SKEW_MIN or abs(best) > _SKEW_MAX:
        return 0.0
    return round(best, 2)


def _rescaled(gray: Image) -> Image:
    """Small images (phone crops, screenshots) enlarged up to 1.5×, since LSTM OCR reads small
    text markedly better near 30 px line height; huge ones (600 dpi photos) reduced, since
    their text is far larger than needed and time grows with pixels. Boxes are scaled back
    with the page frame, so this never shows in the output."""
    side = max(gray.size)
    if UPSCALE_BELOW <= side <= DOWNSCALE_ABOVE or side == 0:
        return gray
    from PIL import Image as PilImage

    factor = min(MAX_UPSCALE, UPSCALE_BELOW / side) if side < UPSCALE_BELOW else (
        DOWNSCALE_ABOVE / side
    )  # fmt: skip
    size = (round(gray.width * factor), round(gray.height * factor))
    return gray.resize(size, PilImage.Resampling.LANCZOS)


def _inverse(
    box: tuple[float, float, float, float],
    angle: float,
    src: tuple[int, int],
    dst: tuple[int, int],
) -> tuple[float, float, float, float]:
    """Map a box of the image rotated by ``angle`` (CCW, expanded) back to the source image."""
    if angle == 0:
        return box
    t = math.radians(angle)
    cos, sin = math.cos(t), math.sin(t)
    c0x, c0y = src[0] / 2, src[1] / 2
    c1x, c1y = dst[0] / 2, dst[1] / 2
    xs: list[float] = []
    ys: list[float] = []
    x0, y0, x1, y1 = box
    for px, py in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        dx, dy = px - c1x, py - c1y
        xs.append(c0x + dx * cos - dy * sin)
        ys.append(c0y + dx * sin + dy * cos)
    return (
        max(0.0, min(xs)),
        max(0.0, min(ys)),
        min(float(src[0]), max(xs)),
        min(float(src[1]), max(ys)),
    )


def _read(
    engine: OcrEngine, gray: Image, turn: int, deskew: bool, dpi: float
) -> tuple[list[Word], float, Image]:
    """Recognise ``gray`` turned ``turn``° (CCW) and deskewed: words, total angle, image."""
    upright = gray.rotate(turn, expand=True) if turn else gray
    angle = float(turn)
    skew = estimate_skew(upright) if deskew else 0.0
    if skew:
        from PIL import Image as PilImage

        upright = upright.rotate(
            skew, resample=PilImage.Resampling.BILINEAR, expand=True, fillcolor=255
        )
        angle += skew
    return engine.recognize(upright, dpi), angle, upright


def _score(words: list[Word]) -> float:
    """Confidence mass of plausible words: a misread orientation yields few, unsure ones."""
    return sum(w.confidence or 0.0 for w in words if sum(ch.isalnum() for ch in w.text) >= 2)


def _orientation_doubtful(words: list[Word], below: float = ORIENT_CHECK_BELOW) -> bool:
    """True when a reading of the page as-is may be of turned text.

    Text turned 90°/180° reads as few, unsure words; Tesseract reads text turned 270° as
    vertical lines with confident but upright-tall word boxes. Upright pages show neither, so
    orientation detection (~0.3 s a page) runs only for the doubtful ones.
    """
    if reading_quality(words) < below:
        return True
    long = [w for w in words if sum(ch.isalnum() for ch in w.text) >= 3]
    tall = sum(1 for w in long if w.bbox.height > w.bbox.width)
    return bool(long) and tall * 2 >= len(long)


def _read_native(
    engine: OcrEngine, source: Image, gray: Image, angle: float, upright: Image, dpi: float
) -> list[Word]:
    """``engine``'s words for ``upright``, read from the page at its own resolution.

    The enlargement helps Tesseract only: PP-OCR's detector works on a fixed-size copy and its
    recogniser resizes every line to 48 px, so it reads the original pixels as well (SROIE dev
    word F1 slightly higher) in less time. The original is turned by the same total angle about
    its centre, and its boxes scaled about the centres back into ``upright``'s frame.
    """
    if gray.width <= source.width:  # not enlarged
        return engine.recognize(upright, dpi)
    turned = source
    if angle % 90 == 0:
        turned = source.rotate(angle, expand=True) if angle % 360 else source
    else:
        from PIL import Image as PilImage

        turned = source.rotate(
            angle, resample=PilImage.Resampling.BILINEAR, expand=True, fillcolor=255
        )
    f = gray.width / source.width
    cx0, cy0 = turned.width / 2, turned.height / 2
    cx1, cy1 = upright.width / 2, upright.height / 2
    words: list[Word] = []
    for w in engine.recognize(turned, dpi):
        b = w.bbox
        box = BBox(
            cx1 + (b.left - cx0) * f,
            cy1 + (b.top - cy0) * f,
            cx1 + (b.right - cx0) * f,
            cy1 + (b.bottom - cy0) * f,
        )
        words.append(Word(w.text, box, font_size=w.font_size * f, confidence=w.confidence))
    return words


def _stages(engine: OcrEngine) -> tuple[OcrEngine, OcrEngine | None, float]:
    """(first engine, engine for pages it reads badly, quality threshold) for ``engine``."""
    if isinstance(engine, CascadeOcr):
        return engine.primary, engine.fallback, engine.threshold
    return engine, None, 0.0


def ocr_page(
    engine: OcrEngine,
    image: Image,
    *,
    number: int,
    width: float,
    height: float,
    dpi: float,
    deskew: bool = True,
) -> PageContent:
    """OCR ``image`` (the whole page) into words in a ``width`` × ``height`` points frame.

    The page is read as-is first; only when that reading looks like turned text is the
    orientation detected and the page read turned. A 180° or low-confidence proposal is kept
    only when it reads with more confident words (OSD misfires so on sparse receipts).
    With the cascade engine, the strong engine then re-reads the upright page only when the
    fast engine's reading is still poor.
    """
    source = image.convert("L") if image.mode != "L" else image
    gray = _rescaled(source)
    first, fallback, threshold = _stages(engine)
    raw, angle, upright = _read(first, gray, 0, deskew, dpi)
    turn = 0
    # Engines calibrate confidence differently: RapidOCR reads upside-down text at ~0.67 mean
    # confidence and upright SROIE receipts at ≥ 0.96, Tesseract at ~0.3 and ≥ 0.45.
    below = float(getattr(first, "orientation_check_below", ORIENT_CHECK_BELOW))
    if _orientation_doubtful(raw, below):
        # Asked of the deskewed page (OSD is unsure of skewed sideways text); a tilt is the
        # same angle whichever way the page is turned, and two turns about the centre compose
        # into one, so boxes still map back through the total angle.
        rotation, conf = first.orientation(upright)
        if rotation and conf > 0:
            found, extra, turned = _read(first, upright, rotation, deskew, dpi)
            # Confidently sideways text is unmistakable to OSD; upside-down and unsure
            # proposals are where it misfires, so those must also read better turned.
            sure = rotation != 180 and conf >= _OSD_MIN_CONF
            if sure or _score(found) > _score(raw):
                raw, angle, upright = found, angle + extra, turned
                turn = rotation
    if fallback is not None and reading_quality(raw) < threshold:
        strong = _read_native(fallback, source, gray, angle, upright, dpi)
        # A blank or picture-only page stays empty; keep whichever engine found text.
        if strong or not raw:
            raw = strong
    sx, sy = width / gray.width, height / gray.height
    words: list[Word] = []
    for w in raw:
        b = w.bbox
        x0, y0, x1, y1 = _inverse(
            (b.left, b.top, b.right, b.bottom), angle, gray.size, upright.size
        )
        if x1 <= x0 or y1 <= y0:
            continue
        box = BBox(round(x0 * sx, 2), round(y0 * sy, 2), round(x1 * sx, 2), round(y1 * sy, 2))
        # Text height (upright, in points) stands in for the font size the layout compares.
        height_px = w.font_size if w.font_size > 0 else b.bottom - b.top
        size = round(height_px * sy * 0.75, 1)
        words.append(Word(w.text, box, font_size=size, confidence=w.confidence))
    return PageContent(
        number=number,
        width=width,
        height=height,
        words=words,
        rotation=turn,
        dpi=dpi,
        ocr=True,
    )
