"""Small Office/web/mail documents written by the real libraries, for golden-file tests."""

from __future__ import annotations

import io
from email.message import EmailMessage


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "ACME Confidential"
    d.sections[0].footer.paragraphs[0].text = "Footer line"
    d.add_heading("Annual Report", 0)
    d.add_heading("Introduction", 1)
    d.add_paragraph("Revenue grew by 12 percent.")
    d.add_paragraph("first point", style="List Bullet")
    d.add_paragraph("nested point", style="List Bullet 2")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "Region"
    t.cell(0, 2).text = "Total"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "North"
    t.cell(1, 1).text = "Q1"
    t.cell(1, 2).text = "10"
    t.cell(2, 1).text = "Q2"
    t.cell(2, 2).text = "20"
    d.add_page_break()
    d.add_heading("Appendix", 2)
    d.add_paragraph("Second page text.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sales"
    ws.append(["Item", "Qty", "Price"])
    ws.append(["Apple", 3, 0.5])
    ws.append(["Pear", 2, 1.25])
    ws["A5"] = "Merged note"
    ws.merge_cells("A5:C5")
    hidden = wb.create_sheet("Secret")
    hidden["A1"] = "hidden value"
    hidden.sheet_state = "hidden"
    second = wb.create_sheet("Notes")
    second["A1"] = "Key"
    second["B1"] = "Value"
    second["A2"] = "owner"
    second["B2"] = "Ops"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_pptx() -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    s = prs.slides.add_slide(prs.slide_layouts[1])
    assert s.shapes.title is not None
    s.shapes.title.text = "Quarterly review"
    body = s.placeholders[1].text_frame
    body.text = "Revenue up"
    p = body.add_paragraph()
    p.text = "Costs flat"
    p.level = 1
    s.notes_slide.notes_text_frame.text = "Mention the hiring plan"  # type: ignore[union-attr]
    s2 = prs.slides.add_slide(prs.slide_layouts[5])
    assert s2.shapes.title is not None
    s2.shapes.title.text = "Numbers"
    tbl = s2.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(4), Inches(2)).table
    tbl.cell(0, 0).merge(tbl.cell(0, 1))
    tbl.cell(0, 0).text = "Summary"
    tbl.cell(1, 0).text = "cash"
    tbl.cell(1, 1).text = "100"
    tbl.cell(2, 0).text = "debt"
    tbl.cell(2, 1).text = "40"
    box = s2.shapes.add_textbox(Inches(1), Inches(5), Inches(3), Inches(1))
    box.text_frame.text = "Source: ledger"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


HTML = b"""<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style>
<script>document.write('evil')</script></head><body>
<h1>Price list</h1><p>Prices valid <b>until</b> June.</p>
<ul><li>Delivery free</li><li>Returns<ul><li>within 30 days</li></ul></li></ul>
<table><tr><th>Item</th><th colspan="2">Cost</th></tr>
<tr><td rowspan="2">Chair</td><td>EUR</td><td>40</td></tr><tr><td>USD</td><td>44</td></tr></table>
<img src="logo.png" alt="Company logo"><noscript>enable js</noscript></body></html>"""

MARKDOWN = b"""# Setup guide

Install the tool first.

## Steps

- download
- run

| a | b |
|---|---|
| 1 | 2 |
"""


def make_eml(attachments: list[tuple[str, str, bytes]]) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Alice <alice@example.com>"
    msg["To"] = "bob@example.com"
    msg["Subject"] = "Invoice 42"
    msg["Date"] = "Mon, 02 Mar 2026 10:00:00 +0000"
    msg.set_content("Hello Bob,\n\nplease find the invoice attached.\n\nAlice")
    for name, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()
