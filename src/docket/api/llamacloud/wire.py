"""LlamaCloud request bodies (snake_case), as the ``llama-cloud`` 1.x SDK sends them.

Unknown keys are ignored like LlamaCloud's own server does; enum-valued fields are checked, so a
misspelt mode is a 422 the SDK raises as ``UnprocessableEntityError``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ExtractionMode = Literal["FAST", "BALANCED", "PREMIUM", "MULTIMODAL"]
ExtractionTarget = Literal["PER_DOC", "PER_PAGE", "PER_TABLE_ROW"]
Priority = Literal["low", "medium", "high", "critical"]
DataSchema = dict[str, Any] | str

WebhookEvent = Literal[
    "extract.pending",
    "extract.success",
    "extract.error",
    "extract.partial_success",
    "extract.cancelled",
    "parse.pending",
    "parse.running",
    "parse.success",
    "parse.error",
    "parse.partial_success",
    "parse.cancelled",
    "classify.pending",
    "classify.success",
    "classify.error",
    "classify.partial_success",
    "classify.cancelled",
    "unmapped_event",
]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ExtractConfig(Wire):
    chunk_mode: Literal["PAGE", "SECTION"] | None = None
    citation_bbox: bool | None = None
    cite_sources: bool | None = None
    confidence_scores: bool | None = None
    extract_model: str | None = None
    extraction_mode: ExtractionMode | None = None
    extraction_target: ExtractionTarget | None = None
    high_resolution_mode: bool | None = None
    invalidate_cache: bool | None = None
    multimodal_fast_mode: bool | None = None
    num_pages_context: int | None = Field(default=None, ge=1)
    page_range: str | None = None
    parse_model: str | None = None
    priority: Priority | None = None
    system_prompt: str | None = None
    use_reasoning: bool | None = None


class WebhookConfiguration(Wire):
    webhook_url: str | None = None
    webhook_headers: dict[str, str] | None = None
    webhook_events: list[WebhookEvent] | None = None
    webhook_output_format: str | None = None


class FileData(Wire):
    data: str
    mime_type: str


class StatelessRun(Wire):
    config: ExtractConfig
    data_schema: DataSchema
    file: FileData | None = None
    file_id: str | None = None
    text: str | None = None
    webhook_configurations: list[WebhookConfiguration] | None = None


class AgentCreate(Wire):
    name: str = Field(min_length=1, max_length=200)
    data_schema: DataSchema
    config: ExtractConfig


class AgentUpdate(Wire):
    data_schema: DataSchema
    config: ExtractConfig


class JobCreate(Wire):
    extraction_agent_id: str
    file_id: str
    config_override: ExtractConfig | None = None
    data_schema_override: DataSchema | None = None
    priority: Priority | None = None
    webhook_configurations: list[WebhookConfiguration] | None = None


class SchemaBody(Wire):
    data_schema: DataSchema


class GenerateBody(Wire):
    data_schema: DataSchema | None = None
    file_id: str | None = None
    prompt: str | None = None
