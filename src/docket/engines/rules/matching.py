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
from docket.engines.rules.labels import (
    FieldSpec,
    Kind,
    is_concept,
    label_score,
    node_type,
    token_sim,
    tokens,
)


def _words(text: str) -> list[str]:
    return text.split()


MAX_LABEL_WORDS = 6
MIN_LABEL_SCORE = 0.5
_IDENT = frozenset(
    {"number", "no", "nr", "num", "id", "code", "ref", "reference", "nummer", "numero"}
)
_WORDY = {Kind.TEXT, Kind.NAME, Kind.ADDRESS, Kind.PLACE}
_STRONG = {Kind.DATE, Kind.EMAIL, Kind.IBAN, Kind.PHONE, Kind.CURRENCY_CODE}
_POS_WEIGHT = {"inline": 1.0, "right": 0.95, "below": 0.88}
_DOC_TYPE_WORDS = frozenset(
    _words(
        "invoice tax receipt bill statement cash simplified official original "
        "copy order quotation agreement contract welcome thank you sale sales slip memo "
        "delivery note purchase"
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
        if kind is Kind.PLACE:
            places = find_places(text)
            if places or len(text[start:].split()) > 4:
                return places
        s = _clean_start(text, start)
        end = len(text.rstrip(" :.,;"))
        if (
            end - s >= 2
            and not text.rstrip().endswith(":")
            and re.search(r"[A-Za-z0-9]", text[s:end])
        ):
            found.append((s, end, text[s:end]))
    return found


_PLACE_HEAD = re.compile(r"^(?:(?:State|Commonwealth|Province|Republic|Kingdom|County) of )+")


def find_places(text: str) -> list[tuple[int, int, Any]]:
    """Place names after "laws of", "State of", "courts of"… (``State of`` itself dropped)."""
    out: list[tuple[int, int, Any]] = []
    for m in _PLACE.finditer(text):
        s, value = m.start(1), m.group(1)
        head = _PLACE_HEAD.match(value)
        if head:
            s, value = s + head.end(), value[head.end() :]
        cut = re.search(r"\.(\s|$)", value)
        if cut:
            value = value[: cut.start()]
        value = re.sub(r"\s+(?:and|of)$", "", value.strip())
        if len(value) >= 3 and value[0].isupper():
            out.append((s, s + len(value), value))
    return out


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


def _colon_at(ln: DLine) -> int:
    """Word count of a ``Label:`` prefix within the first words, or 0."""
    for j, w in enumerate(ln.words[:MAX_LABEL_WORDS]):
        if w.text.endswith(":") and (len(w.text) > 1 or j > 0):
            return j + 1
        if j > 0 and w.text.startswith(":") and len(w.text) > 1:
            return j  # "NO. :75495-W": the value is glued to the colon
    return 0


def _label_spans(index: DocIndex, spec: FieldSpec) -> list[tuple[DLine, int, float]]:
    """(line, label word count, label score) for every plausible label of the field.

    A ``Label:`` prefix fixes the label's extent; otherwise the best-scoring prefix wins.
    """
    out = []
    for ln in index.lines:
        n = len(ln.words)
        colon = _colon_at(ln)
        ks = [colon] if colon else range(1, min(n, MAX_LABEL_WORDS) + 1)
        best: tuple[int, float] | None = None
        for k in ks:
            toks = ln.tokens_upto(k)
            if not toks:
                continue
            # In running prose only the field's own name can make a label; a description
            # word at the start of a sentence is not one.
            s = label_score(spec, toks, use_desc=bool(colon) or n <= 6)
            if colon:
                s = min(1.0, s * 1.05)
            if s >= MIN_LABEL_SCORE and (best is None or s > best[1] + 1e-9):
                best = (k, s)
        if best:
            out.append((ln, best[0], best[1]))
    return out


_GAP_OK = re.compile(
    r"^[\s:#.\-–=()|/]*(?:(?:rm|usd|eur|myr|gbp|inr|sgd|rs|total)\b[\s:.]*)?$", re.I
)


def _gap_factor(text: str, start: int, value_start: int) -> float:
    """Words between a label and its value mean the label was cut short."""
    gap = text[start:value_start]
    if _GAP_OK.match(gap):
        return 1.0
    words = [w for w in re.findall(r"[A-Za-z]{2,}", gap)]
    return 0.75 ** max(1, len(words))


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
        if d < dist and d < 0.75 * page_w:
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
        ident = spec.kind is Kind.TEXT and bool(_IDENT & set(spec.name_tokens))
        if (
            inline
            and spec.kind in _WORDY
            and not ident
            and not _colon_at(ln)
            and not _spaced(ln, k)
        ):
            inline = []  # "RESTAURANT SDN BHD" is a name, not label + value
        header_row = (
            spec.kind in _WORDY
            and start < len(text)
            and _spaced(ln, k)
            and _label_only_text(text[start:])
        )
        if header_row:
            inline = []  # "Seller      Payee": a row of headers, the values are below
        if inline:
            pick = _pick(spec, inline)
            score = s * _gap_factor(text, start, pick[0]) * _type_factor(spec, pick[2])
            words = _spans_to_words(ln, pick[0], pick[1])
            out.append(Candidate(pick[2], score, [(ln, words)], "inline"))
            continue
        if start < len(ln.text) and spec.kind in _WORDY and not header_row:
            continue
        for where, nb in (("right", _right_of(index, ln)), ("below", _below(index, ln))):
            if nb is None:
                continue
            if spec.kind in _WORDY and (_colon_at(nb) or nb.text.rstrip().endswith(":")):
                continue  # a labelled line of its own, not this label's value
            if where == "right" and spec.kind in _WORDY and _label_only(nb):
                continue  # the next header of a row of headers ("Seller … Payee")
            found = parse_in(spec, nb.text[: _next_label_start(nb, 0)])
            if found:
                pick = _pick(spec, found)
                spans = [(nb, _spans_to_words(nb, pick[0], pick[1]))]
                value = pick[2]
                if spec.kind is Kind.ADDRESS and where == "below":
                    value, spans = _extend_down(index, nb, value, spans)
                score = s * _POS_WEIGHT[where] * _type_factor(spec, value)
                out.append(Candidate(value, score, spans, where))
                break
    return out


def _label_only(ln: DLine) -> bool:
    """A short line made only of thesaurus words ("Payee", "Ship to") is a label, not a value."""
    return _label_only_text(ln.text)


def _label_only_text(text: str) -> bool:
    toks = tokens(text)
    return 0 < len(text.split()) <= 3 and bool(toks) and all(is_concept(t) for t in toks)


def _spaced(ln: DLine, k: int) -> bool:
    """A visible gap (about two characters) between the label's last word and the next."""
    if k >= len(ln.words):
        return False
    a, b = ln.words[k - 1], ln.words[k]
    char = a.bbox.width / max(len(a.text), 1)
    return b.bbox.left - a.bbox.right > 1.8 * char


def _type_factor(spec: FieldSpec, value: Any) -> float:
    """Plausibility of a value for its kind (money has cents; names are mostly letters)."""
    if spec.kind is Kind.AMOUNT and isinstance(value, str | float) and "." not in str(value):
        return 0.85
    if spec.kind is Kind.AMOUNT and isinstance(value, float) and value.is_integer():
        return 0.9
    if spec.kind is Kind.TEXT and isinstance(value, str) and _IDENT & set(spec.name_tokens):
        if any(f.end - f.start >= 0.8 * len(value) for f in vals.find_dates(value)):
            return 0.4  # a date is not an identifier
        return 1.0 if re.search(r"\d", value) and len(value.split()) <= 3 else 0.3
    if spec.kind in (Kind.NAME, Kind.PLACE) and isinstance(value, str):
        letters = sum(c.isalpha() for c in value)
        return 1.0 if letters >= 0.5 * len(value.replace(" ", "")) else 0.4
    return 1.0


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


def repeated_amount_bonus(index: DocIndex, cands: list[Candidate]) -> None:
    """An amount printed again elsewhere (paid, cash, balance lines) is a key figure."""
    counts: dict[float, int] = {}
    for ln in index.lines:
        for f in {
            round(m.value.amount, 2)
            for m in vals.find_amounts(ln.text)
            if isinstance(m.value, vals.Money) and m.value.has_decimals
        }:
            counts[f] = counts.get(f, 0) + 1
    for c in cands:
        amount = c.value.get("amount") if isinstance(c.value, dict) else c.value
        try:
            key = round(float(str(amount)), 2)
        except ValueError:
            continue
        c.score = min(1.0, c.score + 0.08 * min(counts.get(key, 1) - 1, 3))


def _context(spec: FieldSpec, index: DocIndex, ln: DLine) -> float:
    """Share of the field's tokens said in this line or its neighbours (a sentence window)."""
    want = list(spec.all_tokens[:10])
    if not want:
        return 0.0
    lo, hi = max(0, ln.order - 1), min(len(index.lines), ln.order + 2)
    have = {t for other in index.lines[lo:hi] for t in tokens(other.text)}
    got = sum(max((token_sim(w, h) for h in have), default=0.0) for w in want)
    return got / len(want)


def typed_scan(index: DocIndex, spec: FieldSpec, limit: int = 400) -> list[Candidate]:
    """Every value of a typed kind anywhere, scored by surrounding words (no label needed)."""
    out: list[Candidate] = []
    base = 0.3 if spec.kind in _STRONG else 0.0 if spec.kind is Kind.DURATION else 0.2
    for ln in index.lines[:limit] if spec.kind is not Kind.PLACE else index.lines:
        place = spec.kind is Kind.PLACE
        found = find_places(ln.text) if place else parse_in(spec, ln.text)
        for s, e, v in found:
            ctx = _context(spec, index, ln)
            early = 0.05 * (1 - min(ln.order, 200) / 200)
            score = base + 0.45 * ctx + early
            out.append(Candidate(v, score, [(ln, ln.word_range(s, e))], "context"))
    if spec.kind in _STRONG and len({str(c.value) for c in out}) == 1:
        for c in out:
            c.score += 0.1  # the only value of its kind in the document
    return out
