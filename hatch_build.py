"""Hatch build hook: compile the text layer's optional C speedups (``_speedups.c``).

The library is plain C (no Python headers, no pdfium headers or linking; pdfium's functions are
passed in at run time), compiled with the system C compiler (``$CC``, else cc, gcc or clang).
Editable installs (``pip install -e .``, what ``scripts/bootstrap`` runs) build it next to its
source, where the source tree is imported from; wheels carry it and are then platform wheels.
Without a compiler, or if compiling fails, the install goes on with a warning and Docket runs
the same loops in Python (same output, slower). ``DOCKET_BUILD_SPEEDUPS=0`` skips the build."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE_DIR = "src/docket/engines/textlayer"
SOURCE = f"{PACKAGE_DIR}/_speedups.c"
LIBRARY = "_speedups.dll" if sys.platform == "win32" else "_speedups.so"


def _warn(message: str) -> None:
    print(
        f"WARNING: docket: {message}; installing without the compiled text-layer speedups "
        "(parsing works, slower; see docs/benchmarks.md)",
        file=sys.stderr,
    )


def find_compiler() -> list[str] | None:
    """``$CC`` if set (it may carry flags), else the first of cc, gcc, clang on PATH."""
    configured = os.environ.get("CC", "").strip()
    if configured:
        command = shlex.split(configured)
        return command if shutil.which(command[0]) else None
    found = next((name for name in ("cc", "gcc", "clang") if shutil.which(name)), None)
    return [found] if found else None


def compile_speedups(root: Path, target: Path) -> bool:
    """Compile the library to ``target`` (atomically: running processes may be loading it).

    Without a compiler, or when compiling fails, an old library at ``target`` is removed too:
    the install then runs the Python path, as its warning says.
    """
    built = _compile(root, target)
    if not built:
        target.unlink(missing_ok=True)
    return built


def _compile(root: Path, target: Path) -> bool:
    if os.environ.get("DOCKET_BUILD_SPEEDUPS", "1").strip() == "0":
        _warn("DOCKET_BUILD_SPEEDUPS=0")
        return False
    compiler = find_compiler()
    if compiler is None:
        _warn(f"no C compiler found ($CC={os.environ.get('CC', '')!r}, cc, gcc, clang)")
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".speedups-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    partial = Path(name)
    command = [
        *compiler,
        "-O2",
        "-ffp-contract=off",
        "-shared",
        "-fPIC",
        "-o",
        str(partial),
        str(root / SOURCE),
        "-lm",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        partial.unlink(missing_ok=True)
        _warn(f"the C compiler could not run ({exc})")
        return False
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        _warn(f"compiling {SOURCE} failed:\n{done.stderr.strip()}")
        return False
    partial.chmod(0o755)  # mkstemp made it private; every user loads the library
    partial.replace(target)
    return True


class SpeedupsBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return  # the sdist ships the C source; its wheel build compiles it
        root = Path(self.root)
        if version == "editable":
            # the editable install imports src/ itself: the library goes next to its loader
            compile_speedups(root, root / PACKAGE_DIR / LIBRARY)
            return
        self._scratch = tempfile.mkdtemp(prefix="docket-speedups-")
        built = Path(self._scratch) / LIBRARY
        if compile_speedups(root, built):
            build_data["force_include"][str(built)] = f"docket/engines/textlayer/{LIBRARY}"
            build_data["pure_python"] = False
            # plain C without Python's ABI: any Python 3, this platform only
            platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
            build_data["tag"] = f"py3-none-{platform}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
