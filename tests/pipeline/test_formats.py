"""Content sniffing names the type from the bytes (real files written by real libraries)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from docket.errors import ErrorCode, FileTypeNotSupported
from docket.pipeline import media_types as mt
from docket.pipeline.formats import detect_type, sniff
from engines.office import office_fixtures
from fixtures import pdfs


def _image(fmt: str) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [
        ("PNG", mt.PNG),
        ("JPEG", mt.JPEG),
        ("TIFF", mt.TIFF),
        ("BMP", mt.BMP),
        ("WEBP", mt.WEBP),
        ("GIF", mt.GIF),
    ],
)
def test_images_by_magic(fmt: str, kind: str) -> None:
    assert sniff(_image(fmt)) == kind


def test_pdf_even_after_leading_junk(sample_pdf: bytes) -> None:
    assert sniff(sample_pdf) == mt.PDF
    assert sniff(b"\r\n\x00junk" + sample_pdf) == mt.PDF


def test_office_containers_by_their_parts() -> None:
    assert sniff(office_fixtures.make_docx()) == mt.DOCX
    assert sniff(office_fixtures.make_xlsx()) == mt.XLSX
    assert sniff(office_fixtures.make_pptx()) == mt.PPTX


def test_odf_by_mimetype_member_and_plain_zip_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", mt.ODT)
        z.writestr("content.xml", "<office:document-content/>")
    assert sniff(buf.getvalue()) == mt.ODT
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("notes.txt", "hello")
    assert detect_type(plain.getvalue()) is None


def test_legacy_excel_from_xlwt() -> None:
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("S").write(0, 0, "x")
    buf = io.BytesIO()
    book.save(buf)
    assert sniff(buf.getvalue()) == mt.XLS


def test_text_kinds() -> None:
    assert sniff(b"<!DOCTYPE html><html><body><p>x</p></body></html>") == mt.HTML
    assert sniff(office_fixtures.make_eml([])) == mt.EML
    assert sniff(b"# Title\n\n- one\n- two\n") == mt.MARKDOWN
    assert sniff(b"a,b,c\n1,2,3\n4,5,6\n") == mt.CSV
    assert sniff(b"a\tb\n1\t2\n") == mt.TSV
    assert sniff("Plain words, naïve café.\nSecond line".encode()) == mt.TEXT
    assert sniff("Unicode text in UTF-16".encode("utf-16")) == mt.TEXT
    assert sniff("Legacy caf\xe9 text".encode("cp1252")) == mt.TEXT
    assert sniff(rb"{\rtf1\ansi hello}") == mt.RTF


def test_shared_dataset_files(shared_data: Path) -> None:
    jpg = next((shared_data / "sroie").rglob("*.jpg"))
    pdf = next((shared_data / "kleister-nda").rglob("*.pdf"))
    assert sniff(jpg.read_bytes()) == mt.JPEG
    assert sniff(pdf.read_bytes()) == mt.PDF


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,
        b"\x00\x01\x02\x03" * 100,
        b"MZ\x90\x00" + b"\x00" * 60,
        b"\x1b[31mcolour codes\x1b[0m\x07\x07\x07\x07",
    ],
)
def test_binary_is_refused(data: bytes) -> None:
    assert detect_type(data) is None
    with pytest.raises(FileTypeNotSupported):
        sniff(data)


def test_empty_is_corrupt_not_invalid_request() -> None:
    with pytest.raises(Exception) as info:
        sniff(b"")
    assert info.value.code is ErrorCode.CORRUPT_FILE  # type: ignore[attr-defined]


def test_encrypted_pdf_is_still_a_pdf() -> None:
    assert sniff(pdfs.encrypted(pdfs.two_column(), "pw")) == mt.PDF
