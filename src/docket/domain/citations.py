"""Where an extracted value came from: page, polygon and the exact source text.

A citation is only ever made from words that were found in the parsed document; a value that
could not be aligned carries no citation rather than a guessed box.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Alignment(StrEnum):
    """How a value was tied to the document (see docs/extraction.md for thresholds)."""

    EXACT = "exact"  # the value's text occurs verbatim
    NORMALISED = "normalised"  # equal after case/space/punctuation/number normalisation
    FUZZY = "fuzzy"  # similar enough (token-set ratio above the threshold)
    NONE = "none"  # not found: no citation


class Point(BaseModel):
    x: float
    y: float


class Citation(BaseModel):
    """One source span; ``polygon`` is clockwise from top-left in page units."""

    page: int
    page_width: float | None = None
    page_height: float | None = None
    reference_text: str
    polygon: list[Point] = Field(default_factory=list)
    block_id: str | None = None
