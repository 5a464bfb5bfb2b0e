"""Guards over the real SDK: priority, zero data retention, config (schema) size, SSRF through the
API, cross-workspace webhooks, and no 5xx once a run exists."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from apiserver import Running, wait_until
from extend_ai.core.api_error import ApiError
from extend_ai.errors import BadRequestError, NotFoundError, UnprocessableEntityError


def _headers(server: Running, ws: str = "acme") -> dict[str, str]:
    return {"Authorization": f"Bearer {server.keys[ws]}"}


@pytest.fixture
def local_site() -> Iterator[str]:
    """A loopback HTTP server that would happily hand out a 'secret' (the SSRF target)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = b"internal secret"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/secret.txt"
    srv.shutdown()
    srv.server_close()


def test_priority_is_validated_and_kept(server: Running) -> None:
    h = _headers(server)
    ok = httpx.post(
        f"{server.url}/parse_runs",
        json={"file": {"text": "urgent", "name": "urgent.txt"}, "priority": 1},
        headers=h,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "PROCESSING"
    for bad in (0, 101, "high"):
        resp = httpx.post(
            f"{server.url}/parse_runs", json={"file": {"text": "x"}, "priority": bad}, headers=h
        )
        assert resp.status_code == 400 and resp.json()["code"] == "INVALID_REQUEST"
        assert "priority" in resp.json()["message"]
    client = server.client()
    batch = client.parse_runs.create_batch(
        inputs=[{"file": {"text": "b", "name": "p.txt"}}], priority=7
    )
    assert batch.run_count == 1
    with pytest.raises(BadRequestError):
        client.parse_runs.create_batch(inputs=[{"file": {"text": "b"}}], priority=500)


def test_zero_data_retention_keeps_nothing_after_a_sync_parse(
    server: Running, sample_pdf: bytes
) -> None:
    client = server.client()
    before = {f.id for f in client.files.list(max_page_size=1000).data}
    run = client.parse(
        file={"text": "forget me soon", "name": "zero.txt"}, data_retention={"mode": "zero"}
    )
    assert run.status == "PROCESSED" and "forget me soon" in run.output.chunks[0].content
    with pytest.raises(NotFoundError):
        client.parse_runs.retrieve(run.id)
    with pytest.raises(NotFoundError):
        client.files.retrieve(run.file.id)
    assert not (server.settings.blob_root / "outputs" / f"{run.id}.json").exists()
    assert {f.id for f in client.files.list(max_page_size=1000).data} == before

    up = client.files.upload(file=("kept.pdf", sample_pdf))  # the caller's own upload stays
    by_id = client.parse(file={"id": up.id}, data_retention={"mode": "zero"})
    assert by_id.status == "PROCESSED"
    with pytest.raises(NotFoundError):
        client.parse_runs.retrieve(by_id.id)
    assert client.files.retrieve(up.id).id == up.id

    kept = client.parse(file={"id": up.id}, data_retention={"mode": "workspace_default"})
    assert client.parse_runs.retrieve(kept.id).status == "PROCESSED"
    bad = httpx.post(
        f"{server.url}/parse",
        json={"file": {"id": up.id}, "dataRetention": {"mode": "forever"}},
        headers=_headers(server),
    )
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID_REQUEST"


def test_run_config_size_is_capped(server: Running) -> None:
    # Extra config fields are echoed, so a huge config (an extraction schema, later) is stored
    # on the run: over LIMITS__MAX_SCHEMA_BYTES it is refused before any work.
    limit = server.settings.limits.max_schema_bytes
    body = {"file": {"text": "x", "name": "cfg.txt"}, "config": {"blob": "y" * (limit + 10)}}
    resp = httpx.post(f"{server.url}/parse_runs", json=body, headers=_headers(server))
    assert resp.status_code == 400 and resp.json()["code"] == "INVALID_REQUEST"
    assert "the limit is" in resp.json()["message"] and "config" in resp.json()["message"]
    assert "runId" not in resp.json()


@pytest.mark.parametrize(
    "url",
    [
        "LOCAL",  # the local_site fixture: a loopback server with something to steal
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/x",
        "http://10.0.0.1/x",
        "http://0x7f000001/x",
        "file:///etc/passwd",
    ],
)
def test_url_inputs_cannot_reach_internal_addresses(
    tight_server: Running, local_site: str, url: str
) -> None:
    client = tight_server.client()
    target = local_site if url == "LOCAL" else url
    with pytest.raises(BadRequestError) as err:
        client.parse_runs.create(file={"url": target, "name": "stolen.txt"})
    assert err.value.body["code"] == "UNABLE_TO_DOWNLOAD_FILE"
    assert "runId" not in err.value.body  # refused before a run exists
    assert "stolen.txt" not in {f.name for f in client.files.list(max_page_size=1000).data}


def test_webhook_targets_cannot_be_internal(tight_server: Running, local_site: str) -> None:
    for url in (local_site, "http://169.254.169.254/hook", "http://[::1]/hook"):
        with pytest.raises(ApiError) as err:
            tight_server.client().webhook_endpoints.create(
                url=url, name="inside", enabled_events=["parse_run.processed"],
                api_version="2026-02-09",
            )  # fmt: skip
        assert err.value.status_code == 400


def test_webhooks_of_another_workspace_are_404(server: Running) -> None:
    acme, globex = server.client("acme"), server.client("globex")
    endpoint = acme.webhook_endpoints.create(
        url="https://hooks.example.com/acme", name="acme", api_version="2026-02-09",
        enabled_events=["parse_run.processed"],
    )  # fmt: skip
    sub = acme.webhook_subscriptions.create(
        webhook_endpoint_id=endpoint.id, resource_type="extractor", resource_id="ex_1",
        enabled_events=["extract_run.processed"],
    )  # fmt: skip
    calls = [
        lambda: globex.webhook_endpoints.retrieve(endpoint.id),
        lambda: globex.webhook_endpoints.update(endpoint.id, name="stolen"),
        lambda: globex.webhook_endpoints.delete(endpoint.id),
        lambda: globex.webhook_subscriptions.retrieve(sub.id),
        lambda: globex.webhook_subscriptions.update(sub.id, enabled_events=[]),
        lambda: globex.webhook_subscriptions.delete(sub.id),
        lambda: globex.webhook_subscriptions.create(
            webhook_endpoint_id=endpoint.id,
            resource_type="extractor",
            resource_id="ex_2",
            enabled_events=["extract_run.processed"],
        ),
    ]
    for call in calls:
        with pytest.raises(ApiError) as err:
            call()
        assert err.value.status_code == 404
    assert acme.webhook_endpoints.retrieve(endpoint.id).name == "acme"
    assert acme.webhook_subscriptions.retrieve(sub.id).resource_id == "ex_1"
    acme.webhook_endpoints.delete(endpoint.id)


def test_no_5xx_once_a_run_exists(server: Running, sample_pdf: bytes) -> None:
    # The SDK retries POSTs on 5xx; a run-creating request that then fails internally must
    # answer 422 with the runId instead, or a retry would create a second run.
    client = server.client()
    up = client.files.upload(file=("lost.pdf", sample_pdf))
    (server.settings.blob_root / "files" / up.id).unlink()  # storage lost behind our back
    with pytest.raises(UnprocessableEntityError) as err:
        client.parse(file={"id": up.id})
    body = err.value.body
    assert body.code == "INTERNAL_ERROR" and body.run_id and body.retryable
    failed = client.parse_runs.retrieve(body.run_id)
    assert failed.status == "FAILED" and failed.failure_reason == "INTERNAL_ERROR"
    runs = client.parse_runs.list(file_name_contains="lost.pdf", max_page_size=100).data
    assert [r.id for r in runs] == [body.run_id]  # exactly one run: the SDK did not retry


def test_batch_runs_announce_processing_then_processed(server: Running) -> None:
    client = server.client("globex")
    batch = client.parse_runs.create_batch(inputs=[{"file": {"text": "one", "name": "ev.txt"}}])
    (run,) = client.parse_runs.list(batch_id=batch.id).data
    wait_until(lambda: len(server.events.of(run.id)) >= 2)
    assert [e[1] for e in server.events.of(run.id)] == [
        "parse_run.processing",
        "parse_run.processed",
    ]


def test_api_stays_responsive_while_a_long_pdf_parses(server: Running, long_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("responsive.pdf", long_pdf))
    runs = [
        client.parse_runs.create(file={"id": up.id}).id for _ in range(3)
    ]  # 3 long parses queued
    busy_probes, slowest = 0, 0.0
    params = {"status": "PROCESSING", "fileNameContains": "responsive", "maxPageSize": 5}
    with httpx.Client(headers=_headers(server)) as http:
        for _ in range(10):
            start = time.perf_counter()
            resp = http.get(f"{server.url}/parse_runs", params=params)
            elapsed = time.perf_counter() - start
            assert resp.status_code == 200
            if resp.json()["data"]:  # timed while a parse was running
                busy_probes += 1
                slowest = max(slowest, elapsed)
            time.sleep(0.1)
    for run_id in runs:  # free the one worker process for the other tests
        with contextlib.suppress(BadRequestError):  # 400 if it finished meanwhile
            client.parse_runs.cancel(run_id)
    assert busy_probes >= 5
    assert slowest < 2.0, slowest


def test_extraction_schema_size_is_capped(server: Running) -> None:
    limit = server.settings.limits.max_schema_bytes
    assert limit < server.settings.limits.max_json_bytes  # so the run cap, not the body cap, acts
    schema = {
        "type": "object",
        "properties": {"note": {"type": ["string", "null"], "description": "n" * (limit + 100)}},
    }
    client = server.client()
    with pytest.raises(BadRequestError) as err:
        client.extract_runs.create(
            file={"text": "Note: hello", "name": "big-schema.txt"}, config={"schema": schema}
        )
    assert (
        err.value.body["code"] == "INVALID_REQUEST" and "the limit is" in err.value.body["message"]
    )
    assert "runId" not in err.value.body
    small = {"type": "object", "properties": {"note": {"type": ["string", "null"]}}}
    ok = client.extract_runs.create(
        file={"text": "Note: hello", "name": "small-schema.txt"}, config={"schema": small}
    )
    assert ok.id.startswith("exr_")
