"""The offline splitter on generated multi-document PDFs whose truth is known by construction."""

from __future__ import annotations

import pytest

from docket.domain.classification import ClassifyOptions, DocumentClass, SplitResult
from docket.domain.document import ParsedDocument
from docket.engines.classify.offline import OfflineClassifier
from docket.engines.split.offline import OfflineSplitter
from docket.engines.split.segments import coverage_problem
from tests.engines.split.multidoc import A4, LETTER, Doc, parsed, truth

CLASSES = [
    DocumentClass(id="contract", type="Agreement", description="a legal contract between parties"),
    DocumentClass(
        id="invoice",
        type="Invoice",
        description="a bill with line items and a total due",
        identifier_key="invoice number",
    ),
    DocumentClass(id="report", type="Government report", description="official statistics"),
    DocumentClass(id="article", type="Research paper", description="a scientific article"),
]


def split(doc: ParsedDocument) -> SplitResult:
    result = OfflineSplitter(OfflineClassifier()).split(doc, CLASSES, ClassifyOptions())
    pages = [p.number for p in doc.pages]
    assert coverage_problem(result.segments, pages) is None
    return result


def cuts(result: SplitResult) -> list[tuple[int, int, str]]:
    return [(s.start_page, s.end_page, s.class_id) for s in result.segments]


def test_numbering_restarts_and_class_changes_cut_the_file() -> None:
    docs = [
        Doc("contract", 3, "Mutual Non-Disclosure Agreement", "Acme Holdings Ltd", seed=1),
        Doc("invoice", 1, "INVOICE", "Blue Harbour Supplies", number="INV-20417", seed=2),
        Doc("report", 2, "Annual Labour Market Report", "Office for Statistics", seed=3),
    ]
    result = split(parsed(docs))
    assert cuts(result) == truth(docs)
    restart = result.segments[2].observation
    assert "Cut before page 5" in restart and "numbering restarts" in restart
    assert result.segments[1].identifier == "INV-20417"


def test_two_invoices_in_a_row_stay_two_documents() -> None:
    words = ["Cables", "Brackets", "Fuses"]
    docs = [
        Doc("invoice", 2, "INVOICE", "Blue Harbour Supplies", number="INV-1001", words=words),
        Doc("invoice", 2, "INVOICE", "Blue Harbour Supplies", number="INV-1002", words=words),
    ]
    result = split(parsed(docs))
    assert cuts(result) == [(1, 2, "invoice"), (3, 4, "invoice")]
    assert [s.identifier for s in result.segments] == ["INV-1001", "INV-1002"]


def test_same_invoice_number_on_both_pages_keeps_them_together() -> None:
    docs = [Doc("invoice", 2, "INVOICE", "Blue Harbour Supplies", number="INV-77", numbering="")]
    result = split(parsed(docs))
    assert cuts(result) == [(1, 2, "invoice")]


def test_blank_separator_pages_cut_unnumbered_documents() -> None:
    docs = [
        Doc("contract", 2, "Services Agreement", "", numbering="", seed=4, words=["Orion"]),
        Doc("blank"),
        Doc("contract", 2, "Consulting Agreement", "", numbering="", seed=5, words=["Vega"]),
    ]
    result = split(parsed(docs))
    assert cuts(result) == [(1, 3, "contract"), (4, 5, "contract")]
    assert "blank separator page 3" in result.segments[1].observation


def test_letterhead_and_page_size_change_without_numbering() -> None:
    docs = [
        Doc("report", 2, "Regional Housing Statistics", "Ministry of Housing", numbering="",
            size=A4, seed=6),
        Doc("article", 2, "Sparse Signal Recovery", "", numbering="", size=LETTER, seed=7),
    ]  # fmt: skip
    result = split(parsed(docs))
    assert cuts(result) == [(1, 2, "report"), (3, 4, "article")]
    assert "page size changes" in result.segments[1].observation


def test_an_unnumbered_signature_page_stays_with_its_contract() -> None:
    docs = [
        Doc("contract", 3, "Supply Agreement", "", numbering="", seed=9, signature_page=True),
        Doc("report", 2, "Annual Labour Market Report", "Office for Statistics", numbering="",
            size=A4, seed=10),
    ]  # fmt: skip
    result = split(parsed(docs))
    assert cuts(result) == [(1, 3, "contract"), (4, 5, "report")]


def test_a_single_document_is_one_segment() -> None:
    docs = [Doc("contract", 4, "Master Supply Agreement", "Acme Holdings Ltd", seed=8)]
    result = split(parsed(docs))
    assert cuts(result) == [(1, 4, "contract")]
    assert result.segments[0].observation.startswith("Starts the file")
    assert 0.0 < result.segments[0].confidence <= 1.0


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_random_files_are_always_contiguous_and_covering(seed: int) -> None:
    import random

    rng = random.Random(seed)
    kinds = ["contract", "invoice", "report", "article", "blank"]
    docs = []
    for k in range(rng.randint(2, 5)):
        kind = rng.choice(kinds if docs and docs[-1].kind != "blank" else kinds[:-1])
        docs.append(
            Doc(kind, rng.randint(1, 3), f"Title {k}", f"Company {k}", number=f"N-{k}0{seed}",
                numbering=rng.choice(["", "Page {i} of {n}", "{i}"]), seed=seed * 10 + k)
        )  # fmt: skip
    split(parsed(docs))  # the coverage check is inside
