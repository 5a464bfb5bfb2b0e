"""The compiled text-layer helper is built wherever a C compiler exists; without one, installs
still work and the Python path runs.

Where ``cc`` (or ``$CC``) is on PATH, this install must have built and loaded the library: CI
has gcc, so the compiled path is what its tests exercise. The build hook itself is driven
through hatchling on a copy of the project skeleton: with a compiler (a platform wheel carrying
a loadable library; an editable build writing it into the source tree), with none, and with a
failing one (a warning and a pure wheel, never a failed install).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from docket.engines.textlayer.native import LIBRARY, load_speedups, speedups
from docket.engines.textlayer.pdfium import PdfiumTextLayer
from fixtures import pdfs

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = "src/docket/engines/textlayer"


def _hook() -> Any:
    """hatch_build.py, the build hook (its compiler lookup is the one installs use)."""
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compiler() -> str | None:
    found = _hook().find_compiler()
    return " ".join(found) if found else None


def test_library_is_loaded_wherever_a_compiler_exists() -> None:
    doc_words = pdfs.raw_pdf([pdfs.text_page(["fallback or not"])])
    with PdfiumTextLayer().open(doc_words) as doc:
        assert [w.text for w in doc.read_page(1).words] == ["fallback", "or", "not"]
        fast = doc._fast
    if os.environ.get("DOCKET_SPEEDUPS", "1").strip() == "0":
        assert fast is None and speedups() is None  # switched off on purpose
    elif _compiler():
        assert fast is not None, (
            f"a C compiler ({_compiler()}) is on PATH but {LIBRARY} was not built or does not "
            "load: reinstall (scripts/bootstrap, or pip install -e .) and read its warning"
        )
    else:
        assert fast is None and speedups() is None  # the Python path, same output


def test_environment_switch_forces_the_python_path() -> None:
    code = (
        "from docket.engines.textlayer.native import speedups\n"
        "from docket.engines.textlayer.pdfium import PdfiumTextLayer\n"
        "assert speedups() is None\n"
        "assert PdfiumTextLayer().native\n"
        "print('python path')\n"
    )
    env = {**os.environ, "DOCKET_SPEEDUPS": "0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "python path"


def _skeleton(tmp_path: Path) -> Path:
    """The files a wheel build of Docket reads, with a one-module package."""
    root = tmp_path / "project"
    (root / PACKAGE).mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "hatch_build.py", f"{PACKAGE}/_speedups.c"):
        shutil.copy(ROOT / name, root / name)
    (root / "src/docket/__init__.py").write_text("")
    return root


def _build(root: Path, version: str, out: Path) -> Path:
    """Build a wheel with hatchling (as pip does); "editable" runs only the build hooks (an
    editable wheel needs the ``editables`` package, and its hook step is what matters here)."""
    from hatchling.builders.wheel import WheelBuilder

    builder = WheelBuilder(str(root))
    built = list(
        builder.build(directory=str(out), versions=[version], hooks_only=version == "editable")
    )
    return Path(built[0]) if built else out


def test_wheel_carries_a_loadable_library(tmp_path: Path) -> None:
    wheel = _build(_skeleton(tmp_path), "standard", tmp_path / "dist")
    member = f"docket/engines/textlayer/{LIBRARY.name}"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        wheel_meta = archive.read(next(n for n in names if n.endswith(".dist-info/WHEEL")))
        if not _compiler():  # a pure wheel: the Python path
            assert member not in names and wheel.name.endswith("-py3-none-any.whl")
            assert b"Root-Is-Purelib: true" in wheel_meta
            return
        assert member in names
        assert b"Root-Is-Purelib: false" in wheel_meta
        archive.extract(member, tmp_path / "unpacked")
    assert "-py3-none-" in wheel.name and not wheel.name.endswith("-any.whl")
    loaded = load_speedups(tmp_path / "unpacked" / member)
    assert loaded.scan_objects(0, 0, form=False) == []


def test_editable_build_compiles_into_the_source_tree(tmp_path: Path) -> None:
    root = _skeleton(tmp_path)
    _build(root, "editable", tmp_path / "dist")
    built = root / PACKAGE / LIBRARY.name
    assert built.is_file() == bool(_compiler())
    if built.is_file():
        load_speedups(built)
    assert not list((root / PACKAGE).glob(".speedups-*"))  # no partial file left behind


@pytest.mark.parametrize(
    ("compiler", "says"),
    [("/nonexistent/cc", "no C compiler found"), ("false", "compiling")],
)
def test_no_or_failing_compiler_installs_without_the_library(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    compiler: str,
    says: str,
) -> None:
    monkeypatch.setenv("CC", compiler)
    root = _skeleton(tmp_path)
    wheel = _build(root, "standard", tmp_path / "dist")
    assert wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert f"docket/engines/textlayer/{LIBRARY.name}" not in archive.namelist()
    stale = root / PACKAGE / LIBRARY.name
    stale.write_bytes(b"an older build")
    _build(root, "editable", tmp_path / "dist")
    assert not stale.exists()  # removed: the warning says the Python path runs
    warning = capfd.readouterr().err
    assert "WARNING: docket:" in warning and says in warning
    assert "installing without the compiled text-layer speedups" in warning
