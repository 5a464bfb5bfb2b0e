"""The LLM path end to end against a real HTTP server speaking the OpenAI protocol."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from docket.domain.citations import Alignment
from docket.domain.document import ParsedDocument
from docket.domain.extraction import ExtractOptions
from docket.engines.llm.openai_compatible import ModelRegistry, ProviderConfig
from docket.pipeline.extract import run_extraction, select_engine
from docket.pipeline.parse import parse_document
from fakes.openai_server import FakeLLM, serve

SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": ["string", "null"]},
        "date": {"type": ["string", "null"], "extend:type": "date"},
        "total": {"type": ["number", "null"]},
        "vendor": {"type": "object", "properties": {"name": {"type": ["string", "null"]}}},
        "notes": {"type": ["string", "null"]},
    },
}


@pytest.fixture(scope="module")
def azure(shared_data: Path) -> ParsedDocument:
    return parse_document((shared_data / "invoice2data" / "AzureInterior.pdf").read_bytes())


def engine_for(fake: FakeLLM) -> Any:
    reg = ModelRegistry({"openai-gpt-4-1": ProviderConfig(fake.base_url, fake.api_key, "gpt-x")})
    return select_engine("openai-gpt-4-1", reg)


def test_llm_answers_are_completed_and_grounded(azure: ParsedDocument) -> None:
    answer = {
        "invoice_number": "INV/2023/03/0008",
        "date": "2023-03-20",
        "total": 279.84,
        "notes": "A sentence the document never says",
        "invented_key": "dropped",
    }
    with serve(FakeLLM(answer=lambda req: answer)) as fake:
        res = run_extraction(
            azure, SCHEMA, engine_for(fake), ExtractOptions(instructions="Be exact.")
        )
    out = res.outputs[0]
    assert out.value == {
        "invoice_number": "INV/2023/03/0008",
        "date": "2023-03-20",
        "total": 279.84,
        "vendor": {"name": None},
        "notes": "A sentence the document never says",
    }
    meta = out.metadata
    assert meta["invoice_number"].alignment is Alignment.EXACT
    assert meta["invoice_number"].citations[0].reference_text == "INV/2023/03/0008"
    assert meta["date"].alignment is Alignment.NORMALISED
    assert meta["date"].citations[0].reference_text == "03/20/2023"
    assert meta["notes"].alignment is Alignment.NONE and meta["notes"].citations == []
    assert meta["notes"].confidence is not None
    assert meta["notes"].confidence < meta["invoice_number"].confidence  # type: ignore[operator]
    assert res.usage.calls == 1 and res.usage.total_tokens > 0
    request = fake.requests[0]
    assert "Be exact." in request["messages"][0]["content"]
    assert "INV/2023/03/0008" in request["messages"][1]["content"]
    sent_schema = request["response_format"]["json_schema"]["schema"]
    assert sent_schema["additionalProperties"] is False
    assert sent_schema["required"] == list(SCHEMA["properties"])
    assert "extend:type" not in json.dumps(sent_schema)


def test_long_documents_are_chunked_and_merged(shared_data: Path) -> None:
    pdf = sorted((shared_data / "kleister-nda" / "documents").glob("*.pdf"))[0]
    doc = parse_document(pdf.read_bytes())
    schema = {
        "type": "object",
        "properties": {
            "pages_seen": {"type": "array", "items": {"type": "string"}},
            "first_word": {"type": ["string", "null"]},
        },
    }

    def answer(req: dict[str, Any]) -> dict[str, Any]:
        text = req["messages"][1]["content"]
        pages = re.findall(r'<page number="(\d+)">', text)
        return {"pages_seen": [f"p{p}" for p in pages] + ["common"], "first_word": text.split()[2]}

    with serve(FakeLLM(answer=answer)) as fake:
        res = run_extraction(doc, schema, engine_for(fake), ExtractOptions(max_chunk_chars=2500))
    calls = len(fake.requests)
    assert calls > 1 and res.usage.calls == calls
    seen = res.outputs[0].value["pages_seen"]
    assert seen.count("common") == 1  # de-duplicated across chunks
    assert [s for s in seen if s != "common"] == [f"p{p.number}" for p in doc.pages]
    assert res.outputs[0].value["first_word"]


def test_provider_failure_surfaces_as_error(azure: ParsedDocument) -> None:
    from docket.errors import ModelProviderError

    with serve(FakeLLM(failures=[500] * 10)) as fake:
        eng = engine_for(fake)
        eng.client.backoff = 0.001
        eng.client.max_retries = 2
        with pytest.raises(ModelProviderError):
            run_extraction(azure, SCHEMA, eng)
    assert len(fake.requests) == 3


def test_schema_from_the_sdk_pydantic_conversion_is_accepted(azure: ParsedDocument) -> None:
    import datetime
    from typing import Literal

    from extend_ai.wrapper.schema.conversion import pydantic_to_extend_schema
    from pydantic import BaseModel, Field

    class Item(BaseModel):
        description: str | None = None
        amount: float | None = None

    class Invoice(BaseModel):
        invoice_number: str | None = Field(None, description="Invoice number")
        date: datetime.date | None = None
        total: float | None = None
        status: Literal["open", "paid"] | None = None
        lines: list[Item] = []

    schema = pydantic_to_extend_schema(Invoice)
    answer = {"invoice_number": "INV/2023/03/0008", "status": "PAID", "lines": [{"amount": 42}]}
    with serve(FakeLLM(answer=lambda req: answer)) as fake:
        res = run_extraction(azure, schema, engine_for(fake))
    value = res.outputs[0].value
    Invoice.model_validate(value)  # what the SDK does with output.value
    assert value["status"] == "paid" and value["lines"] == [{"description": None, "amount": 42.0}]
    meta = res.outputs[0].metadata
    assert meta["lines[0].amount"].citations  # 42.00 is printed on the invoice
    assert meta["lines[0]"].citations == meta["lines[0].amount"].citations
    sent = fake.requests[0]["response_format"]["json_schema"]["schema"]
    assert sent["properties"]["status"]["type"] == ["string", "null"]
    offline = run_extraction(azure, schema, select_engine(None)).outputs[0].value
    Invoice.model_validate(offline)
    assert offline["invoice_number"] == "INV/2023/03/0008"
