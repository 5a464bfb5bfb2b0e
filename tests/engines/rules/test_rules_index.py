"""Documents without word geometry (text, HTML, Office) still extract and cite inside blocks."""

from docket.engines.rules.index import build_index
from docket.pipeline.extract import run_extraction, select_engine
from docket.pipeline.parse import parse_document

TEXT = (
    b"INVOICE\n\nInvoice number: INV-2041\nDate: 12 March 2024\nBill to: Acme Corp\n\n"
    b"Total due: $1,250.00\n"
)
SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": ["string", "null"]},
        "total": {"type": ["number", "null"]},
        "date": {"type": ["string", "null"], "description": "invoice date"},
    },
}


def test_lines_are_synthesised_inside_blocks_without_words() -> None:
    doc = parse_document(TEXT)
    assert all(not b.lines for b in doc.blocks)  # the premise: plain text has no word boxes
    index = build_index(doc)
    assert [ln.text for ln in index.lines][:3] == [
        "INVOICE",
        "Invoice number: INV-2041",
        "Date: 12 March 2024",
    ]
    by_id = {b.id: b for b in doc.blocks}
    for ln in index.lines:
        block = by_id[ln.block_id].bbox
        assert block.left <= ln.bbox.left and ln.bbox.right <= block.right + 1e-6
        assert block.top <= ln.bbox.top and ln.bbox.bottom <= block.bottom + 1e-6
    tops = [ln.bbox.top for ln in index.lines if ln.block_id == index.lines[1].block_id]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)


def test_plain_text_extracts_and_cites() -> None:
    doc = parse_document(TEXT)
    result = run_extraction(doc, SCHEMA, select_engine(None))
    value = result.outputs[0].value
    assert value == {"invoice_number": "INV-2041", "total": 1250.0, "date": "2024-03-12"}
    cite = result.outputs[0].metadata["invoice_number"].citations[0]
    assert "INV-2041" in cite.reference_text
    assert cite.page == 1 and cite.polygon
