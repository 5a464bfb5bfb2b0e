"""Drive a real Docket server with the ``llama-cloud`` 2.x SDK, run in a subprocess.

2.x and 1.6.0 are the same package, so 2.x lives in its own folder (``scripts/bootstrap dev``
installs it into ``.venv/llama-cloud-2``), put first on ``PYTHONPATH`` to shadow 1.6.0. A script
gets ``client`` (the SDK pointed at the server), ``ARGS`` and ``error(fn)``; what it puts in
``OUT`` comes back as JSON for the test to check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from apiserver import Running

SDK_DIR = Path(__file__).resolve().parents[3] / ".venv" / "llama-cloud-2"
MARK = "@@DOCKET-OUT@@"
PRELUDE = """
import json, os, sys
import llama_cloud
from llama_cloud import LlamaCloud

assert llama_cloud.__version__.startswith("2."), llama_cloud.__version__
client = LlamaCloud(
    api_key=os.environ["DOCKET_KEY"], base_url=os.environ["DOCKET_URL"], max_retries=0
)
ARGS = json.loads(os.environ["DOCKET_ARGS"])
OUT = {"sdk_version": llama_cloud.__version__}


def error(fn):
    try:
        fn()
    except llama_cloud.APIStatusError as exc:
        return {"type": type(exc).__name__, "status": exc.status_code, "message": str(exc)}
    return None


def wait(job_id):
    return client.extract.wait_for_completion(
        job_id, polling_interval=0.05, max_interval=0.2, backoff="constant", timeout=120
    )
"""


def run_v2(server: Running, script: str, workspace: str = "acme", **args: Any) -> dict[str, Any]:
    if not (SDK_DIR / "llama_cloud").is_dir():
        pytest.fail(f"llama-cloud 2.x is not installed in {SDK_DIR}: run scripts/bootstrap dev")
    code = PRELUDE + textwrap.dedent(script) + f"\nprint({MARK!r} + json.dumps(OUT, default=str))\n"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SDK_DIR), os.environ.get("PYTHONPATH", "")]),
        "DOCKET_URL": server.url,
        "DOCKET_KEY": server.keys[workspace],
        "DOCKET_ARGS": json.dumps(args),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"2.x SDK script failed:\n{done.stderr[-4000:]}"
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith(MARK))
    out: dict[str, Any] = json.loads(line[len(MARK) :])
    assert out["sdk_version"].startswith("2.")
    return out
