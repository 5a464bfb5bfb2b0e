"""LlamaCloud v2 extraction (``client.extract``) over the real ``llama-cloud`` 2.x SDK."""

from __future__ import annotations

import time
from pathlib import Path

from apiserver import LONG_PAGES, Running, repeat_pdf
from llamacloud_helpers import FAST, INVOICE_SCHEMA, Client
from llamacloud_v2 import run_v2
from test_llamacloud_webhooks import Receiver

INVOICE = {"invoice_number": "INV-2026-0042", "due_date": "2026-04-11", "total": 1611.0}


def test_create_poll_get_result(llama_server: Running, llama: Client, sample_path: Path) -> None:
    out = run_v2(
        llama_server,
        """
        with open(ARGS["path"], "rb") as f:
            up = client.files.create(file=f, purpose="extract")
        job = client.extract.create(
            file_input=up.id,
            configuration={"data_schema": ARGS["schema"], "tier": "cost_effective"},
        )
        OUT["created"] = job.model_dump(mode="json")
        done = wait(job.id)
        OUT["done"] = done.model_dump(mode="json")
        full = client.extract.get(job.id, expand=["configuration", "extract_metadata", "usage"])
        OUT["full"] = full.model_dump(mode="json")
        OUT["file_id"] = up.id
        """,
        path=str(sample_path),
        schema=INVOICE_SCHEMA,
    )
    created, done, full = out["created"], out["done"], out["full"]
    assert created["status"] in ("PENDING", "RUNNING", "COMPLETED")
    assert created["file_input"] == out["file_id"] and created["extract_result"] is None
    assert done["status"] == "COMPLETED" and done["extract_result"] == INVOICE
    assert done["configuration"] is None and done["extract_metadata"] is None  # not expanded
    assert done["metadata"]["usage"]["num_pages_extracted"] == 2
    assert full["configuration"]["tier"] == "cost_effective"
    assert full["configuration"]["data_schema"] == INVOICE_SCHEMA
    assert full["extract_metadata"]["field_metadata"]["document_metadata"] == {}
    assert full["usage"] is not None
    # The same run, seen through the 1.x SDK: one translation over the same runs.
    run = llama().extraction.runs.get(created["id"])
    assert run.status == "SUCCESS" and run.data == INVOICE


def test_run_with_citations_confidence_and_targets(
    llama_server: Running, sample_path: Path
) -> None:
    out = run_v2(
        llama_server,
        """
        with open(ARGS["path"], "rb") as f:
            file_id = client.files.create(file=f, purpose="extract").id
        opts = dict(polling_interval=0.05, max_interval=0.2, backoff="constant")
        cited = client.extract.run(
            file_input=file_id,
            configuration={
                "data_schema": ARGS["schema"], "cite_sources": True, "confidence_scores": True
            },
            **opts,
        )
        OUT["cited"] = cited.model_dump(mode="json")
        per_page = client.extract.run(
            file_input=file_id,
            configuration={"data_schema": ARGS["schema"], "extraction_target": "per_page"},
            **opts,
        )
        OUT["per_page"] = per_page.model_dump(mode="json")
        page_two = client.extract.run(
            file_input=file_id,
            configuration={
                "data_schema": ARGS["schema"], "extraction_target": "per_page",
                "target_pages": "2",
            },
            **opts,
        )
        OUT["page_two"] = page_two.extract_result
        """,
        path=str(sample_path),
        schema=INVOICE_SCHEMA,
    )
    cited = out["cited"]
    assert cited["status"] == "COMPLETED" and cited["extract_result"] == INVOICE
    total = cited["extract_metadata"]["field_metadata"]["document_metadata"]["total"]
    assert total["citation"][0]["page"] == 1
    assert total["citation"][0]["matching_text"] == "$1,611.00"
    assert 0 < total["confidence"] <= 1
    per_page = out["per_page"]["extract_result"]
    assert isinstance(per_page, list) and len(per_page) == 2
    assert per_page[0]["invoice_number"] == "INV-2026-0042"
    assert per_page[1] == {"invoice_number": None, "due_date": None, "total": None}
    assert out["page_two"] == [{"invoice_number": None, "due_date": None, "total": None}]


