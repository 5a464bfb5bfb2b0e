"""The text layer's per-page bounds turn pathological pages into page errors."""

from __future__ import annotations

import pytest

from docket.engines.textlayer.pdfium import PdfiumTextLayer
from docket.errors import DocketError, ErrorCode
from docket.pipeline.parse import ParseEngines, parse_document
from fixtures import pdfs


def _with_form() -> bytes:
    """One page drawing a form XObject (so the graphics walk visits a form)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject"
        b" << /X0 5 0 R >> /Font << /F1 6 0 R >> >> /Contents 4 0 R >>",
    ]
    content = b"BT /F1 12 Tf 72 700 Td (framed words) Tj ET /X0 Do"
    objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    form = b"10 10 200 0.5 re f"
    objs.append(
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Length %d >>\nstream\n%s"
        b"\nendstream" % (len(form), form)
    )
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_form_rules_are_found_within_budget() -> None:
    with PdfiumTextLayer().open(_with_form()) as doc:
        page = doc.read_page(1)
    assert [w.text for w in page.words] == ["framed", "words"]
    assert any(r.width > 150 for r in page.rules)


def test_page_over_its_time_budget_is_a_timeout_page_error() -> None:
    with (
        PdfiumTextLayer(page_seconds=0.0).open(_with_form()) as doc,
        pytest.raises(DocketError) as info,
    ):
        doc.read_page(1)
    assert info.value.code is ErrorCode.TIMEOUT
    assert info.value.retryable is True
    data = pdfs.raw_pdf([pdfs.text_page(["fine"])])
    slow = ParseEngines(textlayer=PdfiumTextLayer(page_seconds=0.0))
    assert "fine" in parse_document(data, engines=slow).markdown  # no form: nothing to time out
