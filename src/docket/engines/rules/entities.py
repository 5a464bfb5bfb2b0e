"""Names and addresses without labels: letterheads and the parties of an agreement.

A receipt or invoice names its issuer at the top (often with a legal-form suffix and a
registration number) and prints the address under it; an agreement names its parties after
"between … and …". These finders give candidates the extractor scores like any other.
"""

from __future__ import annotations

import re

from docket.domain.document import Word
from docket.engines.rules import values as vals
from docket.engines.rules.index import DLine, DocIndex
from docket.engines.rules.matching import (
    _DOC_TYPE_WORDS,
    _ORG_SUFFIX,
    _STOP_LINE,
    Candidate,
    _words,
)

_ROLE_WORDS = frozenset(_words("cashier server table operator staff terminal counter pos"))
_ID_TOKEN = re.compile(r"^\(?[A-Z]*[\d][\w/.-]*\)?[.,]?$")
_SUFFIX_END = re.compile(
    r"\b(?:inc|incorporated|llc|ltd|limited|corp|corporation|company|co|l\.?p|llp|plc|gmbh|ag|"
    r"s\.?a|n\.?v|b\.?v|bhd|s/b|pte|pty|sarl|srl|spa|oy|ab)\.?$",
    re.I,
)


def clean_name(text: str) -> str:
    """Drop a trailing registration number such as ``(519537-X)`` from a name line."""
    text = re.sub(r"\s*\([^()]*\d[^()]*\)\s*$", "", text)
    words = text.split()
    while len(words) > 1 and _ID_TOKEN.match(words[-1]) and any(c in words[-1] for c in "()-"):
        words.pop()
    return " ".join(words).strip(" .,;:")


def clean_address(text: str) -> str:
    text = re.sub(r"^\s*\([^()]*\d[^()]*\)\s*", "", text)
    words = text.split()
    while len(words) > 1 and _ID_TOKEN.match(words[0]) and words[0].startswith("("):
        words.pop(0)
    return " ".join(words).strip(" ,;:")


def _is_name_line(ln: DLine) -> bool:
    text = clean_name(ln.text)
    letters = sum(c.isalpha() for c in text)
    toks = [t.lower().strip(".:") for t in text.split()]
    if letters < 3 or letters < 0.6 * len(text.replace(" ", "")):
        return False
    if all(t in _DOC_TYPE_WORDS for t in toks) or "thank" in toks:
        return False
    if toks and toks[0] in _ROLE_WORDS:
        return False  # "CASHIER: …", "TABLE 4"
    return not (vals.find_dates(text) or vals.find_phones(text) or ":" in ln.text)


def _letterhead(index: DocIndex) -> tuple[list[DLine], int]:
    """The name lines at the top of the first page and the index after them."""
    first_page = min(index.pages) if index.pages else 1
    top = [ln for ln in index.lines[:10] if ln.page == first_page]
    names = [i for i, ln in enumerate(top[:8]) if _is_name_line(ln)]
    if not names:
        return [], -1
    suffixed = [i for i in names if _SUFFIX_END.search(clean_name(top[i].text))]
    i = names[0]
    if suffixed and suffixed[0] <= 5:
        j = suffixed[0]
        if j == i + 1 and not _SUFFIX_END.search(clean_name(top[i].text)):
            return [top[i], top[j]], j + 1
        return [top[j]], j + 1
    return [top[i]], i + 1


def name_fallback(index: DocIndex) -> tuple[Candidate | None, int]:
    """The letterhead: the organisation name at the top of the first page."""
    lines, after = _letterhead(index)
    if not lines:
        return None, -1
    text = " ".join(clean_name(ln.text) for ln in lines)
    score = 0.5 if _SUFFIX_END.search(text) else 0.42
    return Candidate(text, score, [(ln, ln.words) for ln in lines], "top"), after


