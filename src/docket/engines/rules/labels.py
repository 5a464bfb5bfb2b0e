"""Field understanding: tokens, value kinds and label similarity.

A schema field is described by its key, its display name and its description. They are
tokenised (snake/camel case split, light stemming) and compared with the labels printed on a
document. Synonyms are a few generic concept groups (not any dataset's field names), so that a
paraphrased field (``amount_paid`` for ``total``) still finds its label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from docket.engines.rules.lexicon import GROUPS, MODIFIERS, SUFFIXES


def _words(text: str) -> list[str]:
    return text.split()


_STOP = frozenset(
    _words(
        "a an the of on in at to for from by with and or is are be as this that "
        "its it his her their which what who when where any all each per if was "
        "were has have had will shall such than then there these those into "
        "onto via should would can may must"
    )
)

# Concept groups (lexicon.py); a token in a group is a near-synonym of the group's others.
_GROUPS = GROUPS
_GROUP_OF: dict[str, set[int]] = {}
for _i, _g in enumerate(_GROUPS):
    for _t in _g:
        _GROUP_OF.setdefault(_t, set()).add(_i)


# Words that say what sort of value a field holds rather than which one.
_GENERIC = frozenset({"number", "no", "num", "id", "code", "date", "name", "type", "value"})


FOREIGN_WEIGHT = 2.0
_COMPOUND_TAILS = sorted(
    (t for t in _GROUP_OF if len(t) >= 5 and t.isalpha()), key=len, reverse=True
)


class Kind(StrEnum):
    DATE = "date"
    AMOUNT = "amount"
    NUMBER = "number"
    INTEGER = "integer"
    PERCENT = "percent"
    PHONE = "phone"
    EMAIL = "email"
    IBAN = "iban"
    BOOL = "bool"
    DURATION = "duration"
    CURRENCY_CODE = "currency_code"
    ENUM = "enum"
    ADDRESS = "address"
    NAME = "name"
    PLACE = "place"
    TEXT = "text"


_PREFIXES = frozenset({"sub", "pre"})  # written apart from the word they belong to


def _stem(t: str) -> str:
    if len(t) > 4 and t.endswith("ies"):
        return t[:-3] + "y"
    if len(t) > 4 and t.endswith("ing"):
        return t[:-3]
    if len(t) > 3 and t.endswith("s") and not t.endswith("ss"):
        return t[:-1]
    return t


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-case content tokens: camelCase and snake_case split, stop words dropped."""
    # camelCase split, but not after one or two letters ("MwSt", "eMail" are one word)
    text = re.sub(r"(?<=[A-Za-z]{2})([a-z])([A-Z])", r"\1 \2", text)
    raw = re.findall(r"[^\W\d_]+|\d+", text.replace("_", " ").replace("e-mail", "email"))
    out: list[str] = []
    glue = ""
    for t in raw:
        low = glue + t.lower()
        glue = ""
        if low in _PREFIXES:
            glue = low  # "Sub-total", "Sub total" → subtotal
            continue
        if low in _STOP:
            continue
        out.extend(_split_compound(low))
    if glue:
        out.append(glue)
    return tuple(_normal(t) for t in out)


def _normal(t: str) -> str:
    """Light stem, or the lexicon's own form of an inflected word ("billed" → bill)."""
    s = _stem(t)
    if s in _GROUP_OF:
        return s
    if t in _GROUP_OF:
        return t
    for suffix in SUFFIXES:
        if t.endswith(suffix) and len(t) - len(suffix) >= 3:
            base = t[: -len(suffix)]
            for cand in (base, base + "e", base + "y", base[:-1]):
                if cand in _GROUP_OF and (cand != base[:-1] or base[-1] == base[-2]):
                    return cand
    return s


