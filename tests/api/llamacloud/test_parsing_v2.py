"""LlamaParse over the real ``llama-cloud`` 2.x SDK (subprocess): what 2.x adds to 1.x's
``client.parsing`` (cancel, delete, ``job_ids``, ``user_metadata``, ``tier`` on the job) and a
parse job as an extraction's ``file_input``."""

from __future__ import annotations

from pathlib import Path

from apiserver import LONG_PAGES, Running, repeat_pdf
from llamacloud_helpers import INVOICE_SCHEMA
from llamacloud_v2 import run_v2


def test_parse_then_extract_from_the_parse_job(llama_server: Running, sample_path: Path) -> None:
    out = run_v2(
        llama_server,
        """
        with open(ARGS["path"], "rb") as f:
            file_id = client.files.create(file=f, purpose="parse").id
        job = client.parsing.create(
            tier="agentic", version="latest", file_id=file_id, user_metadata={"batch": "b-7"}
        )
        OUT["created"] = job.model_dump(mode="json")
        got = client.parsing.parse(
            tier="fast", version="latest", file_id=file_id, expand=["markdown", "items"],
            polling_interval=0.05, max_interval=0.2, backoff="constant",
        )
        OUT["parsed"] = got.job.status
        OUT["table_rows"] = next(
            i.rows for i in got.items.pages[0].items if i.type == "table"
        )
        OUT["by_ids"] = sorted(j.id for j in client.parsing.list(job_ids=[job.id, got.job.id]))
        OUT["ids"] = sorted([job.id, got.job.id])
        OUT["later"] = [
            j.id for j in client.parsing.list(created_at_on_or_after=got.job.created_at)
        ]
        OUT["first"] = job.id
        extract = client.extract.run(
            file_input=got.job.id, configuration={"data_schema": ARGS["schema"]},
            polling_interval=0.05,
        )
        OUT["extract"] = extract.model_dump(mode="json")
        OUT["parse_job"] = got.job.id
        """,
        path=str(sample_path),
        schema=INVOICE_SCHEMA,
    )
    created = out["created"]
    assert created["tier"] == "agentic" and created["user_metadata"] == {"batch": "b-7"}
    assert out["parsed"] == "COMPLETED"
    assert out["table_rows"][0] == ["Description", "Qty", "Unit price", "Amount"]
    assert out["by_ids"] == out["ids"]
    assert out["parse_job"] in out["later"] and out["first"] not in out["later"]
    extract = out["extract"]
    assert extract["status"] == "COMPLETED" and extract["file_input"] == out["parse_job"]
    assert extract["extract_result"]["invoice_number"] == "INV-2026-0042"


def test_cancel_and_delete(llama_server: Running, sample_pdf: bytes, tmp_path: Path) -> None:
    big = tmp_path / "long.pdf"
    big.write_bytes(repeat_pdf(sample_pdf, LONG_PAGES))
    out = run_v2(
        llama_server,
        """
        with open(ARGS["path"], "rb") as f:
            job = client.parsing.create(tier="fast", version="latest", upload_file=f)
        OUT["delete_running"] = error(lambda: client.parsing.delete(job.id))
        OUT["cancelled"] = client.parsing.cancel(job.id).status
        OUT["cancel_again"] = error(lambda: client.parsing.cancel(job.id))
        OUT["listed"] = job.id in [j.id for j in client.parsing.list(status="CANCELLED")]
        gone = client.parsing.delete(job.id)
        OUT["gone"] = gone.model_dump(mode="json")
        OUT["get_deleted"] = error(lambda: client.parsing.get(job.id))
        OUT["job"] = job.id
        """,
        path=str(big),
    )
    assert out["delete_running"]["type"] == "BadRequestError"
    assert "cancel it first" in out["delete_running"]["message"]
    assert out["cancelled"] == "CANCELLED" and out["listed"] is True
    assert out["cancel_again"]["type"] == "BadRequestError"
    assert out["gone"]["id"] == out["job"] and out["gone"]["project_id"]
    assert out["get_deleted"]["type"] == "NotFoundError"
