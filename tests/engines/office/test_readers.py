"""Golden-file tests: generated Office/web/text documents → exact markdown and typed blocks."""

from __future__ import annotations

from office_fixtures import HTML, MARKDOWN, make_docx, make_pptx, make_xlsx

from docket.domain.document import BlockType, ParsedDocument
from docket.domain.parse_options import ParseOptions, TableFormat
from docket.pipeline.parse import parse_document


def _types(doc: ParsedDocument) -> list[tuple[str, int]]:
    return [(b.type.value, b.page) for b in doc.blocks]


def test_docx_structure_golden() -> None:
    doc = parse_document(make_docx())
    assert doc.page_count == 2
    assert doc.markdown == (
        "# Annual Report\n\n# Introduction\n\nRevenue grew by 12 percent.\n\n- first point\n\n"
        "- nested point\n\n| Region |  | Total |\n|---|---|---|\n| North | Q1 | 10 |\n"
        "|  | Q2 | 20 |\n\n## Appendix\n\nSecond page text."
    )
    assert _types(doc)[0] == ("header", 1)
    assert _types(doc)[-1] == ("footer", 2)
    nested = next(b for b in doc.blocks if b.text.endswith("nested point"))
    first = next(b for b in doc.blocks if b.text.endswith("first point"))
    assert nested.bbox.left > first.bbox.left  # nesting depth kept as indentation
    table = next(b.table for b in doc.blocks if b.table is not None)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in table.cells}
    assert spans[(0, 0)] == (1, 2) and spans[(1, 0)] == (2, 1)
    assert (0, 1) not in spans and (2, 0) not in spans


def test_docx_table_as_html_keeps_spans() -> None:
    doc = parse_document(make_docx(), ParseOptions(table_format=TableFormat.HTML))
    html = next(b.content for b in doc.blocks if b.type is BlockType.TABLE)
    assert '<th colspan="2">Region</th>' in html
    assert '<td rowspan="2">North</td>' in html


def test_xlsx_sheets_are_sections_and_hidden_sheets_skipped() -> None:
    doc = parse_document(make_xlsx())
    assert [p.number for p in doc.pages] == [1, 2]
    assert "## Sales\n\n| Item | Qty | Price |\n|---|---|---|\n| Apple | 3 | 0.5 |" in doc.markdown
    assert "## Notes\n\n| Key | Value |\n|---|---|\n| owner | Ops |" in doc.markdown
    assert "hidden value" not in doc.markdown
    sales = next(b.table for b in doc.blocks if b.table is not None)
    merged = next(c for c in sales.cells if c.text == "Merged note")
    assert (merged.row_span, merged.col_span) == (1, 3)


def test_pptx_one_page_per_slide_with_real_geometry() -> None:
    doc = parse_document(make_pptx())
    assert [(p.number, p.width, p.height) for p in doc.pages] == [
        (1, 720.0, 540.0),
        (2, 720.0, 540.0),
    ]
    assert doc.markdown == (
        "# Quarterly review\n\n- Revenue up\n\n- Costs flat\n\n"
        "Speaker notes: Mention the hiring plan\n\n# Numbers\n\n| Summary |  |\n|---|---|\n"
        "| cash | 100 |\n| debt | 40 |\n\nSource: ledger"
    )
    source = next(b for b in doc.blocks if b.text == "Source: ledger")
    assert (source.bbox.left, source.bbox.top) == (72.0, 360.0)  # 1 in, 5 in from the corner


def test_html_semantics_and_dropped_scripts() -> None:
    doc = parse_document(HTML)
    assert doc.mime_type == "text/html"
    md = doc.markdown
    assert md.startswith("# Price list\n\nPrices valid until June.\n\n- Delivery free")
    assert "evil" not in md and "color:red" not in md and "enable js" not in md
    assert "| Chair | EUR | 40 |\n|  | USD | 44 |" in md
    fig = next(b for b in doc.blocks if b.type is BlockType.FIGURE)
    assert fig.text == "Company logo"
    nested = next(b for b in doc.blocks if b.text.endswith("within 30 days"))
    assert nested.type is BlockType.LIST_ITEM and nested.bbox.left > 54.0


