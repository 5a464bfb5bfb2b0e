"""The cheap text-layer gate in front of the OCR decision never clears a page OCR would take."""

from __future__ import annotations

import random

from docket.domain.document import PageContent, Word
from docket.domain.geometry import BBox
from docket.engines.ocr.scanned import needs_ocr
from docket.pipeline.scans import sound_text_layer


def _page(texts: list[str], images: list[BBox] | None = None) -> PageContent:
    words = [Word(t, BBox(10.0 * i, 10, 10.0 * i + 8, 20)) for i, t in enumerate(texts)]
    return PageContent(1, 612, 792, words, images=images or [])


def test_ordinary_text_is_cleared() -> None:
    text = "This Agreement is made on 12 March 2026 between the parties – “Acme”"
    page = _page(text.split(" "))
    assert sound_text_layer(page) and not needs_ocr(page)


def test_suspect_pages_go_to_the_full_check() -> None:
    assert not sound_text_layer(_page([]))
    assert not sound_text_layer(_page(["Title"], [BBox(0, 0, 612, 792)]))  # few chars on a scan
    assert not sound_text_layer(_page(["\ue000\ue001\ue002"] * 30))  # private-use glyphs
    assert not sound_text_layer(_page(["ab\ufffdcd"] * 30))
    assert not sound_text_layer(_page(["a\x03b"] * 30))
    assert not sound_text_layer(_page(["(1)", "--", "$.", "%%"] * 20))  # mostly punctuation


def test_gate_agrees_with_needs_ocr_on_random_pages() -> None:
    rng = random.Random(7)
    pool = "abcXYZ019 .,;:-()$%\ufffd\ue000\x01\t\u00e9\u4e2d\u0301"
    cleared = 0
    for _ in range(3000):
        alphabet = rng.sample(pool, rng.randint(2, 8))
        n = rng.randint(0, 40)
        texts = ["".join(rng.choices(alphabet, k=rng.randint(1, 6))) for _ in range(n)]
        page = _page(texts, [BBox(0, 0, 612, 792)] if rng.random() < 0.3 else None)
        if sound_text_layer(page):
            cleared += 1
            assert not needs_ocr(page), texts
    assert cleared > 100  # the comparison really ran
