"""The cheap text-layer gate in front of the OCR decision never clears a page OCR would take."""

from __future__ import annotations

import random

from docket.domain.document import PageContent, Word
from docket.domain.geometry import BBox
from docket.engines.ocr.scanned import needs_ocr
from docket.pipeline.parse import ParseEngines, parse_document
from docket.pipeline.scans import sound_text_layer, without_leaders


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


def _form_pdf() -> bytes:
    """A born-digital form: labels and long blanks to fill in (leaders outnumber letters)."""
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(612, 792), invariant=1, pageCompression=0)
    c.setFont("Helvetica", 11)
    for i, label in enumerate(("Witness:", "Date:", "Name:", "Signed:", "Place:")):
        c.drawString(60, 700 - 30 * i, f"{label} {'_' * 40} Ref: {'.' * 30}")
    c.showPage()
    c.save()
    return buf.getvalue()


class _Counting:
    """A real Tesseract that counts the pages it is asked to read."""

    name = "counting"

    def __init__(self) -> None:
        from docket.engines.ocr.tesseract import TesseractOcr

        self.inner = TesseractOcr()
        self.calls = 0

    def recognize(self, image: object, dpi: float) -> list[Word]:
        self.calls += 1
        return self.inner.recognize(image, dpi)  # type: ignore[arg-type]

    def orientation(self, image: object) -> tuple[int, float]:
        return self.inner.orientation(image)  # type: ignore[arg-type]


def test_form_leaders_are_not_garbage() -> None:
    line = ["Witness:", "________________", "Date:", "____________", "Total", "........"]
    page = _page(line * 4)
    assert needs_ocr(page)  # the letter share alone would send this page to OCR
    assert not needs_ocr(without_leaders(page))
    assert [w.text for w in without_leaders(_page(["Name:____", "__", "a.b"])).words] == [
        "Name:",
        "__",
        "a.b",
    ]
    assert without_leaders(_page(["plain", "text"])).words == _page(["plain", "text"]).words
    # a garbage layer stays garbage once leaders are gone
    assert needs_ocr(without_leaders(_page(["\ue000\ue001", "_____", "\ufffd\ufffd"] * 10)))
    assert needs_ocr(without_leaders(_page(["_____", "......"])))  # nothing but blanks


def test_born_digital_form_page_is_not_ocred() -> None:
    engine = _Counting()
    doc = parse_document(_form_pdf(), engines=ParseEngines(ocr=engine))
    assert engine.calls == 0 and not doc.pages[0].ocr
    assert "Witness:" in doc.markdown and "Place:" in doc.markdown
