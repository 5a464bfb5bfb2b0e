"""A real ICDAR 2013 page through the whole parse: the table, its box and its cell grid."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from docket.domain.document import BlockType, Table
from docket.domain.geometry import BBox
from docket.domain.parse_options import ParseOptions, TableFormat
from docket.pipeline.parse import parse_document


def _tables(pdf: Path, fmt: TableFormat = TableFormat.MARKDOWN) -> list[tuple[BBox, Table, str]]:
    doc = parse_document(pdf.read_bytes(), ParseOptions(table_format=fmt))
    return [
        (b.bbox, b.table, b.content)
        for c in doc.chunks
        for b in c.blocks
        if b.type is BlockType.TABLE and b.table is not None
    ]


def test_eu_002_table_matches_ground_truth(shared_data: Path) -> None:
    folder = shared_data / "icdar2013-tables" / "eu"
    region = ET.parse(folder / "eu-002-reg.xml").getroot().find(".//bounding-box")
    assert region is not None
    height = 842.0  # A4 media box; ground truth has a bottom-left origin
    x1, y1 = float(region.get("x1", 0)), float(region.get("y1", 0))
    x2, y2 = float(region.get("x2", 0)), float(region.get("y2", 0))
    truth_box = BBox(x1, height - y2, x2, height - y1)
    truth = {
        (int(c.get("start-row", -1)), int(c.get("start-col", -1))): (c.findtext("content") or "")
        for c in ET.parse(folder / "eu-002-str.xml").getroot().iter("cell")
    }

    found = _tables(folder / "eu-002.pdf")
    assert len(found) == 1
    box, table, markdown = found[0]
    assert box.iou(truth_box) >= 0.8
    assert (table.rows, table.cols) == (
        max(r for r, _ in truth) + 1,
        max(c for _, c in truth) + 1,
    )
    got = {(c.row, c.col): c.text for c in table.cells if c.text}
    same = sum(" ".join(got.get(k, "").split()) == " ".join(v.split()) for k, v in truth.items())
    assert same >= 0.95 * len(truth)
    assert markdown.splitlines()[1].startswith("|---|")
    assert any(c.is_header for c in table.cells if c.row == 0)

    html = _tables(folder / "eu-002.pdf", TableFormat.HTML)[0][2]
    assert html.startswith("<table>") and html.count("<tr>") == table.rows
