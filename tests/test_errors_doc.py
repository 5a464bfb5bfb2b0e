"""docs/errors.md lists every error code with the status and retryable flag the code uses."""

from __future__ import annotations

import re
from pathlib import Path

from docket.errors import ErrorCode, code_info

ROOT = Path(__file__).resolve().parents[1]


def test_every_code_is_documented_as_implemented() -> None:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = {
        m[1]: (int(m[2]), m[3] == "yes")
        for m in re.finditer(r"^\| `([A-Z_]+)` \| (\d{3}) \| (yes|no) \|", text, re.MULTILINE)
    }
    assert rows == {code.value: code_info(code) for code in ErrorCode}
