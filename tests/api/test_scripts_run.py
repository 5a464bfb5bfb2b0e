"""``scripts/run --once``: the README's main command serves the API and makes a first request.

It runs the real script (without the .venv set-up, which CI has already done): a key is created
under DOCKET_HOME and reused on the next start, the sample's markdown comes back through
``POST /parse``, and the printed SDK snippet works against a server started on the same home.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
from apiserver import free_port
from extend_ai import Extend

ROOT = Path(__file__).resolve().parents[2]


def _run_once(home: Path, port: int) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DOCKET_HOME": str(home),
        "DOCKET_SERVER__PORT": str(port),
        "DOCKET_RUN_BOOTSTRAP": "0",
        "DOCKET_WORKER__PROCESSES": "1",
    }
    return subprocess.run(
        [str(ROOT / "scripts" / "run"), "--once"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip


def test_run_once_serves_parses_and_shows_how_to_call(tmp_path: Path) -> None:
    home, port = tmp_path / "home", free_port()
    first = _run_once(home, port)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "PROCESSED, 2 pages" in out and "# Invoice INV-2026-0042" in out
    assert "| Servo motor SM-200 | 4 | $120.00 | $480.00 |" in out
    assert f"http://127.0.0.1:{port}/files/upload" in out and "curl -s" in out
    assert "from extend_ai import Extend" in out
    assert "created an API key" in first.stderr
    key = (home / "run.key").read_text().strip()
    assert key.startswith("sk_") and (home / "run.key").stat().st_mode & 0o077 == 0
    with httpx.Client() as probe:  # the server stopped after the first request
        try:
            probe.get(f"http://127.0.0.1:{port}/health", timeout=1)
            stopped = False
        except httpx.TransportError:
            stopped = True
    assert stopped

    second = _run_once(home, port)
    assert second.returncode == 0, second.stderr
    assert "created an API key" not in second.stderr  # the key under DOCKET_HOME was reused
    assert (home / "run.key").read_text().strip() == key

    # The printed SDK snippet works as printed, against `docket serve` on the same home.
    file_id = re.search(r'"id": "(file_\w+)"', second.stdout)
    assert file_id is not None
    env = {**os.environ, "DOCKET_HOME": str(home), "DOCKET_WORKER__PROCESSES": "1"}
    cmd = [sys.executable, "-m", "docket.cli.main", "serve", "--port", str(port)]
    serve = subprocess.Popen([*cmd, "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and serve.poll() is None
            time.sleep(0.2)
        client = Extend(base_url=f"http://127.0.0.1:{port}", token=key)
        run = client.parse(file={"id": file_id.group(1)})
        assert "INV-2026-0042" in run.output.chunks[0].content
    finally:
        serve.terminate()
        serve.wait(timeout=30)


def test_run_with_files_parses_locally(tmp_path: Path) -> None:
    env = {**os.environ, "DOCKET_RUN_BOOTSTRAP": "0", "DOCKET_HOME": str(tmp_path / "unused")}
    done = subprocess.run(
        [str(ROOT / "scripts" / "run"), "examples/sample.pdf"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Invoice INV-2026-0042")
    assert not (tmp_path / "unused").exists()  # no server, no state
