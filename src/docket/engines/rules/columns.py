"""Tables that layout did not mark as tables: a header row of column labels over aligned rows.

Line items are often printed as columns of separate text runs. A row whose words name at least
two of an array item's properties is taken as a header; the rows below it (until a large gap)
are split into those columns by the x-position of each word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docket.domain.document import Word
from docket.engines.rules.index import DLine, DocIndex
from docket.engines.rules.labels import FieldSpec, label_score, tokens

OTHER = "\x00other"  # prefix of columns that are not properties
MIN_HEADER = 0.6
MAX_HEADER_WORDS = 20  # label score of a column header
MAX_ROW_GAP = 3.0  # line heights between rows before the table ends


@dataclass
class Row:
    page: int
    top: float
    bottom: float
    words: list[tuple[DLine, Word]]

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


def rows_of(index: DocIndex) -> list[Row]:
    """Lines banded into printed rows (vertical overlap ≥ half the smaller height)."""
    out: list[Row] = []
    for ln in sorted(index.lines, key=lambda x: (x.page, x.bbox.top)):
        for row in out[-3:]:
            h = min(row.height, ln.height)
            overlap = min(row.bottom, ln.bbox.bottom) - max(row.top, ln.bbox.top)
            if row.page == ln.page and overlap >= 0.5 * h:
                row.words.extend((ln, w) for w in ln.words)
                row.top, row.bottom = min(row.top, ln.bbox.top), max(row.bottom, ln.bbox.bottom)
                break
        else:
            out.append(Row(ln.page, ln.bbox.top, ln.bbox.bottom, [(ln, w) for w in ln.words]))
    for row in out:
        row.words.sort(key=lambda p: p[1].bbox.left)
    return out


def _header(row: Row, props: dict[str, FieldSpec]) -> dict[str, tuple[float, float]]:
    """Property → x-range of its header words, for a row that names ≥ 2 properties."""
    words = [w for _, w in row.words]
    if len(words) > MAX_HEADER_WORDS:
        return {}
    grams = [
        (i, i + n, tokens(" ".join(w.text for w in words[i : i + n])))
        for i in range(len(words))
        for n in (1, 2, 3)
        if i + n <= len(words)
    ]
    found: list[tuple[float, str, int, int]] = []
    for key, spec in props.items():
        for i, j, toks in grams:
            if toks:
                s = label_score(spec, toks)
                if s >= MIN_HEADER:
                    found.append((s, key, i, j))
    found.sort(key=lambda f: (-f[0], f[3] - f[2]))
    used: set[int] = set()
    cols: dict[str, tuple[float, float]] = {}
    for _, key, i, j in found:
        if key in cols or used & set(range(i, j)):
            continue
        used |= set(range(i, j))
        cols[key] = (words[i].bbox.left, words[j - 1].bbox.right)
    if len(cols) < 2:
        return {}
    spare = [i for i, w in enumerate(words) if i not in used]
    text_key = lone_text_property(props, set(cols))
    if text_key and spare and words[spare[0]].bbox.right <= min(a for a, _ in cols.values()):
        # "What was sold" names no header word; the leftmost spare one is the items' text.
        cols[text_key] = (words[spare[0]].bbox.left, words[spare[0]].bbox.right)
        spare = spare[1:]
    for i in spare:  # header words of columns nobody asked for
        cols[f"{OTHER}{i}"] = (words[i].bbox.left, words[i].bbox.right)
    return cols


def lone_text_property(props: dict[str, FieldSpec], mapped: set[str]) -> str | None:
    """The one text property no header names, when every other text property found its own."""
    left = [k for k in props if k not in mapped and props[k].kind.value in _TEXT_KINDS]
    return left[0] if len(left) == 1 else None


def column_rows(
    index: DocIndex, props: dict[str, FieldSpec]
) -> list[dict[str, list[tuple[DLine, Word]]]]:
    """Rows under the best header row: property → the words in its column."""
    rows = rows_of(index)
    best: tuple[int, int, dict[str, tuple[float, float]]] | None = None
    for i, row in enumerate(rows):
        cols = _header(row, props)
        named = len([k for k in cols if not k.startswith(OTHER)])
        if cols and (best is None or named > best[0]):
            best = (named, i, cols)
    if best is None:
        return []
    _, start, cols = best
    centres = {k: (a + b) / 2 for k, (a, b) in cols.items()}
    text_cols = {k for k, f in props.items() if k in cols and f.kind.value in _TEXT_KINDS}
    out: list[dict[str, list[tuple[DLine, Word]]]] = []
    prev = rows[start]
    for row in rows[start + 1 :]:
        if row.page != prev.page or row.top - prev.bottom > MAX_ROW_GAP * prev.height:
            break
        texts = [w.text for _, w in row.words]
        prev = row
        if len(texts) >= 8 and sum(t.islower() and t.isalpha() for t in texts) >= 0.6 * len(texts):
            continue  # a note in running prose
        if any(t.endswith(":") for t in texts):
            continue  # a key-value detail line inside or after the items
        cells: dict[str, list[tuple[DLine, Word]]] = {}
        for pair in row.words:
            w = pair[1]
            inside = [k for k, (a, b) in cols.items() if a - 2 <= w.bbox.cx <= b + 2]
            key = inside[0] if inside else min(centres, key=lambda k: abs(centres[k] - w.bbox.cx))
            if not key.startswith(OTHER):
                cells.setdefault(key, []).append(pair)
        if _summary_row(cells, cols, text_cols):
            continue  # "Subtotal $ 112.00" under the numbers, not an item
        out.append(cells)
    return out


_TEXT_KINDS = {"text", "name", "address", "place", "enum"}


def _summary_row(
    cells: dict[str, list[tuple[DLine, Word]]],
    cols: dict[str, tuple[float, float]],
    text_cols: set[str],
) -> bool:
    """Text columns empty while a number column holds words: a totals line under the items."""
    if not text_cols or any(cells.get(k) for k in text_cols):
        return False
    return any(
        sum(c.isalpha() for c in w.text) >= 3
        for k, pairs in cells.items()
        if k not in text_cols
        for _, w in pairs
    )


def cell_text(pairs: list[tuple[DLine, Any]]) -> str:
    return " ".join(w.text for _, w in pairs)
