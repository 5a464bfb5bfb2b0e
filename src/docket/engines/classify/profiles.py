"""A class's words turned into a weighted profile the offline classifier can match.

A profile holds the class's own content words and phrases (type words weigh most, then the
description, then instructions), the cue phrases of every lexicon concept the class's words
name (weighted by where the naming word was found), and the summed layout weights of those
concepts. A class whose words read like "other" / "unknown" becomes the catch-all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docket.domain.classification import DocumentClass
from docket.engines.classify.lexicon import CONCEPTS, OTHER_WORDS, Concept
from docket.engines.classify.text import GENERIC, STOPWORDS, content_terms, tokens

TYPE_WEIGHT = 3.0
DESCRIPTION_WEIGHT = 1.2
INSTRUCTION_WEIGHT = 0.6
# How strongly a concept counts when named in the type, the description or the instructions.
NAMED_IN = {"type": 1.0, "description": 0.7, "instructions": 0.4}


@dataclass
class ClassProfile:
    cls: DocumentClass
    terms: dict[str, float] = field(default_factory=dict)  # phrase key → weight (may be < 0)
    layout: dict[str, float] = field(default_factory=dict)
    concepts: dict[str, float] = field(default_factory=dict)  # concept name → strength
    is_other: bool = False
    instructions: str = ""  # the instruction sentences that name this class

    @property
    def mass(self) -> float:
        return sum(w for w in self.terms.values() if w > 0)


def type_words(text: str) -> str:
    """``scientific_article`` / ``PurchaseOrder`` → ``scientific article`` / ``Purchase Order``."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return re.sub(r"[_\-./]+", " ", text)


def _ngrams(words: list[str], n_max: int = 3) -> list[str]:
    out = []
    for n in range(1, n_max + 1):
        for i in range(len(words) - n + 1):
            out.append(" ".join(words[i : i + n]))
    return out


def is_other_class(cls: DocumentClass) -> bool:
    """True for a catch-all class ("other", "unknown", "none of the above", …)."""
    type_keys = set(_ngrams(tokens(type_words(cls.type))))
    if type_keys & OTHER_WORDS:
        return True
    words = tokens(cls.description)
    desc_keys = set(_ngrams(words[:12]))  # the description's opening words
    return bool(desc_keys & OTHER_WORDS) and not any(_named(cls, c) for c in CONCEPTS)


def _named(cls: DocumentClass, concept: Concept) -> bool:
    return concept.name in _concepts_in(" ".join(tokens(type_words(cls.type))))


def _concepts_in(text_keys: str) -> dict[str, int]:
    """Concepts named in a stemmed token string, the longest naming phrase winning overlaps:
    name → length in words of the naming phrase."""
    words = text_keys.split()
    spans: list[tuple[int, int, str]] = []  # (start, end, concept)
    for concept in CONCEPTS:
        for phrase in concept.names:
            pw = phrase.split()
            n = len(pw)
            for i in range(len(words) - n + 1):
                if words[i : i + n] == pw:
                    spans.append((i, i + n, concept.name))
    spans.sort(key=lambda s: -(s[1] - s[0]))
    kept: list[tuple[int, int, str]] = []
    for s in spans:
        covered = any(k[0] <= s[0] and s[1] <= k[1] and k[2] != s[2] for k in kept)
        if not covered:
            kept.append(s)
    out: dict[str, int] = {}
    for a, b, name in kept:
        out[name] = max(out.get(name, 0), b - a)
    return out


def build_profile(cls: DocumentClass, instructions: str | None = None) -> ClassProfile:
    prof = ClassProfile(cls=cls, is_other=is_other_class(cls), instructions=instructions or "")
    sources = [
        ("type", type_words(cls.type), TYPE_WEIGHT),
        ("description", cls.description, DESCRIPTION_WEIGHT),
        ("instructions", instructions or "", INSTRUCTION_WEIGHT),
    ]
    for where, text, weight in sources:
        if not text.strip():
            continue
        words = content_terms(text)
        for key in _ngrams(words, 2):
            w = weight * (1.0 if " " not in key else 0.8)
            prof.terms[key] = max(prof.terms.get(key, 0.0), w / (1.0 + 0.02 * len(words)))
        for name, _ in _concepts_in(" ".join(tokens(text))).items():
            prof.concepts[name] = max(prof.concepts.get(name, 0.0), NAMED_IN[where])
    by_name = {c.name: c for c in CONCEPTS}
    for name, strength in prof.concepts.items():
        concept = by_name[name]
        for key, w in concept.cues.items():
            prof.terms[key] = prof.terms.get(key, 0.0) + strength * w
        for feat, w in concept.layout.items():
            prof.layout[feat] = prof.layout.get(feat, 0.0) + strength * w
    for key in list(prof.terms):
        if key in STOPWORDS or key in GENERIC:
            del prof.terms[key]
    return prof


def instructions_for(cls: DocumentClass, instructions: str | None) -> str:
    """The sentences of ``instructions`` that name ``cls`` (by type or id). A sentence naming no
    class would weigh on every class alike, so it cannot tell them apart and is left out."""
    if not instructions:
        return ""
    names = {" ".join(tokens(type_words(cls.type))), " ".join(tokens(type_words(cls.id)))}
    names = {n for n in names if len(n) >= 3}  # an id like "a" would match any sentence
    out = []
    for sentence in re.split(r"(?<=[.;!?\n])\s+", instructions):
        padded = f" {' '.join(tokens(sentence))} "
        if any(f" {n} " in padded for n in names):
            out.append(sentence)
    return " ".join(out)


def build_profiles(
    classes: list[DocumentClass], instructions: str | None = None
) -> list[ClassProfile]:
    """Profiles of all classes; a cue shared by every non-catch-all class is halved (it cannot
    tell them apart, only say the document is of their family)."""
    profiles = [build_profile(c, instructions_for(c, instructions)) for c in classes]
    real = [p for p in profiles if not p.is_other]
    if len(real) > 1:
        shared = set.intersection(*(set(k for k, w in p.terms.items() if w > 0) for p in real))
        for p in real:
            for key in shared:
                p.terms[key] *= 0.5
    return profiles
