"""v2 ``tier`` → the LLM provider configured under the tier's name (a fake OpenAI-compatible
server), driven by the ``llama-cloud`` 2.x SDK in a subprocess."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from apiserver import Running, start_server
from llamacloud_helpers import INVOICE_SCHEMA
from llamacloud_v2 import run_v2

from docket.engines.llm.openai_compatible import ModelRegistry, ProviderConfig
from docket.settings import Settings, WorkerSettings
from fakes.openai_server import FakeLLM, serve

TEXT = "ACME SUPPLIES\nInvoice number: INV-88\nTotal amount: $40.25\n"


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    """Read from the document text the server sent, so the test sees the input arrive."""
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
    with serve(FakeLLM(answer=_answer)) as fake:
        yield fake


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory: pytest.TempPathFactory, fake_llm: FakeLLM) -> Iterator[Running]:
    settings = Settings(
        home=tmp_path_factory.mktemp("docket-llamacloud-v2-llm"), worker=WorkerSettings(processes=1)
    )
    models = ModelRegistry(
        {"agentic": ProviderConfig(fake_llm.base_url, fake_llm.api_key, "fake-agentic")}
    )
    server, thread, running = start_server(settings, models)
    yield running
    server.should_exit = True
    thread.join(timeout=10)


def test_tier_picks_its_provider(llm_server: Running, fake_llm: FakeLLM) -> None:
    seen = len(fake_llm.requests)
    out = run_v2(
        llm_server,
        """
        up = client.files.create(file=("inv.txt", ARGS["text"].encode(), "text/plain"),
                                 purpose="extract")
        opts = dict(polling_interval=0.05, max_interval=0.2, backoff="constant")
        for name, tier in (("agentic", "agentic"), ("default", None), ("turbo", "turbo")):
            conf = {"data_schema": ARGS["schema"], "system_prompt": "Amounts are in USD."}
            if tier:
                conf["tier"] = tier
            OUT[name] = client.extract.run(
                file_input=up.id, configuration=conf, **opts
            ).model_dump(mode="json")
        """,
        text=TEXT,
        schema=INVOICE_SCHEMA,
    )
    for name in ("agentic", "default"):  # no tier: agentic
        job = out[name]
        assert job["extract_result"] == {
            "invoice_number": "INV-88",
            "due_date": None,
            "total": 40.25,
        }
        assert job["metadata"]["engine"] == "llm:fake-agentic"
    requests = fake_llm.requests[seen:]
    assert len(requests) == 2 and all(r["model"] == "fake-agentic" for r in requests)
    assert "Amounts are in USD." in requests[0]["messages"][0]["content"]
    # turbo has no provider here and there is no catch-all: the offline engine, and it says so
    assert out["turbo"]["metadata"]["engine"] == "rules"
    assert out["turbo"]["extract_result"]["invoice_number"] == "INV-88"
