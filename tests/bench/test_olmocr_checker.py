"""The olmOCR checker passes and fails hand-made markdown the way its rules say."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.quality.olmocr import fuzzy_find, run_test, tables_in

PAGE = """# Results

Research spending rose in 2024 — see the table.

| Item | Year Ended | Prior |
|---|---|---|
| Research and development | 2,532 | 1,892 |
| Sales | 1,162 | 680 |

The identity $$e^{i \\pi} + 1 = 0$$ closes the page.
"""


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        ({"type": "present", "text": "Research spending rose in 2024 - see the table."}, True),
        ({"type": "present", "text": "Research spendng rose", "max_diffs": 1}, True),
        ({"type": "present", "text": "Research spendng rose"}, False),
        ({"type": "present", "text": "RESULTS", "case_sensitive": False}, True),
        ({"type": "present", "text": "RESULTS"}, False),
        ({"type": "absent", "text": "62"}, True),  # only inside 1,162: not a standalone hit
        ({"type": "absent", "text": "680"}, False),
        ({"type": "order", "before": "Results", "after": "closes the page"}, True),
        ({"type": "order", "before": "closes the page", "after": "Results"}, False),
        ({"type": "table", "cell": "680", "left": "1,162", "up": "1,892"}, True),
        ({"type": "table", "cell": "680", "up": "2,532"}, False),
        (
            {
                "type": "table",
                "cell": "2,532",
                "top_heading": "Year Ended",
                "left_heading": "Research and development",
            },
            True,
        ),
        ({"type": "math", "math": "e^{i\\pi}+1=0"}, True),
        ({"type": "math", "math": "a^{2}+b^{2}=c^{2}"}, False),
        ({"type": "baseline", "max_length": 10}, False),
    ],
)
def test_rules(test: dict[str, object], expected: bool) -> None:
    assert run_test(test, PAGE) is expected


def test_html_table_spans_expand() -> None:
    html = "<table><tr><th colspan='2'>Year</th></tr><tr><td>a</td><td>b</td></tr></table>"
    assert tables_in(html) == [[["Year", "Year"], ["a", "b"]]]
    assert run_test({"type": "table", "cell": "b", "top_heading": "Year"}, html)


def test_fuzzy_find_counts_edits() -> None:
    assert fuzzy_find("kitten", "a sitting cat", 2)
    assert not fuzzy_find("kitten", "a sitting cat", 1)
    assert run_test({"type": "baseline", "max_length": 10}, "  \n ok \n")
