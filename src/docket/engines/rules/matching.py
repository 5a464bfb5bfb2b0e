"""Candidate values for one scalar field: labelled key-values, neighbours, context, fallbacks.

Each candidate carries a score in 0–1 built from label similarity, where the value sits
relative to its label (same line > right > below) and whether the text parses as the field's
kind; the extractor turns the best score into a calibrated confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from docket.domain.document import Word
from docket.engines.rules import values as vals
from docket.engines.rules.index import DLine, DocIndex
from docket.engines.rules.labels import FieldSpec, Kind, label_score, node_type, token_sim, tokens


def _words(text: str) -> list[str]:
    return text.split()


MAX_LABEL_WORDS = 6
MIN_LABEL_SCORE = 0.5
_POS_WEIGHT = {"inline": 1.0, "right": 0.95, "below": 0.88}
_DOC_TYPE_WORDS = frozenset(
    _words(
        "invoice tax receipt bill statement cash simplified official original "
        "copy order quotation agreement contract welcome thank you"
    )
)
_STOP_LINE = re.compile(r"\b(tel|phone|fax|e-?mail|gst|vat|tax|reg|invoice|receipt|www)\b", re.I)
_PLACE = re.compile(
    r"\b(?:State|Commonwealth|Province|Republic|Kingdom|Country|laws|courts?|County) of "
    r"(?:the )?((?:[A-Z][A-Za-z.]+)(?: (?:[A-Z][A-Za-z.]+|of|and))*)"
)
_ORG_SUFFIX = re.compile(
    r"^(?:Inc|Incorporated|LLC|L\.L\.C|Ltd|Limited|Corp|Corporation|Company|Co|L\.P|LP|LLP|"
    r"plc|PLC|GmbH|AG|S\.A|N\.V|B\.V|Bhd|BHD|Sdn|SDN|Trust|Partners|Holdings)\.?,?$"
)


@dataclass
class Candidate:
    value: Any
    score: float
    spans: list[tuple[DLine, list[Word]]]
    source: str


def _clean_start(text: str, start: int) -> int:
    while start < len(text) and text[start] in " :-–#.=|":
        start += 1
    return start


def parse_in(spec: FieldSpec, text: str, start: int = 0) -> list[tuple[int, int, Any]]:
    """Values of the field's kind inside ``text[start:]`` as (start, end, value) spans."""
    sub = text[start:]
    kind = spec.kind
    found: list[tuple[int, int, Any]] = []

    def add(items: list[vals.Found], conv: Any = None) -> None:
        for f in items:
            found.append((start + f.start, start + f.end, conv(f.value) if conv else f.value))

    if kind is Kind.DATE:
        add(vals.find_dates(sub))
    elif kind in (Kind.AMOUNT, Kind.NUMBER, Kind.INTEGER):
        amounts = [f for f in vals.find_amounts(sub) if not _inside_date(sub, f)]
        if kind is Kind.AMOUNT and any(
            isinstance(f.value, vals.Money) and f.value.has_decimals for f in amounts
        ):
            amounts = [
                f for f in amounts if isinstance(f.value, vals.Money) and f.value.has_decimals
            ]
        add(amounts, lambda m: _amount_out(spec, m, sub))
    elif kind is Kind.PERCENT:
        add(vals.find_percentages(sub))
    elif kind is Kind.PHONE:
        add(vals.find_phones(sub))
    elif kind is Kind.EMAIL:
        add(vals.find_emails(sub))
    elif kind is Kind.IBAN:
        add(vals.find_ibans(sub))
    elif kind is Kind.DURATION:
        add(vals.find_durations(sub))
    elif kind is Kind.CURRENCY_CODE:
        code = vals.find_currency_code(sub)
        if code:
            found.append((start, len(text), code))
    elif kind is Kind.BOOL:
        b = vals.parse_bool(sub)
        if b is not None:
            found.append((start, len(text), b))
    elif kind is Kind.ENUM:
        found.extend(_enum_spans(spec, text, start))
    else:
        s = _clean_start(text, start)
        end = len(text.rstrip(" :.,;"))
        if (
            end - s >= 2
            and not text.rstrip().endswith(":")
            and re.search(r"[A-Za-z0-9]", text[s:end])
        ):
            found.append((s, end, text[s:end]))
    return found


def _inside_date(text: str, f: vals.Found) -> bool:
    return any(d.start <= f.start and f.end <= d.end for d in vals.find_dates(text))


def _amount_out(spec: FieldSpec, money: Any, text: str) -> Any:
    assert isinstance(money, vals.Money)
    t = node_type(spec.node)
    if t == "integer":
        return int(money.amount) if money.amount.is_integer() else None
    if t == "string":
        return f"{money.amount:.2f}" if money.has_decimals else str(int(money.amount))
    if spec.node.get("extend:type") == "currency":
        return {
            "amount": money.amount,
            "iso_4217_currency_code": money.currency or vals.find_currency_code(text),
        }
    return money.amount


