"""classify_document / classify_pages / select_classifier on documents built through the real
layout engine."""

from __future__ import annotations

import pytest

from docket.domain.classification import ClassifyOptions, DocumentClass
from docket.engines.classify.offline import OfflineClassifier
from docket.engines.llm.classifier import LlmClassifier
from docket.engines.llm.openai_compatible import ModelRegistry, ProviderConfig
from docket.errors import ErrorCode, InvalidConfiguration, InvalidRequest
from docket.pipeline.classify import (
    classify_document,
    classify_pages,
    select_classifier,
    validate_classes,
)
from tests.fakes.documents import make_document

INVOICE_PAGE = [
    ("ACME Supplies Ltd", 50, 40),
    ("INVOICE", 250, 80),
    ("Invoice number: INV-2024-0117", 50, 120),
    ("Invoice date: 12 March 2024", 50, 135),
    ("Bill to: Northwind Traders, 4 Harbour Road", 50, 150),
    ("Due date: 11 April 2024", 50, 165),
    ("Description Qty Unit price Amount", 50, 200),
    ("Printer paper 10 4.50 45.00", 50, 215),
    ("Toner cartridge 2 61.25 122.50", 50, 230),
    ("Subtotal 167.50", 300, 260),
    ("VAT 20% 33.50", 300, 275),
    ("Amount due 201.00", 300, 290),
    ("Payment terms: 30 days. Please pay by bank transfer.", 50, 320),
]
CONTRACT_PAGE = [
    ("CONSULTING AGREEMENT", 200, 60),
    ("This Agreement is entered into by and between Alpha Inc. and Beta LLC", 50, 100),
    ("(the parties). WHEREAS the parties wish to set out the terms herein;", 50, 115),
    ("NOW THEREFORE, the parties agree as follows:", 50, 130),
    ("1. Services. The Consultant shall provide the services in Exhibit A.", 50, 160),
    ("2. Term. This Agreement shall terminate one year after the Effective Date.", 50, 180),
    ("3. Confidentiality. Each party shall keep Confidential Information secret.", 50, 200),
    ("4. Governing law. This Agreement is governed by the laws of Delaware.", 50, 220),
    ("IN WITNESS WHEREOF the parties have signed this Agreement.", 50, 260),
]
CLASSES = [
    DocumentClass(id="c1", type="invoice", description="A bill requesting payment"),
    DocumentClass(id="c2", type="contract", description="A legal agreement between parties"),
]


def test_classify_document_picks_the_class_and_explains_it() -> None:
    doc = make_document([INVOICE_PAGE])
    res = classify_document(doc, CLASSES, ClassifyOptions(), OfflineClassifier())
    assert res.class_id == "c1" and res.type == "invoice"
    assert res.confidence > 0.6
    assert "invoice" in res.reasoning.lower()
    assert any(e.page == 1 and "invoice" in e.text.lower() for e in res.evidence)
    assert abs(sum(s.probability for s in res.scores) - 1.0) < 1e-3
    assert res.engine == "offline" and res.seconds >= 0


def test_page_ranges_restrict_the_pages_read() -> None:
    doc = make_document([INVOICE_PAGE, CONTRACT_PAGE])
    first = classify_document(doc, CLASSES, ClassifyOptions(page_ranges=[(1, 1)]))
    second = classify_document(doc, CLASSES, ClassifyOptions(page_ranges=[(2, 2)]))
    assert (first.class_id, second.class_id) == ("c1", "c2")
    assert all(e.page == 2 for e in second.evidence if e.text.lower() == "agreement")
    with pytest.raises(InvalidRequest):
        classify_document(doc, CLASSES, ClassifyOptions(page_ranges=[(3, 1)]))
    with pytest.raises(InvalidRequest):
        classify_document(doc, CLASSES, ClassifyOptions(page_ranges=[(5, 6)]))


def test_classify_pages_gives_one_result_per_page() -> None:
    doc = make_document([INVOICE_PAGE, CONTRACT_PAGE, INVOICE_PAGE])
    results = classify_pages(doc, CLASSES, OfflineClassifier())
    assert [r.class_id for r in results] == ["c1", "c2", "c1"]
    for n, r in enumerate(results, start=1):
        assert r.evidence and all(e.page == n for e in r.evidence)


@pytest.mark.parametrize(
    "classes",
    [
        [],
        [DocumentClass(id="a", type="x"), DocumentClass(id="a", type="y")],
        [DocumentClass(id="a", type="  ")],
        [DocumentClass(id="", type="x")],
    ],
)
def test_bad_class_lists_are_invalid_requests(classes: list[DocumentClass]) -> None:
    with pytest.raises(InvalidRequest) as err:
        validate_classes(classes)
    assert err.value.code is ErrorCode.INVALID_REQUEST
    assert "invalid classifier configuration" in err.value.message


def test_select_classifier() -> None:
    assert isinstance(select_classifier(None), OfflineClassifier)
    assert isinstance(select_classifier("offline"), OfflineClassifier)
    reg = ModelRegistry({"gpt-x": ProviderConfig("http://127.0.0.1:9/v1", "k", "real-x")})
    engine = select_classifier("gpt-x", reg)
    assert isinstance(engine, LlmClassifier) and engine.name == "llm:real-x"
    with pytest.raises(InvalidConfiguration):
        select_classifier("unknown-model", ModelRegistry())
