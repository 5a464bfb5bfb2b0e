"""RapidOCR (PP-OCR models in ONNX, shipped inside the ``rapidocr`` wheel): the optional extra.

Slower than Tesseract on one core (~2–3 s per receipt) but stronger on photos, low contrast
and non-Latin scripts. Word boxes come from RapidOCR's per-word output; orientation (90/180/
270) is asked of Tesseract's OSD when it is installed, since PP-OCR only classifies 0/180.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from docket.domain.document import Word
from docket.domain.geometry import BBox
from docket.errors import DocketError, ErrorCode, OcrError

if TYPE_CHECKING:
    from PIL.Image import Image

EXTRA = "rapidocr"


class RapidOcr:
    """:class:`~docket.engines.base.OcrEngine` on RapidOCR 3 with onnxruntime on the CPU."""

    name = "rapidocr"
    # Mean word confidence under which a reading may be of turned text (see ``ocr_page``):
    # upside-down receipts read at ~0.67, upright ones at ≥ 0.96.
    orientation_check_below = 0.9

    def __init__(self, threads: int = 1) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise DocketError(
                "the RapidOCR engine needs the rapidocr and onnxruntime packages; install them "
                f"with `pip install 'docket[{EXTRA}]'`",
                code=ErrorCode.INVALID_CONFIGURATION,
            ) from exc
        params = {
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Global.log_level": "error",
            "Global.use_cls": False,  # orientation is Tesseract OSD's job; saves ~10 %
            # Detection on the page scaled to ≤ 960 px on its long side (the default scales the
            # *short* side to 736, i.e. tall receipts to ~1700 px): detection ~4× cheaper at
            # equal word F1 on SROIE (0.946 vs 0.948 at 1280 px); recognition still reads the
            # crops from the full-resolution page.
            "Det.limit_type": "max",
            "Det.limit_side_len": 960,
            # Lines recognised one at a time at their own width: in a batch every crop is
            # padded to the widest one's (and to at least 320 px), which on one thread is pure
            # waste for receipts' many short lines ("RM", "1.00"). SROIE dev: ~20 % less CPU
            # per page with auto at equal word F1 (0.911).
            "Rec.rec_batch_num": 1,
            "Rec.rec_img_shape": [3, 48, 48],
        }
        self._engine: Any = RapidOCR(params=params)
        self._lock = threading.Lock()
        self._osd: Any = None
        try:
            from docket.engines.ocr.tesseract import TesseractOcr

            self._osd = TesseractOcr()
        except DocketError:
            self._osd = None

    def recognize(self, image: Image, dpi: float) -> list[Word]:
        rgb = image.convert("RGB")
        try:
            with self._lock:
                out = self._engine(rgb, return_word_box=True)
        except Exception as exc:  # onnxruntime and cv2 raise their own types
            raise OcrError(f"RapidOCR failed on the page: {exc}") from exc
        words: list[Word] = []
        if not out.txts:  # nothing detected (blank page): word_results holds empty tuples
            return words
        for line in out.word_results or ():
            for item in line:
                if len(item) != 3:
                    continue
                text, score, quad = item
                if not text or not str(text).strip():
                    continue
                xs = [float(p[0]) for p in quad]
                ys = [float(p[1]) for p in quad]
                box = BBox(min(xs), min(ys), max(xs), max(ys))
                conf = max(0.0, min(1.0, float(score)))
                words.append(Word(str(text).strip(), box, font_size=box.height, confidence=conf))
        return words

    def orientation(self, image: Image) -> tuple[int, float]:
        if self._osd is None:
            return 0, 0.0
        result: tuple[int, float] = self._osd.orientation(image)
        return result