def test_list_pages_and_filters(llama_server: Running, sample_path: Path) -> None:
    out = run_v2(
        llama_server,
        """
        with open(ARGS["path"], "rb") as f:
            file_id = client.files.create(file=f, purpose="extract").id
        ids = []
        for _ in range(3):
            job = client.extract.create(
                file_input=file_id, configuration={"data_schema": ARGS["schema"]}
            )
            ids.append(job.id)
        for job_id in ids:
            wait(job_id)
        first = client.extract.list(page_size=2)
        OUT["first"] = [j.id for j in first.items]
        OUT["first_token"] = first.next_page_token
        OUT["all"] = [j.id for j in client.extract.list(page_size=2)]
        OUT["by_file"] = [j.id for j in client.extract.list(file_input=file_id, page_size=1)]
        OUT["by_ids"] = [j.id for j in client.extract.list(job_ids=ids[:2])]
        OUT["completed"] = [j.id for j in client.extract.list(status="COMPLETED")]
        OUT["cancelled"] = [j.id for j in client.extract.list(status="CANCELLED")]
        OUT["expanded"] = [
            j.configuration is not None for j in client.extract.list(
                job_ids=ids, expand=["configuration"]
            )
        ]
        OUT["ids"] = ids
        made = [client.extract.get(i).created_at for i in ids]
        OUT["after_second"] = [
            j.id for j in client.extract.list(created_at_on_or_after=made[1], page_size=1)
        ]
        OUT["window"] = [j.id for j in client.extract.list(
            job_ids=ids, created_at_on_or_after=made[0], created_at_on_or_before=made[1]
        )]
        OUT["bad_date"] = error(lambda: client.extract.list(created_at_on_or_after="yesterday"))
        """,
        workspace="globex",
        path=str(sample_path),
        schema=INVOICE_SCHEMA,
    )
    ids, newest_first = out["ids"], list(reversed(out["ids"]))
    assert len(out["first"]) == 2 and out["first_token"]
    assert [i for i in out["all"] if i in ids] == newest_first
    assert len(out["all"]) == len(set(out["all"])) >= 3
    assert out["by_file"] == newest_first  # one job a page, followed to the end
    assert sorted(out["by_ids"]) == sorted(ids[:2])
    assert set(ids) <= set(out["completed"]) and not set(ids) & set(out["cancelled"])
    assert out["expanded"] == [True, True, True]
    assert out["after_second"][-2:] == [ids[2], ids[1]] and ids[0] not in out["after_second"]
    assert sorted(out["window"]) == sorted(ids[:2])
    assert out["bad_date"]["type"] == "BadRequestError"


def test_cancel_and_delete(llama_server: Running, sample_pdf: bytes, tmp_path: Path) -> None:
    big = tmp_path / "long.pdf"
    big.write_bytes(repeat_pdf(sample_pdf, LONG_PAGES))
    out = run_v2(
        llama_server,
        """
        with open(ARGS["path"], "rb") as f:
            file_id = client.files.create(file=f, purpose="extract").id
        conf = {"data_schema": ARGS["schema"]}
        job = client.extract.create(file_input=file_id, configuration=conf)
        OUT["delete_running"] = error(lambda: client.extract.delete(job.id))
        cancelled = client.extract.cancel(job.id)
        OUT["cancelled"] = cancelled.status
        OUT["cancel_again"] = error(lambda: client.extract.cancel(job.id))
        try:
            wait(job.id)
        except Exception as exc:
            OUT["wait_error"] = type(exc).__name__
        OUT["listed_cancelled"] = job.id in [j.id for j in client.extract.list(status="CANCELLED")]
        client.extract.delete(job.id)
        OUT["get_deleted"] = error(lambda: client.extract.get(job.id))
        OUT["delete_again"] = error(lambda: client.extract.delete(job.id))
        """,
        path=str(big),
        schema=INVOICE_SCHEMA,
    )
    assert out["delete_running"]["type"] == "BadRequestError"
    assert "cancel it first" in out["delete_running"]["message"]
    assert out["cancelled"] == "CANCELLED"
    assert out["cancel_again"]["type"] == "BadRequestError"
    assert out["wait_error"] == "PollingError"
    assert out["listed_cancelled"] is True
    assert out["get_deleted"]["type"] == "NotFoundError"
    assert out["delete_again"]["type"] == "NotFoundError"


def test_validate_schema(llama_server: Running) -> None:
    out = run_v2(
        llama_server,
        """
        good = client.extract.validate_schema(data_schema=ARGS["schema"])
        OUT["good"] = good.data_schema
        OUT["array"] = error(lambda: client.extract.validate_schema(data_schema={"type": "array"}))
        union = {
            "type": "object",
            "properties": {"x": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        }
        OUT["union"] = error(lambda: client.extract.validate_schema(data_schema=union))
        """,
        schema=INVOICE_SCHEMA,
    )
    assert set(out["good"]["properties"]) == {"invoice_number", "due_date", "total"}
    assert out["array"]["type"] == "BadRequestError" and out["array"]["status"] == 400
    assert out["union"]["type"] == "BadRequestError" and "properties.x" in out["union"]["message"]


