"""Small real documents for the classifier tests: drawn as PDFs by reportlab, parsed by Docket.

Each page is a list of ``(text, font size)`` lines drawn top-down; ``size`` sets the page size
(a till receipt is narrow and tall). Texts are written for these tests, not taken from any
benchmark.
"""

from __future__ import annotations

import io

from docket.domain.document import ParsedDocument
from docket.pipeline.parse import parse_document

Page = list[tuple[str, float]]


def pdf(pages: list[Page], size: tuple[float, float] = (612.0, 792.0), margin: float = 56) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1)
    for lines in pages:
        y = size[1] - margin
        for text, font in lines:
            c.setFont("Helvetica-Bold" if font > 11 else "Helvetica", font)
            c.drawString(margin if size[0] > 300 else 12, y, text)
            y -= font * 1.5
        c.showPage()
    c.save()
    return buf.getvalue()


def parsed(pages: list[Page], size: tuple[float, float] = (612.0, 792.0)) -> ParsedDocument:
    return parse_document(pdf(pages, size))


INVOICE: list[Page] = [
    [
        ("Brightline Office Supplies GmbH", 14),
        ("Invoice", 20),
        ("Invoice number: 2024-0457", 10),
        ("Invoice date: 3 May 2024", 10),
        ("Bill to: Harbour Logistics, 12 Quay Street, Bristol", 10),
        ("Due date: 2 June 2024", 10),
        ("Description            Qty    Unit price     Amount", 10),
        ("Archive boxes           20          3.10      62.00", 10),
        ("Label printer            1        149.00     149.00", 10),
        ("Subtotal                                     211.00", 10),
        ("VAT 19%                                       40.09", 10),
        ("Amount due                                   251.09", 10),
        ("Payment terms: 30 days net. IBAN DE44 5001 0517 5407 3249 31", 10),
    ]
]
RECEIPT: list[Page] = [
    [
        ("CORNER GROCER", 12),
        ("14 Mill Lane", 8),
        ("Tel 0161 555 0199", 8),
        ("Cashier: Dana   Till 3", 8),
        ("Milk 2L           1.45", 8),
        ("Bread             1.20", 8),
        ("Apples 1kg        2.10", 8),
        ("Coffee beans      6.99", 8),
        ("TOTAL            11.74", 8),
        ("CASH             20.00", 8),
        ("CHANGE            8.26", 8),
        ("Thank you, please come again", 8),
    ]
]
CONTRACT: list[Page] = [
    [
        ("MUTUAL NON-DISCLOSURE AGREEMENT", 16),
        ("This Agreement is entered into by and between Northwind Ltd and Contoso plc", 10),
        ("(each a party). WHEREAS the parties wish to explore a business relationship;", 10),
        ("NOW, THEREFORE, the parties hereby agree as follows:", 10),
        ("1. Confidential Information. Each party shall keep the other's information secret.", 10),
        ("2. Obligations. The recipient shall use it only for the purpose stated herein.", 10),
        ("3. Term. This Agreement shall terminate two years after the Effective Date.", 10),
    ],
    [
        ("4. Governing Law. This Agreement is governed by the laws of England.", 10),
        ("5. Notices. Notices shall be given in writing to the addresses above.", 10),
        ("IN WITNESS WHEREOF the parties have signed this Agreement.", 10),
        ("Signature: ____________          Signature: ____________", 10),
    ],
]
PAPER: list[Page] = [
    [
        ("Sparse Attention for Long Sequences", 16),
        ("Abstract", 12),
        ("We propose a sparse attention model and show that it scales to long inputs.", 10),
        ("In this paper we evaluate the approach on three datasets (Smith et al., 2021).", 10),
        ("1 Introduction", 12),
        ("Prior work [3, 7] approximates attention; we instead learn the sparsity pattern.", 10),
        ("Let x denote the input and define the score as given by Eq. (2).", 10),
        ("Theorem 1. The method is exact when the pattern is dense. Proof: see appendix.", 10),
        ("References", 12),
        ("[1] A. Smith et al. Attention models. Journal of Machine Learning, 2021.", 9),
    ]
]
RECIPE: list[Page] = [
    [
        ("Grandma's Apple Crumble", 16),
        ("Serves four. Preheat the oven to 180 degrees.", 10),
        ("Peel and slice six apples and place them in a buttered dish.", 10),
        ("Rub flour, butter and brown sugar together until it looks like crumbs.", 10),
        ("Scatter the crumble over the fruit and bake for forty minutes until golden.", 10),
        ("Serve warm with custard or cream.", 10),
    ]
]
