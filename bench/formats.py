"""Parse speed per input format on generated documents of realistic size.

Each document is written by the library users would produce it with (python-docx, openpyxl,
python-pptx, stdlib email) and parsed through ``parse_document`` like any upload; prints
seconds per document, pages and blocks. Usage: ``python bench/formats.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def docx_doc() -> bytes:
    import docx

    d = docx.Document()
    for s in range(40):
        d.add_heading(f"Section {s}", 1)
        for p in range(10):
            d.add_paragraph(f"Paragraph {p} of section {s}. " * 6)
        t = d.add_table(rows=6, cols=4)
        for r in range(6):
            for c in range(4):
                t.cell(r, c).text = f"r{r}c{c}"
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def xlsx_doc() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    for s in range(3):
        ws = wb.active if s == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = f"Sheet{s}"
        for r in range(2000):
            ws.append([f"item {r}", r, r * 1.5, "note"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pptx_doc() -> bytes:
    from pptx import Presentation

    prs = Presentation()
    for i in range(50):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        assert slide.shapes.title is not None
        slide.shapes.title.text = f"Slide {i}"
        body = slide.placeholders[1].text_frame
        body.text = "First point"
        for j in range(5):
            body.add_paragraph().text = f"Point {j}"
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def html_doc() -> bytes:
    parts = ["<html><body>"]
    for i in range(300):
        parts.append(
            f"<h2>Part {i}</h2><p>{'Some text here. ' * 20}</p><ul><li>a</li><li>b</li></ul>"
        )
        if i % 10 == 0:
            parts.append("<table>" + "<tr><td>x</td><td>y</td></tr>" * 10 + "</table>")
    parts.append("</body></html>")
    return "".join(parts).encode()


def csv_doc() -> bytes:
    return (
        "id,name,amount\n" + "".join(f"{i},item {i},{i * 1.5}\n" for i in range(20000))
    ).encode()


def eml_doc() -> bytes:
    msg = EmailMessage()
    msg["From"] = "a@example.com"
    msg["To"] = "b@example.com"
    msg["Subject"] = "Report"
    msg.set_content("See attached.\n" * 20)
    msg.add_attachment(docx_doc(), maintype="application", subtype="octet-stream",
                       filename="report.docx")  # fmt: skip
    return msg.as_bytes()


FORMATS: dict[str, Callable[[], bytes]] = {
    "docx": docx_doc,
    "xlsx": xlsx_doc,
    "pptx": pptx_doc,
    "html": html_doc,
    "csv": csv_doc,
    "eml+docx": eml_doc,
}


def main() -> int:
    from docket.pipeline.parse import parse_document

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'format':9s} {'bytes':>9s} {'pages':>5s} {'blocks':>6s} {'s/doc (best)':>12s}")
    for name, make in FORMATS.items():
        data = make()
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            doc = parse_document(data)
            best = min(best, time.perf_counter() - start)
        print(f"{name:9s} {len(data):9d} {doc.page_count:5d} {len(doc.blocks):6d} {best:12.3f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
