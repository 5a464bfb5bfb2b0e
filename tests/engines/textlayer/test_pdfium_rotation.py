"""Rotated pages (/Rotate 90/180/270) give word boxes in the upright, displayed page.

pdfium's renderer applies /Rotate itself, so the ink it paints is an independent witness of
where each word must be.
"""

from __future__ import annotations

import pytest

from docket.domain.geometry import BBox
from docket.engines.textlayer.pdfium import PdfiumTextLayer
from docket.pipeline.parse import parse_document
from fixtures import pdfs


def _ink_inside(data: bytes, box: BBox) -> float:
    """Share of the box's pixels that are dark on pdfium's rendering of page 1 (scale 1)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[0].render(scale=1).to_pil().convert("L")
    finally:
        pdf.close()
    crop = image.crop((int(box.left), int(box.top), int(box.right) + 1, int(box.bottom) + 1))
    hist = crop.histogram()
    return sum(hist[:128]) / max(1, sum(hist))


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_word_boxes_follow_the_displayed_page(degrees: int) -> None:
    data = pdfs.rotated(pdfs.corner_words(), degrees)
    with PdfiumTextLayer().open(data) as doc:
        page = doc.read_page(1)
    assert page.rotation == degrees
    expected = (792.0, 612.0) if degrees in (90, 270) else (612.0, 792.0)
    assert (round(page.width), round(page.height)) == expected
    words = {w.text: w.bbox for w in page.words}
    for name in ("TopLeft", "TopRight", "BottomLeft", "BottomRight"):
        box = words[name]
        assert 0 <= box.left < box.right <= page.width
        assert 0 <= box.top < box.bottom <= page.height
        assert _ink_inside(data, box) > 0.05, (name, box)
    # An empty stretch of the page has no ink: the check above can fail.
    assert _ink_inside(data, BBox(page.width / 2 - 20, 120, page.width / 2 + 20, 140)) == 0


def test_counter_rotated_content_reads_upright() -> None:
    """Landscape content drawn turned inside a /Rotate 90 page: lines come out horizontal."""
    data = pdfs.upright_landscape()
    with PdfiumTextLayer().open(data) as doc:
        page = doc.read_page(1)
    assert (round(page.width), round(page.height)) == (792, 612)
    title = next(w for w in page.words if w.text == "Landscape")
    assert title.bbox.width > title.bbox.height
    assert title.bbox.top < 100  # near the top of the displayed page
    doc_md = parse_document(data).markdown
    assert doc_md.index("Landscape Report") < doc_md.index("Parsing keeps the reading order")
