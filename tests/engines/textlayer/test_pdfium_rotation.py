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


def _draw_table(c: object) -> None:
    c.setFont("Helvetica", 11)  # type: ignore[attr-defined]
    c.drawString(60, 540, "Quarterly Figures")  # type: ignore[attr-defined]
    for i in range(6):
        for j, x in enumerate((60, 220, 380)):
            c.drawString(x, 500 - 20 * i, f"Row{i} Col{j}")  # type: ignore[attr-defined]
    # a ruled grid around the cells, so the table engine finds it
    c.grid([50, 210, 370, 530], [515 - 20 * i for i in range(7)])  # type: ignore[attr-defined]
    c.drawString(60, 340, "The figures above are unaudited.")  # type: ignore[attr-defined]


def _turned_content(degrees: int, label: str | None = None) -> bytes:
    """A portrait page (no /Rotate) whose text is drawn turned ``degrees`` counter-clockwise:
    a landscape table set sideways (``degrees`` 0: the same table on an upright landscape
    page). With ``label``: upright text carrying one label turned ``degrees``."""
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    size = (792, 612) if degrees == 0 and label is None else (612, 792)
    c = canvas.Canvas(buf, pagesize=size, invariant=1, pageCompression=0)
    c.setFont("Helvetica", 11)
    if label is not None:
        for i in range(30):
            c.drawString(60, 740 - 20 * i, f"Upright body line number {i} of the page")
        c.saveState()
        c.translate(580, 300)
        c.rotate(degrees)
        c.drawString(0, 0, label)
        c.restoreState()
    else:
        c.translate(*{0: (0, 0), 90: (612, 0), 180: (612, 792), 270: (0, 792)}[degrees])
        c.rotate(degrees)
        _draw_table(c)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_text_direction_of_rotated_pages(degrees: int) -> None:
    with PdfiumTextLayer().open(pdfs.rotated(pdfs.corner_words(), degrees)) as doc:
        assert doc.read_page(1).text_direction == degrees
    with PdfiumTextLayer().open(pdfs.upright_landscape()) as doc:
        assert doc.read_page(1).text_direction == 0  # turned content, turned back by /Rotate


@pytest.mark.parametrize(("degrees", "direction"), [(90, 270), (180, 180), (270, 90)])
def test_text_direction_of_turned_content(degrees: int, direction: int) -> None:
    """Content drawn counter-clockwise by ``degrees`` reads clockwise by 360 - ``degrees``."""
    with PdfiumTextLayer().open(_turned_content(degrees)) as doc:
        assert doc.read_page(1).text_direction == direction
    with PdfiumTextLayer().open(_turned_content(degrees, label="Sideways label")) as doc:
        assert doc.read_page(1).text_direction == 0  # a mixed page keeps its upright reading


CORNERS = ["TopLeft", "TopRight", "The centre line of the page", "BottomLeft", "BottomRight"]


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_rotated_pages_read_in_the_texts_own_order(degrees: int) -> None:
    """Read upright, boxed as displayed: every block and word box covers pdfium's ink."""
    data = pdfs.rotated(pdfs.corner_words(), degrees)
    doc = parse_document(data)
    assert [b.text for b in doc.blocks] == CORNERS
    info = doc.pages[0]
    expected = (792.0, 612.0) if degrees in (90, 270) else (612.0, 792.0)
    assert (info.width, info.height, info.rotation) == (*expected, degrees)
    for block in doc.blocks:
        box = block.bbox
        assert 0 <= box.left < box.right <= info.width and 0 <= box.top < box.bottom <= info.height
        # a sideways word is tall and narrow as displayed
        assert (box.height > box.width) == (degrees in (90, 270)), (block.text, box)
        assert _ink_inside(data, box) > 0.05, (block.text, box)
        for line in block.lines:
            for word in line.words:
                assert word.bbox.overlap_ratio(box) > 0.9
                assert _ink_inside(data, word.bbox) > 0.05, (word.text, word.bbox)
    with PdfiumTextLayer().open(data) as layer:
        raw = {w.text: w.bbox for w in layer.read_page(1).words}
    first = doc.blocks[0].lines[0].words[0]
    assert first.text == "TopLeft" and first.bbox == raw["TopLeft"]  # mapped back exactly


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_turned_content_reads_like_the_upright_page(degrees: int) -> None:
    """A table drawn sideways on a portrait page reads as the same table drawn upright."""
    upright = parse_document(_turned_content(0)).markdown
    assert upright.index("Row0 Col0") < upright.index("Row5 Col2") < upright.index("unaudited")
    data = _turned_content(degrees)
    doc = parse_document(data)
    assert doc.markdown == upright
    assert (doc.pages[0].width, doc.pages[0].height) == (612.0, 792.0)
    for block in doc.blocks:
        box = block.bbox
        assert 0 <= box.left < box.right <= 612 and 0 <= box.top < box.bottom <= 792
        assert _ink_inside(data, box) > 0.05, (block.text, box)
    with PdfiumTextLayer().open(data) as layer:
        words = layer.read_page(1).words  # boxes on the displayed page, as read
    table = next(b.table for b in doc.blocks if b.table is not None)
    assert len(table.cells) == 18
    for cell in table.cells:  # each cell box holds its own words, where pdfium draws them
        assert _ink_inside(data, cell.bbox) > 0.05, (cell.text, cell.bbox)
        held = {w.text for w in words if cell.bbox.contains_point(w.bbox.cx, w.bbox.cy)}
        assert held == set(cell.text.split()), (cell.text, cell.bbox)


def test_mixed_page_keeps_its_upright_reading() -> None:
    doc = parse_document(_turned_content(90, label="Sideways label"))
    texts = [b.text for b in doc.blocks]
    assert texts[0].startswith("Upright body line number 0")
    assert "Sideways" in doc.markdown and "label" in doc.markdown  # read as before: not turned
