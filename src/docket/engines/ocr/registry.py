"""Pick an OCR engine by name; engines are built once per process (model loading is slow)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from docket.errors import InvalidConfigOptions

if TYPE_CHECKING:
    from docket.engines.base import OcrEngine

DEFAULT_ENGINE = "auto"
ENGINES = ("auto", "tesseract", "rapidocr")

_cache: dict[str, OcrEngine] = {}
_lock = threading.RLock()  # building `auto` builds its parts


def get_ocr_engine(name: str | None = None) -> OcrEngine:
    """The named engine; ``auto`` (default) is Tesseract, escalating its poorly read pages
    to RapidOCR when that extra is installed (the best measured speed/quality trade-off)."""
    key = (name or DEFAULT_ENGINE).lower()
    if key not in ENGINES:
        raise InvalidConfigOptions(f"unknown OCR engine {name!r}; choose one of {list(ENGINES)}")
    with _lock:
        engine = _cache.get(key)
        if engine is None:
            engine = _build(key)
            _cache[key] = engine
        return engine


def _build(key: str) -> OcrEngine:
    if key == "auto":
        from docket.engines.ocr.cascade import CascadeOcr
        from docket.errors import DocketError

        primary = get_ocr_engine("tesseract")
        try:
            fallback = get_ocr_engine("rapidocr")
        except DocketError:
            return primary
        return CascadeOcr(primary, fallback)
    if key == "rapidocr":
        from docket.engines.ocr.rapid import RapidOcr

        return RapidOcr()
    from docket.engines.ocr.tesseract import TesseractOcr

    return TesseractOcr()
