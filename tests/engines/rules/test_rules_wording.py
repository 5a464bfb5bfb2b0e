"""Key-value layouts under reworded schemas, on generated PDFs (reportlab) and plain text.

Each case names its fields differently from the printed labels (synonyms, camelCase, kebab
keys, descriptions that explain rather than name) so that only generic matching can pass.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from docket.domain.document import ParsedDocument
from docket.engines.rules.extractor import RulesExtractor
from docket.engines.rules.labels import label_score, make_field, tokens
from docket.pipeline.parse import parse_document
from docket.pipeline.schema import normalise_schema

Run = tuple[str, float, float]


def _s(kind: str = "string", **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _schema(**props: dict[str, Any]) -> dict[str, Any]:
    return normalise_schema({"type": "object", "properties": props})


def _pdf(runs: list[Run]) -> ParsedDocument:
    """A one-page PDF with each (text, x, y-from-top) drawn in 10 pt Helvetica."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 10)
    for text, x, y in runs:
        c.drawString(x, A4[1] - y, text)
    c.save()
    return parse_document(buf.getvalue())


def _text(body: str) -> ParsedDocument:
    return parse_document(body.encode())


def _extract(doc: ParsedDocument, **props: dict[str, Any]) -> Any:
    return RulesExtractor().extract(doc, _schema(**props))


def test_label_and_value_on_one_line_in_plain_text() -> None:
    doc = _text(
        "INVOICE\nBill to: Acme Corp\nInvoice date: 3 March 2024\nAmount payable: EUR 1,250.00\n"
    )
    out = _extract(
        doc,
        customer=_s(description="who is billed"),
        whenIssued=_s(description="date the invoice was made out", format="date"),
        amount_owed=_s("number", description="what the customer has to pay"),
    )
    assert out.value == {
        "customer": "Acme Corp",
        "whenIssued": "2024-03-03",
        "amount_owed": 1250.0,
    }
    assert out.metadata["customer"].citations[0].reference_text == "Acme Corp"


def test_stacked_labels_in_a_header_row_take_the_value_below() -> None:
    doc = _pdf(
        [
            ("Seller", 50, 60),
            ("Northwind Traders Ltd", 50, 74),
            ("Payee", 300, 60),
            ("Globex GmbH", 300, 74),
        ]
    )
    out = _extract(doc, merchant=_s(description="the business that sold the goods"))
    # "Payee" is the next header of the row, not the seller's name
    assert out.value["merchant"] == "Northwind Traders Ltd"
    assert out.metadata["merchant"].citations[0].reference_text == "Northwind Traders Ltd"


def test_value_left_of_its_label_is_not_taken() -> None:
    doc = _pdf(
        [
            ("Total due", 50, 60),
            ("1,234.50 EUR", 150, 60),
            ("Reference", 50, 80),
            ("INV-2024-0042", 150, 80),
            ("99.00", 50, 100),
            ("Subtotal", 150, 100),
        ]
    )
    out = _extract(
        doc,
        totalAmount=_s("number"),
        invoiceRef=_s(),
        subtotal=_s("number", description="amount before tax"),
    )
    assert out.value["totalAmount"] == 1234.5
    assert out.value["invoiceRef"] == "INV-2024-0042"
    # 99.00 precedes "Subtotal" and "Total due" names another amount: nothing is found
    assert out.value["subtotal"] is None


def test_table_rows_with_paraphrased_columns() -> None:
    rows = [("Article", "Pcs", "Price each", "Line total")] + [
        (f"Gadget {i}", str(i), f"{i * 3}.50", f"{i * (i * 3 + 0.5):.2f}") for i in range(1, 4)
    ]
    doc = _pdf(
        [(t, 50 + c * 120, 100 + r * 16) for r, row in enumerate(rows) for c, t in enumerate(row)]
    )
    item = {
        "type": "object",
        "properties": {
            "product": _s(description="what was sold"),
            "count": _s("number", description="how many"),
            "unitCost": _s("number"),
            "lineTotal": _s("number"),
        },
    }
    out = _extract(doc, soldItems={"type": "array", "items": item})
    assert out.value["soldItems"] == [
        {"product": "Gadget 1", "count": 1.0, "unitCost": 3.5, "lineTotal": 3.5},
        {"product": "Gadget 2", "count": 2.0, "unitCost": 6.5, "lineTotal": 13.0},
        {"product": "Gadget 3", "count": 3.0, "unitCost": 9.5, "lineTotal": 28.5},
    ]
    assert out.metadata["soldItems[1].unitCost"].citations[0].reference_text == "6.50"


