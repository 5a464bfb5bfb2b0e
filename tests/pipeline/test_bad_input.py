"""Bad input answers its documented code quickly: never a traceback, a hang or a blown heap."""

from __future__ import annotations

import resource
import time
import zlib

import pytest

from docket.domain.parse_options import ParseOptions
from docket.errors import DocketError, ErrorCode
from docket.pipeline.formats import ParseLimits
from docket.pipeline.parse import parse_document
from fixtures import pdfs


def _fails(data: bytes, code: ErrorCode, seconds: float = 10.0, **kw: object) -> DocketError:
    start = time.monotonic()
    with pytest.raises(DocketError) as info:
        parse_document(data, **kw)  # type: ignore[arg-type]
    assert time.monotonic() - start < seconds
    assert info.value.code is code, info.value
    assert info.value.retryable is False
    return info.value


@pytest.fixture(scope="module")
def secret_pdf() -> bytes:
    return pdfs.encrypted(pdfs.two_column(), "s3cret")


def test_empty_file_is_corrupt() -> None:
    _fails(b"", ErrorCode.CORRUPT_FILE)


@pytest.mark.parametrize("keep", [0.05, 0.3, 0.6, 0.9])
def test_truncated_pdf_is_corrupt_or_partial(sample_pdf: bytes, keep: float) -> None:
    cut = sample_pdf[: int(len(sample_pdf) * keep)]
    try:
        doc = parse_document(cut)
    except DocketError as exc:
        assert exc.code is ErrorCode.CORRUPT_FILE, exc
    else:  # pdfium repairs some truncations; what it reads must then be real pages
        assert doc.page_count >= 1


def test_header_only_is_corrupt() -> None:
    _fails(b"%PDF-1.7\n", ErrorCode.CORRUPT_FILE)


def test_garbage_after_pdf_header_is_corrupt() -> None:
    _fails(b"%PDF-1.4\n" + bytes(range(256)) * 200, ErrorCode.CORRUPT_FILE)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 64,  # arbitrary binary named "report.pdf" by its sender
        b"\x7fELF\x02\x01\x01" + b"\x00" * 500,
        b"PK\x03\x04" + b"\x00" * 200,  # a zip that is no office document
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # OLE2 without a known stream
    ],
)
def test_non_pdf_bytes_are_not_supported(data: bytes) -> None:
    _fails(data, ErrorCode.FILE_TYPE_NOT_SUPPORTED)


def test_encrypted_without_password(secret_pdf: bytes) -> None:
    err = _fails(secret_pdf, ErrorCode.PASSWORD_PROTECTED_FILE)
    assert "password" in err.message


def test_encrypted_with_wrong_password(secret_pdf: bytes) -> None:
    err = _fails(secret_pdf, ErrorCode.PASSWORD_PROTECTED_FILE, options=ParseOptions(password="no"))
    assert "wrong" in err.message


def test_encrypted_with_right_password_parses(secret_pdf: bytes) -> None:
    doc = parse_document(secret_pdf, ParseOptions(password="s3cret"))
    assert "Quarterly Review" in doc.markdown
    assert "Column 2 paragraph 3" in doc.markdown


def test_file_over_the_size_limit(sample_pdf: bytes) -> None:
    err = _fails(
        sample_pdf, ErrorCode.FILE_SIZE_TOO_LARGE, limits=ParseLimits(max_bytes=len(sample_pdf) - 1)
    )
    assert err.http_status == 413


def test_page_bomb_is_refused_before_reading_pages() -> None:
    bomb = pdfs.raw_pdf([pdfs.text_page(["page"])] * 2500)
    err = _fails(bomb, ErrorCode.FILE_SIZE_TOO_LARGE, seconds=5.0)
    assert "2500 pages" in err.message


def test_page_count_limit_is_configurable(sample_pdf: bytes) -> None:
    _fails(sample_pdf, ErrorCode.FILE_SIZE_TOO_LARGE, limits=ParseLimits(max_pages=1))


def test_page_with_too_many_objects_is_a_page_error() -> None:
    data = pdfs.raw_pdf([pdfs.many_objects(150_000), pdfs.text_page(["the good page"])])
    start = time.monotonic()
    doc = parse_document(data)
    assert time.monotonic() - start < 20
    assert [(e.page, e.code) for e in doc.errors] == [(1, "FILE_SIZE_TOO_LARGE")]
    assert "the good page" in doc.markdown


def test_page_with_too_many_characters_is_a_page_error() -> None:
    # 500 lines of 900 tiny glyphs: loaded natively, refused before the word loop.
    line = b"(" + b"ab " * 300 + b") Tj T*\n"
    flood = b"BT /F1 1 Tf 1 TL 5 780 Td\n" + line * 500 + b"ET"
    data = pdfs.raw_pdf([flood, pdfs.text_page(["still readable"])])
    start = time.monotonic()
    doc = parse_document(data)
    assert time.monotonic() - start < 30
    assert [(e.page, e.code) for e in doc.errors] == [(1, "FILE_SIZE_TOO_LARGE")]
    assert "still readable" in doc.markdown


def test_only_pathological_pages_fail_the_whole_document() -> None:
    data = pdfs.raw_pdf([pdfs.many_objects(120_000)])
    _fails(data, ErrorCode.FILE_SIZE_TOO_LARGE, seconds=20.0)


def test_deeply_nested_forms_stay_bounded() -> None:
    """A chain of form XObjects each drawing the next twice stays within the object caps."""
    depth = 12  # 4096 instances; exponential depth is contained by the worker process (docs)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject"
            b" << /X0 5 0 R >> >> /Contents 4 0 R >>"]  # fmt: skip
    content = b"/X0 Do /X0 Do"
    objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    for i in range(depth):
        nxt = b"/X1 Do /X1 Do 0 0 5 5 re f" if i < depth - 1 else b"0 0 5 5 re f"
        res = b"<< /XObject << /X1 %d 0 R >> >>" % (6 + i) if i < depth - 1 else b"<< >>"
        objs.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources %s /Length %d >>"
            b"\nstream\n%s\nendstream" % (res, len(nxt), nxt)
        )
    data = _assemble(objs)
    start = time.monotonic()
    try:
        doc = parse_document(data)
    except DocketError as exc:
        assert exc.code in (
            ErrorCode.CORRUPT_FILE,
            ErrorCode.FILE_SIZE_TOO_LARGE,
            ErrorCode.TIMEOUT,
        )
    else:
        assert doc.page_count == 1
    assert time.monotonic() - start < 60


def test_huge_flate_stream_does_not_exhaust_memory() -> None:
    """A 20 KB content stream inflating to 200 MB of whitespace."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    bomb = zlib.compress(b" " * 200_000_000, 9)
    page = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            page]  # fmt: skip
    start = time.monotonic()
    try:
        parse_document(_assemble(objs))
    except DocketError as exc:
        assert exc.code in (ErrorCode.CORRUPT_FILE, ErrorCode.FILE_SIZE_TOO_LARGE)
    assert time.monotonic() - start < 60
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 1024


def _assemble(objs: list[bytes]) -> bytes:
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
