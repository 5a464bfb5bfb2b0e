"""Grounding: tie an engine's answer back to the words of the parsed document.

Tried in order, first hit wins:

1. **exact** – the value's words occur verbatim (case-sensitive) on one line or across up to
   four consecutive lines;
2. **normalised** – equal after case folding and dropping punctuation/spacing, or, for dates
   and amounts, equal as parsed values (``25/12/2018`` = ``2018-12-25``, ``1.234,50`` = 1234.5);
3. **fuzzy** – ``rapidfuzz`` partial ratio ≥ ``FUZZY_MIN`` (90) on the normalised text, only for
   values of at least ``FUZZY_MIN_CHARS`` (5) characters (OCR slips, hyphenation);
4. **none** – no citation at all; a guessed box would be worse than none.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from docket.domain.citations import Alignment, Citation
from docket.domain.document import Word
from docket.engines.rules import values as vals
from docket.engines.rules.index import DLine, DocIndex, cite_words

FUZZY_MIN = 90.0
FUZZY_MIN_CHARS = 5
MAX_WINDOW = 4
# Confidence of an LLM value without logprobs, by how well it is grounded.
GROUNDED_CONFIDENCE = {
    Alignment.EXACT: 0.9,
    Alignment.NORMALISED: 0.8,
    Alignment.FUZZY: 0.6,
    Alignment.NONE: 0.35,
}


def _norm(s: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", s.casefold())


def align_value(index: DocIndex, value: Any) -> tuple[Alignment, list[Citation]]:
    """Where ``value`` is in the document, and how sure that is."""
    if value is None or isinstance(value, bool | dict | list):
        return Alignment.NONE, []
    text = str(value).strip()
    if not text:
        return Alignment.NONE, []
    for kind, finder in ((Alignment.EXACT, _exact), (Alignment.NORMALISED, _normalised)):
        hit = finder(index, text, value)
        if hit:
            return kind, _cite(index, hit)
    hit = _fuzzy(index, text)
    if hit:
        return Alignment.FUZZY, _cite(index, hit)
    return Alignment.NONE, []


_Hit = list[tuple[DLine, list[Word]]]


def _cite(index: DocIndex, hit: _Hit) -> list[Citation]:
    out = []
    for line, words in hit:
        c = cite_words(words, line.page, index.pages.get(line.page), line.block_id)
        if c is not None:
            out.append(c)
    return out


def _windows(index: DocIndex) -> list[list[DLine]]:
    lines = index.lines
    out = []
    for i in range(len(lines)):
        for n in range(1, MAX_WINDOW + 1):
            win = lines[i : i + n]
            if len(win) == n and all(x.page == win[0].page for x in win):
                out.append(win)
    return out


def _seq_match(words: list[str], target: list[str]) -> int:
    n = len(target)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == target:
            return i
    return -1


def _match_words(index: DocIndex, target: list[str], key: Any) -> _Hit | None:
    """First run of words equal to ``target`` (under ``key``) within ≤ MAX_WINDOW lines."""
    if not target:
        return None
    flat = [(ln, w) for ln in index.lines for w in ln.words]
    keys = [key(w.text) for _, w in flat]
    n = len(target)
    for i in range(len(flat) - n + 1):
        if keys[i] != target[0] or keys[i : i + n] != target:
            continue
        run = flat[i : i + n]
        first, last = run[0][0], run[-1][0]
        if first.page == last.page and last.order - first.order < MAX_WINDOW:
            return _group(run)
    return None


def _group(pairs: list[tuple[DLine, Word]]) -> _Hit:
    out: _Hit = []
    for ln, w in pairs:
        if out and out[-1][0] is ln:
            out[-1][1].append(w)
        else:
            out.append((ln, [w]))
    return out


def _exact(index: DocIndex, text: str, value: Any) -> _Hit | None:
    return _match_words(index, text.split(), lambda s: s)


def _normalised(index: DocIndex, text: str, value: Any) -> _Hit | None:
    target = [t for t in (_norm(x) for x in text.split()) if t]
    hit = _match_words(index, target, _norm) if target else None
    if hit:
        return hit
    iso = re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)
    number = _as_number(value)
    for ln in index.lines:
        if iso:
            for f in vals.find_dates(ln.text):
                if f.value == text:
                    return [(ln, ln.word_range(f.start, f.end))]
        elif number is not None:
            for f in vals.find_amounts(ln.text):
                if isinstance(f.value, vals.Money) and abs(f.value.amount - number) < 0.005:
                    return [(ln, ln.word_range(f.start, f.end))]
    return None


def _as_number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"-?[\d.,' ]*\d", value.strip()):
        return vals.parse_number(value.strip().lstrip("-"))
    return None


def _fuzzy(index: DocIndex, text: str) -> _Hit | None:
    target = " ".join(text.split()).casefold()
    if len(_norm(target)) < FUZZY_MIN_CHARS:
        return None
    best: tuple[float, _Hit] | None = None
    for win in _windows(index):
        flat = [(ln, w) for ln in win for w in ln.words]
        joined = " ".join(w.text for _, w in flat).casefold()
        if len(joined) < 0.8 * len(target):
            continue
        res = fuzz.partial_ratio_alignment(target, joined)
        if res is None or res.score < FUZZY_MIN:
            continue
        if best is not None and res.score <= best[0]:
            continue
        start, end, pos, chosen = res.dest_start, res.dest_end, 0, []
        for pair in flat:
            wlen = len(pair[1].text)
            if pos < end and pos + wlen > start:
                chosen.append(pair)
            pos += wlen + 1
        if chosen:
            best = (res.score, _group(chosen))
        if best and best[0] >= 100:
            break
    return best[1] if best else None
