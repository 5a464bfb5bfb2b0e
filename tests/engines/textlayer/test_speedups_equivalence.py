"""The compiled text-layer loops (``_speedups.c``) read exactly what the Python reference reads.

Every page of the shared PDF corpora and of drawn fixtures (rotated pages, forms, dense
graphics, mutated files) is read twice: ``native=False`` is the pure-Python path, the default
uses the compiled library. Words (text, boxes, fonts), rules, images, rotation and text
direction must be equal, and so must page errors. That the library is built wherever a C
compiler exists (so that this compares two paths) is test_speedups_build.py's check.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docket.domain.document import PageContent
from docket.domain.parse_options import ParseOptions
from docket.engines.textlayer.pdfium import PdfiumTextLayer
from docket.pipeline.parse import parse_document
from fixtures import pdfs


def _pages(data: bytes, native: bool) -> list[PageContent | str]:
    out: list[PageContent | str] = []
    try:
        with PdfiumTextLayer(native=native).open(data) as doc:
            for number in range(1, doc.page_count + 1):
                try:
                    out.append(doc.read_page(number))
                except Exception as exc:  # page errors must match too
                    out.append(repr(exc))
    except Exception as exc:
        out.append(repr(exc))
    return out


def _assert_same(data: bytes) -> list[PageContent | str]:
    fast, reference = _pages(data, native=True), _pages(data, native=False)
    assert repr(fast) == repr(reference)  # repr: NaN-safe, and float-exact
    return fast


def test_shared_corpora_read_the_same(shared_data: Path) -> None:
    files = sorted(shared_data.rglob("*.pdf"))
    assert len(files) > 100
    words = rules = images = 0
    for path in files:
        for page in _assert_same(path.read_bytes()):
            if isinstance(page, PageContent):
                words += len(page.words)
                rules += len(page.rules)
                images += len(page.images)
    # the comparison covered real content of every kind
    assert words > 100_000 and rules > 1_000 and images > 10


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_rotated_pages_read_the_same(degrees: int) -> None:
    pages = _assert_same(pdfs.rotated(pdfs.corner_words(), degrees))
    assert isinstance(pages[0], PageContent)
    assert {"TopLeft", "BottomRight"} <= {w.text for w in pages[0].words}


def test_drawn_fixtures_read_the_same() -> None:
    for data in (pdfs.two_column(), pdfs.upright_landscape()):
        assert all(isinstance(p, PageContent) and p.words for p in _assert_same(data))


def test_dense_graphics_and_empty_pages_read_the_same() -> None:
    data = pdfs.raw_pdf([pdfs.many_objects(5000), b"", pdfs.text_page(["a b", "c"])])
    pages = _assert_same(data)
    assert [len(p.words) for p in pages if isinstance(p, PageContent)] == [0, 0, 3]


def test_form_xobjects_read_the_same() -> None:
    pages = _assert_same(_with_nested_forms())
    assert isinstance(pages[0], PageContent)
    assert {"outside", "inside", "deeper"} <= {w.text for w in pages[0].words}
    # one rule from each form, the nested one moved by both placements
    assert sorted(round(r.width) for r in pages[0].rules) == [200, 300]


def _with_nested_forms() -> bytes:
    """A page placing a form that draws a rule, text and a nested form with another rule."""
    resources = b"/Resources << /Font << /F1 4 0 R >> /XObject << /X0 5 0 R /X1 6 0 R >> >>"
    page = b"BT /F1 12 Tf 72 700 Td (outside words) Tj ET q 1 0 0 1 50 50 cm /X0 Do Q"
    outer = b"10 10 200 0.5 re f BT /F1 9 Tf 30 30 Td (inside) Tj ET q 1 0 0 1 5 100 cm /X1 Do Q"
    inner = b"20 20 300 0.5 re f BT /F1 9 Tf 30 60 Td (deeper) Tj ET"

    def stream(head: bytes, content: bytes) -> bytes:
        return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (head, len(content), content)

    form = b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] " + resources
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s /Contents 7 0 R >>" % resources,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(form, outer),
        stream(form, inner),
        stream(b"", page),
    ]
    return _pdf(objs)


def test_text_beyond_the_bmp_reads_the_same() -> None:
    """A font whose ToUnicode map gives U+1F600: pdfium's text has surrogate pairs, which the
    Python path reads unit by unit (the compiled loop is not used for that page); word texts
    pair the halves up again."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"2 beginbfchar <41> <D83DDE00> <42> <0042> endbfchar\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    content = b"BT /F1 12 Tf 72 700 Td (AB BA AAB) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R"
        b" >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    data = _pdf(objs)
    pages = _assert_same(data)
    assert isinstance(pages[0], PageContent)
    smile = "\U0001f600"
    assert [w.text for w in pages[0].words] == [f"{smile}B", f"B{smile}", f"{smile}{smile}B"]
    parsed = parse_document(data, ParseOptions(ocr=False))  # encodable: no stray halves
    assert f"{smile}{smile}B" in parsed.markdown and parsed.model_dump_json()


def _pdf(objs: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from((pdfs.two_column(), pdfs.upright_landscape()))))
    for _ in range(draw(st.integers(1, 30))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@settings(max_examples=40, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_mutated_pdfs_read_the_same(data: bytes) -> None:
    _assert_same(data)


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_grid_paths_read_the_same(degrees: int) -> None:
    """A whole table grid in one path (read segment by segment), on turned pages too."""
    ops = [b"q 0.5 w 1 0 0 1 20 30 cm"]
    for k in range(6):
        ops.append(b"72 %d m 540 %d l" % (100 + 40 * k, 100 + 40 * k))
    for x in (72, 200, 380, 540):
        ops.append(b"%d 100 m %d 300 l" % (x, x))
    ops.append(b"100 400 m 300 400 l 300 500 l 100 500 l h 310 410 m 420 530 l S Q")
    data = pdfs.rotated(pdfs.raw_pdf([b"\n".join(ops) + b"\n" + pdfs.text_page(["grid"])]), degrees)
    pages = _assert_same(data)
    assert isinstance(pages[0], PageContent)
    assert len(pages[0].rules) == 6 + 4 + 4  # lines, columns, the closed box; not the diagonal
