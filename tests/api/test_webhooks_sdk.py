"""Webhooks end to end: the real Extend SDK against the real server, a real local receiver."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from apiserver import Running, start_server
from extend_ai.core.api_error import ApiError

from docket.settings import FetchSettings, Settings, WebhookSettings, WorkerSettings
from docket.store.db import Database
from docket.store.webhooks import WebhookRepository


class Receiver:
    """Answers with scripted status codes (then 200) and keeps every request."""

    def __init__(self, codes: list[int]) -> None:
        self.codes = list(codes)
        self.requests: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append((dict(self.headers.items()), body))
                self.send_response(outer.codes.pop(0) if outer.codes else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


@pytest.fixture(scope="module")
def hook_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A server whose webhook retries come fast and whose fetch guard admits loopback."""
    settings = Settings(
        home=tmp_path_factory.mktemp("docket-webhooks"),
        worker=WorkerSettings(processes=1),
        fetch=FetchSettings(allow_cidrs=["127.0.0.0/8"]),
        webhooks=WebhookSettings(backoff_base_s=0.2, backoff_factor=2, poll_interval_s=0.1),
    )
    srv, thread, running = start_server(settings)
    yield running
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def receiver() -> Iterator[Callable[[list[int]], Receiver]]:
    made: list[Receiver] = []

    def make(codes: list[int]) -> Receiver:
        made.append(Receiver(codes))
        return made[-1]

    yield make
    for r in made:
        r.server.shutdown()
        r.server.server_close()


def _wait(check: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_endpoint_and_subscription_crud_through_the_sdk(hook_server: Running) -> None:
    client = hook_server.client()
    created = client.webhook_endpoints.create(
        url="https://hooks.example.com/docket",
        name="crud",
        enabled_events=["extract_run.processed"],
        api_version="2026-02-09",
        advanced_options={"headers": {"X-Team": "docs"}, "payload": {"format": "json"}},
    )
    assert created.id.startswith("wh_") and created.signing_secret.startswith("wss_")
    got = client.webhook_endpoints.retrieve(created.id)
    assert got.object == "webhook_endpoint" and got.status == "enabled"
    assert getattr(got, "signing_secret", None) is None  # shown once only
    assert got.advanced_options is not None and got.advanced_options.headers == {"X-Team": "docs"}
    updated = client.webhook_endpoints.update(created.id, name="renamed", status="disabled")
    assert (updated.name, updated.status, updated.url) == ("renamed", "disabled", created.url)
    listed = client.webhook_endpoints.list(status="disabled", max_page_size=1000)
    assert created.id in [e.id for e in listed.data]

    sub = client.webhook_subscriptions.create(
        webhook_endpoint_id=created.id,
        resource_type="extractor",
        resource_id="ex_invoices",
        enabled_events=["extract_run.processed"],
    )
    assert sub.id.startswith("whes_") and sub.webhook_endpoint_id == created.id
    same = client.webhook_subscriptions.create(
        webhook_endpoint_id=created.id,
        resource_type="extractor",
        resource_id="ex_invoices",
        enabled_events=["extract_run.failed"],
    )
    assert same.id == sub.id and same.enabled_events == ["extract_run.failed"]
    replaced = client.webhook_subscriptions.update(sub.id, enabled_events=["extract_run.processed"])
    assert replaced.enabled_events == ["extract_run.processed"]
    assert [s.id for s in client.webhook_subscriptions.list(resource_id="ex_invoices").data] == [
        sub.id
    ]
    assert client.webhook_subscriptions.delete(sub.id).id == sub.id
    assert client.webhook_endpoints.delete(created.id).id == created.id
    with pytest.raises(ApiError) as missing:
        client.webhook_endpoints.retrieve(created.id)
    assert missing.value.status_code == 404
    # Another workspace never sees acme's endpoints.
    other = hook_server.client("globex").webhook_endpoints.list(max_page_size=1000)
    assert created.id not in [e.id for e in other.data]


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("http://169.254.169.254/latest", ["parse_run.processed"]),
        ("https://hooks.example.com/x", ["parse_run.nope"]),
    ],
)
def test_bad_endpoints_are_400(hook_server: Running, url: str, events: list[str]) -> None:
    with pytest.raises(ApiError) as info:
        hook_server.client().webhook_endpoints.create(
            url=url, name="bad", enabled_events=events, api_version="2026-02-09"
        )
    assert info.value.status_code == 400
    assert info.value.body["code"] == "INVALID_REQUEST"  # type: ignore[index]


def test_parse_event_reaches_the_receiver_after_two_failures(
    hook_server: Running, receiver: Callable[[list[int]], Receiver]
) -> None:
    client = hook_server.client()
    rec = receiver([500, 502])
    endpoint = client.webhook_endpoints.create(
        url=rec.url,
        name="receiver",
        enabled_events=["parse_run.processed", "parse_run.failed"],
        api_version="2026-02-09",
        advanced_options={"headers": {"X-Team": "docs"}},
    )
    run = client.parse_runs.create(
        file={"text": "hello webhooks", "name": "hook.txt"}, metadata={"ticket": 42}
    )
    _wait(lambda: len(rec.requests) >= 3)

    events = [
        client.webhooks.verify_and_parse(body, headers, endpoint.signing_secret)
        for headers, body in rec.requests
    ]
    assert {e.event_type for e in events} == {"parse_run.processed"}  # type: ignore[union-attr]
    assert len({e.event_id for e in events}) == 1  # type: ignore[union-attr]  # one event, retried
    payload = events[-1].payload  # type: ignore[union-attr]
    assert (payload.object, payload.id, payload.status) == ("parse_run_status", run.id, "PROCESSED")
    assert payload.metadata == {"ticket": 42}
    assert rec.requests[0][0]["X-Team"] == "docs"
    with pytest.raises(Exception, match="signature"):
        client.webhooks.verify_and_parse(rec.requests[0][1], rec.requests[0][0], "wss_wrong")

    db = Database(hook_server.settings.db_url)
    try:
        repo = WebhookRepository(db.sessions)
        _wait(lambda: repo.deliveries(endpoint_id=endpoint.id)[0].status.value == "delivered")
        [delivery] = repo.deliveries(endpoint_id=endpoint.id)
    finally:
        db.dispose()
    assert [(a.number, a.status_code) for a in delivery.attempts] == [(1, 500), (2, 502), (3, 200)]
    assert [a.error for a in delivery.attempts] == ["HTTP 500", "HTTP 502", None]


def test_large_payload_by_signed_url_is_fetched_by_the_sdk(
    hook_server: Running, receiver: Callable[[list[int]], Receiver], tmp_path: Path
) -> None:
    client = hook_server.client()
    rec = receiver([])
    endpoint = client.webhook_endpoints.create(
        url=rec.url,
        name="big",
        enabled_events=["parse_run.processed"],
        api_version="2026-02-09",
        advanced_options={"payload": {"format": "url", "url_threshold_bytes": 0}},
    )
    run = client.parse_runs.create(file={"text": "big payloads", "name": "big.txt"})
    _wait(lambda: len(rec.requests) >= 1)
    headers, body = rec.requests[0]
    event = client.webhooks.verify_and_parse(
        body, headers, endpoint.signing_secret, allow_signed_url=True
    )
    assert client.webhooks.is_signed_url_event(event)
    full = client.webhooks.fetch_signed_payload_sync(event)  # type: ignore[arg-type]
    assert full.payload.id == run.id and full.payload.object == "parse_run_status"
    tampered = event.payload.data.replace("signature=", "signature=0")  # type: ignore[union-attr]
    assert httpx.get(tampered).status_code == 404