def _split_compound(word: str) -> list[str]:
    """German/Dutch compounds ending in a concept word: ``rechnungsnummer`` → rechnung nummer."""
    if len(word) < 9 or word in _GROUP_OF:
        return [word]
    for tail in _COMPOUND_TAILS:
        if word.endswith(tail) and len(word) - len(tail) >= 4:
            head = word[: -len(tail)]
            head = head[:-1] if head.endswith("s") and head[:-1] in _GROUP_OF else head
            return [head, tail]
    return [word]


def is_concept(token: str) -> bool:
    """Whether a token is a thesaurus word (names something a document labels)."""
    return token in _GROUP_OF


@lru_cache(maxsize=1 << 17)
def token_sim(a: str, b: str) -> float:
    """1 for the same token, 0.8 for synonyms, 0.85 for a near spelling (OCR slips)."""
    if a == b:
        return 1.0
    ga, gb = _GROUP_OF.get(a), _GROUP_OF.get(b)
    if ga and gb and ga & gb:
        return 0.8
    if len(a) >= 5 and len(b) >= 5 and Levenshtein.normalized_similarity(a, b) >= 0.8:
        return 0.85
    return 0.0


@dataclass
class FieldSpec:
    """One leaf to fill: its path, schema node, tokens and value kind."""

    path: str
    key: str
    node: dict[str, Any]
    name_tokens: tuple[str, ...]
    desc_tokens: tuple[str, ...]
    kind: Kind
    enum: list[str] = field(default_factory=list)

    @property
    def all_tokens(self) -> tuple[str, ...]:
        return self.name_tokens + tuple(t for t in self.desc_tokens if t not in self.name_tokens)


_KIND_WORDS: list[tuple[Kind, set[str]]] = [
    (Kind.EMAIL, {"email"}),
    (Kind.IBAN, {"iban"}),
    (Kind.PHONE, {"phone", "tel", "telephone", "mobile", "fax"}),
    (Kind.PERCENT, {"percent", "percentage", "pct"}),
    (Kind.CURRENCY_CODE, {"currency", "ccy"}),
    (Kind.DATE, {"date", "dated", "day", "birthday", "dob"}),
    (Kind.DURATION, {"term", "duration", "period", "length"}),
    (Kind.ADDRESS, {"address", "addr", "street", "location", "postal"}),
    (Kind.PLACE, {"jurisdiction", "governing", "venue", "country", "city", "state", "law"}),
    (
        Kind.AMOUNT,
        {
            "total",
            "amount",
            "price",
            "cost",
            "subtotal",
            "balance",
            "fee",
            "tax",
            "vat",
            "paid",
            "payable",
            "sum",
            "charge",
            "discount",
        },
    ),
    (
        Kind.NAME,
        {
            "name",
            "company",
            "vendor",
            "merchant",
            "store",
            "shop",
            "seller",
            "supplier",
            "issuer",
            "party",
            "business",
            "organisation",
            "organization",
            "customer",
            "client",
            "buyer",
            "firm",
            "retailer",
            "restaurant",
            "person",
            "signatory",
        },
    ),
]


def node_type(node: dict[str, Any]) -> str:
    """The non-null JSON type of a schema node."""
    t = node.get("type")
    if t is None and isinstance(node.get("enum"), list):
        return "string"
    ts = [str(x) for x in t] if isinstance(t, list) else [str(t)]
    ts = [x for x in ts if x not in ("null", "None")]
    return ts[0] if ts else "null"


def field_kind(
    node: dict[str, Any], name_toks: tuple[str, ...], desc_toks: tuple[str, ...]
) -> Kind:
    """The value kind from the schema type first, then from the name, then the description."""
    t = node_type(node)
    if node.get("extend:type") == "date" or node.get("format") in ("date", "date-time"):
        return Kind.DATE
    if t == "boolean":
        return Kind.BOOL
    if t == "string" and node.get("enum"):
        return Kind.ENUM
    for toks in (name_toks, desc_toks[:8]):
        for kind, words in _KIND_WORDS:
            if any(tok in words for tok in toks):
                if t in ("number", "integer") and kind not in (Kind.AMOUNT, Kind.PERCENT):
                    break
                return kind
        if t == "integer":
            return Kind.INTEGER
        if t == "number":
            return Kind.AMOUNT if toks is desc_toks else Kind.NUMBER
    return Kind.TEXT


