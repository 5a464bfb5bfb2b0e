"""Business documents drawn with reportlab for the classify/split API tests.

Each page is a list of lines; the first line of a document's first page is its title. A packet is
several documents concatenated into one PDF, so the true splits are known by construction.
"""

from __future__ import annotations

import io

INVOICE = [
    [
        "INVOICE",
        "Harbour Office Supplies Ltd, 12 Quay Street, Bristol",
        "Invoice number: INV-20417",
        "Invoice date: 3 March 2025   Due date: 2 April 2025",
        "Bill to: Northwind Traders, 4 Mill Lane, Leeds",
        "Description                 Qty   Unit price   Amount",
        "Printer paper A4 (box)        10        4.50     45.00",
        "Toner cartridge black          2       61.25    122.50",
        "Desk organiser                 3       12.00     36.00",
        "Page 1 of 2",
    ],
    [
        "Invoice INV-20417 (continued)",
        "Stapler heavy duty             1       18.90     18.90",
        "Subtotal                                        222.40",
        "VAT 20%                                          44.48",
        "Total amount due                                266.88",
        "Payment terms: 30 days net. Please pay by bank transfer to",
        "Sort code 20-00-00, account 12345678, quoting the invoice number.",
        "Page 2 of 2",
    ],
]
RECEIPT = [
    [
        "CORNER CAFE",
        "88 High Street, Bath",
        "SALES RECEIPT   Receipt no. 5521",
        "Date: 04/03/2025  Time: 12:41  Till 2  Cashier: Sam",
        "1 x Flat white                    3.20",
        "1 x Cheese toastie                5.80",
        "1 x Orange juice                  2.60",
        "TOTAL                            11.60",
        "CASH                             20.00",
        "CHANGE                            8.40",
        "Thank you for your purchase! Please keep this receipt.",
    ]
]
CONTRACT = [
    [
        "MUTUAL NON-DISCLOSURE AGREEMENT",
        "This Agreement is entered into as of 1 March 2025 by and between",
        "Alpha Robotics Inc. and Beta Analytics LLC (each a Party, together the Parties).",
        "WHEREAS the Parties wish to exchange Confidential Information;",
        "NOW, THEREFORE, the Parties agree as follows:",
        "1. Definitions. Confidential Information means any non-public information",
        "disclosed by one Party to the other, in any form.",
        "2. Obligations. The Receiving Party shall hold the Confidential Information",
        "in strict confidence and shall not disclose it to any third party.",
    ],
    [
        "3. Term. This Agreement shall remain in force for three (3) years.",
        "4. Governing Law. This Agreement shall be governed by the laws of England.",
        "5. Termination. Either Party may terminate this Agreement on thirty days",
        "written notice; clauses 2 and 4 survive termination.",
        "IN WITNESS WHEREOF, the Parties have executed this Agreement.",
        "Signed: ______________ for Alpha Robotics Inc.",
        "Signed: ______________ for Beta Analytics LLC",
    ],
]

CLASSES = [
    {
        "id": "invoice",
        "type": "invoice",
        "description": "A bill from a supplier asking for payment",
    },
    {
        "id": "receipt",
        "type": "receipt",
        "description": "Proof of a purchase already paid at a shop",
    },
    {
        "id": "contract",
        "type": "contract",
        "description": "A legal agreement between parties with clauses and signatures",
    },
]


def pdf(pages: list[list[str]]) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(612.0, 792.0), invariant=1)
    for lines in pages:
        y = 720.0
        for i, line in enumerate(lines):
            big = i == 0
            c.setFont("Helvetica-Bold" if big else "Helvetica", 16 if big else 10)
            c.drawString(72, y, line)
            y -= 28 if big else 16
        c.showPage()
    c.save()
    return buf.getvalue()


def packet(*docs: list[list[str]]) -> bytes:
    """One PDF holding ``docs`` one after the other."""
    return pdf([page for doc in docs for page in doc])
