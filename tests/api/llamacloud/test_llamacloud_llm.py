"""BALANCED / PREMIUM modes and ``extract_model`` on a configured LLM provider (a fake
OpenAI-compatible server), with text input, system prompt and model usage on the wire."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from apiserver import start_server
from llama_cloud import BadRequestError, LlamaCloud
from llamacloud_helpers import INVOICE_SCHEMA

from docket.engines.llm.openai_compatible import ModelRegistry, ProviderConfig
from docket.settings import Settings, WorkerSettings
from fakes.openai_server import FakeLLM, serve


def _read_invoice(request: dict[str, Any]) -> dict[str, Any]:
    """Answers from the document text the server sent (so the test sees the input arrive)."""
    text = "\n".join(str(m.get("content", "")) for m in request["messages"])
    number = re.search(r"Invoice number:\s*(\S+)", text)
    total = re.search(r"Total amount:\s*\$?([\d.]+)", text)
    return {
        "invoice_number": number.group(1) if number else None,
        "due_date": None,
        "total": float(total.group(1)) if total else None,
    }


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeLLM]:
    with serve(FakeLLM(answer=_read_invoice)) as fake:
        yield fake


@pytest.fixture(scope="module")
def llm_client(tmp_path_factory: pytest.TempPathFactory, fake_llm: FakeLLM) -> Iterator[LlamaCloud]:
    settings = Settings(
        home=tmp_path_factory.mktemp("docket-llamacloud-llm"),
        worker=WorkerSettings(processes=1),
    )
    provider = ProviderConfig(fake_llm.base_url, fake_llm.api_key, "fake-balanced")
    models = ModelRegistry(
        {
            "balanced": provider,
            "openai-gpt-4-1": ProviderConfig(fake_llm.base_url, fake_llm.api_key, "fake-41"),
        }
    )
    server, thread, running = start_server(settings, models)
    yield LlamaCloud(api_key=running.keys["acme"], base_url=running.url, max_retries=0)
    server.should_exit = True
    thread.join(timeout=10)


TEXT = "ACME SUPPLIES\nInvoice number: INV-77\nTotal amount: $12.50\n"


def test_balanced_text_run_uses_the_configured_provider(
    llm_client: LlamaCloud, fake_llm: FakeLLM
) -> None:
    seen = len(fake_llm.requests)
    result = llm_client.extraction.extract(
        config={"extraction_mode": "BALANCED", "system_prompt": "Amounts are in US dollars."},
        data_schema=INVOICE_SCHEMA,
        text=TEXT,
        polling_interval=0.05,
    )
    assert result.data == {"invoice_number": "INV-77", "due_date": None, "total": 12.5}
    request = fake_llm.requests[seen]
    assert request["model"] == "fake-balanced"
    assert "Amounts are in US dollars." in request["messages"][0]["content"]
    usage = result.extraction_metadata["usage"]
    assert usage["engine"] == "llm:fake-balanced" and usage["num_llm_calls"] == 1
    assert usage["num_document_tokens"] > 0 and usage["num_output_tokens"] > 0


def test_extract_model_picks_its_provider(llm_client: LlamaCloud, fake_llm: FakeLLM) -> None:
    job = llm_client.extraction.run(
        config={
            "extraction_mode": "PREMIUM",
            "extract_model": "openai-gpt-4-1",
            "cite_sources": True,
        },
        data_schema=INVOICE_SCHEMA,
        text=TEXT,
    )
    llm_client.extraction.jobs.wait_for_completion(
        job.id, polling_interval=0.05, backoff="constant"
    )
    result = llm_client.extraction.jobs.get_result(job.id)
    assert fake_llm.requests[-1]["model"] == "fake-41"
    assert result.data["invoice_number"] == "INV-77"
    assert job.extraction_agent.config.extract_model == "openai-gpt-4-1"


def test_unconfigured_models_are_bad_requests(llm_client: LlamaCloud) -> None:
    with pytest.raises(BadRequestError, match=re.escape("gemini-2.5-pro")):
        llm_client.extraction.run(
            config={"extract_model": "gemini-2.5-pro"}, data_schema=INVOICE_SCHEMA, text=TEXT
        )
    with pytest.raises(BadRequestError, match=re.escape("anthropic-sonnet-4.5")):
        llm_client.extraction.extraction_agents.create(
            name="x", data_schema=INVOICE_SCHEMA, config={"parse_model": "anthropic-sonnet-4.5"}
        )
    # PREMIUM has no provider of its own and there is no catch-all: the offline engine runs,
    # and the result says so
    result = llm_client.extraction.extract(
        config={"extraction_mode": "PREMIUM"},
        data_schema=INVOICE_SCHEMA,
        text=TEXT,
        polling_interval=0.05,
    )
    assert result.extraction_metadata["usage"]["engine"] == "rules"
