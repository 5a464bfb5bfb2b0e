"""``docket parse --overlay`` and ``docket extract`` through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from docket.cli.main import app

runner = CliRunner()

SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": ["string", "null"], "description": "The invoice number"},
        "invoice_date": {"type": ["string", "null"], "extend:type": "date"},
        "bill_to": {"type": ["string", "null"], "description": "Who is billed"},
        "line_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": ["string", "null"]},
                    "qty": {"type": ["number", "null"]},
                    "amount": {"type": ["number", "null"]},
                },
            },
        },
    },
}


@pytest.fixture()
def sample(tmp_path: Path, sample_pdf: bytes) -> Path:
    path = tmp_path / "sample.pdf"
    path.write_bytes(sample_pdf)
    return path


@pytest.fixture()
def schema(tmp_path: Path) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(SCHEMA))
    return path


def test_parse_overlay_writes_one_png_per_page(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "overlays"
    result = runner.invoke(app, ["parse", str(sample), "--overlay", str(out)])
    assert result.exit_code == 0, result.output
    assert "Invoice INV-2026-0042" in result.stdout  # the markdown still comes out
    pngs = sorted(out.glob("*.png"))
    assert [p.name for p in pngs] == ["sample-page-001.png", "sample-page-002.png"]
    for p in pngs:
        w, h = Image.open(p).size
        assert abs(w / h - 612 / 792) < 0.01


def test_parse_overlay_respects_pages(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "two"
    result = runner.invoke(app, ["parse", str(sample), "--pages", "2", "--overlay", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.glob("*.png")] == ["sample-page-002.png"]


def test_extract_prints_grounded_json(sample: Path, schema: Path) -> None:
    result = runner.invoke(app, ["extract", str(sample), "--schema", str(schema)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    (output,) = body["outputs"]
    value = output["value"]
    assert value["invoice_number"] == "INV-2026-0042"
    assert value["invoice_date"] == "2026-03-12"
    assert "Globex Corporation" in value["bill_to"]
    items = value["line_items"]
    assert items[0] == {"description": "Servo motor SM-200", "qty": 4, "amount": 480}
    cite = output["metadata"]["invoice_number"]["citations"][0]
    assert cite["page"] == 1 and cite["reference_text"] == "INV-2026-0042"
    assert len(cite["polygon"]) == 4
    assert body["engine"]


def test_extract_out_file_and_citation_overlay(sample: Path, schema: Path, tmp_path: Path) -> None:
    out, pics = tmp_path / "res" / "result.json", tmp_path / "pics"
    result = runner.invoke(
        app,
        [
            "extract",
            str(sample),
            "--schema",
            str(schema),
            "--out",
            str(out),
            "--overlay",
            str(pics),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    body = json.loads(out.read_text())
    assert body["outputs"][0]["value"]["invoice_number"] == "INV-2026-0042"
    (png,) = pics.glob("*.png")  # only page 1 has citations
    assert png.name == "sample-citations-page-001.png"
    image = Image.open(png).convert("RGB")
    cite = body["outputs"][0]["metadata"]["invoice_number"]["citations"][0]
    xs = [p["x"] for p in cite["polygon"]]
    ys = [p["y"] for p in cite["polygon"]]
    crop = image.crop(
        (round(min(xs) * 2) - 2, round(min(ys) * 2), round(max(xs) * 2) + 3, round(max(ys) * 2))
    )
    pixels = [crop.getpixel((x, y)) for x in range(crop.width) for y in range(crop.height)]
    assert any(max(p) - min(p) > 60 for p in pixels)  # the coloured outline, not grey text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"type": "object", "properties": {"x": {"type": "string"}}}', "INVALID_REQUEST"),
    ],
)
def test_extract_bad_schemas(sample: Path, tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = runner.invoke(app, ["extract", str(sample), "--schema", str(bad)])
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert result.stdout == ""


def test_extract_unreadable_document(schema: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.pdf"), "--schema", str(schema)])
    assert result.exit_code == 1 and "cannot read" in result.output