def address_fallback(index: DocIndex) -> Candidate | None:
    """The run of lines under the letterhead up to the first contact/tax/date line."""
    _, after = name_fallback(index)
    if after < 0:
        return None
    run: list[DLine] = []
    for ln in index.lines[after : after + 7]:
        dated = vals.find_dates(ln.text) or vals.find_phones(ln.text)
        gap = ln.bbox.top - run[-1].bbox.bottom if run else 0.0
        stop = _STOP_LINE.search(ln.text) or dated or ":" in ln.text
        if run and (stop or gap > 1.5 * ln.height):
            break
        id_only = all(_ID_TOKEN.match(w) for w in ln.text.split())
        leading = _SUFFIX_END.search(clean_name(ln.text)) or not re.search(r"[\d,]", ln.text)
        if not run and (stop or id_only or leading):
            continue
        run.append(ln)
    text = clean_address(" ".join(r.text for r in run))
    if not run or not re.search(r"\d", text):
        return None
    return Candidate(text, 0.42, [(r, r.words) for r in run], "top")


_CAP = re.compile(r"^[A-Z0-9][\w.&'’-]*,?$")
_CONNECT = {"&", "and", "of", "de", "du", "the"}


def _name_run(pairs: list[tuple[DLine, Word]], i: int, limit: int = 8) -> int:
    """End (exclusive) of a run of capitalised words starting at ``i``."""
    j = i
    while j < len(pairs) and j - i < limit:
        t = pairs[j][1].text
        if _CAP.match(t) or (
            t in _CONNECT and j + 1 < len(pairs) and _CAP.match(pairs[j + 1][1].text)
        ):
            j += 1
            if t.endswith(",") and not (j < len(pairs) and _ORG_SUFFIX.match(pairs[j][1].text)):
                break
        else:
            break
    return j


def _span(pairs: list[tuple[DLine, Word]], i: int, j: int, score: float) -> Candidate | None:
    while i < j and (
        pairs[i][1].text[:1].isdigit() or pairs[i][1].text.lower().strip(".,") in vals.MONTHS
    ):
        i += 1  # a date or number run in front of the name
    text = " ".join(w.text for _, w in pairs[i:j]).strip(' ,;:("“”')
    if len(re.sub(r"[^A-Za-z]", "", text)) < 3:
        return None
    spans: list[tuple[DLine, list[Word]]] = []
    for ln, w in pairs[i:j]:
        if spans and spans[-1][0] is ln:
            spans[-1][1].append(w)
        else:
            spans.append((ln, [w]))
    return Candidate(text, score, spans, "entity")


def organisations(index: DocIndex, limit: int = 40) -> list[Candidate]:
    """Named parties: the names after "between … and …" if the opening says so, else
    organisation names (capitalised words ending in a legal-form suffix), in order."""
    pairs = [(ln, w) for ln in index.lines[:limit] for w in ln.words]
    words = [w.text for _, w in pairs]
    out: list[Candidate] = []
    for k, t in enumerate(words):
        if t.lower() != "between":
            continue
        i = k + 1
        for _ in range(2):
            defined = False
            while i < len(words) and words[i].lower() in ("the", "and", "by", "among"):
                defined = defined or words[i].lower() == "the"
                i += 1
            j = _name_run(pairs, i)
            cand = _span(pairs, i, j, 0.6) if j > i else None
            if cand is None:
                break
            if not (defined and j - i == 1):  # "the Company" is a defined term, not a name
                out.append(cand)
            # skip to the next " and " that introduces the other party
            nxt = next((m for m in range(j, min(j + 40, len(words))) if words[m] == "and"), None)
            if nxt is None:
                break
            i = nxt + 1
        if out:
            return _dedupe(out)
    for j, (_, w) in enumerate(pairs):
        if not _ORG_SUFFIX.match(w.text) or j == 0:
            continue
        i = j
        while i > 0 and j - i < 6:
            prev = words[i - 1]
            if _CAP.match(prev) or (prev in _CONNECT and i - 2 >= 0 and _CAP.match(words[i - 2])):
                i -= 1
            else:
                break
        while i < j and words[i] in _CONNECT | {"The", "THE"}:
            i += 1
        cand = _span(pairs, i, j + 1, 0.5) if i < j else None
        if cand:
            out.append(cand)
    return _dedupe(out)


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    out = []
    for c in cands:
        key = re.sub(r"[^a-z0-9]", "", str(c.value).lower())
        if key and key not in seen:
            seen.add(key)
            out.append(c)
    return out
