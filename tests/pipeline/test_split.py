"""split_document and select_splitter: validation, page ranges, engines, the LLM path over the
fake OpenAI server (a real HTTP server speaking the chat-completions protocol)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from docket.domain.classification import ClassifyOptions, DocumentClass, SplitResult
from docket.domain.document import ParsedDocument
from docket.engines.llm.openai_compatible import ModelRegistry, ProviderConfig
from docket.engines.llm.splitter import LlmSplitter
from docket.engines.split.offline import OfflineSplitter
from docket.errors import DocketError, ErrorCode
from docket.pipeline.split import select_splitter, split_document
from fakes.openai_server import FakeLLM, serve
from tests.engines.split.multidoc import Doc, parsed

CLASSES = [
    DocumentClass(id="agreement", type="contract", description="a legal agreement"),
    DocumentClass(
        id="bill",
        type="invoice",
        description="an invoice asking for payment",
        identifier_key="invoice number",
    ),
]
DOCS = [
    Doc("contract", 2, "Confidentiality Agreement", "Acme Holdings Ltd", seed=3),
    Doc("invoice", 1, "INVOICE", "Blue Harbour Supplies", number="INV-5521"),
    Doc("invoice", 1, "INVOICE", "Kestrel Parts GmbH", number="KP-0093"),
]


@pytest.fixture(scope="module")
def doc() -> ParsedDocument:
    return parsed(DOCS)


def spans(result: SplitResult) -> list[tuple[int, int, str]]:
    return [(s.start_page, s.end_page, s.class_id) for s in result.segments]


def test_offline_default(doc: ParsedDocument) -> None:
    result = split_document(doc, CLASSES)
    assert spans(result) == [(1, 2, "agreement"), (3, 3, "bill"), (4, 4, "bill")]
    assert [s.identifier for s in result.segments] == ["", "INV-5521", "KP-0093"]
    assert result.engine == "docket-offline" and result.seconds > 0
    assert all(s.observation for s in result.segments)


def test_page_ranges_restrict_the_split(doc: ParsedDocument) -> None:
    result = split_document(doc, CLASSES, ClassifyOptions(page_ranges=[(2, 4)]))
    assert result.segments[0].start_page == 2 and result.segments[-1].end_page == 4
    assert spans(result)[1:] == [(3, 3, "bill"), (4, 4, "bill")]


@pytest.mark.parametrize(
    "classes",
    [
        [],
        [DocumentClass(id="a", type="x"), DocumentClass(id="a", type="y")],
        [DocumentClass(id=" ", type="x")],
        [DocumentClass(id="a", type="")],
    ],
)
def test_bad_classes_are_invalid_requests(
    doc: ParsedDocument, classes: list[DocumentClass]
) -> None:
    with pytest.raises(DocketError) as err:
        split_document(doc, classes)
    assert err.value.code is ErrorCode.INVALID_REQUEST


def test_bad_page_ranges_are_invalid_requests(doc: ParsedDocument) -> None:
    for ranges in ([(3, 1)], [(9, 12)]):
        with pytest.raises(DocketError) as err:
            split_document(doc, CLASSES, ClassifyOptions(page_ranges=ranges))
        assert err.value.code is ErrorCode.INVALID_REQUEST


def test_select_splitter() -> None:
    assert isinstance(select_splitter(None), OfflineSplitter)
    assert isinstance(select_splitter("offline"), OfflineSplitter)
    with pytest.raises(DocketError) as err:
        select_splitter("gpt-x", ModelRegistry())
    assert err.value.code is ErrorCode.INVALID_CONFIGURATION
    reg = ModelRegistry({"gpt-x": ProviderConfig("http://127.0.0.1:9/v1", "k", "served-model")})
    engine = select_splitter("gpt-x", reg)
    assert isinstance(engine, LlmSplitter) and engine.name == "llm:served-model"


def _llm(fake: FakeLLM) -> LlmSplitter:
    reg = ModelRegistry({"m": ProviderConfig(fake.base_url, fake.api_key, "m")})
    engine = select_splitter("m", reg)
    assert isinstance(engine, LlmSplitter)
    engine.client.backoff = 0.01
    return engine


def _answer(segments: list[dict[str, Any]]) -> Any:
    return lambda req: {"segments": segments}


def _seg(cid: str, a: int, b: int, ident: str | None = None, why: str = "new title") -> Any:
    return {"class_id": cid, "start_page": a, "end_page": b, "identifier": ident,
            "observation": why}  # fmt: skip


def test_llm_split_request_and_grounded_answer(doc: ParsedDocument) -> None:
    answer = [
        _seg("agreement", 1, 2, None, "starts the file"),
        _seg("bill", 3, 3, "INV-5521", "invoice title and numbering restart"),
        _seg("bill", 4, 4, "KP-0093", "another sender and invoice number"),
    ]
    with serve(FakeLLM(answer=_answer(answer))) as fake:
        result = split_document(doc, CLASSES, ClassifyOptions(instructions="Cut per invoice."),
                                splitter=_llm(fake))  # fmt: skip
    assert spans(result) == [(1, 2, "agreement"), (3, 3, "bill"), (4, 4, "bill")]
    assert [s.identifier for s in result.segments] == ["", "INV-5521", "KP-0093"]
    assert result.segments[2].observation == "another sender and invoice number"
    assert result.segments[1].type == "invoice"
    assert result.usage.calls == 1 and result.usage.total_tokens > 0
    sent = fake.requests[0]
    schema = sent["response_format"]["json_schema"]["schema"]
    item = schema["properties"]["segments"]["items"]
    assert item["properties"]["class_id"]["enum"] == ["agreement", "bill"]
    system, user = (m["content"] for m in sent["messages"])
    assert "Cut per invoice." in system
    assert 'printed_number="Page 1 of 1"' in user and "identifier key: invoice number" in user
    assert user.count("<page ") == 4 and "INV-5521" in user


def test_llm_answer_is_repaired_and_ungrounded_identifiers_dropped(doc: ParsedDocument) -> None:
    answer = [  # out of order, a gap (page 2), an overlap, an invented identifier, a type name
        _seg("invoice", 3, 4, "INV-9999"),
        _seg("agreement", 1, 1),
        _seg("bill", 4, 7, "KP-0093"),
    ]
    with serve(FakeLLM(answer=_answer(answer))) as fake:
        result = split_document(doc, CLASSES, splitter=_llm(fake))
    assert spans(result) == [(1, 2, "agreement"), (3, 3, "bill"), (4, 4, "bill")]
    assert [s.identifier for s in result.segments] == ["", "", "KP-0093"]
    assert all("adjusted" in s.observation for s in result.segments)


@pytest.mark.parametrize(
    "answer",
    [
        {"segments": []},
        {"segments": [_seg("letter", 1, 4)]},
        {"segments": [{"class_id": "bill"}]},
        {"segments": [_seg("bill", 7, 9)]},
        {"nothing": 1},
    ],
)
def test_unusable_llm_answers_are_provider_errors(doc: ParsedDocument, answer: Any) -> None:
    with serve(FakeLLM(answer=lambda req: answer)) as fake, pytest.raises(DocketError) as err:
        split_document(doc, CLASSES, splitter=_llm(fake))
    assert err.value.code is ErrorCode.MODEL_PROVIDER_ERROR


def test_llm_retries_then_accepts_fenced_json(doc: ParsedDocument) -> None:
    content = "```json\n" + json.dumps({"segments": [_seg("agreement", 1, 4)]}) + "\n```"
    fake = FakeLLM(answer=lambda req: content, failures=[503], raw_content=True)
    with serve(fake):
        result = split_document(doc, CLASSES, splitter=_llm(fake))
    assert spans(result) == [(1, 4, "agreement")]
    assert len(fake.requests) == 2


def test_blank_and_single_page_files_give_one_covering_segment() -> None:
    for docs in ([Doc("blank"), Doc("blank")], [Doc("report", 1, "Note", "", numbering="")]):
        doc = parsed(docs)
        result = split_document(doc, CLASSES)
        assert [(s.start_page, s.end_page) for s in result.segments] == [(1, len(doc.pages))]
