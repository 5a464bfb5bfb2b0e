"""A saved or inline extraction configuration, independent of any wire protocol.

This is what an extractor's versions store and what an extract run records: the JSON Schema,
which engine (``model``: none/offline for the offline engine, else a public model name), the
instructions and :class:`ExtractOptions`, the options of the implicit parse, and ``extras``:
protocol settings Docket keeps only to echo them back (e.g. Extend's ``arrayStrategy``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from docket.domain.extraction import ExtractOptions
from docket.domain.parse_options import ParseOptions


class ExtractConfig(BaseModel):
    json_schema: dict[str, Any] | None = None  # normalised; None = not given yet (a new draft)
    model: str | None = None  # None -> the offline engine; else a configured public model name
    base_processor: str | None = None  # Extend's processor name, echoed as given
    base_version: str | None = None
    instructions: str | None = None
    options: ExtractOptions = Field(default_factory=ExtractOptions)
    parse: ParseOptions = Field(default_factory=ParseOptions)
    extras: dict[str, Any] = Field(default_factory=dict)
