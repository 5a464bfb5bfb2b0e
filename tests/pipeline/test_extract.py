from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from docket.domain.citations import Alignment
from docket.domain.document import ParsedDocument
from docket.domain.extraction import EngineOutput, ExtractOptions, ExtractTarget, FieldResult
from docket.engines.rules.extractor import RulesExtractor
from docket.errors import ErrorCode, InvalidConfiguration
from docket.pipeline.extract import merge_outputs, run_extraction, select_engine, split_pages
from docket.pipeline.parse import parse_document
from docket.pipeline.schema import SchemaError
from fakes.documents import make_document

N = {"type": ["string", "null"]}
NUM = {"type": ["number", "null"]}


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


@pytest.fixture(scope="module")
def two_pages() -> ParsedDocument:
    return make_document(
        [
            [("Invoice No: A-100", 50, 50), ("Total: 10.00", 50, 70)],
            [("Invoice No: B-200", 50, 50), ("Total: 20.00", 50, 70)],
        ]
    )


def test_document_target_conforms_and_cites(two_pages: ParsedDocument) -> None:
    schema = obj(
        invoice_number=N,
        total=NUM,
        vendor=obj(name=N),
        tags={"type": "array", "items": {"type": "string"}},
    )
    res = run_extraction(two_pages, schema, RulesExtractor())
    assert len(res.outputs) == 1 and res.engine == "rules"
    out = res.outputs[0]
    assert out.value["invoice_number"] == "A-100"
    assert out.value["vendor"] == {"name": None} and out.value["tags"] == []
    meta = out.metadata["invoice_number"]
    assert meta.alignment is Alignment.EXACT and meta.confidence is not None
    assert meta.citations[0].reference_text == "A-100" and meta.citations[0].page == 1
    assert meta.reasoning is None  # reasoning is off by default


def test_per_page_targets_and_page_ranges(two_pages: ParsedDocument) -> None:
    schema = obj(invoice_number=N, total=NUM)
    res = run_extraction(
        two_pages, schema, RulesExtractor(), ExtractOptions(target=ExtractTarget.PAGE)
    )
    assert [(o.page, o.value["invoice_number"], o.value["total"]) for o in res.outputs] == [
        (1, "A-100", 10.0),
        (2, "B-200", 20.0),
    ]
    assert res.outputs[1].metadata["total"].citations[0].page == 2
    only2 = run_extraction(
        two_pages, schema, RulesExtractor(), ExtractOptions(page_ranges=[(2, 2)])
    )
    assert only2.outputs[0].value == {"invoice_number": "B-200", "total": 20.0}


def test_switches_turn_off_citations_and_confidence(two_pages: ParsedDocument) -> None:
    opts = ExtractOptions(citations=False, confidence=False, reasoning=True)
    out = run_extraction(two_pages, obj(total=NUM), RulesExtractor(), opts).outputs[0]
    assert out.metadata["total"].citations == [] and out.metadata["total"].confidence is None
    assert out.metadata["total"].reasoning


def test_per_table_row_targets() -> None:
    rows = [("Item", "Qty", "Price")] + [(f"Part{i}", str(i), f"{i}.50") for i in range(1, 4)]
    runs = [
        (t, 60 + c * 150, 100 + r * 16) for r, row in enumerate(rows) for c, t in enumerate(row)
    ]
    doc = make_document([runs])
    schema = obj(item=N, qty=NUM, price=NUM)
    res = run_extraction(
        doc, schema, RulesExtractor(), ExtractOptions(target=ExtractTarget.TABLE_ROW)
    )
    assert [o.value for o in res.outputs] == [
        {"item": "Part1", "qty": 1.0, "price": 1.5},
        {"item": "Part2", "qty": 2.0, "price": 2.5},
        {"item": "Part3", "qty": 3.0, "price": 3.5},
    ]
    assert [o.table_row for o in res.outputs] == [0, 1, 2]
    assert res.outputs[0].page == 1 and res.outputs[0].block_id
    assert res.outputs[1].metadata["price"].citations[0].reference_text == "2.50"


def test_invalid_schema_is_rejected_before_work(two_pages: ParsedDocument) -> None:
    with pytest.raises(SchemaError) as err:
        run_extraction(two_pages, obj(total={"type": "number"}), RulesExtractor())
    assert err.value.path == "schema.properties.total.type"


def test_bad_page_range(two_pages: ParsedDocument) -> None:
    with pytest.raises(Exception) as err:
        run_extraction(
            two_pages, obj(total=NUM), RulesExtractor(), ExtractOptions(page_ranges=[(3, 1)])
        )
    assert getattr(err.value, "code", None) is ErrorCode.INVALID_REQUEST


def test_split_pages_keeps_whole_pages(shared_data: Path) -> None:
    pdf = next((shared_data / "kleister-nda" / "documents").glob("0*.pdf"))
    doc = parse_document(pdf.read_bytes())
    parts = split_pages(doc, 3000)
    assert len(parts) > 1
    pages = [p.number for part in parts for p in part.pages]
    assert pages == [p.number for p in doc.pages]
    for part in parts:
        assert {b.page for b in part.blocks} <= {p.number for p in part.pages}


def test_merge_concatenates_dedupes_and_prefers_confident_scalars() -> None:
    schema = obj(name=N, total=NUM, parties={"type": "array", "items": {"type": "string"}})
    a = EngineOutput(
        value={"name": "Low", "total": None, "parties": ["X", "Y"]},
        metadata={"name": FieldResult(confidence=0.3), "parties[1]": FieldResult(confidence=0.7)},
    )
    b = EngineOutput(
        value={"name": "High", "total": 5.0, "parties": ["Y", "Z"]},
        metadata={"name": FieldResult(confidence=0.9), "parties[1]": FieldResult(confidence=0.4)},
    )
    merged = merge_outputs(schema, [a, b])
    assert merged.value == {"name": "High", "total": 5.0, "parties": ["X", "Y", "Z"]}
    assert merged.metadata["name"].confidence == 0.9
    assert merged.metadata["parties[1]"].confidence == 0.7  # Y from the first chunk
    assert merged.metadata["parties[2]"].confidence == 0.4  # Z re-keyed from b's [1]


def test_engine_selection() -> None:
    assert isinstance(select_engine(None), RulesExtractor)
    assert isinstance(select_engine("offline"), RulesExtractor)
    from docket.engines.llm.openai_compatible import ModelRegistry

    with pytest.raises(InvalidConfiguration):
        select_engine("openai-gpt-4-1", ModelRegistry())


def test_citation_modes_widen_to_line_and_block(two_pages: ParsedDocument) -> None:
    schema = obj(invoice_number=N)
    word = run_extraction(two_pages, schema, RulesExtractor()).outputs[0]
    line = run_extraction(
        two_pages, schema, RulesExtractor(), ExtractOptions(citation_mode="line")
    ).outputs[0]
    block = run_extraction(
        two_pages, schema, RulesExtractor(), ExtractOptions(citation_mode="block")
    ).outputs[0]
    w = word.metadata["invoice_number"].citations[0]
    ln = line.metadata["invoice_number"].citations[0]
    bl = block.metadata["invoice_number"].citations[0]
    assert w.reference_text == "A-100"
    assert ln.reference_text == "Invoice No: A-100"
    assert ln.polygon[0].x < w.polygon[0].x and ln.page == 1
    assert "A-100" in bl.reference_text and bl.polygon[2].y >= ln.polygon[2].y
