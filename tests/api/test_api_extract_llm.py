"""The LLM engine behind /extract: a fake OpenAI-compatible server, the real client and SDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apiserver import Running, start_server
from extend_ai.errors import BadRequestError

from docket.engines.llm.openai_compatible import ModelRegistry, ProviderConfig
from docket.settings import Settings, WorkerSettings
from tests.fakes.openai_server import FakeLLM, serve

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": ["string", "null"]},
        "customer": {"type": ["string", "null"], "description": "Who is billed"},
        "total": {"type": ["number", "null"]},
        "po_number": {"type": ["string", "null"]},
    },
}


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    prompt = " ".join(str(m.get("content", "")) for m in body["messages"])
    assert "INV-2026-0042" in prompt  # the document reached the model
    return {
        "invoice_number": "INV-2026-0042",
        "customer": "Globex Corporation",
        "total": 1611,
        "po_number": "PO-NOT-IN-THE-DOCUMENT",
    }


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, FakeLLM]]:
    with serve(FakeLLM(answer=_answer)) as fake:
        home: Path = tmp_path_factory.mktemp("docket-llm")
        settings = Settings(home=home, worker=WorkerSettings(processes=1))
        models = ModelRegistry(
            {
                "openai-gpt-4-1": ProviderConfig(fake.base_url, fake.api_key, "gpt-4.1"),
                "broken-model": ProviderConfig(fake.base_url, "wrong-key", "gpt-4.1"),
            }
        )
        server, thread, running = start_server(settings, models)
        try:
            yield running, fake
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def test_llm_run_records_usage_and_grounds_values(
    llm_server: tuple[Running, FakeLLM], sample_pdf: bytes
) -> None:
    running, fake = llm_server
    client = running.client()
    up = client.files.upload(file=("llm.pdf", sample_pdf))
    run = client.extract(
        file={"id": up.id},
        config={"schema": SCHEMA, "base_processor": "openai-gpt-4-1"},
    )
    assert run.status == "PROCESSED", run.failure_message
    assert fake.requests and fake.requests[-1]["model"] == "gpt-4.1"
    value = run.output.value
    assert value["invoice_number"] == "INV-2026-0042" and value["total"] == 1611
    # grounded: a value found in the document is cited, an invented one is not
    cited = run.output.metadata["invoice_number"].citations
    assert cited and "INV-2026-0042" in cited[0].reference_text and cited[0].page.number == 1
    assert not run.output.metadata["po_number"].citations
    assert (
        run.output.metadata["po_number"].logprobs_confidence
        < run.output.metadata["invoice_number"].logprobs_confidence
    )
    usage = run.usage.model_extra["modelUsage"]  # type: ignore[index]
    assert usage["calls"] >= 1 and usage["totalTokens"] > 0
    assert usage["promptTokens"] + usage["completionTokens"] == usage["totalTokens"]
    assert run.config.base_processor.value == "openai-gpt-4-1"  # kept raw by the SDK


def test_builtin_processor_name_stays_offline(
    llm_server: tuple[Running, FakeLLM], sample_pdf: bytes
) -> None:
    running, fake = llm_server
    client = running.client()
    up = client.files.upload(file=("offline.pdf", sample_pdf))
    before = len(fake.requests)
    run = client.extract(
        file={"id": up.id}, config={"schema": SCHEMA, "base_processor": "extraction_light"}
    )
    assert run.status == "PROCESSED" and len(fake.requests) == before  # no model call
    assert run.usage.model_extra["modelUsage"]["calls"] == 0  # type: ignore[index]


def test_provider_failure_fails_the_run_and_unknown_model_is_rejected(
    llm_server: tuple[Running, FakeLLM], sample_pdf: bytes
) -> None:
    running, _ = llm_server
    client = running.client()
    up = client.files.upload(file=("fail.pdf", sample_pdf))
    run = client.extract(
        file={"id": up.id}, config={"schema": SCHEMA, "base_processor": "broken-model"}
    )
    assert run.status == "FAILED" and run.output is None
    assert run.failure_reason == "INTERNAL_ERROR"
    assert run.failure_message.startswith("MODEL_PROVIDER_ERROR")
    with pytest.raises(BadRequestError) as err:
        client.extract(file={"id": up.id}, config={"schema": SCHEMA, "base_processor": "gpt-9"})
    assert err.value.body["code"] == "INVALID_CONFIGURATION"  # type: ignore[index]
