"""Extractor config validation and engine choice (the request-time checks of extraction)."""

from __future__ import annotations

import pytest

from docket.domain.extract_config import ExtractConfig
from docket.engines.llm.openai_compatible import ModelRegistry, ProviderConfig
from docket.errors import ErrorCode, InvalidConfiguration
from docket.pipeline.schema import SchemaError
from docket.services.extract_kind import engine_model
from docket.services.extraction import validate_extract_config

SCHEMA = {"type": "object", "properties": {"total": {"type": ["number", "null"]}}}


def test_config_is_normalised_and_kept_whole() -> None:
    raw = ExtractConfig(json_schema=SCHEMA, instructions="Amounts in EUR.").model_dump()
    out = validate_extract_config(raw)
    assert out["json_schema"]["required"] == ["total"]
    assert out["json_schema"]["additionalProperties"] is False
    assert out["instructions"] == "Amounts in EUR."
    assert validate_extract_config(out) == out  # idempotent
    assert validate_extract_config({})["json_schema"] is None  # a new, empty draft is fine


def test_bad_schema_names_the_path() -> None:
    bad = {"type": "object", "properties": {"items": {"type": "array"}}}
    with pytest.raises(SchemaError) as err:
        validate_extract_config({"json_schema": bad})
    assert err.value.path == "schema.properties.items.items"
    assert err.value.code is ErrorCode.INVALID_REQUEST and err.value.http_status == 400


def test_bad_option_is_invalid_configuration() -> None:
    with pytest.raises(InvalidConfiguration) as err:
        validate_extract_config({"options": {"citation_mode": "paragraph"}})
    assert "options.citation_mode" in err.value.message


def test_engine_choice() -> None:
    none = ModelRegistry()
    assert engine_model(None, none) is None
    assert engine_model("offline", none) is None
    assert engine_model("extraction_performance", none) is None  # Extend's names: offline
    with pytest.raises(InvalidConfiguration) as err:
        engine_model("openai-gpt-4-1", none)  # never a silent fallback
    assert "openai-gpt-4-1" in err.value.message
    cfg = ProviderConfig("http://127.0.0.1:9/v1", "k", "llama3")
    some = ModelRegistry({"openai-gpt-4-1": cfg, "extraction_light": cfg})
    assert engine_model("openai-gpt-4-1", some) == "openai-gpt-4-1"
    assert engine_model("extraction_light", some) == "extraction_light"
    assert engine_model("extraction_performance", some) is None
    assert engine_model("anything", ModelRegistry({"*": cfg})) == "anything"
    assert engine_model("extraction_operator", ModelRegistry({"*": cfg})) is None
