"""LlamaCloud v2 extraction request bodies, as the ``llama-cloud`` 2.x SDK sends them.

Unknown keys are ignored (LlamaCloud's server does the same); enum-valued fields are checked, so
a misspelt tier is a 422 the SDK raises as ``UnprocessableEntityError``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from docket.api.llamacloud.wire import WebhookConfiguration, Wire

Tier = Literal["agentic", "agentic_plus", "cost_effective", "turbo"]
ParseTier = Literal["agentic", "agentic_plus", "cost_effective", "fast"]
Target = Literal["per_doc", "per_page", "per_table_row"]


class ExtractConfiguration(Wire):
    """``configuration`` of ``POST /api/v2/extract`` (extract and parse settings in one)."""

    data_schema: dict[str, Any]
    advanced_citations: bool | None = None
    cite_sources: bool | None = None
    confidence_scores: bool | None = None
    disable_cache: bool | None = None
    extraction_target: Target | None = None
    max_pages: int | None = Field(default=None, ge=1)
    parse_config_id: str | None = None
    parse_tier: ParseTier | None = None
    sheet_names: list[str] | None = None
    spreadsheet_mode: bool | None = None
    system_prompt: str | None = None
    target_pages: str | None = None
    tier: Tier | None = None
    version: str | None = None


class V2WebhookConfiguration(WebhookConfiguration):
    webhook_signing_secret: str | None = None


class ExtractCreate(Wire):
    file_input: str = Field(min_length=1)
    configuration: ExtractConfiguration | None = None
    configuration_id: str | None = None
    webhook_configuration_ids: list[str] | None = None
    webhook_configurations: list[V2WebhookConfiguration] | None = None


class SchemaValidation(Wire):
    data_schema: dict[str, Any]
