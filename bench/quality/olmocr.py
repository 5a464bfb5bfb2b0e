"""olmOCR-bench checker, written from the rules in the sample's README (not from olmOCR's code).

Tests are pass/fail over the text or markdown an engine produced for one PDF page:

- ``present`` / ``absent``: the (normalised) ``text`` occurs / does not occur, allowing
  ``max_diffs`` edits (approximate substring search, Sellers' dynamic programme). ``absent``
  only counts a hit that starts and ends on a word boundary (a page number "62" is not inside
  "1,162"); ``first_n`` / ``last_n`` limit it to the first / last characters of the page.
  ``case_sensitive`` defaults to true.
- ``order``: ``before`` and ``after`` both occur and some match of ``before`` starts before
  some match of ``after``.
- ``table``: some cell of a markdown (pipe) or HTML table matches ``cell`` and its neighbours
  match every given ``up`` / ``down`` / ``left`` / ``right``; ``top_heading`` must match a cell
  above it in its column and ``left_heading`` a cell left of it in its row (rowspan / colspan
  are expanded, so a spanning heading sits over every column it covers).
- ``math``: ``math`` occurs in a math span (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) after
  normalising LaTeX (spaces, braces, ``\\left``/``\\right``, spacing commands dropped). This
  is weaker than olmOCR's rendering comparison: equivalent LaTeX written differently fails.
- ``baseline``: the output has at most ``max_length`` non-whitespace characters.

Normalisation (both sides): NFKC, typographic quotes and dashes to ASCII, markdown emphasis,
heading marks and table pipes removed, whitespace collapsed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "−": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
    }
)


def normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    t = re.sub(r"<br\s*/?>", " ", t)
    t = re.sub(r"^\s{0,3}#{1,6}\s+", "", t, flags=re.M)
    t = re.sub(r"(\*\*|__|\*|`)", "", t)
    t = re.sub(r"^\s*\|?\s*:?-{3,}.*$", "", t, flags=re.M)  # table separator rows
    t = t.replace("|", " ")
    return re.sub(r"\s+", " ", t).strip()


def fuzzy_find(pattern: str, text: str, max_diffs: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` of the best-scoring matches of ``pattern`` in ``text`` within the budget."""
    if not pattern:
        return [(0, 0)]
    if max_diffs <= 0 or len(pattern) <= max_diffs:
        out, i = [], text.find(pattern)
        while i >= 0:
            out.append((i, i + len(pattern)))
            i = text.find(pattern, i + 1)
        if out or max_diffs <= 0:
            return out
    # Sellers: approximate substring search, one text column at a time; tracks match starts.
    m = len(pattern)
    cost, start = list(range(m + 1)), [0] * (m + 1)
    hits: list[tuple[int, int]] = []
    for j, ch in enumerate(text, 1):
        new_cost, new_start = [0] * (m + 1), [j] * (m + 1)
        for i in range(1, m + 1):
            best, st = cost[i - 1] + (pattern[i - 1] != ch), start[i - 1]
            if cost[i] + 1 < best:
                best, st = cost[i] + 1, start[i]
            if new_cost[i - 1] + 1 < best:
                best, st = new_cost[i - 1] + 1, new_start[i - 1]
            new_cost[i], new_start[i] = best, st
        cost, start = new_cost, new_start
        if cost[m] <= max_diffs:
            hits.append((start[m], j))
    return hits


def _boundary(text: str, start: int, end: int) -> bool:
    left = start == 0 or not text[start - 1].isalnum() or not text[start].isalnum()
    right = end >= len(text) or not text[end].isalnum() or not text[end - 1].isalnum()
    return left and right


# ------------------------------------------------------------------ tables