def test_errors_are_sdk_error_types(llama_server: Running, sample_path: Path) -> None:
    out = run_v2(
        llama_server,
        """
        conf = {"data_schema": ARGS["schema"]}
        with open(ARGS["path"], "rb") as f:
            file_id = client.files.create(file=f, purpose="extract").id
        OUT["unknown_job"] = error(lambda: client.extract.get("exr_nope"))
        OUT["unknown_file"] = error(
            lambda: client.extract.create(file_input="file_nope", configuration=conf)
        )
        OUT["no_config"] = error(lambda: client.extract.create(file_input=file_id))
        OUT["both"] = error(lambda: client.extract.create(
            file_input=file_id, configuration=conf, configuration_id="ex_1"
        ))
        OUT["unknown_config"] = error(
            lambda: client.extract.create(file_input=file_id, configuration_id="ex_nope")
        )
        OUT["bad_tier"] = error(lambda: client.extract.create(
            file_input=file_id, configuration={**conf, "tier": "platinum"}
        ))
        OUT["bad_schema"] = error(lambda: client.extract.create(
            file_input=file_id, configuration={"data_schema": {"type": "string"}}
        ))
        OUT["bad_pages"] = error(lambda: client.extract.create(
            file_input=file_id, configuration={**conf, "target_pages": "3-1"}
        ))
        OUT["saved_hooks"] = error(lambda: client.extract.create(
            file_input=file_id, configuration=conf, webhook_configuration_ids=["wh_1"]
        ))
        job = client.extract.create(file_input=file_id, configuration=conf)
        OUT["job"] = job.id
        OUT["bad_token"] = error(lambda: client.extract.list(page_token="garbage"))
        bad_key = LlamaCloud(api_key="nope", base_url=os.environ["DOCKET_URL"], max_retries=0)
        OUT["bad_key"] = error(lambda: bad_key.extract.list())
        """,
        path=str(sample_path),
        schema=INVOICE_SCHEMA,
    )
    expect = {
        "unknown_job": ("NotFoundError", 404),
        "unknown_file": ("NotFoundError", 404),
        "no_config": ("BadRequestError", 400),
        "both": ("BadRequestError", 400),
        "unknown_config": ("NotFoundError", 404),
        "bad_tier": ("UnprocessableEntityError", 422),
        "bad_schema": ("BadRequestError", 400),
        "bad_pages": ("BadRequestError", 400),
        "saved_hooks": ("BadRequestError", 400),
        "bad_token": ("BadRequestError", 400),
        "bad_key": ("AuthenticationError", 401),
    }
    assert {k: (out[k]["type"], out[k]["status"]) for k in expect} == expect
    # Another workspace's job does not exist for this one.
    other = run_v2(
        llama_server,
        "OUT['other'] = error(lambda: client.extract.get(ARGS['job']))",
        workspace="globex",
        job=out["job"],
    )
    assert other["other"]["type"] == "NotFoundError"


def test_saved_agent_as_configuration_id(
    llama_server: Running, llama: Client, sample_path: Path
) -> None:
    """``configuration_id`` names a saved extraction agent (made here with the 1.x SDK)."""
    agent = llama().extraction.extraction_agents.create(
        name="v2-invoices", data_schema=INVOICE_SCHEMA, config=FAST
    )
    out = run_v2(
        llama_server,
        """
        with open(ARGS["path"], "rb") as f:
            file_id = client.files.create(file=f, purpose="extract").id
        job = client.extract.run(
            file_input=file_id, configuration_id=ARGS["agent"], polling_interval=0.05
        )
        OUT["job"] = job.model_dump(mode="json")
        OUT["listed"] = [j.id for j in client.extract.list(configuration_id=ARGS["agent"])]
        OUT["conf"] = client.extract.get(job.id, expand=["configuration"]).configuration.data_schema
        """,
        path=str(sample_path),
        agent=agent.id,
    )
    job = out["job"]
    assert job["status"] == "COMPLETED" and job["extract_result"] == INVOICE
    assert job["configuration_id"] == agent.id and out["listed"] == [job["id"]]
    assert out["conf"] == INVOICE_SCHEMA
    jobs = llama().extraction.jobs.list(extraction_agent_id=agent.id)
    assert [j.id for j in jobs] == [job["id"]]


def test_job_webhooks_and_refused_ones(llama_server: Running, sample_path: Path) -> None:
    receiver = Receiver()
    try:
        out = run_v2(
            llama_server,
            """
            with open(ARGS["path"], "rb") as f:
                file_id = client.files.create(file=f, purpose="extract").id
            conf = {"data_schema": ARGS["schema"]}
            hook = {
                "webhook_url": ARGS["url"],
                "webhook_events": ["extract.success"],
                "webhook_headers": {"X-Token": "v2-secret"},
            }
            job = client.extract.create(
                file_input=file_id, configuration=conf, webhook_configurations=[hook]
            )
            wait(job.id)
            OUT["job"] = job.id
            signed = {**hook, "webhook_signing_secret": "s"}
            OUT["signed"] = error(lambda: client.extract.create(
                file_input=file_id, configuration=conf, webhook_configurations=[signed]
            ))
            """,
            path=str(sample_path),
            schema=INVOICE_SCHEMA,
            url=receiver.url,
        )
        receiver.wait_for(1)
        headers, body = receiver.requests[0]
        assert body["eventType"] == "extract.success" and body["payload"]["id"] == out["job"]
        assert {k.lower(): v for k, v in headers.items()}["x-token"] == "v2-secret"
        assert out["signed"]["type"] == "BadRequestError"
        time.sleep(0.3)
        assert len(receiver.requests) == 1  # only the event asked for
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
