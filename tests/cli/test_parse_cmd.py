"""``docket parse`` end to end through typer's runner: exit codes, outputs and options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docket.cli.main import app
from fixtures import pdfs

runner = CliRunner()


@pytest.fixture()
def sample(tmp_path: Path, sample_pdf: bytes) -> Path:
    path = tmp_path / "sample.pdf"
    path.write_bytes(sample_pdf)
    return path


def test_markdown_to_stdout(sample: Path) -> None:
    result = runner.invoke(app, ["parse", str(sample)])
    assert result.exit_code == 0, result.output
    assert "Invoice INV-2026-0042" in result.stdout


def test_json_shape(sample: Path) -> None:
    result = runner.invoke(app, ["parse", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    chunks = body["chunks"]
    assert [c["metadata"]["pageRange"]["start"] for c in chunks] == [1, 2]
    assert all(c["type"] == "page" and c["content"] for c in chunks)
    block = chunks[0]["blocks"][0]
    assert {"id", "type", "content", "boundingBox"} <= set(block)


def test_pages_option(sample: Path) -> None:
    result = runner.invoke(app, ["parse", str(sample), "--pages", "2", "--json"])
    assert result.exit_code == 0, result.output
    chunks = json.loads(result.stdout)["chunks"]
    assert [c["metadata"]["pageRange"]["start"] for c in chunks] == [2]


def test_out_dir_writes_one_file_per_input(sample: Path, tmp_path: Path) -> None:
    other = tmp_path / "columns.pdf"
    other.write_bytes(pdfs.two_column())
    out = tmp_path / "out"
    result = runner.invoke(app, ["parse", str(sample), str(other), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["columns.md", "sample.md"]
    assert "Quarterly Review" in (out / "columns.md").read_text()


def test_spatial_target_keeps_columns_side_by_side(tmp_path: Path) -> None:
    path = tmp_path / "columns.pdf"
    path.write_bytes(pdfs.two_column())
    result = runner.invoke(app, ["parse", str(path), "--target", "spatial"])
    assert result.exit_code == 0, result.output
    lines = [" ".join(ln.split()) for ln in result.stdout.splitlines()]
    line = next(ln for ln in lines if "Column 1 paragraph 1" in ln)
    assert "Column 2 paragraph 1" in line
    assert line.index("Column 1") < line.index("Column 2")


def test_section_chunking_respects_max_characters(tmp_path: Path) -> None:
    path = tmp_path / "columns.pdf"
    path.write_bytes(pdfs.two_column())
    args = ["parse", str(path), "--chunking", "section", "--max-characters", "400", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    chunks = json.loads(result.stdout)["chunks"]
    assert len(chunks) > 1
    assert all(c["type"] == "section" for c in chunks)
    assert all(len(c["content"]) <= 400 for c in chunks), [len(c["content"]) for c in chunks]


def test_password(tmp_path: Path) -> None:
    path = tmp_path / "secret.pdf"
    path.write_bytes(pdfs.encrypted(pdfs.two_column(), "pw"))
    denied = runner.invoke(app, ["parse", str(path)])
    assert denied.exit_code == 1
    assert "PASSWORD_PROTECTED_FILE" in denied.stderr
    wrong = runner.invoke(app, ["parse", str(path), "--password", "nope"])
    assert wrong.exit_code == 1
    assert "PASSWORD_PROTECTED_FILE" in wrong.stderr
    ok = runner.invoke(app, ["parse", str(path), "--password", "pw"])
    assert ok.exit_code == 0, ok.output
    assert "Quarterly Review" in ok.stdout


def test_failures_exit_1_and_the_others_still_print(sample: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.pdf"
    binary.write_bytes(bytes(range(256)) * 16)
    result = runner.invoke(
        app, ["parse", str(empty), str(binary), str(sample), str(tmp_path / "missing.pdf")]
    )
    assert result.exit_code == 1
    assert "CORRUPT_FILE" in result.stderr
    assert "FILE_TYPE_NOT_SUPPORTED" in result.stderr
    assert "cannot read" in result.stderr
    assert "Invoice INV-2026-0042" in result.stdout
    assert "Traceback" not in result.output


def test_invalid_options_exit_2(sample: Path) -> None:
    result = runner.invoke(app, ["parse", str(sample), "--pages", "x-y"])
    assert result.exit_code == 2
    bad_target = runner.invoke(app, ["parse", str(sample), "--target", "poem"])
    assert bad_target.exit_code == 2
