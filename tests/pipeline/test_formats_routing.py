"""Every input type reaches the same ParsedDocument; type comes from content, never a name."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from docket.domain.document import BlockType
from docket.domain.parse_options import PageRange, ParseOptions, Target
from docket.errors import DocketError, ErrorCode
from docket.pipeline.formats import detect_type
from docket.pipeline.parse import parse_document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engines" / "office"))
from office_fixtures import HTML, MARKDOWN, make_docx, make_eml, make_pptx, make_xlsx


def _text_image(lines: list[str], size: tuple[int, int] = (1700, 1100)) -> Image.Image:
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=44)
    for i, line in enumerate(lines):
        draw.text((120, 120 + 90 * i), line, fill=0, font=font)
    return img


@pytest.mark.parametrize(
    ("make", "mime"),
    [
        (make_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (make_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (make_pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (lambda: HTML, "text/html"),
        (lambda: MARKDOWN, "text/markdown"),
        (lambda: make_eml([]), "message/rfc822"),
        (lambda: b"city;population\nParis;2100000\nLyon;520000\n", "text/csv"),
    ],
)
def test_each_type_detected_by_content_and_parsed(make: object, mime: str) -> None:
    data = make()  # type: ignore[operator]
    doc = parse_document(data)
    assert doc.mime_type == mime
    assert doc.blocks and all(b.id and b.content is not None for b in doc.blocks)
    assert all(1 <= b.page <= doc.page_count for b in doc.blocks)
    assert doc.chunks and doc.markdown.strip()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "WEBP", "GIF"])
def test_images_are_ocrd(fmt: str) -> None:
    img = _text_image(["Invoice number 4711", "Total due 129.50 EUR"])
    buf = io.BytesIO()
    img.convert("RGB" if fmt == "JPEG" else "L").save(buf, fmt)
    doc = parse_document(buf.getvalue())
    assert doc.mime_type == f"image/{fmt.lower()}"
    assert doc.pages[0].ocr
    assert "Invoice number 4711" in doc.markdown
    assert "129.50" in doc.markdown
    block = next(b for b in doc.blocks if "4711" in b.text)
    assert block.min_ocr_confidence is not None and block.avg_ocr_confidence is not None
    assert 0.5 < block.avg_ocr_confidence <= 1.0
    assert doc.chunks[0].avg_ocr_confidence is not None


def test_multipage_tiff_pages_and_ranges() -> None:
    frames = [_text_image([f"This is page {n} of the fax"]) for n in (1, 2, 3)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], dpi=(200, 200))
    doc = parse_document(buf.getvalue(), ParseOptions(page_ranges=[PageRange(start=2, end=3)]))
    assert doc.page_count == 3
    assert [p.number for p in doc.pages] == [2, 3]
    assert "page 2 of the fax" in doc.markdown and "page 3" in doc.markdown
    assert "page 1 of" not in doc.markdown
    assert doc.pages[0].width == pytest.approx(1700 * 72 / 200, abs=0.1)


def test_decompression_bomb_refused() -> None:
    bomb = Image.new("1", (12_000, 12_000), 1)
    buf = io.BytesIO()
    bomb.save(buf, "PNG")
    assert len(buf.getvalue()) < 1_000_000
    with pytest.raises(DocketError) as err:
        parse_document(buf.getvalue())
    assert err.value.code is ErrorCode.FILE_SIZE_TOO_LARGE


def test_image_only_pdf_is_ocrd_and_born_digital_pdf_is_not(sample_pdf: bytes) -> None:
    img = _text_image(["Scanned contract", "Signed in Berlin on 3 May"]).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=200.0)
    doc = parse_document(buf.getvalue())
    assert doc.mime_type == "application/pdf"
    assert doc.pages[0].ocr
    assert "Signed in Berlin" in doc.markdown
    assert doc.pages[0].width == pytest.approx(1700 * 72 / 200, abs=0.5)
    words_box = next(b for b in doc.blocks if "Berlin" in b.text).bbox
    assert 0 <= words_box.left < words_box.right <= doc.pages[0].width
    born = parse_document(sample_pdf)
    assert not any(p.ocr for p in born.pages)
    assert all(b.min_ocr_confidence is None for b in born.blocks)
    off = parse_document(buf.getvalue(), ParseOptions(ocr=False))
    assert not off.pages[0].ocr and "Berlin" not in off.markdown


def test_real_scanned_pdfs(shared_data: Path) -> None:
    folder = shared_data / "olmocr-bench-sample" / "pdfs"
    blank = parse_document((folder / "blank_book_pg1.pdf").read_bytes())
    assert blank.pages[0].ocr and len(blank.markdown.strip()) <= 10
    notes = parse_document((folder / "buildingnotes.pdf").read_bytes())
    assert notes.pages[0].ocr and notes.pages[0].dpi > 72


def test_spatial_target_for_structured_documents() -> None:
    doc = parse_document(make_docx(), ParseOptions(target=Target.SPATIAL))
    assert "Revenue grew by 12 percent." in doc.markdown


def test_lying_and_unknown_content() -> None:
    with pytest.raises(DocketError) as err:
        parse_document(bytes(range(256)) * 4)
    assert err.value.code is ErrorCode.FILE_TYPE_NOT_SUPPORTED
    # A zip that is no Office file is not a DOCX whatever it claims to be.
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    assert detect_type(buf.getvalue()) is None
    assert detect_type(rb"{\rtf1 hi}") == "application/rtf"


def test_docx_headings_reach_section_chunks() -> None:
    from docket.domain.document import ChunkType
    from docket.domain.parse_options import Chunking

    doc = parse_document(make_docx(), ParseOptions(chunking=Chunking(type=ChunkType.SECTION)))
    assert len(doc.chunks) >= 2
    assert any(b.type is BlockType.TABLE for c in doc.chunks for b in c.blocks)


def _zip_of(parts: dict[str, bytes]) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "codes"),
    [
        # magic bytes of a type, then nothing of that type
        (b"\x89PNG\r\n\x1a\n" + b"not really a png" * 20, {"CORRUPT_FILE"}),
        (b"\xff\xd8\xff\xe0" + b"\x00junk" * 40, {"CORRUPT_FILE"}),
        (b"II*\x00" + b"\x07" * 300, {"CORRUPT_FILE"}),
        (b"GIF89a" + b"\x01" * 300, {"CORRUPT_FILE"}),
        # a zip holding a DOCX's part names whose content is not WordprocessingML
        (_zip_of({"word/document.xml": b"<<<not xml"}), {"CORRUPT_FILE"}),
        (_zip_of({"xl/workbook.xml": b"plain text"}), {"CORRUPT_FILE"}),
        (_zip_of({"ppt/presentation.xml": b"\x00\x01"}), {"CORRUPT_FILE"}),
        # an OLE2 header with no stream of any known format
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, {"FILE_TYPE_NOT_SUPPORTED"}),
    ],
)
def test_content_that_lies_about_its_type_gets_a_documented_code(
    data: bytes, codes: set[str]
) -> None:
    with pytest.raises(DocketError) as err:
        parse_document(data)
    assert err.value.code.value in codes, (err.value.code, err.value.message)