def test_markdown_golden() -> None:
    doc = parse_document(MARKDOWN)
    assert doc.mime_type == "text/markdown"
    assert doc.markdown == (
        "# Setup guide\n\nInstall the tool first.\n\n## Steps\n\n- download\n\n- run\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )


def test_csv_tsv_and_plain_text() -> None:
    csv_doc = parse_document(b"name,qty\nfoo,1\nbar,2\n")
    assert csv_doc.mime_type == "text/csv"
    assert csv_doc.markdown == "| name | qty |\n|---|---|\n| foo | 1 |\n| bar | 2 |"
    tsv_doc = parse_document(b"a\tb\tc\n1\t2\t3\n4\t5\t6\n")
    assert tsv_doc.mime_type == "text/tab-separated-values"
    assert tsv_doc.blocks[0].table is not None and tsv_doc.blocks[0].table.cols == 3
    txt = parse_document(b"Just some words.\n\nAnother paragraph.\fThird page.")
    assert txt.mime_type == "text/plain"
    assert [(b.text, b.page) for b in txt.blocks] == [
        ("Just some words.", 1),
        ("Another paragraph.", 1),
        ("Third page.", 2),
    ]


def test_legacy_xls_golden() -> None:
    import datetime as dt
    import io

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Orders")
    sheet.write(0, 0, "Order")
    sheet.write(0, 1, "Date")
    sheet.write(0, 2, "Paid")
    sheet.write(1, 0, 1001)
    sheet.write(1, 1, dt.date(2024, 5, 17), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    sheet.write(1, 2, True)
    sheet.write_merge(2, 2, 0, 2, "All orders shipped")
    out = io.BytesIO()
    book.save(out)
    doc = parse_document(out.getvalue())
    assert doc.mime_type == "application/vnd.ms-excel"
    assert doc.markdown.startswith(
        "## Orders\n\n| Order | Date | Paid |\n|---|---|---|\n| 1001 | 2024-05-17 | TRUE |"
    )
    table = next(b.table for b in doc.blocks if b.table is not None)
    merged = next(c for c in table.cells if c.text == "All orders shipped")
    assert (merged.row, merged.col_span) == (2, 3)


def test_docx_ordered_lists_keep_their_numbers() -> None:
    import io

    import docx
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    d = docx.Document()
    for item in ("mix", "bake", "serve"):
        d.add_paragraph(item, style="List Number")
    d.add_paragraph("a note")
    # A paragraph numbered directly (numPr on the paragraph, as Word writes it), sharing the
    # numbering definition the "List Number" style points to.
    style_num = d.styles["List Number"].element.pPr.numPr.numId.val
    p = d.add_paragraph("clean up")
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    num_id = OxmlElement("w:numId")
    num_id.set(qn("w:val"), str(style_num))
    num_pr.append(ilvl)
    num_pr.append(num_id)
    p._p.get_or_add_pPr().append(num_pr)
    out = io.BytesIO()
    d.save(out)
    doc = parse_document(out.getvalue())
    assert doc.markdown == "1. mix\n\n2. bake\n\n3. serve\n\na note\n\n1. clean up"


def test_docx_picture_is_a_figure_with_its_alt_text() -> None:
    import io

    import docx
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(png, "PNG")
    d = docx.Document()
    d.add_paragraph("Before the chart.")
    d.add_picture(io.BytesIO(png.getvalue()))
    d.inline_shapes[0]._inline.docPr.set("descr", "Revenue by region, 2025")
    d.add_paragraph("After the chart.")
    out = io.BytesIO()
    d.save(out)
    doc = parse_document(out.getvalue())
    assert [(b.type.value, b.text) for b in doc.blocks] == [
        ("text", "Before the chart."),
        ("figure", "Revenue by region, 2025"),
        ("text", "After the chart."),
    ]


def test_xlsx_formulas_come_out_as_their_saved_values() -> None:
    import io
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Qty", "Price", "Total"])
    ws.append([3, 2.5, "=A2*B2"])
    raw = io.BytesIO()
    wb.save(raw)
    # openpyxl writes no cached results; give the formula the value a spreadsheet app saves
    src = zipfile.ZipFile(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b"<f>A2*B2</f><v></v>" in body
                body = body.replace(b"<f>A2*B2</f><v></v>", b"<f>A2*B2</f><v>7.5</v>")
            z.writestr(info, body)
    doc = parse_document(out.getvalue())
    assert "| Qty | Price | Total |\n|---|---|---|\n| 3 | 2.5 | 7.5 |" in doc.markdown
    assert "A2*B2" not in doc.markdown
