"""Long PDFs: the text layer reopens the document every few dozen pages to drop pdfium's caches;
what it reads must not change (fonts included: their handles die with the old document)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium

from docket.engines.textlayer import pdfium as textlayer
from docket.engines.textlayer.pdfium import PdfiumDocument, PdfiumTextLayer
from fixtures import pdfs


def _long_pdf(pages: int) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(612, 792), invariant=1)
    fonts = ("Helvetica", "Helvetica-Bold", "Times-Italic", "Courier-BoldOblique")
    for n in range(pages):
        for k in range(3):
            c.setFont(fonts[(n + k) % len(fonts)], 10 + k)
            c.drawString(72, 700 - 20 * k, f"Page {n + 1} line {k} in {fonts[(n + k) % 4]}")
        c.showPage()
    c.save()
    return buf.getvalue()


def test_reopened_document_reads_the_same_words() -> None:
    count = 2 * textlayer._REOPEN_EVERY + 5
    data = _long_pdf(count)
    pdf = pdfium.PdfDocument(data)
    plain = PdfiumDocument(pdf)  # never reopened
    try:
        expected = [plain.read_page(n) for n in range(1, count + 1)]
    finally:
        plain.close()
    with PdfiumTextLayer().open(data) as doc:
        got = [doc.read_page(n) for n in range(1, count + 1)]
        assert doc._loaded <= textlayer._REOPEN_EVERY  # it did reopen
    assert got == expected
    styles = {(w.bold, w.italic) for page in got[-4:] for w in page.words}
    assert styles == {(False, False), (True, False), (False, True), (True, True)}


def test_reopen_keeps_the_password() -> None:
    count = textlayer._REOPEN_EVERY + 2
    data = pdfs.encrypted(_long_pdf(count), "s3cret")
    with PdfiumTextLayer().open(data, "s3cret") as doc:
        last = doc.read_page(count)
    assert f"{count}" in [w.text for w in last.words]
