"""A ruled table drawn inside a form XObject (scaled and moved) is found where it is shown."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium

from docket.engines.tables.engine import RuleTables
from docket.engines.textlayer.pdfium import PdfiumTextLayer


def _detect(data: bytes) -> list[tuple[tuple[float, float, float, float], int, int, bool]]:
    with PdfiumTextLayer().open(data) as doc:
        page = doc.read_page(1)
    assert page.rules, "ruling lines must be read from inside the form"
    out = []
    for b in RuleTables().detect(page):
        assert b.table is not None
        box = (b.bbox.left, b.bbox.top, b.bbox.right, b.bbox.bottom)
        out.append((box, b.table.rows, b.table.cols, b.table.ruled))
    return out


def test_table_inside_a_scaled_form_xobject(shared_data: Path) -> None:
    source = shared_data / "icdar2013-tables" / "eu" / "eu-002.pdf"
    direct = _detect(source.read_bytes())
    assert len(direct) == 1

    src = pdfium.PdfDocument(str(source))
    dest = pdfium.PdfDocument.new()
    form = src.page_as_xobject(0, dest).as_pageobject()
    form.transform(pdfium.PdfMatrix().scale(0.5, 0.5).translate(100, 50))
    page = dest.new_page(595, 842)
    page.insert_obj(form)
    page.gen_content()
    buf = io.BytesIO()
    dest.save(buf)
    nested = _detect(buf.getvalue())

    assert len(nested) == 1
    (l0, t0, r0, b0), rows, cols, ruled = direct[0]
    box, n_rows, n_cols, n_ruled = nested[0]
    # x' = x/2 + 100; y is top-down here: y' = 842 - ((842 - y)/2 + 50)
    expected = (
        l0 / 2 + 100,
        842 - ((842 - t0) / 2 + 50),
        r0 / 2 + 100,
        842 - ((842 - b0) / 2 + 50),
    )
    assert all(abs(a - e) <= 1.0 for a, e in zip(box, expected, strict=True)), (box, expected)
    assert (n_rows, n_cols, n_ruled) == (rows, cols, ruled)
