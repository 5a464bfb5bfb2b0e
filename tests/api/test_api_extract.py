"""Extraction over the real Extend SDK: /extract, /extract_runs, batches, errors, isolation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from apiserver import Running, wait_until
from extend_ai.errors import BadRequestError, NotFoundError
from extend_ai.wrapper import PollingOptions
from pydantic import BaseModel, Field

INVOICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": ["string", "null"], "description": "The invoice number"},
        "invoice_date": {
            "type": ["string", "null"],
            "extend:type": "date",
            "description": "Date the invoice was issued",
        },
        "total": {"type": ["number", "null"], "description": "Total amount due"},
        "line_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": ["string", "null"]},
                    "amount": {"type": ["number", "null"]},
                },
            },
        },
    },
}

FAST = PollingOptions(fast_poll_interval_ms=100, max_wait_ms=60_000)


def _headers(server: Running, ws: str = "acme") -> dict[str, str]:
    return {"Authorization": f"Bearer {server.keys[ws]}"}


def test_sync_extract_with_inline_schema(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("invoice.pdf", sample_pdf))
    run = client.extract(
        file={"id": up.id},
        config={"schema": INVOICE_SCHEMA, "advanced_options": {"citation_mode": "word"}},
        metadata={"case": 1},
    )
    assert run.object == "extract_run" and run.id.startswith("exr_")
    assert run.status == "PROCESSED" and run.metadata == {"case": 1}
    assert run.reviewed is False and run.edited is False and run.dashboard_url
    value = run.output.value
    assert value["invoice_number"] == "INV-2026-0042"
    assert value["invoice_date"] == "2026-03-12"
    assert value["total"] == pytest.approx(1611.0)
    assert [i["amount"] for i in value["line_items"]][:3] == [480.0, 621.0, 510.0]
    meta = run.output.metadata["invoice_number"]
    assert 0 < meta.logprobs_confidence <= 1
    (cite,) = meta.citations
    assert cite.page.number == 1 and cite.reference_text == "INV-2026-0042"
    assert len(cite.polygon) == 4 and cite.page.width and cite.page.height
    assert "line_items[0].amount" in run.output.metadata
    # the echoed config is the normalised one, with defaults filled
    assert run.config.schema_["properties"]["total"]["type"] == ["number", "null"]
    assert run.config.schema_["required"] == list(INVOICE_SCHEMA["properties"])
    assert run.config.advanced_options.citation_mode == "word"
    assert run.config.base_processor == "extraction_performance"
    assert run.usage.credits == 2 and run.file.id == up.id


class LineItem(BaseModel):
    description: str | None = None
    amount: float | None = None


class Invoice(BaseModel):
    invoice_number: str | None = Field(default=None, description="The invoice number")
    due_date: str | None = Field(default=None, description="Payment due date")
    customer: str | None = Field(default=None, description="Bill to: the customer name")
    line_items: list[LineItem] = Field(default_factory=list)


def test_typed_extract_with_a_pydantic_schema(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("typed.pdf", sample_pdf))
    run = client.extract(file={"id": up.id}, config={"schema": Invoice})
    invoice = run.output.value
    assert isinstance(invoice, Invoice)
    assert invoice.invoice_number == "INV-2026-0042"
    assert invoice.due_date == "2026-04-11"
    assert invoice.line_items and invoice.line_items[0].amount == pytest.approx(480.0)


def test_create_and_poll_retrieve_list_delete(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("poll-extract.pdf", sample_pdf))
    run = client.extract_runs.create_and_poll(
        file={"id": up.id},
        config={
            "schema": INVOICE_SCHEMA,
            "advanced_options": {
                "citations_enabled": False,
                "page_ranges": [{"start": 1, "end": 1}],
            },
        },
        polling_options=FAST,
    )
    assert run.status == "PROCESSED" and run.output.value["invoice_number"] == "INV-2026-0042"
    assert run.output.metadata["invoice_number"].citations is None
    again = client.extract_runs.retrieve(run.id)
    assert again.output.value == run.output.value
    listed = client.extract_runs.list(file_name_contains="poll-extract", status="PROCESSED")
    assert [r.id for r in listed.data] == [run.id]
    assert listed.data[0].usage.credits == 1  # only the requested page was parsed
    assert client.extract_runs.delete(run.id).id == run.id
    with pytest.raises(NotFoundError):
        client.extract_runs.retrieve(run.id)


def test_cancel_a_running_extraction(server: Running, long_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("long.pdf", long_pdf))
    run = client.extract_runs.create(file={"id": up.id}, config={"schema": INVOICE_SCHEMA})
    assert run.status == "PROCESSING"
    cancelled = client.extract_runs.cancel(run.id)
    assert cancelled.status == "CANCELLED" and cancelled.output is None
    wait_until(lambda: client.extract_runs.retrieve(run.id).status == "CANCELLED")
    with pytest.raises(BadRequestError):
        client.extract_runs.cancel(run.id)


def test_extractor_versions_and_runs_by_reference(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    ex = client.extractors.create(name="Invoices", config={"schema": INVOICE_SCHEMA})
    assert ex.id.startswith("ex_") and ex.draft_version.version == "draft"
    assert ex.draft_version.config.schema_["additionalProperties"] is False
    v1 = client.extractor_versions.create(ex.id, release_type="minor", description="first")
    assert v1.version == "0.1" and v1.extractor_id == ex.id and v1.description == "first"
    smaller = {"type": "object", "properties": {"total": {"type": ["number", "null"]}}}
    client.extractors.update(ex.id, name="Invoices v2", config={"schema": smaller})
    assert client.extractors.retrieve(ex.id).name == "Invoices v2"
    v2 = client.extractor_versions.create(ex.id, release_type="major")
    assert v2.version == "1.0"
    versions = client.extractor_versions.list(ex.id)
    assert [v.version for v in versions.data] == ["draft", "1.0", "0.1"]
    assert client.extractor_versions.retrieve(ex.id, "0.1").config.schema_["properties"].keys() == (
        INVOICE_SCHEMA["properties"].keys()
    )
    assert client.extractor_versions.retrieve(ex.id, "latest").id == v2.id

    up = client.files.upload(file=("byref.pdf", sample_pdf))
    old = client.extract(extractor={"id": ex.id, "version": "0.1"}, file={"id": up.id})
    assert old.output.value["invoice_number"] == "INV-2026-0042"
    assert old.extractor.id == ex.id and old.extractor_version.version == "0.1"
    latest = client.extract(extractor={"id": ex.id}, file={"id": up.id})
    assert list(latest.output.value) == ["total"] and latest.extractor_version.version == "1.0"
    overridden = client.extract(
        extractor={"id": ex.id, "override_config": {"extraction_rules": "Be precise."}},
        file={"id": up.id},
    )
    assert overridden.config.extraction_rules == "Be precise."
    by_extractor = client.extract_runs.list(extractor_id=ex.id)
    assert {r.id for r in by_extractor.data} == {old.id, latest.id, overridden.id}

    batch = client.extract_runs.create_batch(
        extractor={"id": ex.id, "version": "0.1"},
        inputs=[{"file": {"id": up.id}, "metadata": {"n": i}} for i in range(2)],
    )
    assert batch.id.startswith("bpr_") and batch.run_count == 2
    wait_until(lambda: client.batch_runs.get(batch.id).status == "PROCESSED", timeout=60)
    runs = client.extract_runs.list(batch_id=batch.id).data
    assert sorted(r.metadata["n"] for r in runs) == [0, 1]

    extractors = client.extractors.list(max_page_size=100)
    assert ex.id in [e.id for e in extractors.data]
    clone = client.extractors.create(name="Copy", clone_extractor_id=ex.id)
    assert (
        clone.draft_version.config.schema_
        == client.extractors.retrieve(ex.id).draft_version.config.schema_
    )


def test_bad_schema_is_a_400_naming_the_path(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    bad = {"type": "object", "properties": {"total": {"type": "number"}}}  # not nullable
    with pytest.raises(BadRequestError) as err:
        client.extract(file={"text": "Total: 5"}, config={"schema": bad})
    body = err.value.body
    assert body["code"] == "INVALID_REQUEST"  # type: ignore[index]
    assert "schema.properties.total.type" in body["message"]  # type: ignore[index]
    with pytest.raises(BadRequestError):
        client.extractors.create(name="Broken", config={"schema": bad})
    with pytest.raises(BadRequestError) as model_err:
        client.extract(
            file={"text": "Total: 5"},
            config={"schema": INVOICE_SCHEMA, "base_processor": "openai-gpt-4-1"},
        )
    assert model_err.value.body["code"] == "INVALID_CONFIGURATION"  # type: ignore[index]
    assert "openai-gpt-4-1" in model_err.value.body["message"]  # type: ignore[index]
    before = len(client.extract_runs.list(max_page_size=1000).data)
    with pytest.raises(BadRequestError):
        client.extract_runs.create(file={"text": "x"}, config={"schema": bad})
    assert len(client.extract_runs.list(max_page_size=1000).data) == before  # no run made


def test_unknown_extractor_and_isolation(server: Running, sample_pdf: bytes) -> None:
    acme, globex = server.client(), server.client("globex")
    with pytest.raises(NotFoundError):
        acme.extract(extractor={"id": "ex_missing"}, file={"text": "x"})
    ex = acme.extractors.create(name="Private", config={"schema": INVOICE_SCHEMA})
    up = acme.files.upload(file=("iso.pdf", sample_pdf))
    run = acme.extract(extractor={"id": ex.id}, file={"id": up.id})
    for call in (
        lambda: globex.extractors.retrieve(ex.id),
        lambda: globex.extractor_versions.list(ex.id),
        lambda: globex.extractor_versions.create(ex.id, release_type="minor"),
        lambda: globex.extract(extractor={"id": ex.id}, file={"text": "x"}),
        lambda: globex.extract_runs.retrieve(run.id),
        lambda: globex.extract_runs.delete(run.id),
    ):
        with pytest.raises(NotFoundError):
            call()
    assert ex.id not in [e.id for e in globex.extractors.list(max_page_size=1000).data]
    assert run.id not in [r.id for r in globex.extract_runs.list(max_page_size=1000).data]


def test_events_for_runs_and_extractors(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    ex = client.extractors.create(name="Evented", config={"schema": INVOICE_SCHEMA})
    client.extractor_versions.create(ex.id, release_type="minor")
    up = client.files.upload(file=("evented.pdf", sample_pdf))
    run = client.extract(extractor={"id": ex.id}, file={"id": up.id})
    kinds = [e[1] for e in server.events.items if e[2].get("id") == ex.id]
    assert kinds[:1] == ["extractor.created"]
    published = [e for e in server.events.items if e[1] == "extractor.version.published"]
    assert any(e[2]["extractorId"] == ex.id and e[2]["version"] == "0.1" for e in published)
    wait_until(lambda: any(e[1] == "extract_run.processed" for e in server.events.of(run.id)))
    done = [e for e in server.events.of(run.id) if e[1] == "extract_run.processed"]
    payload = done[-1][2]
    assert payload["object"] == "extract_run" and payload["extractor"]["id"] == ex.id
    assert payload["output"]["value"]["invoice_number"] == "INV-2026-0042"


def test_raw_wire_shapes(server: Running, sample_pdf: bytes) -> None:
    up = server.client().files.upload(file=("raw.pdf", sample_pdf))
    r = httpx.post(
        f"{server.url}/extract",
        headers=_headers(server),
        json={
            "file": {"id": up.id},
            "config": {
                "schema": INVOICE_SCHEMA,
                "advancedOptions": {
                    "arrayCitationStrategy": "item",
                    "arrayStrategy": {"type": "x"},
                },
            },
        },
        timeout=60,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["output"]["value"]["invoice_number"] == "INV-2026-0042"
    paths = set(body["output"]["metadata"])
    assert "line_items[0]" in paths and "line_items[0].amount" not in paths  # item strategy
    assert body["config"]["advancedOptions"]["arrayStrategy"] == {"type": "x"}  # echoed
    meta = body["output"]["metadata"]["invoice_number"]
    assert set(meta) >= {"ocrConfidence", "logprobsConfidence", "citations", "insights"}
    assert body["usage"]["modelUsage"]["calls"] == 0  # the offline engine calls no model
    both = httpx.post(
        f"{server.url}/extract",
        headers=_headers(server),
        json={
            "file": {"text": "x"},
            "config": {"schema": INVOICE_SCHEMA},
            "extractor": {"id": "ex_1"},
        },
    )
    assert both.status_code == 400 and both.json()["code"] == "INVALID_REQUEST"
    neither = httpx.post(
        f"{server.url}/extract", headers=_headers(server), json={"file": {"text": "x"}}
    )
    assert neither.status_code == 400


def test_priority_is_checked(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("prio.pdf", sample_pdf))
    run = client.extract_runs.create_and_poll(
        file={"id": up.id}, config={"schema": INVOICE_SCHEMA}, priority=1, polling_options=FAST
    )
    assert run.status == "PROCESSED"
    with pytest.raises(BadRequestError):
        client.extract_runs.create(
            file={"id": up.id}, config={"schema": INVOICE_SCHEMA}, priority=0
        )
