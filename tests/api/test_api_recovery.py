"""Kill -9 the server mid-run, start it again: the run is resumed, never left PROCESSING."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from apiserver import LONG_PAGES, free_port, wait_until
from extend_ai import Extend


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "DOCKET_HOME": str(home), "DOCKET_WORKER__PROCESSES": "1"}


@contextmanager
def serving(home: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docket.cli.main",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=_env(home),
        start_new_session=True,  # its own process group: the worker processes die with it
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _up(url: str, key: str) -> bool:
    try:
        return (
            httpx.get(f"{url}/files", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        )
    except httpx.TransportError:
        return False


def test_keys_create_prints_only_the_key(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "docket.cli.main", "keys", "create", "--workspace", "acme"],
        env=_env(tmp_path), capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = out.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sk_") and len(lines[0]) > 40
    assert not (tmp_path / "docket.db").read_bytes().count(lines[0].encode())  # stored hashed


def test_sigkill_mid_run_then_restart_resumes(tmp_path: Path, long_pdf: bytes) -> None:
    key = subprocess.run(
        [sys.executable, "-m", "docket.cli.main", "keys", "create", "--workspace", "acme"],
        env=_env(tmp_path), capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving(tmp_path, port) as first:
        wait_until(lambda: _up(url, key), timeout=30, every=0.2)
        client = Extend(base_url=url, token=key)
        up = client.files.upload(file=("long.pdf", long_pdf))
        run = client.parse_runs.create(file={"id": up.id})
        time.sleep(2.0)  # the worker process is now inside the long parse
        assert client.parse_runs.retrieve(run.id).status == "PROCESSING"
        os.killpg(first.pid, signal.SIGKILL)
    with serving(tmp_path, port):
        wait_until(lambda: _up(url, key), timeout=30, every=0.2)
        client = Extend(base_url=url, token=key)
        wait_until(
            lambda: client.parse_runs.retrieve(run.id).status != "PROCESSING", timeout=90, every=0.5
        )
        done = client.parse_runs.retrieve(run.id)
        assert done.status == "PROCESSED", done.failure_message
        assert done.metrics.page_count == LONG_PAGES
