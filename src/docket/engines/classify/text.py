"""Words and layout signals of a parsed document, in the form the offline classifier scores.

Terms are lower-cased, accent-folded, lightly stemmed words and their 2- and 3-word phrases, so a
class described as "invoices" matches "Invoice" and "bill to" matches "BILL TO:". Each term keeps
its count, the weight of the zones it was seen in (title words on the first pages count more
than body text deep inside a long document) and the first page it appeared on, for evidence.
Layout signals are generic shape measures in [0, 1] (amount density, line-item tables, numbered
clauses, reference lists, page count), independent of any class list.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from docket.domain.document import BlockType, ParsedDocument

_WORD = re.compile(r"[a-z][a-z'’]*[a-z]|[a-z]")
_AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,  ]\d{3})*[.,]\d{2}(?![\d.,]*\d)")
_NUMBERED = re.compile(
    r"^\s*(?:(?:section|article|clause|§)\s*[\divxlc]+|\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z]|"
    r"\([a-z]{1,3}\)\s|\([ivx]+\)\s|[a-h]\.\s+[A-Z])",
    re.I,
)
_CITE = re.compile(r"\[\d{1,3}(?:[,–-]\s?\d{1,3})*\]|\bet al\b|\b(?:eq|eqs|fig|figs)\.\s?\(?\d")
_PERCENT = re.compile(r"\d\s?%|\bper ?cent\b", re.I)
_MAX_PAGES_FULL = 6  # pages read in full; beyond, only every page's first lines
_TAIL_LINES = 12


def _wordset(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


STOPWORDS = _wordset(
    """a an the and or of to in on for by with from at as is are be been being was were it its
    this that these those which who whom whose what when where why how any all each every some
    such no not nor than then there here into onto over under about after before between during
    out up down off so very can could may might must shall should will would do does did done
    has have had having i me my we our you your he him his she her they them their one ones
    also other others more most many much few less least own same only just both either neither
    e g eg ie etc via per usually typically often mostly mainly generally something anything
    thing things kind kinds type types sort sorts like such"""
)
# Words that describe documents in general and so say nothing about which kind one is.
GENERIC = _wordset(
    """document documents doc docs file files page pages paper papers text texts content contain
    contains containing contained includ include includes including included item items form
    forms record records issued issue show shows showing list lists listing category class
    describ describe describes described related relat refer refers mention mentions written
    write writes someone anyone person people thing usual"""
)


def fold(text: str) -> str:
    """Lower-case ASCII-folded text (``Désignation`` → ``designation``)."""
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if not unicodedata.combining(c)).lower()


_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "ed", "es", "s")


def stem(word: str) -> str:
    """A light, predictable stemmer: enough to join plurals and verb forms."""
    w = word.replace("’", "'").split("'")[0]
    if len(w) <= 3:
        return w
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            base = w[: -len(suf)]
            if suf in ("ies", "ied"):
                return base + "y"
            if suf == "es" and not base.endswith(("ss", "sh", "ch", "x", "z")):
                return base + "e"
            if suf == "s" and base.endswith(("s", "u", "i")):
                return w
            return base
    return w


def tokens(text: str) -> list[str]:
    """Stemmed word tokens of ``text`` (stopwords kept: phrases need them)."""
    return [stem(m.group(0)) for m in _WORD.finditer(fold(text))]


def content_terms(text: str) -> list[str]:
    """Stemmed content words of a class's own words (no stopwords, no generic words)."""
    out = []
    for t in tokens(text):
        if len(t) > 1 and t not in STOPWORDS and t not in GENERIC and stem(t) not in GENERIC:
            out.append(t)
    return out


def phrase_key(text: str) -> str:
    """The lookup key of a (multi-word) phrase: its stemmed tokens joined by spaces."""
    return " ".join(tokens(text))


@dataclass
class TermStat:
    count: int = 0
    zone: float = 0.0  # the strongest zone weight the term was seen in
    page: int = 0  # first page (1-based) it was seen on
    text: str = ""  # as printed there (first occurrence)


@dataclass
class DocSignals:
    """What the classifier reads off one document."""

    terms: dict[str, TermStat] = field(default_factory=dict)
    layout: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    words: int = 0
    first_page: int = 1

    def add(self, words: list[str], raw: list[str], zone: float, page: int) -> None:
        n = len(words)
        for size in (1, 2, 3):
            for i in range(n - size + 1):
                key = " ".join(words[i : i + size])
                if size > 1 and (words[i] in STOPWORDS and words[i + size - 1] in STOPWORDS):
                    continue
                st = self.terms.get(key)
                if st is None:
                    st = self.terms[key] = TermStat(page=page, text=" ".join(raw[i : i + size]))
                st.count += 1
                st.zone = max(st.zone, zone)


