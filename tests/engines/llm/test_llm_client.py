from __future__ import annotations

import time
from typing import Any

import pytest

from docket.engines.llm.openai_compatible import (
    ModelRegistry,
    OpenAICompatibleClient,
    provider_schema,
)
from docket.errors import ErrorCode, InvalidConfiguration, ModelProviderError
from fakes.openai_server import FakeLLM, serve

SCHEMA = {
    "type": "object",
    "properties": {"total": {"type": ["number", "null"]}},
    "required": ["total"],
    "additionalProperties": False,
}
MESSAGES = [{"role": "user", "content": "Total: 12.50"}]


def client(fake: FakeLLM, **kw: Any) -> OpenAICompatibleClient:
    kw.setdefault("backoff", 0.01)
    return OpenAICompatibleClient(fake.base_url, fake.api_key, "test-model", **kw)


def test_structured_output_request_and_usage() -> None:
    with serve(FakeLLM(answer=lambda req: {"total": 12.5})) as fake:
        value, usage = client(fake).chat_json(MESSAGES, SCHEMA)
    assert value == {"total": 12.5}
    assert usage.calls == 1 and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert usage.prompt_tokens > 0
    sent = fake.requests[0]
    assert sent["model"] == "test-model"
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == SCHEMA
    assert sent["messages"] == MESSAGES


def test_retries_429_and_5xx_then_succeeds() -> None:
    fake = FakeLLM(answer=lambda req: {"total": 1}, failures=[429, 500, 503])
    with serve(fake):
        value, _ = client(fake, max_retries=3).chat_json(MESSAGES, SCHEMA)
    assert value == {"total": 1}
    assert len(fake.requests) == 4


def test_gives_up_after_max_retries_with_backoff() -> None:
    fake = FakeLLM(failures=[502, 502, 502])
    with serve(fake):
        start = time.perf_counter()
        with pytest.raises(ModelProviderError) as err:
            client(fake, max_retries=2, backoff=0.05).chat_json(MESSAGES, SCHEMA)
        elapsed = time.perf_counter() - start
    assert "502" in str(err.value) and err.value.code is ErrorCode.MODEL_PROVIDER_ERROR
    assert len(fake.requests) == 3
    assert elapsed >= 0.05 + 0.1  # 0.05 then 0.1 seconds of backoff


def test_client_errors_are_not_retried() -> None:
    fake = FakeLLM(api_key="right")
    with serve(fake):
        bad = OpenAICompatibleClient(fake.base_url, "wrong", "m", backoff=0.01)
        with pytest.raises(ModelProviderError, match="401"):
            bad.chat_json(MESSAGES, SCHEMA)
    assert fake.requests == []  # rejected before reaching the model


def test_code_fenced_content_is_parsed_and_prose_is_an_error() -> None:
    fake = FakeLLM(answer=lambda req: '```json\n{"total": 3}\n```', raw_content=True)
    with serve(fake):
        assert client(fake).chat_json(MESSAGES, SCHEMA)[0] == {"total": 3}
        fake.answer = lambda req: "I think the total is 3"
        with pytest.raises(ModelProviderError, match="not JSON"):
            client(fake).chat_json(MESSAGES, SCHEMA)


def test_unreachable_endpoint() -> None:
    c = OpenAICompatibleClient("http://127.0.0.1:9/v1", "", "m", max_retries=1, backoff=0.01)
    with pytest.raises(ModelProviderError, match="cannot reach"):
        c.chat_json(MESSAGES, SCHEMA)


def test_registry_maps_public_names_and_rejects_unknown() -> None:
    env = {
        "DOCKET_LLM_BASE_URL": "http://127.0.0.1:8000/v1",
        "DOCKET_LLM_API_KEY": "k",
        "DOCKET_LLM_MODELS": "openai-gpt-4-1=gpt-4.1, openai-gpt-4o = llama3",
    }
    reg = ModelRegistry.from_env(env)
    cfg = reg.resolve("openai-gpt-4-1")
    assert (cfg.base_url, cfg.api_key, cfg.model) == ("http://127.0.0.1:8000/v1", "k", "gpt-4.1")
    assert reg.resolve("openai-gpt-4o").model == "llama3"
    with pytest.raises(InvalidConfiguration) as err:
        reg.resolve("anthropic-claude")
    assert err.value.code is ErrorCode.INVALID_CONFIGURATION and err.value.http_status == 400
    assert "openai-gpt-4-1" in str(err.value)
    with pytest.raises(InvalidConfiguration):
        ModelRegistry.from_env({}).resolve("openai-gpt-4-1")


def test_provider_schema_folds_extend_keys() -> None:
    schema = {
        "type": "object",
        "properties": {
            "d": {"type": ["string", "null"], "extend:type": "date", "description": "When"},
            "s": {
                "type": ["string", "null"],
                "enum": ["a", None],
                "extend:descriptions": ["first", None],
                "extend:name": "Status",
            },
        },
    }
    out = provider_schema(schema)
    assert "extend:type" not in str(out) and "extend:name" not in str(out)
    assert out["properties"]["d"]["description"] == "When A date written yyyy-mm-dd."
    assert "a: first" in out["properties"]["s"]["description"]
    assert schema["properties"]["d"]["extend:type"] == "date"  # input untouched
