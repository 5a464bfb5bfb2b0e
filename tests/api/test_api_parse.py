"""Parse over the real SDK: sync, create_and_poll, retrieve (json/url), list, delete, cancel."""

from __future__ import annotations

import base64
import time

import httpx
import pytest
from apiserver import LONG_PAGES, Running, wait_until
from extend_ai.errors import BadRequestError, NotFoundError, UnprocessableEntityError
from extend_ai.wrapper import PollingOptions


def _headers(server: Running, ws: str = "acme") -> dict[str, str]:
    return {"Authorization": f"Bearer {server.keys[ws]}"}


def test_sync_parse_returns_processed_run(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("invoice.pdf", sample_pdf))
    run = client.parse(
        file={"id": up.id},
        config={"chunking_strategy": {"type": "document"}},
        metadata={"order": 7, "extend:usage_tags": ["team a!", "ok-tag_1", "***"]},
    )
    assert run.object == "parse_run" and run.id.startswith("pr_")
    assert run.status == "PROCESSED"
    assert run.file.id == up.id and run.file.name == "invoice.pdf"
    assert run.config.chunking_strategy.type == "document"
    assert run.config.target == "markdown" and run.config.engine == "parse_performance"
    assert run.metadata == {"order": 7, "extend:usage_tags": ["teama", "ok-tag_1"]}
    assert run.metrics.page_count == 2 and run.metrics.processing_time_ms >= 0
    assert run.usage.credits == 2
    (chunk,) = run.output.chunks
    assert chunk.type == "document" and "INV-2026-0042" in chunk.content
    assert chunk.metadata.page_range.start == 1 and chunk.metadata.page_range.end == 2
    block = chunk.blocks[0]
    assert block.object == "block" and block.details.type.endswith("_details")
    assert len(block.polygon) == 4 and block.bounding_box.right > block.bounding_box.left
    assert run.output.metadata.pages[0].dpi == 72


def test_create_and_poll_then_retrieve_list_delete(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("poll.pdf", sample_pdf))
    run = client.parse_runs.create_and_poll(
        file={"id": up.id},
        config={"target": "spatial", "advanced_options": {"page_ranges": [{"start": 2, "end": 2}]}},
        polling_options=PollingOptions(fast_poll_interval_ms=100, max_wait_ms=60_000),
    )
    assert run.status == "PROCESSED" and run.metrics.page_count == 1
    assert [c.metadata.page_range.start for c in run.output.chunks] == [2]
    assert run.config.target == "spatial"

    again = client.parse_runs.retrieve(run.id)
    assert again.output.chunks[0].content == run.output.chunks[0].content
    by_url = client.parse_runs.retrieve(run.id, response_type="url")
    assert by_url.output is None and by_url.output_url
    fetched = httpx.get(by_url.output_url).json()
    assert fetched["chunks"][0]["content"] == run.output.chunks[0].content

    listed = client.parse_runs.list(file_name_contains="poll.pdf", status="PROCESSED")
    assert [r.id for r in listed.data] == [run.id]
    assert listed.data[0].created_at is not None and listed.data[0].metrics.page_count == 1

    assert client.parse_runs.delete(run.id).id == run.id
    with pytest.raises(NotFoundError):
        client.parse_runs.retrieve(run.id)


def test_list_paging_with_max_page_size_and_limit(server: Running) -> None:
    client = server.client("globex")
    ids = []
    for i in range(5):
        run = client.parse_runs.create(file={"text": f"note {i}", "name": f"paging-{i}.txt"})
        assert run.status == "PROCESSING"
        ids.append(run.id)
    seen: list[str] = []
    token = None
    while True:
        page = client.parse_runs.list(
            max_page_size=2, next_page_token=token, file_name_contains="paging-"
        )
        seen += [r.id for r in page.data]
        token = page.next_page_token
        if not token:
            break
    assert seen == list(reversed(ids))
    raw = httpx.get(
        f"{server.url}/parse_runs",
        params={"limit": 3, "fileNameContains": "paging-"},
        headers=_headers(server, "globex"),
    ).json()
    assert raw["object"] == "list" and len(raw["data"]) == 3 and raw["nextPageToken"]
    for run_id in ids:
        wait_until(lambda r=run_id: client.parse_runs.retrieve(r).status == "PROCESSED")


