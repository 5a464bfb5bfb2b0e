"""Extend request bodies: file references and ParseConfig -> ParseOptions (+ the echoed config).

File references accept the 2026-02-09 shapes ``{url, name?, settings?}``, ``{id}``, ``{text,
name?}`` and the older ``{fileUrl | fileId | fileBase64, fileName?}``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from docket.domain.document import ChunkType
from docket.domain.parse_options import Chunking, PageRange, ParseOptions, TableFormat, Target
from docket.errors import DocketError, ErrorCode, InvalidRequest
from docket.services.files import ByBytes, ById, ByText, ByUrl, FileInput


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class ChunkingOptionsIn(_Wire):
    min_characters: int | None = Field(default=None, ge=0)
    max_characters: int | None = Field(default=None, ge=1)


class ChunkingIn(_Wire):
    type: ChunkType | None = None
    options: ChunkingOptionsIn | None = None


class TablesIn(_Wire):
    target_format: TableFormat | None = None
    cell_blocks_enabled: bool | None = None


class FiguresIn(_Wire):
    enabled: bool | None = None


class BlockOptionsIn(_Wire):
    tables: TablesIn | None = None
    figures: FiguresIn | None = None


class PageRangeIn(_Wire):
    start: int = Field(ge=1)
    end: int = Field(ge=1)


class AdvancedIn(_Wire):
    page_ranges: list[PageRangeIn] | None = None


class ParseConfigIn(_Wire):
    target: Target | None = None
    engine: Literal["parse_performance", "parse_light", "parse_auto"] | None = None
    engine_version: str | None = None
    chunking_strategy: ChunkingIn | None = None
    block_options: BlockOptionsIn | None = None
    advanced_options: AdvancedIn | None = None


class DataRetentionIn(_Wire):
    mode: Literal["workspace_default", "zero"] | None = None


class ParseRequest(_Wire):
    file: dict[str, Any]
    config: ParseConfigIn | None = None
    metadata: dict[str, Any] | None = None
    data_retention: DataRetentionIn | None = None
    priority: int | None = Field(default=None, ge=1, le=100)  # lower runs first; default 50

    @property
    def zero_retention(self) -> bool:
        return self.data_retention is not None and self.data_retention.mode == "zero"


class BatchInput(_Wire):
    file: dict[str, Any]
    metadata: dict[str, Any] | None = None


class BatchRequest(_Wire):
    inputs: list[BatchInput] = Field(min_length=1)
    config: ParseConfigIn | None = None
    priority: int | None = Field(default=None, ge=1, le=100)


def file_input(ref: dict[str, Any]) -> FileInput:
    def text(key: str) -> str | None:
        value = ref.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidRequest(f"file.{key} must be a string")
        return value

    if text("id"):
        return ById(str(ref["id"]))
    if text("url"):
        settings = ref.get("settings") or {}
        password = settings.get("password") if isinstance(settings, dict) else None
        return ByUrl(str(ref["url"]), text("name"), password)
    if text("text") is not None:
        return ByText(str(ref["text"]), text("name"))
    if text("fileId"):
        return ById(str(ref["fileId"]))
    if text("fileUrl"):
        return ByUrl(str(ref["fileUrl"]), text("fileName"))
    if text("fileBase64"):
        raw = str(ref["fileBase64"])
        if raw.startswith("data:"):
            raw = raw.partition(",")[2]
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidRequest("file.fileBase64 is not valid base64") from None
        return ByBytes(data, text("fileName"))
    raise InvalidRequest("file needs one of url, id, text (or fileUrl, fileId, fileBase64)")


def parse_options(config: ParseConfigIn | None) -> tuple[ParseOptions, dict[str, Any]]:
    """The domain options and the effective config echoed on the run (defaults filled)."""
    cfg = config or ParseConfigIn()
    chunk = cfg.chunking_strategy or ChunkingIn()
    chunk_opts = chunk.options or ChunkingOptionsIn()
    blocks = cfg.block_options or BlockOptionsIn()
    tables = blocks.tables or TablesIn()
    figures = blocks.figures or FiguresIn()
    ranges = (cfg.advanced_options or AdvancedIn()).page_ranges
    try:
        options = ParseOptions(
            target=cfg.target or Target.MARKDOWN,
            chunking=Chunking(
                type=chunk.type or ChunkType.PAGE,
                min_characters=chunk_opts.min_characters,
                max_characters=chunk_opts.max_characters,
            ),
            table_format=tables.target_format or TableFormat.MARKDOWN,
            page_ranges=[PageRange(start=r.start, end=r.end) for r in ranges] if ranges else None,
            figures=figures.enabled if figures.enabled is not None else True,
        )
    except ValidationError as exc:
        msg = "; ".join(str(e.get("msg")) for e in exc.errors()).replace("Value error, ", "")
        raise DocketError(msg, code=ErrorCode.INVALID_CONFIG_OPTIONS) from None
    echo = cfg.model_dump(by_alias=True, exclude_none=True, mode="json")
    echo.update(
        engine=cfg.engine or "parse_performance",
        engineVersion=cfg.engine_version or "latest",
        target=options.target.value,
    )
    strategy: dict[str, Any] = {"type": options.chunking.type.value}
    if chunk.options is not None:
        strategy["options"] = chunk_opts.model_dump(by_alias=True, exclude_none=True)
    echo["chunkingStrategy"] = strategy
    block_echo = echo.setdefault("blockOptions", {})
    table_echo = block_echo.setdefault("tables", {})
    table_echo["targetFormat"] = options.table_format.value
    table_echo.setdefault("cellBlocksEnabled", True)
    block_echo.setdefault("figures", {})["enabled"] = options.figures
    return options, echo