def test_lone_text_property_reads_the_unnamed_leftmost_column() -> None:
    rows = [("Designation", "Quantity", "Prix unitaire")] + [
        (f"Widget {c}", str(i), f"{i}0.00") for i, c in enumerate("ABC", start=1)
    ]
    doc = _pdf(
        [(t, 50 + c * 140, 100 + r * 16) for r, row in enumerate(rows) for c, t in enumerate(row)]
    )
    item = {
        "type": "object",
        "properties": {"what": _s(), "howMany": _s("number"), "priceEach": _s("number")},
    }
    out = _extract(doc, rows={"type": "array", "items": item})
    assert [r["what"] for r in out.value["rows"]] == ["Widget A", "Widget B", "Widget C"]
    assert [r["priceEach"] for r in out.value["rows"]] == [10.0, 20.0, 30.0]


def test_nested_objects_read_under_their_own_heading() -> None:
    doc = _pdf(
        [
            ("Vendor", 50, 60),
            ("Name: Initech LLC", 50, 74),
            ("Address: 1 Infinite Loop, Cupertino", 50, 88),
            ("Customer", 300, 60),
            ("Name: Hooli Inc", 300, 74),
            ("Address: 9 Main Road, Palo Alto", 300, 88),
        ]
    )
    party = {"type": "object", "properties": {"name": _s(), "address": _s()}}
    out = _extract(doc, vendor=party, buyer=party)
    assert out.value["vendor"] == {"name": "Initech LLC", "address": "1 Infinite Loop, Cupertino"}
    assert out.value["buyer"] == {"name": "Hooli Inc", "address": "9 Main Road, Palo Alto"}
    assert out.metadata["buyer.name"].citations[0].reference_text == "Hooli Inc"


def test_checkboxes_and_enums_from_descriptions() -> None:
    doc = _pdf(
        [
            ("Delivery: [x] Express   [ ] Standard", 50, 60),
            ("Paid by card: [x]", 50, 80),
            ("Newsletter: [ ]", 50, 100),
        ]
    )
    out = _extract(
        doc,
        speed=_s(enum=["express", "standard", None], description="delivery option"),
        cardPayment=_s("boolean", description="whether it was paid by card"),
        optIn=_s("boolean", description="subscribed to the newsletter"),
    )
    assert out.value == {"speed": "express", "cardPayment": True, "optIn": False}


def test_contract_fields_in_prose_and_key_values() -> None:
    doc = _text(
        "MUTUAL NON-DISCLOSURE AGREEMENT\n"
        "Agreement date: 1 July 2023\n"
        "This Agreement shall be governed by the laws of the State of New York.\n"
        "The obligations of this Agreement shall remain in force for a period of three (3) "
        "years.\n"
    )
    out = _extract(
        doc,
        **{
            "agreement-date": _s(description="as of when the agreement is in force", format="date"),
            "choice-of-law": _s(description="the state whose laws the contract is construed under"),
        },
    )
    assert out.value["agreement-date"] == "2023-07-01"
    assert out.value["choice-of-law"] == "New York"


def test_thesaurus_inflections_and_description_vetoes() -> None:
    customer = make_field("customer", "customer", _s(description="who is billed"))
    assert label_score(customer, tokens("Bill to")) >= 0.6
    assert tokens("owes taxes billed") == ("owe", "taxes", "billed")
    # a description cannot vouch for a label that names another concept than the field
    sub = make_field("subtotal", "subtotal", _s("number", description="amount before tax"))
    assert label_score(sub, tokens("Total due")) < 0.5
    assert label_score(sub, tokens("Sub total")) >= 0.5
