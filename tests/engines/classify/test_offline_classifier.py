"""The offline classifier on small real PDFs: right class under several wordings, catch-all
behaviour, calibrated-looking probabilities, evidence that names words and pages."""

from __future__ import annotations

import pytest

from docket.domain.classification import ClassifyOptions, DocumentClass
from docket.domain.document import ParsedDocument
from docket.engines.classify.offline import OfflineClassifier
from docket.engines.classify.profiles import is_other_class
from docket.pipeline.classify import classify_document
from tests.engines.classify.documents import (
    CONTRACT,
    INVOICE,
    PAPER,
    RECEIPT,
    RECIPE,
    Page,
    parsed,
)

PLAIN = [
    DocumentClass(id="inv", type="invoice", description="An invoice requesting payment"),
    DocumentClass(id="rec", type="receipt", description="A receipt from a shop"),
    DocumentClass(id="con", type="contract", description="A legal agreement"),
    DocumentClass(id="art", type="scientific_article", description="A research article"),
]
# Other words for the same four kinds, ids that say nothing.
REWORDED = [
    DocumentClass(id="x1", type="Payment request", description="Supplier asks to be paid"),
    DocumentClass(id="x2", type="Till slip", description="Proof of a purchase at a store"),
    DocumentClass(id="x3", type="Binding deal", description="Terms signed by the parties"),
    DocumentClass(id="x4", type="Scholarly publication", description="Academic study"),
]
DOCS: dict[str, tuple[list[Page], tuple[float, float]]] = {
    "invoice": (INVOICE, (612.0, 792.0)),
    "receipt": (RECEIPT, (200.0, 420.0)),
    "contract": (CONTRACT, (612.0, 792.0)),
    "paper": (PAPER, (612.0, 792.0)),
}
EXPECTED = {"invoice": 0, "receipt": 1, "contract": 2, "paper": 3}


@pytest.fixture(scope="module")
def docs() -> dict[str, ParsedDocument]:
    return {name: parsed(pages, size) for name, (pages, size) in DOCS.items()}


@pytest.mark.parametrize("classes", [PLAIN, REWORDED], ids=["plain", "reworded"])
@pytest.mark.parametrize("name", list(DOCS))
def test_each_kind_is_recognised(
    docs: dict[str, ParsedDocument], name: str, classes: list[DocumentClass]
) -> None:
    res = classify_document(docs[name], classes, ClassifyOptions(), OfflineClassifier())
    want = classes[EXPECTED[name]]
    assert (res.class_id, res.type) == (want.id, want.type), res.reasoning
    assert res.confidence > 0.5
    assert abs(sum(s.probability for s in res.scores) - 1.0) < 1e-3
    top = max(res.scores, key=lambda s: s.probability)
    assert top.class_id == want.id


def test_class_order_does_not_matter(docs: dict[str, ParsedDocument]) -> None:
    eng = OfflineClassifier()
    a = classify_document(docs["invoice"], PLAIN, ClassifyOptions(), eng)
    b = classify_document(docs["invoice"], PLAIN[::-1], ClassifyOptions(), eng)
    assert (a.class_id, a.confidence) == (b.class_id, b.confidence)


def test_evidence_names_the_words_and_pages(docs: dict[str, ParsedDocument]) -> None:
    res = classify_document(docs["contract"], PLAIN, ClassifyOptions(), OfflineClassifier())
    texts = {e.text.lower() for e in res.evidence if e.weight > 0}
    assert {"agreement", "whereas"} <= texts or {"agreement", "hereby"} <= texts
    assert {e.page for e in res.evidence} <= {1, 2}
    assert any(e.page == 2 for e in res.evidence if "witness" in e.text.lower())
    assert "contract" in res.reasoning and "(p. 1)" in res.reasoning
    ranked = [e.weight for e in res.evidence if e.weight > 0]
    assert ranked == sorted(ranked, reverse=True)


def test_a_document_of_no_class_goes_to_the_catch_all(docs: dict[str, ParsedDocument]) -> None:
    recipe = parsed(RECIPE)
    with_other = [*PLAIN, DocumentClass(id="o", type="other", description="Anything else")]
    res = classify_document(recipe, with_other, ClassifyOptions(), OfflineClassifier())
    assert res.class_id == "o"
    assert "No class fitted well" in res.reasoning
    # ...while a fitting document still gets its own class when the catch-all exists.
    inv = classify_document(docs["invoice"], with_other, ClassifyOptions(), OfflineClassifier())
    assert inv.class_id == "inv"


def test_without_a_catch_all_an_unfitting_document_gets_low_confidence(
    docs: dict[str, ParsedDocument],
) -> None:
    recipe = parsed(RECIPE)
    res = classify_document(recipe, PLAIN, ClassifyOptions(), OfflineClassifier())
    fitting = classify_document(docs["paper"], PLAIN, ClassifyOptions(), OfflineClassifier())
    assert res.confidence < 0.5 < fitting.confidence
    assert "Low confidence" in res.reasoning


def test_a_class_outside_the_lexicon_is_matched_by_its_own_words() -> None:
    recipe = parsed(RECIPE)
    classes = [
        PLAIN[0],
        DocumentClass(id="r", type="recipe", description="Cooking instructions: oven, bake"),
    ]
    res = classify_document(recipe, classes, ClassifyOptions(), OfflineClassifier())
    assert res.class_id == "r"
    assert any(e.text.lower() in {"bake", "oven", "preheat"} for e in res.evidence)


def test_instructions_are_read(docs: dict[str, ParsedDocument]) -> None:
    classes = [
        DocumentClass(id="a", type="Type A", description=""),
        DocumentClass(id="b", type="Type B", description=""),
    ]
    eng = OfflineClassifier()
    plain = classify_document(docs["receipt"], classes, ClassifyOptions(), eng)
    told = classify_document(
        docs["receipt"],
        classes,
        ClassifyOptions(instructions="Type B means a till receipt with cash and change."),
        eng,
    )
    assert plain.confidence < 0.6
    assert told.class_id == "b" and told.confidence > plain.confidence


def test_more_evidence_means_more_confidence() -> None:
    weak = parsed([[line for line in INVOICE[0] if "nvoice" not in line[0]]])
    strong = parsed(INVOICE)
    eng = OfflineClassifier()
    a = classify_document(weak, PLAIN, ClassifyOptions(), eng)
    b = classify_document(strong, PLAIN, ClassifyOptions(), eng)
    assert b.class_id == "inv" and b.confidence > a.confidence


@pytest.mark.parametrize(
    ("cls", "other"),
    [
        (DocumentClass(id="1", type="other"), True),
        (DocumentClass(id="1", type="Unknown document"), True),
        (DocumentClass(id="1", type="misc", description="None of the above"), True),
        (DocumentClass(id="1", type="Z", description="Anything else that fits no class"), True),
        (DocumentClass(id="1", type="invoice", description="Invoices, and other bills"), False),
        (DocumentClass(id="1", type="contract"), False),
    ],
)
def test_catch_all_classes_are_recognised(cls: DocumentClass, other: bool) -> None:
    assert is_other_class(cls) is other
