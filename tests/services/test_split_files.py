"""Derived files of a split (real pdfium, real blob store) and strict identifier merging."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from docket.domain.classification import SplitSegment
from docket.domain.parse_options import ParseOptions
from docket.pipeline.parse import parse_document
from docket.services.split_files import write_split_files
from docket.services.split_kind import merge_equal_identifiers
from docket.storage.blobs import LocalBlobStore
from tests.fixtures.pdfs import encrypted, raw_pdf, text_page


def _seg(cls: str, lo: int, hi: int, ident: str = "") -> SplitSegment:
    return SplitSegment(
        class_id=cls, type=cls, start_page=lo, end_page=hi, identifier=ident, observation=cls
    )


def _three_pages() -> bytes:
    words = ("apples grow on trees", "rivers run to the sea", "stars shine at night")
    return raw_pdf(
        [
            text_page([f"Section {w.split()[0]}", f"Page marker {n}: {w}."])
            for n, w in enumerate(words, start=1)
        ]
    )


def test_pdf_splits_become_sub_pdfs_with_their_pages(tmp_path: Path) -> None:
    data = _three_pages()
    doc = parse_document(data)
    blobs = LocalBlobStore(tmp_path)
    segs = [_seg("a", 1, 2), _seg("b", 3, 3)]
    made = write_split_files(blobs, data, "application/pdf", None, "pack.pdf", doc, segs)
    assert [d.page_count for d in made] == [2, 1]
    assert [d.media_type for d in made] == ["application/pdf"] * 2
    assert made[0].name == "pack (a p1-2).pdf" and made[1].name == "pack (b p3).pdf"
    second = parse_document(blobs.get(made[1].blob_key))
    assert "Page marker 3" in second.markdown and "Page marker 1" not in second.markdown
    assert made[0].size == len(blobs.get(made[0].blob_key))


def test_a_protected_pdf_gives_readable_sub_pdfs(tmp_path: Path) -> None:
    data = encrypted(_three_pages(), "s3cret")
    doc = parse_document(data, ParseOptions(password="s3cret"))
    blobs = LocalBlobStore(tmp_path)
    made = write_split_files(
        blobs, data, "application/pdf", "s3cret", "locked.pdf", doc, [_seg("a", 2, 3)]
    )
    part = parse_document(blobs.get(made[0].blob_key))  # no password needed
    assert "Page marker 2" in part.markdown and "Page marker 3" in part.markdown
    assert "Page marker 1" not in part.markdown


def test_non_pdf_parts_are_markdown_and_a_whole_file_is_a_copy(tmp_path: Path) -> None:
    data = b"Alpha report\n\nThe first and only page of plain text.\n"
    doc = parse_document(data)
    blobs = LocalBlobStore(tmp_path)
    whole = write_split_files(blobs, data, "text/plain", None, "a.txt", doc, [_seg("a", 1, 1)])
    assert blobs.get(whole[0].blob_key) == data and whole[0].media_type == "text/plain"
    assert whole[0].name.endswith(".txt")


def test_part_of_a_non_pdf_becomes_markdown_of_its_pages(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.title = "Alpha"
    first.append(["name", "qty"])
    first.append(["apple", 3])
    second = wb.create_sheet("Beta")
    second.append(["city", "population"])
    second.append(["Oslo", 700])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    doc = parse_document(data)
    assert doc.page_count == 2
    blobs = LocalBlobStore(tmp_path)
    made = write_split_files(
        blobs, data, doc.mime_type, None, "book.xlsx", doc, [_seg("a", 1, 1), _seg("b", 2, 2)]
    )
    assert [d.media_type for d in made] == ["text/markdown", "text/markdown"]
    assert made[1].name == "book (b p2).md" and made[1].page_count is None
    text = blobs.get(made[1].blob_key).decode()
    assert "Oslo" in text and "apple" not in text


@pytest.mark.parametrize(
    ("segs", "expected"),
    [
        (
            [_seg("inv", 1, 1, "A-1"), _seg("inv", 2, 3, "a-1 "), _seg("inv", 4, 4, "A-2")],
            [("inv", 1, 3), ("inv", 4, 4)],
        ),
        ([_seg("inv", 1, 1, "A-1"), _seg("rec", 2, 2, "A-1")], [("inv", 1, 1), ("rec", 2, 2)]),
        ([_seg("inv", 1, 1), _seg("inv", 2, 2)], [("inv", 1, 1), ("inv", 2, 2)]),
    ],
)
def test_strict_identifier_mode_merges_only_equal_neighbours(
    segs: list[SplitSegment], expected: list[tuple[str, int, int]]
) -> None:
    assert [(s.class_id, s.start_page, s.end_page) for s in merge_equal_identifiers(segs)] == (
        expected
    )
