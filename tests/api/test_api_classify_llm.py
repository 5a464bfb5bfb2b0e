"""The LLM engines behind /classify and /split: a fake OpenAI-compatible server (the paid part),
the real client, server and SDK. ``baseProcessor`` picks the provider configured under its
name; other names stay offline."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apiserver import Running, start_server
from packets import CLASSES, CONTRACT, INVOICE, RECEIPT, packet, pdf

from docket.engines.llm.openai_compatible import ModelRegistry, ProviderConfig
from docket.settings import Settings, WorkerSettings
from tests.fakes.openai_server import FakeLLM, serve

_PAGE = re.compile(r'<page number="(\d+)"[^>]*>\n(.*?)\n</page>', re.S)
# What the fake "model" looks for: the first words of each class's type, in the page text.
_CUES = {"invoice": "INVOICE", "receipt": "RECEIPT", "contract": "AGREEMENT"}


def _schema(body: dict[str, Any]) -> dict[str, Any]:
    fmt = body.get("response_format") or {}
    found: dict[str, Any] = fmt.get("json_schema", {}).get("schema", {})
    return found


def _label(text: str, allowed: list[str]) -> str:
    hits = [c for c in allowed if _CUES.get(c, "\0") in text.upper()]
    return hits[0] if hits else allowed[0]


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    prompt = "\n".join(str(m.get("content", "")) for m in body["messages"])
    props = _schema(body)["properties"]
    if "segments" in props:  # the splitter's call
        allowed = props["segments"]["items"]["properties"]["class_id"]["enum"]
        segs: list[dict[str, Any]] = []
        for number, text in _PAGE.findall(prompt):
            label, page = _label(text, allowed), int(number)
            if segs and segs[-1]["class_id"] == label:
                segs[-1]["end_page"] = page
            else:
                segs.append(
                    {"class_id": label, "start_page": page, "end_page": page,
                     "identifier": None, "observation": f"{label} starts here"}
                )  # fmt: skip
        return {"segments": segs}
    allowed = props["class_id"]["enum"]
    label = _label(" ".join(text for _, text in _PAGE.findall(prompt)), allowed)
    return {
        "class_id": label,
        "confidence": 0.87,
        "reasoning": f"The title says {_CUES[label].lower()}.",
        "evidence": [{"text": _CUES[label], "page": 1}],
    }


@pytest.fixture(scope="module")
def llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, FakeLLM]]:
    with serve(FakeLLM(answer=_answer)) as fake:
        home: Path = tmp_path_factory.mktemp("docket-classify-llm")
        settings = Settings(home=home, worker=WorkerSettings(processes=1))
        models = ModelRegistry(
            {
                "classification_performance": ProviderConfig(fake.base_url, fake.api_key, "m1"),
                "splitting_performance": ProviderConfig(fake.base_url, fake.api_key, "m1"),
                "classification_standard": ProviderConfig(fake.base_url, "wrong-key", "m1"),
            }
        )
        server, thread, running = start_server(settings, models)
        try:
            yield running, fake
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def test_classify_uses_the_provider_named_by_base_processor(
    llm: tuple[Running, FakeLLM],
) -> None:
    running, fake = llm
    client = running.client()
    up = client.files.upload(file=("r.pdf", pdf(RECEIPT), "application/pdf"))
    before = len(fake.requests)
    run = client.classify(file={"id": up.id}, config={"classifications": CLASSES})
    assert run.status == "PROCESSED" and run.output is not None
    assert (run.output.type, run.output.confidence) == ("receipt", 0.87)
    assert run.output.insights[0].content == "The title says receipt."
    assert len(fake.requests) == before + 1
    sent = json.dumps(fake.requests[-1])
    assert "Thank you for your purchase" in sent  # the parsed document reached the model
    # A name without a provider stays offline: no call.
    light = client.classify(
        file={"id": up.id},
        config={"classifications": CLASSES, "baseProcessor": "classification_light"},
    )
    assert light.output is not None and light.output.type == "receipt"
    assert len(fake.requests) == before + 1


def test_a_failing_provider_fails_the_run_with_model_provider_error(
    llm: tuple[Running, FakeLLM],
) -> None:
    client = llm[0].client()
    up = client.files.upload(file=("i.pdf", pdf(INVOICE), "application/pdf"))
    run = client.classify(
        file={"id": up.id},
        config={"classifications": CLASSES, "baseProcessor": "classification_standard"},
    )
    assert run.status == "FAILED"
    assert run.failure_reason == "MODEL_PROVIDER_ERROR"


def test_split_uses_the_llm_splitter_and_files_its_segments(
    llm: tuple[Running, FakeLLM],
) -> None:
    running, fake = llm
    client = running.client()
    up = client.files.upload(file=("p.pdf", packet(INVOICE, RECEIPT, CONTRACT), "application/pdf"))
    before = len(fake.requests)
    run = client.split(file={"id": up.id}, config={"splitClassifications": CLASSES})
    assert run.status == "PROCESSED" and run.output is not None, run.failure_message
    assert len(fake.requests) > before
    got = [(s.classification_id, s.start_page, s.end_page) for s in run.output.splits]
    assert got == [("invoice", 1, 2), ("receipt", 3, 3), ("contract", 4, 5)]
    for s in run.output.splits:
        derived = client.files.retrieve(s.file_id)
        assert derived.parent_file_id == up.id
        assert derived.metadata.page_count == s.end_page - s.start_page + 1