def _enum_spans(spec: FieldSpec, text: str, start: int) -> list[tuple[int, int, Any]]:
    low = text.lower()
    out = []
    for opt in spec.enum:
        words = opt.replace("_", " ").lower()
        i = low.find(words, start)
        if i >= 0:
            out.append((i, i + len(words), opt))
    return out


def _spans_to_words(line: DLine, s: int, e: int) -> list[Word]:
    return line.word_range(s, e)


def _label_spans(index: DocIndex, spec: FieldSpec) -> list[tuple[DLine, int, float]]:
    """(line, label word count, label score) for every plausible label of the field."""
    out = []
    for ln in index.lines:
        n = len(ln.words)
        best: tuple[int, float] | None = None
        for k in range(1, min(n, MAX_LABEL_WORDS) + 1):
            toks = ln.tokens_upto(k)
            if not toks:
                continue
            s = label_score(spec, toks)
            if ln.words[k - 1].text.endswith(":"):
                s = min(1.0, s * 1.05)
            if s >= MIN_LABEL_SCORE and (best is None or s > best[1] + 1e-9):
                best = (k, s)
        if best:
            out.append((ln, best[0], best[1]))
    return out


def _right_of(index: DocIndex, label: DLine) -> DLine | None:
    best, dist = None, 1e9
    page_w = index.pages[label.page].width if label.page in index.pages else 612.0
    for ln in index.on_page(label.page):
        if ln is label or ln.bbox.left < label.bbox.right - 2:
            continue
        if (
            not label.bbox.top - 0.4 * label.height
            <= ln.bbox.cy
            <= label.bbox.bottom + 0.4 * label.height
        ):
            continue
        d = ln.bbox.left - label.bbox.right
        if d < dist and d < 0.5 * page_w:
            best, dist = ln, d
    return best


def _below(index: DocIndex, label: DLine) -> DLine | None:
    best, dist = None, 1e9
    for ln in index.on_page(label.page):
        if ln is label or ln.bbox.top < label.bbox.bottom - 0.3 * label.height:
            continue
        gap = ln.bbox.top - label.bbox.bottom
        if gap > 2.0 * label.height:
            continue
        overlap = min(ln.bbox.right, label.bbox.right) - max(ln.bbox.left, label.bbox.left)
        if overlap <= 0 and abs(ln.bbox.left - label.bbox.left) > label.height:
            continue
        if gap < dist:
            best, dist = ln, gap
    return best


def labelled(index: DocIndex, spec: FieldSpec) -> list[Candidate]:
    """Values next to a label that names the field."""
    out: list[Candidate] = []
    for ln, k, s in _label_spans(index, spec):
        start = ln.starts[k] if k < len(ln.words) else len(ln.text)
        end = _next_label_start(ln, k)
        text = ln.text[:end]
        inline = parse_in(spec, text, start) if start < len(text) else []
        if inline:
            pick = _pick(spec, inline)
            out.append(
                Candidate(pick[2], s, [(ln, _spans_to_words(ln, pick[0], pick[1]))], "inline")
            )
            continue
        if start < len(ln.text) and spec.kind in (Kind.TEXT, Kind.NAME, Kind.ADDRESS, Kind.PLACE):
            continue
        for where, nb in (("right", _right_of(index, ln)), ("below", _below(index, ln))):
            if nb is None:
                continue
            vals = parse_in(spec, nb.text[: _next_label_start(nb, 0)])
            if vals:
                pick = _pick(spec, vals)
                spans = [(nb, _spans_to_words(nb, pick[0], pick[1]))]
                value = pick[2]
                if spec.kind is Kind.ADDRESS and where == "below":
                    value, spans = _extend_down(index, nb, value, spans)
                out.append(Candidate(value, s * _POS_WEIGHT[where], spans, where))
                break
    return out


def _next_label_start(ln: DLine, k: int) -> int:
    """Where a second ``Label:`` on the same line begins (end of this value)."""
    for j in range(k + 1, len(ln.words)):
        if ln.words[j].text.endswith(":") and len(ln.words[j].text) > 1:
            i = j
            while (
                i > k + 1
                and i > j - 2
                and ln.words[i - 1].text[:1].isupper()
                and ln.words[i - 1].text.isalpha()
            ):
                i -= 1
            return ln.starts[i] - 1
    return len(ln.text)


def _pick(spec: FieldSpec, vals: list[tuple[int, int, Any]]) -> tuple[int, int, Any]:
    """Amounts: the last one on the line (totals are printed right); others: the first."""
    if spec.kind is Kind.AMOUNT and len(vals) > 1:
        return vals[-1]
    return vals[0]


