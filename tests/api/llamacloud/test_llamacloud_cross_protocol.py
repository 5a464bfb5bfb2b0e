"""One domain model behind both protocols: agents are extractors, jobs are extract runs."""

from __future__ import annotations

from pathlib import Path

from apiserver import Running
from llamacloud_helpers import FAST, INVOICE_SCHEMA, Client, wait


def test_extend_extractor_runs_as_a_llamacloud_agent(
    llama: Client, llama_server: Running, sample_path: Path
) -> None:
    extend = llama_server.client()
    schema = {
        "type": "object",
        "properties": {
            "invoice_number": {"type": ["string", "null"], "description": "Invoice number"},
            "due_date": {"type": ["string", "null"], "extend:type": "date"},
        },
    }
    ex = extend.extractors.create(name="from-extend", config={"schema": schema})

    client = llama()
    agent = client.extraction.extraction_agents.get(ex.id)
    assert agent.name == "from-extend" and agent.config.extraction_mode == "FAST"
    assert agent.data_schema["properties"]["due_date"]["extend:type"] == "date"
    with sample_path.open("rb") as fh:
        up = client.files.create(file=fh, purpose="extract")
    job = client.extraction.jobs.create(
        extraction_agent_id=ex.id, file_id=up.id, config_override={"confidence_scores": True}
    )
    wait(client, job.id)
    result = client.extraction.jobs.get_result(job.id)
    assert result.data == {"invoice_number": "INV-2026-0042", "due_date": "2026-04-11"}
    assert "confidence" in result.extraction_metadata["field_metadata"]["due_date"]

    seen = extend.extract_runs.retrieve(job.id)  # the job is an Extend extract run too
    assert seen.status == "PROCESSED" and seen.output.value == result.data
    assert seen.extractor is not None and seen.extractor.id == ex.id


def test_llamacloud_agent_is_an_extend_extractor(llama: Client, llama_server: Running) -> None:
    agent = llama().extraction.extraction_agents.create(
        name="from-llamacloud", data_schema=INVOICE_SCHEMA, config=FAST
    )
    ex = llama_server.client().extractors.retrieve(agent.id)
    assert ex.name == "from-llamacloud"
    assert set(ex.draft_version.config.schema_["properties"]) == set(INVOICE_SCHEMA["properties"])
