from __future__ import annotations

from typing import Any

import pytest

from docket.engines.rules.labels import Kind, label_score, make_field, tokens


def field(key: str, kind: str = "string", **extra: Any) -> Any:
    return make_field(key, key, {"type": [kind, "null"], **extra})


def test_tokens_split_cases_and_compounds() -> None:
    assert tokens("invoiceNumber") == ("invoice", "number")
    assert tokens("due_date") == ("due", "date")
    assert tokens("Rechnungsnummer") == ("rechnung", "nummer")
    assert tokens("Date of the receipt") == ("date", "receipt")


@pytest.mark.parametrize(
    ("key", "node", "kind"),
    [
        ("issued", {"extend:type": "date"}, Kind.DATE),
        ("paid", {"type": ["boolean", "null"]}, Kind.BOOL),
        ("grand_total", {"type": ["number", "null"]}, Kind.AMOUNT),
        ("contact_email", {}, Kind.EMAIL),
        ("shop_location", {}, Kind.ADDRESS),
        ("merchant", {}, Kind.NAME),
        ("notes", {}, Kind.TEXT),
        ("status", {"enum": ["a", None]}, Kind.ENUM),
    ],
)
def test_kinds(key: str, node: dict[str, Any], kind: Kind) -> None:
    full = {"type": ["string", "null"], **node}
    assert make_field(key, key, full).kind is kind


def test_exact_label_beats_qualified_ones() -> None:
    total = field("total")
    exact = label_score(total, tokens("TOTAL"))
    assert exact == 1.0
    assert label_score(total, tokens("SUB TOTAL")) < exact
    # a word naming another concept weighs more than a neutral one
    assert label_score(total, tokens("TOTAL GST")) < label_score(total, tokens("TOTAL SALES"))


def test_synonyms_and_descriptions_carry_paraphrases() -> None:
    paid = field("amount_paid", "number", description="Final sum charged to the customer")
    assert label_score(paid, tokens("Total")) >= 0.6
    bill = field("bill_no", description="Number identifying the bill")
    assert label_score(bill, tokens("Invoice No")) >= 0.8


def test_generic_words_alone_do_not_make_a_label() -> None:
    passport = field("passport_number")
    assert label_score(passport, tokens("Reference")) < 0.5
    assert label_score(passport, tokens("Passport No")) >= 0.8
