"""Multi-document PDFs drawn by reportlab with the truth known by construction.

A file is a list of documents (each a list of pages) and optional blank separator pages; every
document has its own vocabulary, layout and (optionally) page numbering, like real merged scans.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from docket.domain.document import ParsedDocument
from docket.pipeline.parse import parse_document

LETTER = (612.0, 792.0)
A4 = (595.0, 842.0)

TOPICS = {
    "contract": (
        "The Receiving Party shall hold the Confidential Information in strict confidence and "
        "shall not disclose it to any third party without the prior written consent of the "
        "Disclosing Party. This Agreement shall be governed by the laws of the State. Each "
        "party represents that it has full power to enter into this Agreement. The obligations "
        "survive termination for a period of three years. Remedies include injunctive relief."
    ),
    "report": (
        "The ministry collected survey responses from regional offices during the fiscal year. "
        "Unemployment fell in most districts while housing completions rose. The tables below "
        "summarise expenditure by programme and the statistics office notes revisions to the "
        "population estimates. Recommendations for the next budget cycle follow the findings."
    ),
    "article": (
        "We propose a variational method for the estimation of sparse signals. Theorem two "
        "establishes convergence under mild assumptions on the operator, and the experiments "
        "compare the algorithm with gradient baselines. Related work on compressed sensing and "
        "lemma three bound the error; the proof appears in the appendix with the simulations."
    ),
}


SIGNATURES = [
    "IN WITNESS WHEREOF the parties have signed below.",
    "By: ______________________   By: ______________________",
    "Name: Jane Holloway          Name: Marcus Feld",
    "Title: Director              Title: Chief Executive",
    "Date: 14 May 2024            Date: 14 May 2024",
]


@dataclass
class Doc:
    kind: str  # contract | report | article | invoice | blank
    pages: int = 1
    title: str = ""
    company: str = ""
    number: str = ""  # invoice number
    numbering: str = "Page {i} of {n}"  # "" for none
    size: tuple[float, float] = LETTER
    seed: int = 0
    words: list[str] = field(default_factory=list)  # extra vocabulary of this document
    signature_page: bool = False  # the last page holds only the signature block


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return [*lines, cur] if cur else lines


def _body(doc: Doc, page: int) -> str:
    rng = random.Random(f"{doc.seed}-{doc.kind}-{page}")
    base = TOPICS.get(doc.kind, TOPICS["report"]).split(". ")
    rng.shuffle(base)
    extra = " ".join(rng.choice(doc.words) for _ in range(30)) if doc.words else ""
    return ". ".join(base) + ". " + extra


def draw(docs: list[Doc]) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, pageCompression=0)
    for doc in docs:
        for i in range(1, max(1, doc.pages) + 1):
            w, h = doc.size
            c.setPageSize(doc.size)
            if doc.kind != "blank":
                _page(c, doc, i, w, h)
            c.showPage()
    c.save()
    return buf.getvalue()


def _page(c: object, doc: Doc, i: int, w: float, h: float) -> None:
    y = h - 60
    if doc.company:
        c.setFont("Helvetica", 8)  # type: ignore[attr-defined]
        c.drawString(56, h - 30, f"{doc.company} - {doc.title}")  # type: ignore[attr-defined]
    if i == 1:
        if doc.company:
            c.setFont("Helvetica-Bold", 13)  # type: ignore[attr-defined]
            c.drawString(56, y, doc.company)  # type: ignore[attr-defined]
            y -= 34
        c.setFont("Helvetica-Bold", 22)  # type: ignore[attr-defined]
        c.drawString(56, y, doc.title)  # type: ignore[attr-defined]
        y -= 36
    c.setFont("Helvetica", 10)  # type: ignore[attr-defined]
    if doc.signature_page and i == doc.pages and i > 1:
        for line in SIGNATURES:
            c.drawString(56, y, line)  # type: ignore[attr-defined]
            y -= 16
    elif doc.kind == "invoice":
        y = _invoice(c, doc, i, y)
    else:
        for line in _wrap(_body(doc, i), 95)[:34]:
            c.drawString(56, y, line)  # type: ignore[attr-defined]
            y -= 14
    if doc.numbering:
        c.setFont("Helvetica", 8)  # type: ignore[attr-defined]
        said = doc.numbering.format(i=i, n=doc.pages)
        c.drawCentredString(w / 2, 28, said)  # type: ignore[attr-defined]


def _invoice(c: object, doc: Doc, i: int, y: float) -> float:
    rows = [f"Invoice Number: {doc.number}", "Invoice Date: 2024-03-0" + str(doc.seed % 9 + 1)]
    rows += ["Bill To: Northwind Traders, 12 Harbour Road", "Payment terms: 30 days"]
    for r in rows:
        c.drawString(56, y, r)  # type: ignore[attr-defined]
        y -= 16
    y -= 10
    c.drawString(56, y, "Description")  # type: ignore[attr-defined]
    c.drawString(330, y, "Qty")  # type: ignore[attr-defined]
    c.drawString(400, y, "Unit price")  # type: ignore[attr-defined]
    c.drawString(490, y, "Amount")  # type: ignore[attr-defined]
    y -= 16
    rng = random.Random(f"{doc.number}-{i}")
    total = 0.0
    for k in range(8):
        qty, price = rng.randint(1, 9), rng.randint(5, 400) + 0.5
        total += qty * price
        item = rng.choice(doc.words) if doc.words else "Service"
        c.drawString(56, y, f"{item} item {k + 1}")  # type: ignore[attr-defined]
        c.drawString(330, y, str(qty))  # type: ignore[attr-defined]
        c.drawString(400, y, f"{price:.2f}")  # type: ignore[attr-defined]
        c.drawString(490, y, f"{qty * price:.2f}")  # type: ignore[attr-defined]
        y -= 15
    y -= 10
    c.drawString(400, y, "Subtotal")  # type: ignore[attr-defined]
    c.drawString(490, y, f"{total:.2f}")  # type: ignore[attr-defined]
    y -= 15
    c.drawString(400, y, "VAT 20%")  # type: ignore[attr-defined]
    c.drawString(490, y, f"{total * 0.2:.2f}")  # type: ignore[attr-defined]
    y -= 15
    c.drawString(400, y, "Total due")  # type: ignore[attr-defined]
    c.drawString(490, y, f"{total * 1.2:.2f}")  # type: ignore[attr-defined]
    return y - 20


def truth(docs: list[Doc]) -> list[tuple[int, int, str]]:
    """(start, end, kind) per document; a blank page belongs to the document before it."""
    out: list[tuple[int, int, str]] = []
    page = 0
    for doc in docs:
        n = max(1, doc.pages)
        if doc.kind == "blank" and out:
            s, _, k = out[-1]
            out[-1] = (s, page + n, k)
        else:
            out.append((page + 1, page + n, doc.kind))
        page += n
    return out


def parsed(docs: list[Doc]) -> ParsedDocument:
    return parse_document(draw(docs))
