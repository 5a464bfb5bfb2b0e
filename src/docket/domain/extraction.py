"""Extraction requests and results, independent of engine and wire protocol.

An extraction turns a parsed document and a JSON Schema into one or more *target outputs*
(one per document, per page or per table row), each a ``value`` that follows the schema and a
``metadata`` map keyed by value path (``total``, ``vendor.name``, ``items[0].amount``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from docket.domain.citations import Alignment, Citation
from docket.domain.document import ParsedDocument


class ExtractTarget(StrEnum):
    """What one output object describes (LlamaExtract's PER_DOC / PER_PAGE / PER_TABLE_ROW)."""

    DOCUMENT = "document"
    PAGE = "page"
    TABLE_ROW = "table_row"


class ExtractOptions(BaseModel):
    target: ExtractTarget = ExtractTarget.DOCUMENT
    page_ranges: list[tuple[int, int]] | None = None  # 1-based inclusive
    instructions: str | None = None  # system prompt / extraction rules
    citations: bool = True
    # How much text a citation spans: the exact words used, their whole line(s), or the block.
    citation_mode: Literal["word", "line", "block"] = "word"
    confidence: bool = True
    reasoning: bool = False
    # Long documents are cut into chunks of whole pages of at most this many characters for
    # engines with a bounded context; partial results are merged.
    max_chunk_chars: int = 40_000


class FieldResult(BaseModel):
    """Metadata of one value path."""

    confidence: float | None = None
    citations: list[Citation] = Field(default_factory=list)
    reasoning: str | None = None
    alignment: Alignment | None = None


class Usage(BaseModel):
    """Model usage, summed over the calls of a run (zero for the offline engine)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.total_tokens += other.total_tokens


class TargetOutput(BaseModel):
    value: dict[str, Any]
    metadata: dict[str, FieldResult] = Field(default_factory=dict)
    page: int | None = None  # for page / table-row targets
    table_row: int | None = None  # 0-based body row within ``block_id``'s table
    block_id: str | None = None


class ExtractionResult(BaseModel):
    outputs: list[TargetOutput]
    usage: Usage = Field(default_factory=Usage)
    engine: str = ""
    seconds: float = 0.0


class EngineOutput(BaseModel):
    """What an engine returns for one (sub-)document; citations may be empty (LLM engines)."""

    value: dict[str, Any]
    metadata: dict[str, FieldResult] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    grounded: bool = False  # True when the engine cited the words it used itself


class ExtractionEngine(Protocol):
    """An engine fills a (normalised, validated) schema from a parsed document."""

    name: str

    def extract(
        self, doc: ParsedDocument, schema: dict[str, Any], instructions: str | None
    ) -> EngineOutput: ...
