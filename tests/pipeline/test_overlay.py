"""Overlays on real documents: the PNGs have the page's shape, the page underneath, and each
box drawn in its colour where the block (or citation) is."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

from docket.domain.document import PageInfo, ParsedDocument
from docket.domain.extraction import ExtractOptions
from docket.domain.parse_options import PageRange, ParseOptions
from docket.pipeline.extract import run_extraction, select_engine
from docket.pipeline.overlay import (
    BLOCK_COLOURS,
    Mark,
    block_marks,
    citation_marks,
    field_key,
    render_overlays,
)
from docket.pipeline.parse import parse_document
from tests.fixtures.pdfs import rotated

SCALE = 2.0
SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": ["string", "null"], "description": "The invoice number"},
        "total": {"type": ["number", "null"], "description": "Total amount due"},
        "line_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": ["string", "null"]},
                    "amount": {"type": ["number", "null"]},
                },
            },
        },
    },
}


def _px(value: float) -> int:
    return round(value * SCALE)


def _blend(colour: tuple[int, int, int], under: int = 255, alpha: int = 48) -> tuple[int, ...]:
    return tuple(round((c * alpha + under * (255 - alpha)) / 255) for c in colour)


def _near(a: tuple[int, ...], b: tuple[int, ...], tol: int = 2) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def sample_doc(sample_pdf: bytes) -> ParsedDocument:
    return parse_document(sample_pdf, ParseOptions())


def test_block_overlay_pages_have_the_page_shape_and_the_boxes(
    tmp_path: Path, sample_pdf: bytes, sample_doc: ParsedDocument
) -> None:
    seen: list[tuple[int, int]] = []
    paths = render_overlays(
        sample_pdf,
        sample_doc,
        block_marks(sample_doc),
        tmp_path,
        "sample",
        scale=SCALE,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert [p.name for p in paths] == ["sample-page-001.png", "sample-page-002.png"]
    assert seen == [(1, 2), (2, 2)]
    plain = pypdfium2.PdfDocument(sample_pdf)
    for info, path in zip(sample_doc.pages, paths, strict=True):
        image = Image.open(path).convert("RGB")
        assert image.size == (_px(info.width), _px(info.height))
        blocks = [b for b in sample_doc.blocks if b.page == info.number]
        assert blocks
        for b in blocks:  # the right edge, half-way down, is the type's colour
            x, y = _px(b.bbox.right), _px(b.bbox.cy)
            colours = {image.getpixel((x + dx, y)) for dx in (-1, 0, 1)}
            assert BLOCK_COLOURS[b.type] in colours, (b.type, b.bbox, colours)
        # Outside every box (and its label tab above it), the page is pdfium's own picture.
        page = plain[info.number - 1].render(scale=SCALE).to_pil().convert("RGB")
        lowest = max(_px(b.bbox.bottom) for b in blocks) + 4
        assert image.height - lowest > 20
        for y in range(lowest, image.height, 7):
            for x in range(0, image.width, 13):
                assert image.getpixel((x, y)) == page.getpixel((x, y))
        # Page 1's title really is on the picture: dark text pixels inside its heading box.
        if info.number == 1:
            title = next(b for b in blocks if "INV-2026-0042" in b.text)
            crop = image.crop(
                (
                    _px(title.bbox.left),
                    _px(title.bbox.top),
                    _px(title.bbox.right),
                    _px(title.bbox.bottom),
                )
            ).convert("L")
            assert crop.getextrema()[0] < 80


def test_blank_paper_for_documents_without_page_images(tmp_path: Path) -> None:
    text = b"Quarterly report\n\nRevenue grew in every region this quarter.\n\nCosts fell.\n"
    doc = parse_document(text, ParseOptions())
    marks = block_marks(doc)
    assert marks and doc.pages
    (path,) = render_overlays(text, doc, marks, tmp_path, "note", scale=SCALE)
    image = Image.open(path).convert("RGB")
    info = doc.pages[0]
    assert image.size == (_px(info.width), _px(info.height))
    assert image.getpixel((1, image.height - 2)) == (255, 255, 255)
    tall = [b for b in doc.blocks if b.bbox.height * SCALE > 8]
    assert len(tall) >= 2
    for block in tall:
        tint = image.getpixel((_px(block.bbox.cx), _px(block.bbox.bottom) - 3))
        assert _near(tint, _blend(BLOCK_COLOURS[block.type])), (block.type, tint)


def test_rotated_pages_keep_their_displayed_shape(tmp_path: Path, sample_pdf: bytes) -> None:
    turned = rotated(sample_pdf, 90)
    doc = parse_document(turned, ParseOptions(page_ranges=[PageRange(start=1, end=1)]))
    (info,) = doc.pages
    assert info.width > info.height  # landscape once turned
    (path,) = render_overlays(turned, doc, block_marks(doc), tmp_path, "turned", scale=1.0)
    assert Image.open(path).size == (round(info.width), round(info.height))


def test_citation_overlay_draws_leaf_values_in_one_colour_per_field(
    tmp_path: Path, sample_pdf: bytes, sample_doc: ParsedDocument
) -> None:
    result = run_extraction(sample_doc, SCHEMA, select_engine(None), ExtractOptions())
    marks = citation_marks(result, sample_doc)
    labels = {m.label for m in marks}
    assert "invoice_number" in labels and "line_items[0].description" in labels
    assert "line_items[0]" not in labels  # the item's box would hide its fields' boxes
    by_field: dict[str, set[tuple[int, int, int]]] = {}
    for m in marks:
        by_field.setdefault(field_key(m.label), set()).add(m.colour)
    assert all(len(c) == 1 for c in by_field.values())
    assert len({next(iter(c)) for c in by_field.values()}) == len(by_field)

    (path,) = render_overlays(
        sample_pdf, sample_doc, marks, tmp_path, "cited", pages=sorted({m.page for m in marks})
    )
    image = Image.open(path).convert("RGB")
    number = next(m for m in marks if m.label == "invoice_number")
    right = max(x for x, _ in number.polygon)
    mid = sum(y for _, y in number.polygon) / len(number.polygon)
    assert number.colour in {image.getpixel((_px(right) + d, _px(mid))) for d in (-1, 0, 1)}


def test_marks_only_on_pages_asked_for(tmp_path: Path, sample_pdf: bytes) -> None:
    doc = parse_document(sample_pdf, ParseOptions())
    mark = Mark(
        page=2, polygon=((10, 10), (50, 10), (50, 30), (10, 30)), label="x", colour=(0, 0, 0)
    )
    paths = render_overlays(sample_pdf, doc, [mark], tmp_path, "only", pages=[2, 9])
    assert [p.name for p in paths] == ["only-page-002.png"]


def test_images_are_drawn_under_the_marks(tmp_path: Path) -> None:
    import io

    picture = Image.new("RGB", (400, 300), (250, 250, 250))
    picture.paste((10, 120, 30), (0, 200, 400, 300))  # a green band at the bottom
    buf = io.BytesIO()
    picture.save(buf, format="PNG", dpi=(144, 144))
    data = buf.getvalue()
    # What the OCR path reports for it: page units are 1/72 inch, so 200 x 150 at 144 dpi.
    doc = ParsedDocument(
        mime_type="image/png",
        pages=[PageInfo(number=1, width=200.0, height=150.0, dpi=144.0)],
        chunks=[],
        page_count=1,
    )
    mark = Mark(
        page=1, polygon=((10, 10), (60, 10), (60, 40), (10, 40)), label="a", colour=(0, 0, 255)
    )
    (path,) = render_overlays(data, doc, [mark], tmp_path, "photo", scale=SCALE)
    image = Image.open(path).convert("RGB")
    assert image.size == (400, 300)
    assert _near(image.getpixel((200, 260)), (10, 120, 30))  # the photo's own pixels
    assert _near(image.getpixel((300, 50)), (250, 250, 250))
    assert image.getpixel((_px(60), _px(25))) == (0, 0, 255)  # the mark's right edge