def _extend_down(
    index: DocIndex, first: DLine, value: Any, spans: list[tuple[DLine, list[Word]]]
) -> tuple[Any, list[tuple[DLine, list[Word]]]]:
    cur, parts = first, [str(value)]
    for _ in range(4):
        nxt = _below(index, cur)
        if (
            nxt is None
            or _STOP_LINE.search(nxt.text)
            or ":" in nxt.text
            or vals.find_dates(nxt.text)
        ):
            break
        parts.append(nxt.text)
        spans.append((nxt, nxt.words))
        cur = nxt
    return " ".join(parts), spans


def _context(spec: FieldSpec, index: DocIndex, ln: DLine) -> float:
    """Share of the field's tokens said in this line or its neighbours (a sentence window)."""
    want = [t for t in spec.all_tokens[:10] if t not in ("date", "name", "number")] or list(
        spec.all_tokens[:10]
    )
    if not want:
        return 0.0
    lo, hi = max(0, ln.order - 1), min(len(index.lines), ln.order + 2)
    have = {t for other in index.lines[lo:hi] for t in tokens(other.text)}
    got = sum(max((token_sim(w, h) for h in have), default=0.0) for w in want)
    return got / len(want)


def typed_scan(index: DocIndex, spec: FieldSpec, limit: int = 400) -> list[Candidate]:
    """Every value of a typed kind anywhere, scored by surrounding words (no label needed)."""
    out: list[Candidate] = []
    for ln in index.lines[:limit] if spec.kind is not Kind.PLACE else index.lines:
        if spec.kind is Kind.PLACE:
            vals = [(m.start(1), m.end(1), m.group(1)) for m in _PLACE.finditer(ln.text)]
        else:
            vals = parse_in(spec, ln.text)
        for s, e, v in vals:
            ctx = _context(spec, index, ln)
            early = 0.05 * (1 - min(ln.order, 200) / 200)
            out.append(
                Candidate(v, 0.2 + 0.45 * ctx + early, [(ln, ln.word_range(s, e))], "context")
            )
    return out


def _is_name_line(ln: DLine) -> bool:
    letters = sum(c.isalpha() for c in ln.text)
    toks = [t.lower().strip(".:") for t in ln.text.split()]
    if letters < 3 or letters < 0.5 * len(ln.text.replace(" ", "")):
        return False
    if all(t in _DOC_TYPE_WORDS for t in toks):
        return False
    return not (vals.find_dates(ln.text) or vals.find_phones(ln.text) or ":" in ln.text)


def name_fallback(index: DocIndex) -> tuple[Candidate | None, int]:
    """The first name-like line at the top of the first page (a letterhead or shop name)."""
    first_page = min(index.pages) if index.pages else 1
    for i, ln in enumerate(index.lines[:8]):
        if ln.page == first_page and _is_name_line(ln):
            return Candidate(ln.text.strip(" .,"), 0.42, [(ln, ln.words)], "top"), i
    return None, -1


def address_fallback(index: DocIndex) -> Candidate | None:
    """The run of lines under the letterhead up to the first contact/tax/date line."""
    _, i = name_fallback(index)
    if i < 0:
        return None
    run: list[DLine] = []
    for ln in index.lines[i + 1 : i + 7]:
        if (
            _STOP_LINE.search(ln.text)
            or vals.find_dates(ln.text)
            or vals.find_phones(ln.text)
            or ":" in ln.text
        ):
            break
        run.append(ln)
    while (
        run
        and not re.search(r"\d", run[0].text)
        and len(run) > 1
        and not re.search(r"\d", " ".join(r.text for r in run[:1]))
    ):
        if re.search(r"\d", " ".join(r.text for r in run[1:2])):
            break
        run = run[1:]
    if not run or not re.search(r"\d", " ".join(r.text for r in run)):
        return None
    return Candidate(" ".join(r.text for r in run), 0.4, [(r, r.words) for r in run], "top")


def organisations(index: DocIndex, limit: int = 60) -> list[Candidate]:
    """Organisation names (capitalised words ending in a legal-form suffix), in order."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for ln in index.lines[:limit]:
        words = ln.words
        for j, w in enumerate(words):
            if not _ORG_SUFFIX.match(w.text) or j == 0:
                continue
            i = j
            while i > 0 and j - i < 6:
                prev = words[i - 1].text
                if prev[:1].isupper() or prev in ("&", "and", "of"):
                    i -= 1
                else:
                    break
            while i < j and words[i].text in ("&", "and", "of", "The", "THE"):
                i += 1
            if i == j:
                continue
            text = " ".join(x.text for x in words[i : j + 1]).strip(' ,("“”')
            key = re.sub(r"[^a-z0-9]", "", text.lower())
            if key in seen or len(key) < 4:
                continue
            seen.add(key)
            out.append(Candidate(text, 0.5, [(ln, words[i : j + 1])], "entity"))
    return out
