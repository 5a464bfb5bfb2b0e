"""What a caller may ask of the parser (the wire configs translate into this)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from docket.domain.document import ChunkType


class Target(StrEnum):
    MARKDOWN = "markdown"
    SPATIAL = "spatial"


class TableFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"


class PageRange(BaseModel):
    start: int = Field(ge=1)
    end: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> PageRange:
        if self.end < self.start:
            raise ValueError(f"page range end {self.end} is before start {self.start}")
        return self


class Chunking(BaseModel):
    type: ChunkType = ChunkType.PAGE
    min_characters: int | None = Field(default=None, ge=0)
    max_characters: int | None = Field(default=None, ge=1)


class ParseOptions(BaseModel):
    target: Target = Target.MARKDOWN
    chunking: Chunking = Field(default_factory=Chunking)
    table_format: TableFormat = TableFormat.MARKDOWN
    page_ranges: list[PageRange] | None = None
    password: str | None = None
    figures: bool = True
    ocr: bool = True  # OCR pages with no usable text layer (scans) and images
    ocr_engine: Literal["auto", "tesseract", "rapidocr"] | None = None  # None: the default

    @model_validator(mode="after")
    def _spatial_only_pages(self) -> ParseOptions:
        if self.target is Target.SPATIAL and self.chunking.type is ChunkType.SECTION:
            raise ValueError("section chunking is not available with the spatial target")
        return self

    def selected_pages(self, page_count: int) -> list[int]:
        """1-based page numbers to parse, in order, clipped to the document."""
        if not self.page_ranges:
            return list(range(1, page_count + 1))
        wanted: set[int] = set()
        for r in self.page_ranges:
            wanted.update(range(r.start, min(r.end, page_count) + 1))
        return sorted(wanted)


def parse_page_spec(spec: str) -> list[PageRange]:
    """Parse ``"1,3,5-7"`` into page ranges; raises ValueError on nonsense."""
    ranges: list[PageRange] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            ranges.append(PageRange(start=int(a), end=int(b)))
        else:
            ranges.append(PageRange(start=int(part), end=int(part)))
    if not ranges:
        raise ValueError(f"no pages in {spec!r}")
    return ranges
