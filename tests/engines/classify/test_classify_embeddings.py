"""The packaged static MiniLM table: it loads offline, relates words by meaning, and lets the
classifier match a class to a page that shares none of its words."""

from __future__ import annotations

import pytest

from docket.domain.classification import ClassifyOptions, DocumentClass
from docket.engines.classify.embeddings import TABLE, StaticEmbeddings, default_embeddings
from docket.engines.classify.offline import Calibration, OfflineClassifier
from docket.pipeline.classify import classify_document
from tests.engines.classify.documents import RECIPE, parsed


@pytest.fixture(scope="module")
def emb() -> StaticEmbeddings:
    assert TABLE.exists(), "the distilled table ships inside the package"
    table = default_embeddings()
    assert table is not None
    return table


def test_words_are_related_by_meaning(emb: StaticEmbeddings) -> None:
    def sim(a: str, b: str) -> float:
        return emb.similarity(emb.embed(a), emb.embed(b))

    assert sim("receipt", "cash payment") > sim("receipt", "banana orchard") + 0.2
    assert sim("contract", "agreement") > sim("contract", "telescope")
    assert sim("research paper", "experiment results theorem") > sim("research paper", "cashier")


def test_text_without_known_words_embeds_to_zero(emb: StaticEmbeddings) -> None:
    assert not emb.embed("").any()
    assert not emb.embed("12345 ### qqqzzzxxv").any()
    assert not emb.embed("invoice").any()  # not a whole word of MiniLM's vocabulary: skipped
    v = emb.embed("Quarterly sales report")
    assert abs(float((v * v).sum()) - 1.0) < 1e-4


def test_meaning_alone_picks_a_class_with_no_shared_word(emb: StaticEmbeddings) -> None:
    classes = [
        DocumentClass(id="f", type="Cookery", description="Dishes, food and kitchen"),
        DocumentClass(id="b", type="Bank statement", description="Account transactions"),
        DocumentClass(id="l", type="Legal agreement", description="Terms signed by parties"),
    ]
    only_meaning = OfflineClassifier(
        Calibration(lexical=0.0, layout=0.0, embedding=10.0, meaning_needs_words=False),
        embeddings=emb,
    )
    res = classify_document(parsed(RECIPE), classes, ClassifyOptions(), only_meaning)
    assert res.class_id == "f"
    assert any(e.text.startswith("overall wording") for e in res.evidence)


def test_the_embedding_engine_is_selected_by_name() -> None:
    from docket.pipeline.classify import select_classifier

    engine = select_classifier("docket-offline-embed")
    assert isinstance(engine, OfflineClassifier) and engine.embeddings is not None
    assert engine.name == "offline-embed"
    res = classify_document(parsed(RECIPE), [DocumentClass(id="a", type="recipe")], None, engine)
    assert res.engine == "offline-embed"
    assert select_classifier(None).embeddings is None  # type: ignore[attr-defined]