_RAW = re.compile(r"[^\W\d_][^\W\d_'’]*[^\W\d_]|[^\W\d_]")


def _split(text: str) -> tuple[list[str], list[str]]:
    raw = [m.group(0) for m in _RAW.finditer(text)]
    stems, kept = [], []
    for r in raw:
        f = fold(r)
        if _WORD.fullmatch(f):
            stems.append(stem(f))
            kept.append(r)
    return stems, kept


def read_signals(doc: ParsedDocument) -> DocSignals:
    """Terms by zone and the generic layout measures of ``doc``."""
    sig = DocSignals(pages=max(len(doc.pages), 1))
    first = doc.pages[0].number if doc.pages else 1
    sig.first_page = first
    per_page: dict[int, int] = {}
    lines_total = amount_lines = numbered = cites = percents = 0
    item_tables = tables = formulas = figures = headings = 0
    ref_heading = False
    for b in doc.blocks:
        rel = b.page - first  # 0 on the first page of the (sub-)document
        per_page[b.page] = per_page.get(b.page, 0) + 1
        if rel >= _MAX_PAGES_FULL and per_page[b.page] > _TAIL_LINES:
            continue
        text = b.text or ""
        lines = [ln for ln in text.split("\n") if ln.strip()] or [text]
        if b.type is BlockType.FORMULA:
            formulas += 1
        if b.type is BlockType.FIGURE:
            figures += 1
        title = b.type is BlockType.HEADING or (b.type is BlockType.HEADER and rel == 0)
        if title:
            headings += 1
            if re.fullmatch(r"\s*(references|bibliography|literature cited)\s*", fold(text)):
                ref_heading = True
        if b.table is not None:
            tables += 1
            if _is_item_table(b.table.grid()):
                item_tables += 1
        zone = (2.0 if title else 1.0) * (1.5 if rel == 0 else 1.0 if rel < 3 else 0.6)
        for ln in lines:
            lines_total += 1
            if _AMOUNT.search(ln):
                amount_lines += 1
            if _NUMBERED.match(ln):
                numbered += 1
            cites += len(_CITE.findall(fold(ln)))
            percents += len(_PERCENT.findall(ln))
            stems, raw = _split(ln)
            sig.words += len(stems)
            sig.add(stems, raw, zone, b.page)
    lt = max(lines_total, 1)
    pg = sig.pages
    width = doc.pages[0].width if doc.pages else 1.0
    height = doc.pages[0].height if doc.pages else 1.0
    sig.layout = {
        "amounts": min(1.0, amount_lines / lt * 3.0),
        "line_items": min(1.0, item_tables / 1.0),
        "tables": min(1.0, tables / pg),
        "clauses": min(1.0, numbered / (6.0 * pg) + (0.3 if numbered >= 5 else 0.0)),
        "citations": min(1.0, cites / (4.0 * pg)),
        "references": 1.0 if ref_heading else 0.0,
        "formulas": min(1.0, formulas / (2.0 * pg)),
        "figures": min(1.0, figures / (2.0 * pg)),
        "percent": min(1.0, percents / (6.0 * pg)),
        "one_page": 1.0 if pg == 1 else 0.5 if pg == 2 else 0.0,
        "long": min(1.0, max(0.0, (pg - 2) / 8.0)),
        "short_text": 1.0 - min(1.0, sig.words / (350.0 * pg)),
        "dense_text": min(1.0, sig.words / (500.0 * pg)),
        "narrow": 1.0 if height > 1.8 * width else 0.0,
    }
    return sig


def _is_item_table(grid: list[list[str]]) -> bool:
    """A table of several rows whose last non-empty cell is an amount (line items)."""
    if len(grid) < 2:
        return False
    hits = 0
    for row in grid:
        cells = [c for c in row if c.strip()]
        if len(cells) >= 2 and _AMOUNT.search(cells[-1]):
            hits += 1
    return hits >= 2


def saturate(count: int) -> float:
    """0 for an absent term, ~0.5 for one occurrence, →1 for many (diminishing returns)."""
    return 0.0 if count <= 0 else min(1.0, 0.45 + 0.3 * math.log(count))
