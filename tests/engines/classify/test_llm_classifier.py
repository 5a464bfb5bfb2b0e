"""The LLM classifier against the fake OpenAI-compatible server over a real socket."""

from __future__ import annotations

import json
from typing import Any

import pytest

from docket.domain.classification import ClassifyOptions, DocumentClass
from docket.engines.llm.classifier import LlmClassifier, pages_prompt
from docket.engines.llm.openai_compatible import (
    ModelRegistry,
    OpenAICompatibleClient,
    ProviderConfig,
)
from docket.errors import ModelProviderError
from docket.pipeline.classify import classify_document, select_classifier
from tests.engines.classify.documents import CONTRACT, INVOICE, parsed
from tests.fakes.openai_server import FakeLLM, serve

CLASSES = [
    DocumentClass(id="k1", type="Bill", description="A request for payment"),
    DocumentClass(id="k2", type="Legal agreement", description="Signed terms"),
]


def _engine(fake: FakeLLM) -> LlmClassifier:
    return LlmClassifier(OpenAICompatibleClient(fake.base_url, fake.api_key, "m-1", backoff=0))


def _by_content(req: dict[str, Any]) -> dict[str, Any]:
    """A scripted 'model' that reads the prompt it was sent."""
    user = req["messages"][1]["content"]
    cid = "k1" if "Invoice number" in user else "k2"
    return {
        "class_id": cid,
        "confidence": 0.83,
        "reasoning": "The title says so.",
        "evidence": [{"text": "Invoice" if cid == "k1" else "AGREEMENT", "page": 1}],
    }


def test_request_and_result() -> None:
    with serve(FakeLLM(answer=_by_content)) as fake:
        res = classify_document(
            parsed(INVOICE), CLASSES, ClassifyOptions(instructions="Be strict."), _engine(fake)
        )
    assert (res.class_id, res.type, res.confidence) == ("k1", "Bill", 0.83)
    assert res.reasoning == "The title says so."
    assert [(e.text, e.page) for e in res.evidence] == [("Invoice", 1)]
    assert res.engine == "llm:m-1"
    assert res.usage.calls == 1 and res.usage.total_tokens > 0
    assert abs(sum(s.probability for s in res.scores) - 1.0) < 1e-3
    req = fake.requests[0]
    schema = req["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["class_id"]["enum"] == ["k1", "k2"]
    system = req["messages"][0]["content"]
    assert "Legal agreement" in system and "Signed terms" in system and "Be strict." in system
    assert '<page number="1">' in req["messages"][1]["content"]


def test_the_other_document_gets_the_other_class_through_select_classifier() -> None:
    with serve(FakeLLM(answer=_by_content)) as fake:
        reg = ModelRegistry({"gpt-test": ProviderConfig(fake.base_url, fake.api_key, "m-2")})
        engine = select_classifier("gpt-test", reg)
        res = classify_document(parsed(CONTRACT), CLASSES, ClassifyOptions(), engine)
    assert res.class_id == "k2" and res.engine == "llm:m-2"


def test_answer_by_type_and_out_of_range_confidence_are_tolerated() -> None:
    answer = {"class_id": "legal agreement", "confidence": 7, "reasoning": "", "evidence": []}
    with serve(FakeLLM(answer=lambda req: answer)) as fake:
        res = classify_document(parsed(CONTRACT), CLASSES, ClassifyOptions(), _engine(fake))
    assert res.class_id == "k2" and res.confidence == 1.0


def test_unknown_class_is_a_provider_error() -> None:
    answer = {"class_id": "memo", "confidence": 0.9, "reasoning": "", "evidence": []}
    with serve(FakeLLM(answer=lambda req: answer)) as fake, pytest.raises(ModelProviderError):
        classify_document(parsed(INVOICE), CLASSES, ClassifyOptions(), _engine(fake))


def test_retries_then_answers_and_fenced_json() -> None:
    content = "```json\n" + json.dumps(_by_content({"messages": [{}, {"content": ""}]})) + "\n```"
    fake = FakeLLM(answer=lambda req: content, failures=[503, 429], raw_content=True)
    with serve(fake):
        res = classify_document(parsed(INVOICE), CLASSES, ClassifyOptions(), _engine(fake))
    assert res.class_id == "k2" and len(fake.requests) == 3


def test_long_documents_are_cut_on_page_boundaries() -> None:
    doc = parsed(CONTRACT * 3)
    text = pages_prompt(doc, 700)
    assert text.startswith('<page number="1">')
    assert "more page(s) not shown" in text
    assert text.count("<page number=") < len(doc.pages)
