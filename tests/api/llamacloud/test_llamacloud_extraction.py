"""LlamaExtract over the real ``llama-cloud`` SDK: stateless runs, agents, jobs and results."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest
from apiserver import Running
from llama_cloud import (
    BadRequestError,
    NotFoundError,
    PollingError,
    UnprocessableEntityError,
)
from llamacloud_helpers import FAST, INVOICE_SCHEMA, ROW_SCHEMA, Client, wait

from docket.store.db import Database
from docket.store.repos import RunRepository


def test_stateless_run_with_base64_file(llama: Client, sample_pdf: bytes) -> None:
    client = llama()
    job = client.extraction.run(
        config=FAST,
        data_schema=INVOICE_SCHEMA,
        file={"data": base64.b64encode(sample_pdf).decode(), "mime_type": "application/pdf"},
    )
    assert job.status in ("PENDING", "SUCCESS") and job.file_id
    assert job.extraction_agent.id and job.extraction_agent.project_id
    wait(client, job.id)
    result = client.extraction.jobs.get_result(job.id)
    assert result.data == {
        "invoice_number": "INV-2026-0042",
        "due_date": "2026-04-11",
        "total": 1611.0,
    }
    assert result.run_id and result.extraction_agent_id == job.extraction_agent.id
    assert result.extraction_metadata["field_metadata"] == {}  # extensions are off by default
    assert result.extraction_metadata["usage"]["num_pages_extracted"] == 2


def test_stateless_run_with_text(llama: Client) -> None:
    """The text becomes a stored text file the run reads; the offline engine extracts from it."""
    client = llama()
    text = "ACME SUPPLIES\nInvoice number: INV-77\nTotal amount: $12.50\n"
    result = client.extraction.extract(
        config=FAST, data_schema=json.dumps(INVOICE_SCHEMA), text=text, polling_interval=0.05
    )
    assert result.data == {"invoice_number": "INV-77", "due_date": None, "total": 12.5}
    run = client.extraction.runs.get(result.run_id)
    assert run.status == "SUCCESS" and run.file_id and run.file is not None
    assert run.file.file_type == "txt"
    assert httpx.get(client.files.get(run.file_id).url).text == text


def test_agent_job_poll_result_runs(llama: Client, sample_path: Path) -> None:
    client = llama()
    agent = client.extraction.extraction_agents.create(
        name="invoices", data_schema=INVOICE_SCHEMA, config=FAST
    )
    assert agent.name == "invoices" and agent.data_schema == INVOICE_SCHEMA
    assert agent.config.extraction_mode == "FAST" and agent.config.extraction_target == "PER_DOC"
    assert client.extraction.extraction_agents.get(agent.id).id == agent.id
    listed = client.extraction.extraction_agents.list()
    assert agent.id in [a.id for a in listed]

    with sample_path.open("rb") as fh:
        up = client.files.create(file=fh, purpose="extract")
    job = client.extraction.jobs.create(extraction_agent_id=agent.id, file_id=up.id)
    assert job.extraction_agent.id == agent.id and job.file_id == up.id
    wait(client, job.id)
    assert client.extraction.jobs.get(job.id).status == "SUCCESS"
    result = client.extraction.jobs.get_result(job.id)
    assert result.data["total"] == 1611.0

    # a second job on an uploaded file, through the multipart route with a config override
    with sample_path.open("rb") as fh:
        job2 = client.extraction.jobs.file(
            extraction_agent_id=agent.id,
            file=fh,
            config_override=json.dumps({**FAST, "cite_sources": True}),
            from_ui=True,
        )
    wait(client, job2.id)
    cited = client.extraction.jobs.get_result(job2.id).extraction_metadata["field_metadata"]
    assert cited["total"]["citation"][0]["page"] == 1
    run2 = client.extraction.runs.get_by_job(job2.id)
    assert run2.from_ui is True and run2.config.cite_sources is True
    assert run2.file is not None and run2.file.name == "invoice sample.pdf"

    jobs = client.extraction.jobs.list(extraction_agent_id=agent.id)
    assert {j.id for j in jobs} == {job.id, job2.id}
    assert all(j.status == "SUCCESS" for j in jobs)

    # runs: paginated listing (skip/limit/total), get, get by job id, delete
    page = client.extraction.runs.list(extraction_agent_id=agent.id, limit=1)
    assert len(page.items) == 1 and page.total == 2 and page.skip == 0
    all_runs = list(client.extraction.runs.list(extraction_agent_id=agent.id, limit=1))
    assert len(all_runs) == 2 and len({r.id for r in all_runs}) == 2
    run = client.extraction.runs.get_by_job(job.id)
    assert run.job_id == job.id and run.status == "SUCCESS" and run.data["total"] == 1611.0
    assert run.extraction_agent_id == agent.id and run.file_id == up.id
    assert run.data_schema == INVOICE_SCHEMA and run.config.extraction_mode == "FAST"
    assert run.from_ui is False and run.created_at is not None
    assert client.extraction.runs.get(run.id).id == run.id
    client.extraction.runs.delete(run.id)
    with pytest.raises(NotFoundError):
        client.extraction.runs.get(run.id)
    with pytest.raises(NotFoundError):
        client.extraction.runs.get_by_job(job.id)
    assert client.extraction.runs.list(extraction_agent_id=agent.id).total == 1

    # update then delete the agent
    new_schema = {"type": "object", "properties": {"invoice_number": {"type": "string"}}}
    updated = client.extraction.extraction_agents.update(
        agent.id, data_schema=new_schema, config={**FAST, "extraction_target": "PER_PAGE"}
    )
    assert updated.data_schema == new_schema and updated.config.extraction_target == "PER_PAGE"
    client.extraction.extraction_agents.delete(agent.id)
    with pytest.raises(NotFoundError):
        client.extraction.extraction_agents.get(agent.id)


def test_default_agent_only_listed_on_request(llama: Client) -> None:
    client = llama("globex")
    job = client.extraction.run(config=FAST, data_schema=INVOICE_SCHEMA, text="Total: 5.00")
    default_id = job.extraction_agent.id
    assert default_id not in [a.id for a in client.extraction.extraction_agents.list()]
    with_default = client.extraction.extraction_agents.list(include_default=True)
    assert default_id in [a.id for a in with_default]
    again = client.extraction.run(config=FAST, data_schema=INVOICE_SCHEMA, text="Total: 6.00")
    assert again.extraction_agent.id == default_id  # one default agent per project
    runs = client.extraction.runs.list(extraction_agent_id=default_id)
    assert {r.job_id for r in runs} >= {job.id, again.id}


def test_per_page_and_per_table_row_targets(llama: Client, sample_pdf: bytes) -> None:
    client = llama()
    file = {"data": base64.b64encode(sample_pdf).decode(), "mime_type": "application/pdf"}
    per_page = client.extraction.extract(
        config={**FAST, "extraction_target": "PER_PAGE"},
        data_schema=INVOICE_SCHEMA,
        file=file,
        polling_interval=0.05,
    )
    assert isinstance(per_page.data, list) and len(per_page.data) == 2
    assert per_page.data[0]["invoice_number"] == "INV-2026-0042"
    assert per_page.data[1] == {"invoice_number": None, "due_date": None, "total": None}

    rows = client.extraction.extract(
        config={**FAST, "extraction_target": "PER_TABLE_ROW", "cite_sources": True},
        data_schema=ROW_SCHEMA,
        file=file,
        polling_interval=0.05,
    )
    assert isinstance(rows.data, list)
    described = [r["description"] for r in rows.data]
    assert described[:3] == [
        "Servo motor SM-200",
        "Controller board CB-7",
        "Assembly service (hours)",
    ]
    assert rows.data[0]["qty"] == 4 and rows.data[0]["amount"] == 480.0
    meta = rows.extraction_metadata["field_metadata"]
    assert isinstance(meta, list) and len(meta) == len(rows.data)
    assert meta[0]["amount"]["citation"][0]["matching_text"] == "$480.00"


def test_citations_and_confidence_switch_on_and_off(llama: Client, sample_pdf: bytes) -> None:
    client = llama()
    file = {"data": base64.b64encode(sample_pdf).decode(), "mime_type": "application/pdf"}

    def meta(**switches: bool) -> dict[str, object]:
        got = client.extraction.extract(
            config={**FAST, **switches},
            data_schema=INVOICE_SCHEMA,
            file=file,
            polling_interval=0.05,
        )
        fm = got.extraction_metadata["field_metadata"]
        assert isinstance(fm, dict)
        return fm

    both = meta(cite_sources=True, confidence_scores=True)
    total = both["total"]
    assert isinstance(total, dict)
    cite = total["citation"][0]
    assert cite["page"] == 1 and cite["matching_text"] == "$1,611.00"
    box = cite["bounding_boxes"][0]
    assert box["w"] > 0 and box["h"] > 0 and 0 <= box["x"] < cite["page_dimensions"]["width"]
    assert 0 < total["confidence"] <= 1 and total["extraction_confidence"] == total["confidence"]

    only_conf = meta(confidence_scores=True)["total"]
    assert isinstance(only_conf, dict) and "citation" not in only_conf and "confidence" in only_conf
    only_cite = meta(citation_bbox=True)["total"]  # the deprecated synonym of cite_sources
    assert isinstance(only_cite, dict) and "citation" in only_cite and "confidence" not in only_cite
    assert meta(cite_sources=False, confidence_scores=False) == {}


def test_page_range_limits_pages(llama: Client, sample_pdf: bytes) -> None:
    file = {"data": base64.b64encode(sample_pdf).decode(), "mime_type": "application/pdf"}
    got = llama().extraction.extract(
        config={**FAST, "page_range": "2", "extraction_target": "PER_PAGE"},
        data_schema=INVOICE_SCHEMA,
        file=file,
        polling_interval=0.05,
    )
    assert got.data == [{"invoice_number": None, "due_date": None, "total": None}]


def test_errors_surface_as_sdk_error_types(llama: Client) -> None:
    client = llama(max_retries=0)
    union = {
        "type": "object",
        "properties": {"x": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
    }
    with pytest.raises(BadRequestError) as bad:
        client.extraction.extraction_agents.create(name="bad", data_schema=union, config=FAST)
    assert "data_schema.properties.x" in str(bad.value.body)
    with pytest.raises(BadRequestError):
        client.extraction.run(config=FAST, data_schema={"type": "string"}, text="x")
    with pytest.raises(BadRequestError):
        client.extraction.run(config=FAST, data_schema="{not json", text="x")
    with pytest.raises(BadRequestError) as model:
        client.extraction.run(
            config={"extract_model": "openai-gpt-4-1"}, data_schema=INVOICE_SCHEMA, text="x"
        )
    assert "openai-gpt-4-1" in str(model.value.body)
    with pytest.raises(BadRequestError):
        client.extraction.run(config=FAST, data_schema=INVOICE_SCHEMA)  # no input at all
    with pytest.raises(BadRequestError):
        client.extraction.run(
            config={**FAST, "page_range": "3-1"}, data_schema=INVOICE_SCHEMA, text="x"
        )
    with pytest.raises(UnprocessableEntityError):
        client.extraction.run(
            config={"extraction_mode": "TURBO"}, data_schema=INVOICE_SCHEMA, text="x"
        )

    with pytest.raises(NotFoundError):
        client.extraction.extraction_agents.get("ex_doesnotexist")
    with pytest.raises(NotFoundError):
        client.extraction.jobs.create(extraction_agent_id="ex_doesnotexist", file_id="file_x")
    with pytest.raises(NotFoundError):
        client.extraction.jobs.get("exr_doesnotexist")
    with pytest.raises(NotFoundError):
        client.extraction.runs.list(extraction_agent_id="ex_doesnotexist")
    # another workspace's agent is as unknown as a missing one
    agent = client.extraction.extraction_agents.create(
        name="mine", data_schema=INVOICE_SCHEMA, config=FAST
    )
    with pytest.raises(NotFoundError):
        llama("globex").extraction.extraction_agents.get(agent.id)


def test_failed_job_reports_error(llama: Client) -> None:
    client = llama()
    job = client.extraction.run(
        config=FAST,
        data_schema=INVOICE_SCHEMA,
        file={
            "data": base64.b64encode(b"%PDF-1.7\n garbage").decode(),
            "mime_type": "application/pdf",
        },
    )
    with pytest.raises(PollingError):
        wait(client, job.id)
    failed = client.extraction.jobs.get(job.id)
    assert failed.status == "ERROR" and failed.error
    run = client.extraction.runs.get_by_job(job.id)
    assert run.status == "ERROR" and run.error == failed.error and run.data is None
    with pytest.raises(BadRequestError):
        client.extraction.jobs.get_result(job.id)


def test_schema_validation_endpoint(llama: Client) -> None:
    schema = llama().extraction.extraction_agents.schema.validate_schema(data_schema=INVOICE_SCHEMA)
    props = schema.data_schema["properties"]
    assert isinstance(props, dict) and set(props) == {"invoice_number", "due_date", "total"}
    with pytest.raises(BadRequestError):
        llama().extraction.extraction_agents.schema.validate_schema(data_schema={"type": "array"})


def test_schema_generation_needs_a_schema(llama: Client) -> None:
    schema = llama().extraction.extraction_agents.schema
    given = schema.generate_schema(
        data_schema={"type": "object", "properties": {"a": {"type": "string"}}}
    )
    assert given.data_schema["properties"] == {"a": {"type": ["string", "null"]}}
    with pytest.raises(BadRequestError, match="does not generate schemas"):
        schema.generate_schema(prompt="an invoice with a total")


def test_priority_orders_the_run_queue(llama: Client, llama_server: Running) -> None:
    client = llama()
    agent = client.extraction.extraction_agents.create(
        name="prio", data_schema=INVOICE_SCHEMA, config={**FAST, "priority": "low"}
    )
    file_id = client.files.create(file=("p.txt", b"Total: 1.00"), purpose="extract").id
    urgent = client.extraction.jobs.create(
        extraction_agent_id=agent.id, file_id=file_id, priority="critical"
    )
    relaxed = client.extraction.jobs.create(extraction_agent_id=agent.id, file_id=file_id)
    stateless = client.extraction.run(
        config={**FAST, "priority": "high"}, data_schema=INVOICE_SCHEMA, file_id=file_id
    )
    db = Database(llama_server.settings.db_url)
    try:
        runs = RunRepository(db.sessions)
        found = {j.id: runs.get(j.id) for j in (urgent, relaxed, stateless)}
        got = {i: r.config.get("priority") if r else None for i, r in found.items()}
    finally:
        db.dispose()
    assert got == {urgent.id: 1, relaxed.id: 75, stateless.id: 25}
