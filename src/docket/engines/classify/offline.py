"""The offline classifier: lexical and layout evidence matched against each class's own words.

For every class, the document's terms are scored against the class profile (its own words plus
the cue phrases of the lexicon concepts its words name), each term counting more when printed in
a title on the first page and with diminishing returns when repeated; the generic layout
signals (amount density, line-item tables, numbered clauses, citations, page count) add the
concept's layout weights. Scores become probabilities by a softmax with a fitted temperature; a
catch-all class (or, without one, a virtual "none of these" option) competes with a fixed
baseline score, so a document that matches nothing gets low confidence instead of a confident
wrong answer. Deterministic, no network, no model files.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from docket.domain.classification import (
    ClassifyOptions,
    ClassifyResult,
    ClassScore,
    DocumentClass,
    Evidence,
)
from docket.domain.document import ParsedDocument
from docket.engines.classify.embeddings import StaticEmbeddings, default_embeddings
from docket.engines.classify.lexicon import CONCEPTS
from docket.engines.classify.profiles import ClassProfile, build_profiles, type_words
from docket.engines.classify.text import DocSignals, read_signals, saturate

LAYOUT_NAMES = {
    "amounts": "many amounts",
    "line_items": "a line-item table",
    "tables": "tables",
    "clauses": "numbered clauses",
    "citations": "citations (et al., [n], Fig./Eq.)",
    "references": "a references section",
    "formulas": "formulas",
    "figures": "figures",
    "percent": "percentages",
    "one_page": "a single page",
    "long": "many pages",
    "short_text": "little text",
    "dense_text": "dense running text",
    "narrow": "a narrow, tall page",
}


CONCEPT_WORDING = {c.name: c.wording for c in CONCEPTS}


@dataclass(frozen=True)
class Calibration:
    """Score scale and temperature, fitted on the benchmark's dev half (bench/classify_accuracy)."""

    lexical: float = 6.0
    layout: float = 8.0
    temperature: float = 0.7
    baseline: float = 3.5  # score of a catch-all class: a better fit is needed to beat it
    none_baseline: float = 1.0  # score of the virtual "none of these" option (no catch-all)
    mass_power: float = 0.6  # profile-size normalisation exponent
    embedding: float = 0.0  # weight of the static-embedding similarity (0: lexical only)
    term_cap: float = 3.0  # most one phrase can add: no single word decides alone
    meaning_needs_words: bool = True  # a class's meaning lift is scaled by its matched words


DEFAULT_CALIBRATION = Calibration()
# Lexical + layout + MiniLM meaning (``docket-offline-embed``). On doctype-mix it calibrates a
# little better but is no more accurate than the default, and sends fewer documents of a
# missing class to the catch-all; see docs/benchmarks.md.
EMBEDDING_CALIBRATION = Calibration(embedding=4.0)


@dataclass
class _Scored:
    profile: ClassProfile
    score: float
    evidence: list[Evidence]
    lexical: float = 0.0  # the part of ``score`` that came from matched words


class OfflineClassifier:
    """``ClassifierEngine`` that needs nothing but the parsed document and the class words."""

    def __init__(
        self,
        calibration: Calibration = DEFAULT_CALIBRATION,
        *,
        embeddings: StaticEmbeddings | None = None,
        use_embeddings: bool = True,
    ) -> None:
        self.cal = calibration
        self.embeddings = embeddings
        if embeddings is None and use_embeddings and calibration.embedding:
            self.embeddings = default_embeddings()
        self.name = "offline-embed" if self.embeddings is not None else "offline"

    def classify(
        self, document: ParsedDocument, classes: list[DocumentClass], options: ClassifyOptions
    ) -> ClassifyResult:
        start = time.perf_counter()
        scored = self._score_all(document, classes, options.instructions)
        result = decide(scored, self.cal, options)
        result.engine = self.name
        result.seconds = time.perf_counter() - start
        return result

    def raw_scores(
        self, document: ParsedDocument, classes: list[DocumentClass], instructions: str | None
    ) -> list[float]:
        """Uncalibrated scores in class order (catch-all classes get the baseline); for fitting."""
        scored = self._score_all(document, classes, instructions)
        return [self.cal.baseline if s.profile.is_other else s.score for s in scored]

    def _score_all(
        self, document: ParsedDocument, classes: list[DocumentClass], instructions: str | None
    ) -> list[_Scored]:
        signals = read_signals(document)
        profiles = build_profiles(classes, instructions)
        scored = [self._score(p, signals) for p in profiles]
        if self.embeddings is not None and self.cal.embedding:
            self._add_meaning(scored, self.embeddings, document, signals.first_page)
        for s in scored:
            s.evidence.sort(key=lambda e: -abs(e.weight))
        return scored

    def _score(self, prof: ClassProfile, sig: DocSignals) -> _Scored:
        ev: list[Evidence] = []
        lex = 0.0
        for key, w in prof.terms.items():
            st = sig.terms.get(key)
            if st is None:
                continue
            c = min(w * saturate(st.count) * math.sqrt(st.zone), self.cal.term_cap)
            lex += c
            ev.append(Evidence(text=st.text, page=st.page, weight=round(c, 3)))
        lex /= max(prof.mass, 1.0) ** self.cal.mass_power
        lay = 0.0
        norm = max(sum(abs(w) for w in prof.layout.values()), 1.0)
        for feat, w in prof.layout.items():
            v = sig.layout.get(feat, 0.0)
            if v > 0 and w != 0:
                c = w * v / norm
                lay += c
                ev.append(
                    Evidence(
                        text=LAYOUT_NAMES.get(feat, feat), page=sig.first_page, weight=round(c, 3)
                    )
                )
        score = self.cal.lexical * lex + self.cal.layout * lay
        return _Scored(prof, score, ev, lexical=self.cal.lexical * lex)

    def _add_meaning(
        self, scored: list[_Scored], emb: StaticEmbeddings, document: ParsedDocument, page: int
    ) -> None:
        """Embedding similarity of the opening pages to each class's words (plus the names of
        the concepts it named), centred over the classes: it reorders the classes but does not
        lift them all above the catch-all baseline. A lift needs some matched words too, so
        that meaning alone never makes an unrelated document look confident."""
        doc_vec = emb.embed(opening_text(document))
        sims = []
        for s in scored:
            prof = s.profile
            named = " ".join(CONCEPT_WORDING[n] for n in prof.concepts)
            text = " ".join(
                [type_words(prof.cls.type), prof.cls.description, prof.instructions, named]
            )
            sims.append(emb.similarity(doc_vec, emb.embed_cached(text)))
        real = [x for x, s in zip(sims, scored, strict=True) if not s.profile.is_other]
        mean = sum(real) / len(real) if real else 0.0
        for s, sim in zip(scored, sims, strict=True):
            if s.profile.is_other:
                continue
            c = self.cal.embedding * (sim - mean)
            if c > 0 and self.cal.meaning_needs_words:
                c *= min(1.0, max(0.0, s.lexical))
            s.score += c
            s.evidence.append(
                Evidence(
                    text=f"overall wording (similarity {sim:.2f})", page=page, weight=round(c, 3)
                )
            )


