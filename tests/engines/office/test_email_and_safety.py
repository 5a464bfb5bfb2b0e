"""E-mail with recursive attachments; hostile containers and missing converters."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from office_fixtures import make_docx, make_eml

from docket.domain.document import BlockType
from docket.errors import DocketError, ErrorCode
from docket.pipeline.parse import parse_document


def test_eml_headers_body_and_attachments_as_subdocuments() -> None:
    data = make_eml(
        [
            ("rates.csv", "text/csv", b"item,rate\nbolt,0.10\nnut,0.05\n"),
            ("report.docx", "application/octet-stream", make_docx()),  # type lies; content wins
        ]
    )
    doc = parse_document(data)
    assert doc.mime_type == "message/rfc822"
    kv = [b.text for b in doc.blocks if b.type is BlockType.KEY_VALUE]
    assert kv[:2] == ["From: Alice <alice@example.com>", "To: bob@example.com"]
    assert "please find the invoice attached." in doc.markdown
    assert "# Attachment: rates.csv\n\n| item | rate |" in doc.markdown
    assert "# Attachment: report.docx\n\n# Annual Report" in doc.markdown
    pages = {b.text: b.page for b in doc.blocks if b.type is BlockType.HEADING}
    assert pages["Attachment: rates.csv"] < pages["Attachment: report.docx"]
    assert doc.page_count == 1 + 1 + 2  # message, csv, two-page docx
    assert doc.errors == []


def test_eml_unreadable_attachment_is_a_recorded_error() -> None:
    doc = parse_document(make_eml([("blob.bin", "application/octet-stream", b"\x00\x01" * 50)]))
    assert [e.code for e in doc.errors] == ["FILE_TYPE_NOT_SUPPORTED"]
    assert "blob.bin" in doc.errors[0].message
    assert "Hello Bob" in doc.markdown


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return out.getvalue()


def test_zip_bomb_docx_refused_before_inflating() -> None:
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document>" + b" " * (20 * 1024 * 1024) + b"</w:document>",
        }
    )
    assert len(bomb) < 100 * 1024
    with pytest.raises(DocketError) as err:
        parse_document(bomb)
    assert err.value.code is ErrorCode.FILE_SIZE_TOO_LARGE


def test_xml_entity_expansion_refused() -> None:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<w:document>&lol2;</w:document>"
    )
    with pytest.raises(DocketError) as err:
        parse_document(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": lol}))
    assert err.value.code is ErrorCode.CORRUPT_FILE
    assert "DTD" in err.value.message


def test_rtf_without_libreoffice_fails_to_convert(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shutil.which("soffice") is None
    with pytest.raises(DocketError) as err:
        parse_document(rb"{\rtf1\ansi Hello world\par}")
    assert err.value.code is ErrorCode.FAILED_TO_CONVERT_TO_PDF
    assert "LibreOffice" in err.value.message