def test_file_reference_shapes(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("source.pdf", sample_pdf))
    presigned = client.files.retrieve(up.id).presigned_url
    by_url = client.parse(file={"url": presigned, "name": "fetched.pdf"})
    assert by_url.status == "PROCESSED" and by_url.file.name == "fetched.pdf"
    assert by_url.file.id != up.id  # URL inputs are materialised as new files
    legacy = httpx.post(
        f"{server.url}/parse",
        json={"file": {"fileBase64": base64.b64encode(sample_pdf).decode(), "fileName": "b64.pdf"}},
        headers=_headers(server),
    )
    assert legacy.status_code == 200 and legacy.json()["file"]["name"] == "b64.pdf"
    legacy_id = httpx.post(
        f"{server.url}/parse", json={"file": {"fileId": up.id}}, headers=_headers(server)
    ).json()
    assert legacy_id["status"] == "PROCESSED" and legacy_id["file"]["id"] == up.id


def test_processing_failures(server: Running) -> None:
    client = server.client()
    junk = client.files.upload(file=("junk.bin", bytes(range(256)) * 10))
    with pytest.raises(BadRequestError) as err:
        client.parse(file={"id": junk.id})
    assert err.value.body["code"] == "FILE_TYPE_NOT_SUPPORTED"
    run_id = err.value.body["runId"]
    failed = client.parse_runs.retrieve(run_id)
    assert failed.status == "FAILED" and failed.failure_reason == "FILE_TYPE_NOT_SUPPORTED"
    assert failed.failure_message and failed.output is None
    broken = client.files.upload(file=("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50))
    run = client.parse_runs.create_and_poll(
        file={"id": broken.id}, polling_options=PollingOptions(fast_poll_interval_ms=100)
    )
    assert run.status == "FAILED" and run.failure_reason == "CORRUPT_FILE"


def test_request_validation(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("cfg.pdf", sample_pdf))
    with pytest.raises(BadRequestError) as err:
        client.parse(
            file={"id": up.id},
            config={"target": "spatial", "chunking_strategy": {"type": "section"}},
        )
    assert err.value.body["code"] == "INVALID_CONFIG_OPTIONS"
    with pytest.raises(NotFoundError):
        client.parse_runs.create(file={"id": "file_doesnotexist"})
    with pytest.raises(BadRequestError) as err:
        client.parse_runs.create(file={"id": up.id}, metadata={"blob": "x" * 11_000})
    assert "metadata" in err.value.body["message"]
    h = {**_headers(server), "content-type": "application/json"}
    bad_json = httpx.post(f"{server.url}/parse_runs", content=b'{"file": {', headers=h)
    assert bad_json.status_code == 400 and bad_json.json()["code"] == "INVALID_REQUEST"
    no_file = httpx.post(f"{server.url}/parse_runs", json={"file": {}}, headers=h)
    assert no_file.status_code == 400 and "file needs" in no_file.json()["message"]
    wrong_type = httpx.post(f"{server.url}/parse_runs", json={"file": {"id": 5}}, headers=h)
    assert wrong_type.status_code == 400
    unknown = httpx.get(f"{server.url}/no_such_route", headers=h)
    assert unknown.status_code == 404 and unknown.json()["code"] == "NOT_FOUND"
    version = httpx.get(f"{server.url}/files", headers={**h, "x-extend-api-version": "1999-01-01"})
    assert version.status_code == 400


def test_cancel_stops_a_long_run(server: Running, long_pdf: bytes, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("long.pdf", long_pdf))
    assert up.metadata.page_count == LONG_PAGES
    run = client.parse_runs.create(file={"id": up.id})
    time.sleep(0.5)
    cancelled = httpx.post(f"{server.url}/parse_runs/{run.id}/cancel", headers=_headers(server))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "CANCELLED"
    with pytest.raises(BadRequestError):
        client.parse_runs.cancel(run.id)
    # The only worker process must be free again well before the long parse could finish.
    start = time.monotonic()
    small = client.files.upload(file=("after.pdf", sample_pdf))
    assert client.parse(file={"id": small.id}).status == "PROCESSED"
    assert time.monotonic() - start < 8
    final = httpx.get(f"{server.url}/parse_runs/{run.id}", headers=_headers(server)).json()
    assert final["status"] == "CANCELLED" and "output" not in final


def test_workspace_isolation_of_runs(server: Running) -> None:
    acme, globex = server.client("acme"), server.client("globex")
    run = acme.parse_runs.create(file={"text": "private", "name": "private.txt"})
    for call in (globex.parse_runs.retrieve, globex.parse_runs.delete, globex.parse_runs.cancel):
        with pytest.raises(NotFoundError):
            call(run.id)
    assert run.id not in {r.id for r in globex.parse_runs.list(max_page_size=1000).data}


def test_batch(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("batch.pdf", sample_pdf))
    batch = client.parse_runs.create_batch(
        inputs=[
            {"file": {"id": up.id}, "metadata": {"n": 1}},
            {"file": {"text": "hi", "name": "b.txt"}},
        ]
    )
    assert batch.object == "batch_run" and batch.id.startswith("bpar_") and batch.run_count == 2
    wait_until(lambda: client.batch_runs.get(batch.id).status == "PROCESSED")
    runs = client.parse_runs.list(batch_id=batch.id).data
    assert len(runs) == 2 and {r.status for r in runs} == {"PROCESSED"}
    assert all(r.batch_id == batch.id for r in runs)
    with pytest.raises(NotFoundError):
        server.client("globex").batch_runs.get(batch.id)


def test_limits(tight_server: Running, sample_pdf: bytes) -> None:
    client = tight_server.client()
    h = {**_headers(tight_server), "content-type": "application/json"}
    huge = httpx.post(f"{tight_server.url}/parse_runs", content=b" " * 5000, headers=h)
    assert huge.status_code == 400 and "larger than" in huge.json()["message"]

    def chunks() -> object:
        yield b'{"file": {"text": "'
        yield b"a" * 6000
        yield b'"}}'

    streamed = httpx.post(f"{tight_server.url}/parse_runs", content=chunks(), headers=h)
    assert streamed.status_code == 400 and streamed.json()["code"] == "INVALID_REQUEST"
    up = client.files.upload(file=("four.pdf", _pages(sample_pdf, 4)))
    run = client.parse_runs.create_and_poll(
        file={"id": up.id}, polling_options=PollingOptions(fast_poll_interval_ms=100)
    )
    assert run.status == "FAILED" and run.failure_reason == "FILE_SIZE_TOO_LARGE"


def test_sync_timeout_keeps_run_pollable(tight_server: Running, sample_pdf: bytes) -> None:
    client = tight_server.client()
    up = client.files.upload(file=("slow.pdf", sample_pdf))
    with pytest.raises(UnprocessableEntityError) as err:
        client.parse(file={"id": up.id})
    body = err.value.body
    assert body.code == "TIMEOUT" and body.run_id and body.retryable
    wait_until(lambda: client.parse_runs.retrieve(body.run_id).status == "PROCESSED")


def _pages(sample: bytes, n: int) -> bytes:
    from apiserver import repeat_pdf

    return repeat_pdf(sample, n)


def test_table_options(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("tables.pdf", sample_pdf))

    def tables(config: dict[str, object]) -> list[object]:
        run = client.parse(file={"id": up.id}, config=config)
        return [b for c in run.output.chunks for b in c.blocks if b.type == "table"]

    default = tables({})
    assert default and all(t.children for t in default)
    assert default[0].details.row_count >= 2
    html = tables(
        {"block_options": {"tables": {"target_format": "html", "cell_blocks_enabled": False}}}
    )
    assert html and all(not t.children for t in html)
    assert all("<table" in t.content for t in html)


def test_every_state_change_is_announced_with_the_wire_run(server: Running) -> None:
    client = server.client("globex")
    run = client.parse_runs.create(file={"text": "announce me", "name": "events.txt"})
    wait_until(lambda: len(server.events.of(run.id)) >= 2)
    events = server.events.of(run.id)
    assert [e[1] for e in events] == ["parse_run.processing", "parse_run.processed"]
    ws, _, payload = events[-1]
    assert ws != "acme" and all(e[0] == ws for e in events)
    assert payload["object"] == "parse_run" and payload["status"] == "PROCESSED"
    assert payload["file"]["name"] == "events.txt" and payload["metrics"]["pageCount"] >= 1


def test_deleting_a_file_deletes_its_runs_and_outputs(server: Running, sample_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("doomed.pdf", sample_pdf))
    run = client.parse(file={"id": up.id})
    output = server.settings.blob_root / "outputs" / f"{run.id}.json"
    assert output.exists()
    client.files.delete(up.id)
    with pytest.raises(NotFoundError):
        client.parse_runs.retrieve(run.id)
    assert not output.exists() and not (server.settings.blob_root / "files" / up.id).exists()
