"""``docket classify`` end to end through typer's runner on reportlab-drawn PDFs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from docket.cli.main import app
from tests.engines.classify.documents import CONTRACT, INVOICE, PAPER, RECEIPT, pdf
from tests.fakes.openai_server import FakeLLM, serve

runner = CliRunner()

PLAIN = [
    {"id": "inv", "type": "invoice", "description": "An invoice requesting payment"},
    {"id": "rec", "type": "receipt", "description": "A receipt from a shop"},
    {"id": "con", "type": "contract", "description": "A legal agreement"},
    {"id": "art", "type": "scientific_article", "description": "A research article"},
]
REWORDED = [
    {"id": "x1", "type": "Payment request", "description": "Supplier asks to be paid"},
    {"id": "x2", "type": "Till slip", "description": "Proof of a purchase at a store"},
    {"id": "x3", "type": "Binding deal", "description": "Terms signed by the parties"},
    {"id": "x4", "type": "Scholarly publication", "description": "Academic study"},
]


def _write(path: Path, body: Any) -> Path:
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("classify")
    out = {}
    for name, pages, size in [
        ("invoice", INVOICE, (612.0, 792.0)),
        ("contract", CONTRACT, (612.0, 792.0)),
        ("receipt", RECEIPT, (200.0, 420.0)),
        ("paper", PAPER, (612.0, 792.0)),
        ("mixed", INVOICE + CONTRACT, (612.0, 792.0)),  # p1 invoice, p2-3 contract
    ]:
        out[name] = root / f"{name}.pdf"
        out[name].write_bytes(pdf(pages, size))
    out["plain"] = _write(root / "plain.json", PLAIN)
    out["reworded"] = _write(root / "reworded.json", REWORDED)
    return out


def test_each_file_gets_its_class_with_reasoning(files: dict[str, Path]) -> None:
    names = ["invoice", "contract", "receipt", "paper"]
    args = ["classify", *(str(files[n]) for n in names), "--classes", str(files["plain"])]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    for name, want, line in zip(
        names, ["invoice", "contract", "receipt", "scientific_article"], lines, strict=True
    ):
        assert line.startswith(f"{files[name]} → {want} ("), line
        assert " — " in line  # the engine's reasoning follows


def test_reworded_classes_and_json_shape(files: dict[str, Path]) -> None:
    args = ["classify", str(files["receipt"]), "--classes", str(files["reworded"]), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"id", "type", "confidence", "insights"}
    assert (body["id"], body["type"]) == ("x2", "Till slip")
    assert 0.5 < body["confidence"] <= 1.0
    assert body["insights"][0]["type"] == "reasoning" and body["insights"][0]["content"]


def test_pages_choose_what_is_read(files: dict[str, Path]) -> None:
    base = ["classify", str(files["mixed"]), "--classes", str(files["plain"]), "--json"]
    first = runner.invoke(app, [*base, "--pages", "1"])
    rest = runner.invoke(app, [*base, "--pages", "2-3"])
    assert first.exit_code == 0 and rest.exit_code == 0, first.output + rest.output
    assert json.loads(first.stdout)["id"] == "inv"
    assert json.loads(rest.stdout)["id"] == "con"
    beyond = runner.invoke(app, [*base, "--pages", "7-9"])
    assert beyond.exit_code == 1
    assert "INVALID_REQUEST" in beyond.stderr


def test_out_writes_one_json_per_file(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "results"
    args = ["classify", str(files["invoice"]), str(files["contract"])]
    result = runner.invoke(app, [*args, "--classes", str(files["plain"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["contract.json", "invoice.json"]
    assert json.loads((out / "invoice.json").read_text())["id"] == "inv"
    assert json.loads((out / "contract.json").read_text())["id"] == "con"
    assert len(result.stdout.splitlines()) == 2  # the summary lines still print


def test_failed_files_exit_1_and_the_rest_still_run(files: dict[str, Path], tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "missing.pdf"
    args = ["classify", str(empty), str(files["invoice"]), str(junk), str(missing)]
    result = runner.invoke(app, [*args, "--classes", str(files["plain"])])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{files['invoice']} → invoice (")
    assert "CORRUPT_FILE" in result.stderr
    assert "FILE_TYPE_NOT_SUPPORTED" in result.stderr
    assert "cannot read" in result.stderr


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("{not json", "not JSON"),
        ([], "at least one classification"),
        ([PLAIN[0], {**PLAIN[1], "id": "inv"}], "duplicate classification id 'inv'"),
        ([{"id": "a", "description": "no type"}], "[0].type"),
        ([{"id": "a", "type": "   "}], "type is empty"),
        (["invoice"], "[0] is not an object"),
        ({"what": []}, "expected a list"),
        (42, "expected a list"),
    ],
    ids=["not-json", "empty", "duplicate", "no-type", "blank-type", "string", "object", "number"],
)
def test_bad_classes_file_exits_2_with_a_message(
    files: dict[str, Path], tmp_path: Path, body: Any, says: str
) -> None:
    bad = _write(tmp_path / "classes.json", body)
    result = runner.invoke(app, ["classify", str(files["invoice"]), "--classes", str(bad)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert "bad classes file" in result.stderr and says in result.stderr
    assert result.stdout == ""


def test_extend_config_object_is_accepted(files: dict[str, Path], tmp_path: Path) -> None:
    config = _write(tmp_path / "config.json", {"classifications": REWORDED})
    result = runner.invoke(app, ["classify", str(files["contract"]), "--classes", str(config)])
    assert result.exit_code == 0, result.output
    assert "→ Binding deal (" in result.stdout


def test_unconfigured_model_is_a_usage_error(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCKET_LLM_BASE_URL", raising=False)
    args = ["classify", str(files["invoice"]), "--classes", str(files["plain"])]
    result = runner.invoke(app, [*args, "--model", "gpt-nothing"])
    assert result.exit_code == 2
    assert "INVALID_CONFIGURATION" in result.stderr


def test_model_goes_to_the_configured_provider(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def answer(req: dict[str, Any]) -> dict[str, Any]:
        user = req["messages"][1]["content"]
        cid = "x1" if "Invoice number" in user else "x3"
        return {"class_id": cid, "confidence": 0.77, "reasoning": "Scripted reply.", "evidence": []}

    with serve(FakeLLM(answer=answer)) as fake:
        monkeypatch.setenv("DOCKET_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("DOCKET_LLM_API_KEY", fake.api_key)
        monkeypatch.setenv("DOCKET_LLM_MODELS", "house-model=provider-m1")
        args = ["classify", str(files["invoice"]), "--classes", str(files["reworded"])]
        result = runner.invoke(app, [*args, "--model", "house-model", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["id"], body["type"], body["confidence"]) == ("x1", "Payment request", 0.77)
    assert body["insights"] == [{"type": "reasoning", "content": "Scripted reply."}]
    assert [r["model"] for r in fake.requests] == ["provider-m1"]
    assert "Supplier asks to be paid" in fake.requests[0]["messages"][0]["content"]
