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


def _forward(inner: bytes, subject: str) -> bytes:
    """A message forwarding ``inner`` as an attached message/rfc822 part."""
    import email
    import email.policy
    from email.message import EmailMessage

    outer = EmailMessage()
    outer["From"] = "carol@example.com"
    outer["To"] = "dave@example.com"
    outer["Subject"] = subject
    outer.set_content("Forwarding the thread below.")
    attached = email.message_from_bytes(inner, policy=email.policy.default)
    outer.add_attachment(attached, filename="original.eml")
    return outer.as_bytes()


def test_forwarded_message_is_a_sub_document_with_its_own_attachments() -> None:
    inner = make_eml([("rates.csv", "text/csv", b"item,rate\nbolt,0.10\nnut,0.05\n")])
    doc = parse_document(_forward(inner, "Fwd: Invoice 42"))
    md = doc.markdown
    assert md.startswith("# Fwd: Invoice 42")
    # the forwarded mail keeps its headers, body and attachment, in that order, after its own
    # attachment heading, instead of being flattened into the outer message
    order = [
        "Forwarding the thread below.",
        "# Attachment: original.eml",
        "From: Alice <alice@example.com>",
        "please find the invoice attached.",
        "# Attachment: rates.csv",
        "| bolt | 0.10 |",
    ]
    positions = [md.index(s) for s in order]
    assert positions == sorted(positions)
    kv = [b.text for b in doc.blocks if b.type is BlockType.KEY_VALUE]
    assert "From: carol@example.com" in kv and "From: Alice <alice@example.com>" in kv
    assert doc.page_count == 1 + 1 + 1  # outer message, forwarded message, its csv
    assert doc.errors == []


def test_mail_nested_past_the_depth_limit_is_a_page_error() -> None:
    data = make_eml([])
    for level in range(5):
        data = _forward(data, f"Fwd level {level}")
    doc = parse_document(data)
    assert "# Fwd level 4" in doc.markdown and "# Fwd level 2" in doc.markdown
    assert [e.code for e in doc.errors] == ["FILE_TYPE_NOT_SUPPORTED"]
    assert "nested too deeply" in doc.errors[0].message
    assert doc.errors[0].message.startswith("attachment original.eml: attachment original.eml")
    assert 1 <= doc.errors[0].page <= doc.page_count


def test_xlsx_zip_bomb_refused_in_bounded_memory() -> None:
    import tracemalloc

    sheet = b'<worksheet><sheetData><row r="1">' + b"<c/>" * (8 * 1024 * 1024) + b"</row>"
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": sheet + b"</sheetData></worksheet>",
        }
    )
    assert len(bomb) < 200 * 1024  # 32 MiB of XML in a small file
    tracemalloc.start()
    try:
        with pytest.raises(DocketError) as err:
            parse_document(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.value.code is ErrorCode.FILE_SIZE_TOO_LARGE
    assert peak < 8 * 1024 * 1024  # refused from the zip directory, nothing inflated


def test_zip_part_larger_than_its_directory_entry_is_refused() -> None:
    body = b"<w:document>" + b"A" * 50_000 + b"</w:document>"
    data = bytearray(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": body}))
    # shrink the declared uncompressed size in the central directory (a lying archive)
    cd = data.rfind(b"PK\x01\x02")  # central directory entry of the last part
    assert cd > 0
    data[cd + 24 : cd + 28] = (1000).to_bytes(4, "little")
    with pytest.raises(DocketError) as err:
        parse_document(bytes(data))
    assert err.value.code in (ErrorCode.FILE_SIZE_TOO_LARGE, ErrorCode.CORRUPT_FILE)


@pytest.mark.parametrize(
    ("part", "marker"),
    [("xl/workbook.xml", "xl/workbook.xml"), ("ppt/presentation.xml", "ppt/presentation.xml")],
)
def test_external_entities_refused_in_xlsx_and_pptx(part: str, marker: str) -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    with pytest.raises(DocketError) as err:
        parse_document(_zip({"[Content_Types].xml": b"<Types/>", part: xxe}))
    assert err.value.code is ErrorCode.CORRUPT_FILE
    assert marker in err.value.message and "DTD" in err.value.message
    assert "root:" not in err.value.message
