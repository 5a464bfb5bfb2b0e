"""Raster inputs (PNG, JPEG, TIFF incl. multi-page, BMP, WebP, GIF first frame) as page images.

Pillow opens files lazily, so the pixel budget is checked on the header before any decoding:
a decompression bomb is refused as FILE_SIZE_TOO_LARGE without allocating it.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docket.errors import CorruptFile, FileSizeTooLarge

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PIXELS = 90_000_000  # per frame: an A3 page at 600 dpi, and then some
DEFAULT_DPI = 300.0  # what phone scans and screenshots are closest to for text size
_MULTI_PAGE = {"TIFF", "MPO"}


@dataclass(slots=True)
class RasterPage:
    number: int
    image: Image
    width: float  # points
    height: float
    dpi: float


def _dpi(image: Image) -> float:
    raw = image.info.get("dpi")
    try:
        value = float(raw[0]) if raw else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    # Many encoders write 72 or 96 as a placeholder; text at those sizes would be ~2 px high.
    return value if 100.0 <= value <= 1200.0 else DEFAULT_DPI


@contextmanager
def open_image(data: bytes, max_pixels: int = MAX_PIXELS) -> Iterator[tuple[Image, int]]:
    """The image and its frame count; only TIFF pages count as pages (GIF/WebP: first frame)."""
    from PIL import Image as PilImage
    from PIL import UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PilImage.DecompressionBombWarning)
            image = PilImage.open(io.BytesIO(data))
    except (PilImage.DecompressionBombError, PilImage.DecompressionBombWarning) as exc:
        raise FileSizeTooLarge(f"the image is too large to decode safely: {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise CorruptFile(f"the image cannot be read: {exc}") from exc
    with image:
        frames = int(getattr(image, "n_frames", 1)) if image.format in _MULTI_PAGE else 1
        yield image, frames


def read_frame(image: Image, number: int, max_pixels: int = MAX_PIXELS) -> RasterPage:
    """Decode the 1-based frame ``number`` (checked against the pixel budget first)."""
    try:
        if number > 1 or getattr(image, "n_frames", 1) > 1:
            image.seek(number - 1)
        w, h = image.size
        if w * h > max_pixels:
            raise FileSizeTooLarge(
                f"page {number} is {w}×{h} pixels; the limit is {max_pixels} pixels"
            )
        from PIL import ImageOps

        frame = ImageOps.exif_transpose(image.copy()) if number == 1 else image.copy()
        frame.load()
    except (OSError, ValueError, EOFError) as exc:
        raise CorruptFile(f"page {number} of the image cannot be decoded: {exc}") from exc
    if frame.mode not in ("L", "RGB"):
        frame = _flatten(frame)
    dpi = _dpi(image)
    return RasterPage(
        number=number,
        image=frame,
        width=round(frame.width * 72.0 / dpi, 2),
        height=round(frame.height * 72.0 / dpi, 2),
        dpi=dpi,
    )


def _flatten(image: Image) -> Image:
    """Transparent and palette images on white, so transparent text does not turn black."""
    from PIL import Image as PilImage

    rgba = image.convert("RGBA")
    bg = PilImage.new("RGB", rgba.size, (255, 255, 255))
    bg.paste(rgba, mask=rgba.getchannel("A"))
    return bg
