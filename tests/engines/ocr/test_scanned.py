"""Which PDF pages get OCR'd, and how large pages are rendered."""

from __future__ import annotations

from docket.domain.document import PageContent, Word
from docket.domain.geometry import BBox
from docket.engines.ocr.scanned import MAX_PAGE_PIXELS, garbage_text, needs_ocr, render_dpi


def _page(texts: list[str], images: list[BBox] | None = None) -> PageContent:
    words = [Word(t, BBox(50 + 40 * i, 50, 80 + 40 * i, 62)) for i, t in enumerate(texts)]
    return PageContent(1, 612.0, 792.0, words, images=images or [])


def test_text_layer_kinds() -> None:
    assert needs_ocr(_page([]))
    sentence = [
        "The",
        "tenant",
        "shall",
        "pay",
        "the",
        "rent",
        "on",
        "the",
        "first",
        "day",
        "of",
        "each",
        "month",
    ]
    assert not needs_ocr(_page(sentence))
    full_scan = [BBox(0, 0, 612, 792)]
    assert needs_ocr(_page(["Scan", "0001"], full_scan))  # a stamp over a scanned page
    assert not needs_ocr(_page(sentence * 3, full_scan))  # a searchable scan keeps its layer
    broken = ["\ue000\ue001\ue002", "\ufffd\ufffd", "\x01\x02\x03"] * 5
    assert needs_ocr(_page(broken)) and garbage_text(_page(broken))
    assert not garbage_text(_page(sentence))


def test_render_dpi_adapts_to_page_size() -> None:
    assert render_dpi(612, 792) == 300.0
    a0 = render_dpi(2384, 3370)  # A0 poster
    assert a0 < 150
    pixels = (2384 * a0 / 72) * (3370 * a0 / 72)
    assert pixels <= MAX_PAGE_PIXELS * 1.001
    huge = render_dpi(14400, 14400)  # the largest page PDF allows (200 in square)
    assert (14400 * huge / 72) ** 2 <= MAX_PAGE_PIXELS * 1.001