def make_field(
    path: str, key: str, node: dict[str, Any], parent: tuple[str, ...] = ()
) -> FieldSpec:
    name = str(node.get("extend:name") or node.get("title") or key)
    name_toks = tokens(name)
    if parent and not any(t in _GROUP_OF for t in name_toks if t not in ("name", "number")):
        # ``vendor.name`` is "vendor name"; ``items[].amount`` stays "amount".
        name_toks = parent + name_toks
    desc_toks = tokens(str(node.get("description") or ""))
    enum = [e for e in node.get("enum") or [] if isinstance(e, str)]
    return FieldSpec(
        path, key, node, name_toks, desc_toks, field_kind(node, name_toks, desc_toks), enum
    )


def label_score(spec: FieldSpec, label: tuple[str, ...], *, use_desc: bool = True) -> float:
    """How well a printed label names the field, 0–1.

    Dice-like over tokens with synonym credit against the field's name; the description can
    vouch for a label too, at a discount, so that paraphrased names still match.
    """
    return _label_score(spec.name_tokens, spec.desc_tokens, label, use_desc)


@lru_cache(maxsize=1 << 16)
def _label_score(
    names: tuple[str, ...], desc_tokens: tuple[str, ...], label: tuple[str, ...], use_desc: bool
) -> float:
    if not label:
        return 0.0
    best_l = [max((token_sim(lt, nt) for nt in names), default=0.0) for lt in label]
    best_n = [max((token_sim(nt, lt) for lt in label), default=0.0) for nt in names]
    # An unmatched label word that names another concept ("TOTAL *GST*", "TOTAL *QTY*") turns
    # the label into another field's; it weighs more than a neutral word ("TOTAL *SALES*").
    own = {g for t in names for g in _GROUP_OF.get(t, ())}
    extra = sum(
        FOREIGN_WEIGHT - 1.0
        for lt, b in zip(label, best_l, strict=True)
        if b == 0.0 and _GROUP_OF.get(lt) and not (_GROUP_OF[lt] & own)
    )
    slack = sum(0.5 for nt, b in zip(names, best_n, strict=True) if b == 0.0 and nt in MODIFIERS)
    slack += sum(0.5 for lt, b in zip(label, best_l, strict=True) if b == 0.0 and lt in MODIFIERS)
    denom = len(label) + len(names) + extra - slack
    name_score = (sum(best_l) + sum(best_n)) / denom if names else 0.0
    exact_or_specific = any(
        b >= 0.8 and (b == 1.0 or nt not in _GENERIC) for b, nt in zip(best_n, names, strict=True)
    )
    if not exact_or_specific:
        name_score *= 0.6  # only a synonym of a generic word ("number" ~ "reference")
    desc_score = 0.0
    if desc_tokens and use_desc:
        # The first words of a description name the field ("Address of the company"); later
        # ones are context and count half.
        weights = [1.0 if i < 2 else 0.5 for i in range(len(desc_tokens))]
        cover = [
            max((token_sim(lt, dt) * w for dt, w in zip(desc_tokens, weights, strict=True)))
            for lt in label
        ]
        desc_score = 0.8 * sum(cover) / len(label)
        specific = any(
            token_sim(lt, dt) == 1.0 or (token_sim(lt, dt) >= 0.8 and dt not in _GENERIC)
            for lt in label
            for dt in desc_tokens
        )
        if not specific or (len(label) == 1 and label[0] in _GENERIC):
            desc_score *= 0.6  # generic words alone ("reference" ~ "number") name nothing
        if own and any(_GROUP_OF.get(lt) for lt in label) and not any(best_l):
            # The label names a concept and the field's name another ("Total" for a
            # ``subtotal`` described as "amount before tax"): the description cannot vouch.
            desc_score *= 0.7
    return max(name_score, desc_score)
