"""Typed value parsers: each finds values of one kind in a text and says where they are.

Every finder returns ``(start, end, normalised)`` spans so that a caller can cite the exact
characters it used. Parsers accept the formats people print (``25/12/2018``, ``Dec 25, 2018``,
``1.234,56 €``, ``+44 20 7946 0958``) and normalise to one machine form (ISO dates, floats,
upper-case IBANs without spaces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


def _words(text: str) -> list[str]:
    return text.split()


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january", "januar", "janvier"),
            ("feb", "february", "februar", "fevrier", "février"),
            ("mar", "march", "märz", "maerz", "mars"),
            ("apr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juni", "juin"),
            ("jul", "july", "juli", "juillet"),
            ("aug", "august", "aout", "août"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "oktober", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "dezember", "décembre", "decembre"),
        ]
    )
    for m in names
}
MONTHS = frozenset(_MONTHS)
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))

_DATE_PATTERNS = [
    # 2018-12-25, 2018/12/25, 2018.12.25
    (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"), "ymd"),
    # 25/12/2018, 12-25-18, 25.12.2018
    (re.compile(r"(?<![\d/.-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?![\d/])"), "dmy"),
    # 25 Dec 2018, 25-Dec-2018, 25th of December, 2018
    (
        re.compile(
            rf"(?<![A-Za-z\d])(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+day)?(?:\s+of)?[\s\-/.]*({_MON})\.?[\s,\-/.]*(\d{{4}}|\d{{2}})(?!\d)",
            re.I,
        ),
        "d_mon_y",
    ),
    # December 25, 2018 / Dec. 25 2018
    (
        re.compile(
            rf"(?<![A-Za-z])({_MON})\.?\s*(\d{{1,2}})(?:st|nd|rd|th)?,?\s*(\d{{4}})(?!\d)", re.I
        ),
        "mon_d_y",
    ),
]


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    value: object


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        return 2000 + n if n < 70 else 1900 + n
    return n


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, *, month_first: bool = False) -> list[Found]:
    """Dates in ``text`` as ISO strings; numeric ``a/b/y`` is day-first unless impossible."""
    out: list[Found] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            g = m.groups()
            d: date | None
            if kind == "ymd":
                d = _mk(int(g[0]), int(g[1]), int(g[2]))
            elif kind == "dmy":
                a, b, y = int(g[0]), int(g[1]), _year(g[2])
                first, second = (b, a) if month_first else (a, b)
                d = _mk(y, second, first) or _mk(y, first, second)
            elif kind == "d_mon_y":
                d = _mk(_year(g[2]), _MONTHS[g[1].lower()], int(g[0]))
            else:
                d = _mk(_year(g[2]), _MONTHS[g[0].lower()], int(g[1]))
            if d is not None and 1900 <= d.year <= 2100:
                out.append(Found(m.start(), m.end(), d.isoformat()))
                taken.append((m.start(), m.end()))
    out.sort(key=lambda f: f.start)
    return out


_CURRENCY_SYMBOLS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "rm": "MYR",
    "rs": "INR",
    "rs.": "INR",
    "zł": "PLN",
    "kr": "SEK",
    "chf": "CHF",
}
_ISO = "USD|EUR|GBP|JPY|INR|MYR|SGD|AUD|CAD|CHF|CNY|PLN|SEK|NOK|DKK|CZK|HUF|BRL|MXN|ZAR|HKD|NZD|RON"
_SYM = r"\$|€|£|¥|₹|RM|Rs\.?|zł|kr|CHF"
_AMOUNT = re.compile(
    rf"(?P<pre>(?:{_ISO}|{_SYM})\s?)?(?P<sign>-)?"
    r"(?P<num>\d{1,3}(?:[,.']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d%])"
    rf"(?P<post>\s?(?:{_ISO}|{_SYM}))?",
    re.I,
)


def parse_number(raw: str) -> float | None:
    """``1,234.56`` / ``1.234,56`` / ``1 234,56`` / ``1234`` → float; the last separator
    followed by one or two digits is the decimal mark."""
    s = raw.strip().replace("\u00a0", " ").replace("'", "")
    m = re.search(r"[.,](\d{1,2})$", s)
    if m:
        head, dec = s[: m.start()], m.group(1)
    else:
        head, dec = s, ""
    head = re.sub(r"[ .,]", "", head)
    if not head.isdigit() and head:
        return None
    try:
        return float(f"{head or 0}.{dec}" if dec else head)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Money:
    amount: float
    currency: str | None
    has_decimals: bool


def find_amounts(text: str) -> list[Found]:
    """Money-like numbers with an optional currency (``Found.value`` is :class:`Money`)."""
    out: list[Found] = []
    for m in _AMOUNT.finditer(text):
        num = parse_number(m.group("num"))
        if num is None:
            continue
        if m.group("sign"):
            num = -num
        cur_raw = (m.group("pre") or m.group("post") or "").strip()
        cur = _currency_code(cur_raw) if cur_raw else None
        has_dec = bool(re.search(r"[.,]\d{2}$", m.group("num")))
        out.append(Found(m.start(), m.end(), Money(num, cur, has_dec)))
    return out


def _currency_code(raw: str) -> str | None:
    low = raw.lower()
    if low.upper() in _ISO.split("|"):
        return low.upper()
    return _CURRENCY_SYMBOLS.get(low)


def find_currency_code(text: str) -> str | None:
    m = re.search(rf"(?<![A-Za-z])({_ISO})(?![A-Za-z])|(\$|€|£|¥|₹)", text)
    if not m:
        return None
    return _currency_code(m.group(0))


_PERCENT = re.compile(r"(-?\d+(?:[.,]\d+)?)\s?%")


def find_percentages(text: str) -> list[Found]:
    out = []
    for m in _PERCENT.finditer(text):
        v = parse_number(m.group(1))
        if v is not None:
            out.append(Found(m.start(), m.end(), v))
    return out


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w])(\+?\(?\d[\d ()./-]{6,}\d)(?![\w])")
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b")


def find_emails(text: str) -> list[Found]:
    return [Found(m.start(), m.end(), m.group(0)) for m in _EMAIL.finditer(text)]


def find_phones(text: str) -> list[Found]:
    """Phone-like digit runs of 7–15 digits (dates and amounts with decimals excluded)."""
    out = []
    for m in _PHONE.finditer(text):
        raw = m.group(1)
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or re.fullmatch(r"[\d,]+\.\d{2}", raw):
            continue
        if find_dates(raw):
            continue
        out.append(Found(m.start(1), m.end(1), raw.strip()))
    return out


def iban_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check."""
    s = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    moved = s[4:] + s[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


def find_ibans(text: str) -> list[Found]:
    out = []
    for m in _IBAN.finditer(text.upper()):
        compact = m.group(1).replace(" ", "")
        if iban_valid(compact):
            out.append(Found(m.start(1), m.end(1), compact))
    return out


_TRUE = {"yes", "y", "true", "x", "☑", "☒", "✓", "✔", "[x]", "checked", "on", "ja", "oui"}
_FALSE = {"no", "n", "false", "☐", "[ ]", "unchecked", "off", "nein", "non"}


def parse_bool(text: str) -> bool | None:
    """Yes/no words and checkbox glyphs; None when the text says neither."""
    t = text.strip().lower().rstrip(".:")
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    first = t.split()[0] if t.split() else ""
    if first in {"☑", "☒", "✓", "✔", "[x]"}:
        return True
    if first in {"☐", "[ ]"}:
        return False
    return None


_DURATION = re.compile(
    r"(?:(?P<word>[a-z]+(?:[- ][a-z]+)?)\s*)?\(?(?P<num>\d{1,3})?\)?\s*"
    r"(?P<unit>years?|months?|weeks?|days?)\b",
    re.I,
)
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        _words("zero one two three four five six seven eight nine ten eleven twelve")
    )
}
_NUMBER_WORDS.update(
    {"eighteen": 18, "twenty-four": 24, "thirty": 30, "thirty-six": 36, "sixty": 60, "ninety": 90}
)
_NUMBER_WORDS.update({"fifteen": 15, "twenty": 20, "forty-eight": 48, "sixteen": 16})


def find_durations(text: str) -> list[Found]:
    """``two (2) years`` / ``12 months`` / ``one year`` → ``"2 years"`` (count + plural unit)."""
    out = []
    for m in _DURATION.finditer(text):
        n: int | None = int(m.group("num")) if m.group("num") else None
        start = m.start("num") if m.group("num") else m.start("unit")
        word = (m.group("word") or "").lower()
        last = word.split()[-1] if word else ""
        if n is None and last in _NUMBER_WORDS:
            n = _NUMBER_WORDS[last]
            start = m.start("word") + word.rfind(last)
        elif n is not None and last in _NUMBER_WORDS:
            start = m.start("word") + word.rfind(last)
        if n is None or n <= 0:
            continue
        unit = m.group("unit").lower().rstrip("s")
        out.append(Found(start, m.end(), f"{n} {unit}{'s' if n != 1 else ''}"))
    return out
