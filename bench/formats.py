"""Parse speed per input format on generated documents of realistic size.

Each document is written by the library users would produce it with (python-docx, openpyxl,
python-pptx, stdlib email) and parsed through ``parse_document`` like any upload; prints
seconds per document, pages and blocks. Usage: ``python bench/formats.py [--repeat N]``.

``--scan-pages N`` instead parses an N-page image-only PDF (four SROIE receipts on Letter
pages, repeated) through OCR and prints the process's peak RSS: run it for 20 and 200 pages to
see that memory does not grow with the page count (pages are rendered and OCR'd one at a time).
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


RECEIPTS = ("045", "066", "105", "580")


def scan_pdf(pages: int) -> bytes:
    """An image-only PDF: SROIE receipts drawn at 300 dpi on Letter pages, no text layer."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    folder = ROOT.parent / "shared" / "data" / "sroie" / "img"
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=letter)
    for i in range(pages):
        from PIL import Image

        path = folder / f"{RECEIPTS[i % len(RECEIPTS)]}.jpg"
        with Image.open(path) as im:
            w, h = im.width * 72 / 300, im.height * 72 / 300
        scale = min(1.0, 540 / w, 720 / h)
        pdf.drawImage(str(path), 36, 756 - h * scale, w * scale, h * scale)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def scan_memory(pages: int, engine: str) -> None:
    import resource

    from docket.domain.parse_options import ParseOptions
    from docket.pipeline.parse import parse_document

    data = scan_pdf(pages)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    doc = parse_document(data, ParseOptions(ocr_engine=engine))  # type: ignore[arg-type]
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ocrd = sum(1 for p in doc.pages if p.ocr)
    print(f"scan PDF {pages} pages ({len(data) / 1e6:.1f} MB), engine {engine}: {ocrd} pages "
          f"OCR'd, {took:.1f} s ({took / pages:.2f} s/page), peak RSS {peak:.0f} MiB "
          f"(before parsing {before:.0f} MiB), {len(doc.blocks)} blocks")  # fmt: skip


def main() -> int:
    from docket.pipeline.parse import parse_document

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scan-pages", type=int, default=0)
    parser.add_argument("--scan-engine", default="tesseract")
    args = parser.parse_args()
    if args.scan_pages:
        scan_memory(args.scan_pages, args.scan_engine)
        return 0
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