def opening_text(doc: ParsedDocument, pages: int = 3) -> str:
    """The text of the first pages, titles twice (they say most about the kind)."""
    first = doc.pages[0].number if doc.pages else 1
    parts = []
    for b in doc.blocks:
        if b.page - first < pages and b.text:
            parts.append(b.text)
            if b.type.value == "heading":
                parts.append(b.text)
    return "\n".join(parts)


def softmax(xs: list[float]) -> list[float]:
    m = max(xs)
    es = [math.exp(x - m) for x in xs]
    s = sum(es)
    return [e / s for e in es]


def decide(scored: list[_Scored], cal: Calibration, options: ClassifyOptions) -> ClassifyResult:
    """Calibrated probabilities, the catch-all rule, and the human-readable reasoning."""
    logits = [(cal.baseline if s.profile.is_other else s.score) / cal.temperature for s in scored]
    has_other = any(s.profile.is_other for s in scored)
    # Without a catch-all class, a virtual "none of these" option takes probability mass.
    virtual = [] if has_other else [cal.none_baseline / cal.temperature]
    probs_all = softmax(logits + virtual)
    probs = probs_all[: len(scored)]
    total = sum(probs)
    shown = [p / total for p in probs]
    scores = [
        ClassScore(class_id=s.profile.cls.id, score=round(s.score, 4), probability=round(p, 4))
        for s, p in zip(scored, shown, strict=True)
    ]
    real = [i for i, s in enumerate(scored) if not s.profile.is_other]
    others = [i for i, s in enumerate(scored) if s.profile.is_other]
    best = max(real, key=lambda i: probs[i]) if real else others[0]
    confidence = probs[best]
    runner = sorted(real, key=lambda i: -probs[i])[1:2]
    other_wins = bool(others) and probs[others[0]] > confidence
    if others and (not real or other_wins or confidence < options.min_confidence):
        o = others[0]
        chosen = scored[o]
        conf = max(probs[o], 1.0 - confidence) if real else 1.0
        top = scored[best] if real else None
        why = (
            f"No class fitted well (best: {top.profile.cls.type!r} at {confidence:.2f}), so "
            f"{chosen.profile.cls.type!r} was chosen."
            if top
            else f"{chosen.profile.cls.type!r} is the only class."
        )
        return ClassifyResult(
            class_id=chosen.profile.cls.id,
            type=chosen.profile.cls.type,
            confidence=round(conf, 4),
            reasoning=why,
            evidence=[e for e in (top.evidence if top else []) if e.weight > 0][:6],
            scores=scores,
            engine="",
        )
    chosen = scored[best]
    pos = [e for e in chosen.evidence if e.weight > 0][:6]
    words = ", ".join(f"{e.text!r} (p. {e.page})" for e in pos) or "no distinctive words"
    why = f"Chose {chosen.profile.cls.type!r} from {words}."
    if runner:
        r = scored[runner[0]]
        why += f" Runner-up {r.profile.cls.type!r} at {probs[runner[0]]:.2f}."
    if confidence < max(options.min_confidence, 0.5):
        why += " Low confidence: no class fits this document well."
    return ClassifyResult(
        class_id=chosen.profile.cls.id,
        type=chosen.profile.cls.type,
        confidence=round(confidence, 4),
        reasoning=why,
        evidence=pos + [e for e in chosen.evidence if e.weight < 0][:3],
        scores=scores,
        engine="",
    )
