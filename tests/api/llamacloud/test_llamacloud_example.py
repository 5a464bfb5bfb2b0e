"""examples/llamacloud_extract.py runs unchanged against a Docket server (docs/llamacloud.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from apiserver import Running

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "llamacloud_extract.py"


def test_example_script(llama_server: Running) -> None:
    env = {
        **os.environ,
        "LLAMA_CLOUD_BASE_URL": llama_server.url,
        "LLAMA_CLOUD_API_KEY": llama_server.keys["acme"],
    }
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["data"] == {
        "invoice_number": "INV-2026-0042",
        "invoice_date": "2026-03-12",
        "total": 1611.0,
    }
    assert out["sources"]["total"] == [[1, "$1,611.00"]]
