"""Regenerate examples/sample.pdf: a two-page invoice-like document with a header, footer,
headings, a key-value block, a list and a ruled table (needs the dev extra: reportlab)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def _furniture(canvas, doc) -> None:  # type: ignore[no-untyped-def]
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawString(72, LETTER[1] - 40, "Acme Robotics Ltd. — Confidential")
    canvas.drawRightString(LETTER[0] - 72, 30, f"Page {doc.page}")
    canvas.restoreState()


def build(path: Path) -> None:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    story = [
        Paragraph("Invoice INV-2026-0042", styles["Title"]),
        Paragraph("Invoice date: 12 March 2026", body),
        Paragraph("Due date: 11 April 2026", body),
        Paragraph("Bill to: Globex Corporation, 42 Main Street, Springfield", body),
        Spacer(1, 12),
        Paragraph("Line items", styles["Heading2"]),
    ]
    rows = [["Description", "Qty", "Unit price", "Amount"]]
    rows += [
        ["Servo motor SM-200", "4", "$120.00", "$480.00"],
        ["Controller board CB-7", "2", "$310.50", "$621.00"],
        ["Assembly service (hours)", "6", "$85.00", "$510.00"],
        ["Total", "", "", "$1,611.00"],
    ]
    table = Table(rows, colWidths=[220, 50, 90, 90])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [table, Spacer(1, 18), Paragraph("Payment terms", styles["Heading2"])]
    story.append(
        ListFlowable(
            [
                Paragraph("Payment is due within 30 days of the invoice date.", body),
                Paragraph("Late payments accrue interest of 1.5% per month.", body),
                Paragraph("Please quote the invoice number with your payment.", body),
            ],
            bulletType="bullet",
        )
    )
    story.append(Paragraph("Notes", styles["Heading2"]))
    text = (
        "Thank you for your business. The goods listed above were delivered to the address "
        "on file and inspected on arrival. Any discrepancy must be reported within seven days. "
    )
    for _ in range(14):
        story.append(Paragraph(text * 2, body))
    SimpleDocTemplate(str(path), pagesize=LETTER, title="Sample invoice").build(
        story, onFirstPage=_furniture, onLaterPages=_furniture
    )


if __name__ == "__main__":
    build(Path(__file__).with_name("sample.pdf"))
