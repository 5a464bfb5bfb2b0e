"""The layout on real born-digital pages (examples/ and the shared data sets)."""

from __future__ import annotations

from pathlib import Path

from docket.domain.document import BlockType
from docket.pipeline.parse import parse_document


def test_sample_invoice_lists_and_key_values(sample_pdf: bytes) -> None:
    doc = parse_document(sample_pdf)
    blocks = doc.blocks
    kv = [b.text for b in blocks if b.type is BlockType.KEY_VALUE]
    assert "Invoice date: 12 March 2026" in kv
    assert "Due date: 11 April 2026" in kv
    items = [b for b in blocks if b.type is BlockType.LIST_ITEM]
    assert len(items) == 3 and all(b.text.startswith("• ") for b in items)
    assert "• • •" not in doc.markdown


def _markdown(shared_data: Path, name: str) -> str:
    pdf = shared_data / "olmocr-bench-sample" / "pdfs" / name
    return " ".join(parse_document(pdf.read_bytes()).markdown.split())


def test_card_grid_reads_row_by_row(shared_data: Path) -> None:
    md = _markdown(shared_data, "mathfuncs.pdf")
    order = ["Euler's Identity", "Pythagorean Theorem", "Fundamental Theorem", "Maxwell's"]
    positions = [md.index(t) for t in order]
    assert positions == sorted(positions)


def test_scanned_page_running_head_is_dropped(shared_data: Path) -> None:
    md = _markdown(shared_data, "small_page_size.pdf")
    assert "BRITISH HUSBANDRY" not in md
    assert "The cartilage, indeed, when the bones have been buried" in md


def test_two_column_article_keeps_columns_apart(shared_data: Path) -> None:
    md = _markdown(shared_data, "multi_column_miss.pdf")
    assert "Downloaded from http://tobaccocontrol.bmj.com/" not in md
    assert "It now looks like that with vigilance" in md
    assert md.index("It now looks like that with vigilance") < md.index(
        "this leaves BAT to argue why it should not be held"
    )
    title = "# Corporate social responsibility and the tobacco industry: hope or hype?"
    assert md.index(title) < md.index("The unprecedented expansion")


def test_docbank_section_headings_are_headings(shared_data: Path) -> None:
    folder = shared_data / "docbank-sample"
    found = total = 0
    for tokens in sorted((folder / "tokens").glob("*.txt"))[:12]:
        rows = [r.split("\t") for r in tokens.read_text(errors="replace").splitlines()]
        sections = {r[0] for r in rows if len(r) >= 10 and r[9] == "section" and r[0].isalpha()}
        if not sections:
            continue
        doc = parse_document((folder / "pdf" / (tokens.stem + ".pdf")).read_bytes())
        heads = " ".join(b.text for b in doc.blocks if b.type is BlockType.HEADING).split()
        total += len(sections)
        found += len(sections & set(heads))
    assert total > 10
    assert found >= 0.25 * total  # the geometry-only layout found 8% before font-name weights