class _HtmlTables(HTMLParser):
    """Collects ``<table>`` grids with rowspan / colspan expanded."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._rows: list[list[tuple[str, int, int]]] | None = None
        self._cell: list[str] | None = None
        self._span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []
            self._span = (_int(a.get("rowspan")), _int(a.get("colspan")))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append((" ".join(self._cell), *self._span))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables.append(_expand(self._rows))
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _int(v: str | None) -> int:
    try:
        return max(1, int(v or 1))
    except ValueError:
        return 1


def _expand(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text
            c += cs
    if not grid:
        return []
    nr, nc = max(k[0] for k in grid) + 1, max(k[1] for k in grid) + 1
    return [[grid.get((r, c), "") for c in range(nc)] for r in range(nr)]


def tables_in(output: str) -> list[list[list[str]]]:
    """Markdown pipe tables and HTML tables of ``output`` as text grids."""
    parser = _HtmlTables()
    parser.feed(output)
    found = list(parser.tables)
    block: list[list[str]] = []
    for line in [*output.splitlines(), ""]:
        s = line.strip()
        if s.startswith("|") and s.count("|") >= 2:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", s.strip("|"))]
            if not all(re.fullmatch(r":?-{3,}:?|", c) for c in cells):
                block.append(cells)
        elif block:
            width = max(len(r) for r in block)
            found.append([r + [""] * (width - len(r)) for r in block])
            block = []
    return found


def _cell_match(want: str, got: str, max_diffs: int) -> bool:
    a, b = normalise(want), normalise(got)
    if a == b:
        return True
    return max_diffs > 0 and bool(fuzzy_find(a, b, max_diffs)) and abs(len(a) - len(b)) <= max_diffs


def check_table(test: dict[str, Any], output: str) -> bool:
    k = int(test.get("max_diffs", 0))
    for grid in tables_in(output):
        for r, row in enumerate(grid):
            for c, text in enumerate(row):
                if not _cell_match(test["cell"], text, k):
                    continue
                if _neighbours_ok(test, grid, r, c, k):
                    return True
    return False


def _neighbours_ok(test: dict[str, Any], grid: list[list[str]], r: int, c: int, k: int) -> bool:
    def at(rr: int, cc: int) -> str | None:
        if 0 <= rr < len(grid) and 0 <= cc < len(grid[rr]):
            return grid[rr][cc]
        return None

    steps = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
    for key, (dr, dc) in steps.items():
        if test.get(key):
            got = at(r + dr, c + dc)
            if got is None or not _cell_match(test[key], got, k):
                return False
    if test.get("top_heading") and not any(
        _cell_match(test["top_heading"], grid[rr][c], k) for rr in range(r) if c < len(grid[rr])
    ):
        return False
    return not test.get("left_heading") or any(
        _cell_match(test["left_heading"], grid[r][cc], k) for cc in range(c)
    )


# ------------------------------------------------------------------ math

_MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|\$(.+?)\$", re.S)


def normalise_latex(tex: str) -> str:
    t = re.sub(r"\\(left|right|displaystyle|textstyle|mathrm|operatorname|,|;|!|:| )", "", tex)
    return re.sub(r"[\s{}]", "", t)


def check_math(test: dict[str, Any], output: str) -> bool:
    want = normalise_latex(test["math"])
    spans = [next(g for g in m.groups() if g is not None) for m in _MATH.finditer(output)]
    return any(want in normalise_latex(s) for s in spans)


# ------------------------------------------------------------------ tests


def run_test(test: dict[str, Any], output: str) -> bool:
    kind = test["type"]
    k = int(test.get("max_diffs", 0))
    if kind == "table":
        return check_table(test, output)
    if kind == "math":
        return check_math(test, output)
    if kind == "baseline":
        return len(re.sub(r"\s", "", output)) <= int(test.get("max_length", 0))
    text = normalise(output)
    case = bool(test.get("case_sensitive", True))
    fold: Callable[[str], str] = (lambda s: s) if case else str.casefold
    text = fold(text)
    if kind == "present":
        return bool(fuzzy_find(fold(normalise(test["text"])), text, k))
    if kind == "absent":
        if test.get("first_n"):
            text = text[: int(test["first_n"])]
        if test.get("last_n"):
            text = text[-int(test["last_n"]) :]
        hits = fuzzy_find(fold(normalise(test["text"])), text, k)
        return not any(_boundary(text, s, e) for s, e in hits)
    if kind == "order":
        before = fuzzy_find(fold(normalise(test["before"])), text, k)
        after = fuzzy_find(fold(normalise(test["after"])), text, k)
        return bool(before and after) and min(s for s, _ in before) < max(s for s, _ in after)
    raise ValueError(f"unknown test type {kind!r}")


@dataclass
class Outcome:
    test_id: str
    kind: str
    passed: bool


def load_tests(folder: Path) -> list[dict[str, Any]]:
    tests: list[dict[str, Any]] = []
    for name in ("dataset.jsonl", "blanks.jsonl"):
        path = folder / name
        if path.exists():
            tests += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return tests


def score(
    tests: Iterable[dict[str, Any]], page_output: Callable[[str, int], str]
) -> dict[str, Any]:
    """Pass counts per test type and overall; ``page_output(pdf, page)`` gives the engine's text."""
    outcomes = [
        Outcome(t["id"], t["type"], run_test(t, page_output(t["pdf"], int(t["page"]))))
        for t in tests
    ]
    by: dict[str, list[int]] = {}
    for o in outcomes:
        by.setdefault(o.kind, [0, 0])
        by[o.kind][0] += o.passed
        by[o.kind][1] += 1
    passed = sum(o.passed for o in outcomes)
    return {
        "passed": passed,
        "total": len(outcomes),
        "rate": round(passed / len(outcomes), 3) if outcomes else 0.0,
        "by_type": {k: f"{p}/{n}" for k, (p, n) in sorted(by.items())},
        "failed": [o.test_id for o in outcomes if not o.passed],
    }
