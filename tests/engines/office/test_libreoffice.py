"""RTF / ODT / DOC / PPT through a real LibreOffice (``soffice --headless``), and without one.

These tests need LibreOffice. ``scripts/test`` (CI) installs it when it runs as root and sets
``DOCKET_REQUIRE_LIBREOFFICE=1``, so in CI a missing ``soffice`` fails them. On a developer
machine without LibreOffice they are skipped with that reason; the "not installed" path is
tested everywhere.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from office_fixtures import make_docx, make_pptx

from docket.engines.office.libreoffice import soffice_path
from docket.errors import DocketError, ErrorCode
from docket.pipeline import media_types as mt
from docket.pipeline.detect import detect
from docket.pipeline.parse import parse_document


def _need_soffice() -> str:
    binary = soffice_path()
    if binary is not None:
        return binary
    if os.environ.get("DOCKET_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("DOCKET_REQUIRE_LIBREOFFICE=1 but LibreOffice (soffice) is not on PATH")
    pytest.skip("needs LibreOffice (soffice on PATH); scripts/test installs it when run as root")


def _odt(text: str) -> bytes:
    """A minimal ODF text document written by hand (mimetype first, stored)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:text><text:h text:outline-level="1">Memo</text:h>'
        f"<text:p>{text}</text:p></office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", mt.ODT, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _legacy(binary: str, data: bytes, src: str, target: str) -> bytes:
    """``data`` (a ``src`` file) saved by LibreOffice in the legacy ``target`` format."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / f"in.{src}").write_bytes(data)
        subprocess.run(
            [binary, f"-env:UserInstallation={(work / 'p').as_uri()}", "--headless",
             "--convert-to", target, "--outdir", str(work), str(work / f"in.{src}")],
            capture_output=True, timeout=180, check=True,
        )  # fmt: skip
        return (work / f"in.{target}").read_bytes()


@pytest.mark.slow
def test_rtf_and_odt_converted_and_parsed() -> None:
    _need_soffice()
    rtf = rb"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Invoice 4471 is due on Friday.\par}"
    doc = parse_document(rtf)
    assert doc.mime_type == mt.RTF
    assert "Invoice 4471 is due on Friday." in doc.markdown
    assert doc.page_count == 1 and not doc.pages[0].ocr  # born-digital PDF from LibreOffice
    odt = parse_document(_odt("Quarterly totals were approved."))
    assert odt.mime_type == mt.ODT
    assert "Quarterly totals were approved." in odt.markdown
    assert "Memo" in odt.markdown


@pytest.mark.slow
def test_legacy_doc_and_ppt_converted_and_parsed() -> None:
    binary = _need_soffice()
    doc_bytes = _legacy(binary, make_docx(), "docx", "doc")
    assert detect(doc_bytes) == mt.DOC
    doc = parse_document(doc_bytes)
    assert doc.mime_type == mt.DOC
    assert "Revenue grew by 12 percent." in doc.markdown
    assert "Second page text." in doc.markdown
    assert doc.page_count == 2
    ppt_bytes = _legacy(binary, make_pptx(), "pptx", "ppt")
    assert detect(ppt_bytes) == mt.PPT
    ppt = parse_document(ppt_bytes)
    assert ppt.mime_type == mt.PPT
    assert ppt.page_count == 2  # one PDF page per slide
    assert "Quarterly review" in ppt.markdown


def test_without_libreoffice_each_converted_type_fails_to_convert(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shutil.which("soffice") is None and shutil.which("libreoffice") is None
    for data in (rb"{\rtf1\ansi Hello world\par}", _odt("Hello")):
        with pytest.raises(DocketError) as err:
            parse_document(data)
        assert err.value.code is ErrorCode.FAILED_TO_CONVERT_TO_PDF
        assert "needs LibreOffice" in err.value.message and "soffice" in err.value.message
