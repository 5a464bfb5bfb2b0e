"""``docket split`` end to end through typer's runner on reportlab-drawn multi-document PDFs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from typer.testing import CliRunner

from docket.cli.main import app
from tests.engines.split.multidoc import Doc, draw, truth
from tests.fakes.openai_server import FakeLLM, serve

runner = CliRunner()

CLASSES = [
    {"id": "contract", "type": "Agreement", "description": "a legal contract between parties"},
    {
        "id": "invoice",
        "type": "Invoice",
        "description": "a bill with line items and a total due",
        "identifierKey": "invoice number",
    },
    {"id": "report", "type": "Government report", "description": "official statistics"},
]
DOCS = [
    Doc("contract", 3, "Mutual Non-Disclosure Agreement", "Acme Holdings Ltd", seed=1),
    Doc("invoice", 2, "INVOICE", "Blue Harbour Supplies", number="INV-20417", seed=2),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("split")
    merged = root / "merged.pdf"
    merged.write_bytes(draw(DOCS))
    classes = root / "classes.json"
    classes.write_text(json.dumps(CLASSES), encoding="utf-8")
    return {"merged": merged, "classes": classes}


def _texts(path: Path) -> list[str]:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def test_table_lists_the_segments(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["split", str(files["merged"]), "--classes", str(files["classes"])])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if re.match(r"^│ \d", line)]
    assert [row.split("│")[1].strip() for row in rows] == ["1-3", "4-5"]
    assert [row.split("│")[2].strip() for row in rows] == ["Agreement", "Invoice"]
    assert "INV-20417" in rows[1]
    for name in ("pages", "type", "identifier", "observation"):
        assert name in result.stdout


def test_json_has_the_right_page_ranges(files: dict[str, Path]) -> None:
    args = ["split", str(files["merged"]), "--classes", str(files["classes"]), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    splits = json.loads(result.stdout)["splits"]
    got = [(s["startPage"], s["endPage"], s["classificationId"]) for s in splits]
    assert got == truth(DOCS) == [(1, 3, "contract"), (4, 5, "invoice")]
    assert [s["identifier"] for s in splits] == ["", "INV-20417"]
    assert all(s["observation"] for s in splits)
    assert "numbering restarts" in splits[1]["observation"]


def test_out_writes_one_pdf_per_segment(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "segments"
    args = ["split", str(files["merged"]), "--classes", str(files["classes"])]
    result = runner.invoke(app, [*args, "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = [Path(s["file"]) for s in json.loads(result.stdout)["splits"]]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert [p.parent for p in written] == [out, out]
    originals = _texts(files["merged"])
    contract, invoice = (_texts(p) for p in written)
    assert (len(contract), len(invoice)) == (3, 2)
    assert contract == originals[:3] and invoice == originals[3:]
    assert "Non-Disclosure" in contract[0] and "INV-20417" in invoice[0]
    assert "2 segment file(s)" in result.stderr


def test_pages_restrict_the_split(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "tail"
    args = ["split", str(files["merged"]), "--classes", str(files["classes"]), "--json"]
    result = runner.invoke(app, [*args, "--pages", "4-5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (only,) = json.loads(result.stdout)["splits"]
    assert (only["startPage"], only["endPage"], only["type"]) == (4, 5, "Invoice")
    assert len(_texts(Path(only["file"]))) == 2


def test_bad_input_exit_codes(files: dict[str, Path], tmp_path: Path) -> None:
    dup = tmp_path / "dup.json"
    dup.write_text(json.dumps([CLASSES[0], {**CLASSES[1], "id": "contract"}]), encoding="utf-8")
    bad = runner.invoke(app, ["split", str(files["merged"]), "--classes", str(dup)])
    assert bad.exit_code == 2 and isinstance(bad.exception, SystemExit)
    assert "duplicate classification id 'contract'" in bad.stderr
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    corrupt = runner.invoke(app, ["split", str(empty), "--classes", str(files["classes"])])
    assert corrupt.exit_code == 1 and "CORRUPT_FILE" in corrupt.stderr
    gone = runner.invoke(
        app, ["split", str(tmp_path / "x.pdf"), "--classes", str(files["classes"])]
    )
    assert gone.exit_code == 1 and "cannot read" in gone.stderr


def test_model_goes_to_the_configured_provider(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def answer(req: dict[str, Any]) -> dict[str, Any]:
        """Cut where the prompt shows a page titled INVOICE."""
        user = req["messages"][1]["content"]
        n = int(re.search(r"The file has (\d+) pages", user).group(1))  # type: ignore[union-attr]
        cut = int(re.search(r'<page number="(\d+)"[^>]*title="INVOICE"', user).group(1))  # type: ignore[union-attr]
        return {
            "segments": [
                {"class_id": "contract", "start_page": 1, "end_page": cut - 1,
                 "identifier": None, "observation": "An agreement."},
                {"class_id": "invoice", "start_page": cut, "end_page": n,
                 "identifier": "INV-20417", "observation": "Invoice title."},
            ]
        }  # fmt: skip

    with serve(FakeLLM(answer=answer)) as fake:
        monkeypatch.setenv("DOCKET_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("DOCKET_LLM_API_KEY", fake.api_key)
        monkeypatch.setenv("DOCKET_LLM_MODELS", "house-model=provider-m2")
        args = ["split", str(files["merged"]), "--classes", str(files["classes"])]
        result = runner.invoke(app, [*args, "--model", "house-model", "--json"])
    assert result.exit_code == 0, result.output
    splits = json.loads(result.stdout)["splits"]
    got = [(s["startPage"], s["endPage"], s["type"], s["observation"]) for s in splits]
    assert got == [(1, 3, "Agreement", "An agreement."), (4, 5, "Invoice", "Invoice title.")]
    assert [r["model"] for r in fake.requests] == ["provider-m2"]
