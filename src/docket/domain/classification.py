"""Classification and splitting requests and results, independent of engine and wire protocol.

A *class* is user-defined (``id``, ``type``, ``description``); engines must work from those words
alone, never from a fixed list of document types. Results carry the evidence (words and pages)
that decided them, so the wire layers can report ``insights`` / ``observation`` honestly.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from docket.domain.citations import Citation
from docket.domain.document import ParsedDocument
from docket.domain.extraction import Usage


class DocumentClass(BaseModel):
    """One user-defined class (Extend ``Classification`` / ``SplitClassification``)."""

    id: str
    type: str
    description: str = ""
    # Split only: what identifies one sub-document (e.g. "invoice number").
    identifier_key: str | None = None


class ClassifyOptions(BaseModel):
    instructions: str | None = None  # classificationRules / splitRules / system prompt
    page_ranges: list[tuple[int, int]] | None = None  # 1-based inclusive
    # Below this confidence the result goes to the "other" class when one is defined.
    min_confidence: float = 0.35


class Evidence(BaseModel):
    """A phrase that pushed the decision towards (weight > 0) or away from a class."""

    text: str
    page: int  # 1-based
    weight: float
    citation: Citation | None = None


class ClassScore(BaseModel):
    class_id: str
    score: float  # engine-specific raw score
    probability: float  # calibrated, sums to 1 over the classes


class ClassifyResult(BaseModel):
    class_id: str
    type: str
    confidence: float  # 0..1, calibrated: a 0.9 is right about 90% of the time
    reasoning: str  # one or two human sentences built from ``evidence``
    evidence: list[Evidence] = Field(default_factory=list)
    scores: list[ClassScore] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    engine: str = ""
    seconds: float = 0.0


class SplitSegment(BaseModel):
    class_id: str
    type: str
    start_page: int  # 1-based inclusive
    end_page: int  # 1-based inclusive
    identifier: str = ""  # e.g. the invoice number when the class has an identifier_key
    observation: str = ""  # why the cut is here (the signals that decided it)
    confidence: float = 0.0


class SplitResult(BaseModel):
    segments: list[SplitSegment]
    usage: Usage = Field(default_factory=Usage)
    engine: str = ""
    seconds: float = 0.0


class ClassifierEngine(Protocol):
    """Picks one of ``classes`` for a parsed document (or a page range of it)."""

    name: str

    def classify(
        self, document: ParsedDocument, classes: list[DocumentClass], options: ClassifyOptions
    ) -> ClassifyResult: ...


class SplitterEngine(Protocol):
    """Cuts a parsed multi-document file into contiguous, covering, classified page ranges."""

    name: str

    def split(
        self, document: ParsedDocument, classes: list[DocumentClass], options: ClassifyOptions
    ) -> SplitResult: ...
