"""Webhook service, store and delivery against real SQLite and a real HTTP receiver."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from extend_ai.wrapper.webhooks import Webhooks
from sqlalchemy.orm import Session

from docket.domain.webhooks import (
    AdvancedOptions,
    DeliveryStatus,
    EndpointStatus,
    ResourceType,
    WebhookDelivery,
    WebhookEvent,
)
from docket.errors import InvalidRequest, NotFound
from docket.services.fetch import FetchPolicy
from docket.services.webhook_delivery import (
    DeliveryConfig,
    DeliveryDispatcher,
    event_body,
    payload_signature,
    retry_delay,
    sign,
)
from docket.services.webhooks import API_VERSION, WebhookService
from docket.store.db import Database
from docket.store.webhooks import WebhookRepository

WS = "ws_test"
LOOPBACK = FetchPolicy(allow_cidrs=("127.0.0.0/8",))
FAST = DeliveryConfig(backoff_base_s=0.05, backoff_factor=2, jitter=0, poll_interval_s=0.05)
SDK = Webhooks()


class Receiver:
    """A local webhook receiver answering with scripted status codes (then 200)."""

    def __init__(self, codes: list[int] | None = None) -> None:
        self.codes = list(codes or [])
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append((dict(self.headers.items()), body))
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    made: list[Receiver] = []

    def make(codes: list[int] | None = None) -> Receiver:
        made.append(Receiver(codes))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[Callable[[], Session]]:
    db = Database(f"sqlite:///{tmp_path / 'docket.db'}")
    db.migrate()  # the shipped Alembic revisions, not create_all
    yield db.sessions
    db.dispose()


@pytest.fixture
def repo(sessions: Callable[[], Session]) -> WebhookRepository:
    return WebhookRepository(sessions)


@pytest.fixture
def service(repo: WebhookRepository) -> WebhookService:
    return WebhookService(repo, LOOPBACK)


def _endpoint(service: WebhookService, url: str, events: list[str], **kw: Any) -> tuple[str, str]:
    ep, secret = service.create_endpoint(
        WS, url=url, name="test", enabled_events=events, api_version=API_VERSION, **kw
    )
    return ep.id, secret


def _wait_for(check: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            pytest.fail("condition not reached in time")
        time.sleep(0.02)


def _settled(repo: WebhookRepository, endpoint_id: str) -> Callable[[], bool]:
    def check() -> bool:
        found = repo.deliveries(endpoint_id=endpoint_id)
        return bool(found) and all(d.status is not DeliveryStatus.PENDING for d in found)

    return check


PARSED = {
    "object": "parse_run",
    "id": "pr_abc",
    "status": "PROCESSED",
    "output": {"chunks": [{"content": "big"}]},
    "metadata": {"customer": "acme"},
}


def test_signature_is_what_the_sdk_verifies() -> None:
    event = WebhookEvent(
        id="evt_1",
        workspace_id=WS,
        event_type="parse_run.processed",
        payload={"object": "parse_run_status", "id": "pr_1", "status": "PROCESSED"},
        created_at=datetime.now(UTC),
    )
    body = event_body(event)
    now = int(time.time())
    headers = {"X-Extend-Request-Timestamp": str(now), "X-Extend-Request-Signature": ""}
    headers["X-Extend-Request-Signature"] = sign("wss_secret", now, body)
    parsed = SDK.verify_and_parse(body, headers, "wss_secret")
    assert parsed.event_type == "parse_run.processed"  # type: ignore[union-attr]
    assert not SDK.verify(body, headers, "wss_other")
    assert not SDK.verify(body.replace(b"pr_1", b"pr_2"), headers, "wss_secret")


def test_endpoint_crud_and_paging(service: WebhookService, receiver: Any) -> None:
    url = receiver().url
    ids = [_endpoint(service, url, ["parse_run.processed"])[0] for _ in range(3)]
    ep_id, secret = _endpoint(
        service,
        url,
        [],
        status=EndpointStatus.DISABLED,
        advanced_options=AdvancedOptions(headers={"X-Team": "docs"}),
    )
    assert secret.startswith("wss_") and len(secret) > 30
    got = service.get_endpoint(WS, ep_id)
    assert got.status is EndpointStatus.DISABLED and got.advanced_options is not None

    updated = service.update_endpoint(
        WS, ep_id, name="renamed", enabled_events=["split_run.failed"]
    )
    assert (updated.name, updated.enabled_events, updated.url) == (
        "renamed",
        ["split_run.failed"],
        url,
    )
    assert service.get_endpoint(WS, ep_id).name == "renamed"

    first = service.list_endpoints(WS, limit=3)
    assert first.next_token is not None and len(first.items) == 3
    rest = service.list_endpoints(WS, limit=3, token=first.next_token)
    assert rest.next_token is None
    assert {e.id for e in first.items + rest.items} == {*ids, ep_id}
    assert [e.id for e in service.list_endpoints(WS, status=EndpointStatus.DISABLED).items] == [
        ep_id
    ]
    assert service.list_endpoints("ws_other").items == []

    sub = service.upsert_subscription(
        WS,
        endpoint_id=ep_id,
        resource_type=ResourceType.EXTRACTOR,
        resource_id="ex_1",
        enabled_events=["extract_run.processed"],
    )
    assert service.delete_endpoint(WS, ep_id) == ep_id
    with pytest.raises(NotFound):
        service.get_endpoint(WS, ep_id)
    with pytest.raises(NotFound):
        service.get_subscription(WS, sub.id)
    with pytest.raises(InvalidRequest):
        service.list_endpoints(WS, token="garbage!")


@pytest.mark.parametrize(
    ("url", "events", "version", "message"),
    [
        ("http://169.254.169.254/hook", [], API_VERSION, "cloud metadata"),
        ("http://10.0.0.8/hook", [], API_VERSION, "private"),
        ("file:///etc/passwd", [], API_VERSION, "http or https"),
        ("https://example.com/hook", ["parse_run.exploded"], API_VERSION, "parse_run.exploded"),
        ("https://example.com/hook", [], "2024-12-23", "apiVersion"),
    ],
)
def test_endpoint_validation(
    service: WebhookService, url: str, events: list[str], version: str, message: str
) -> None:
    with pytest.raises(InvalidRequest, match=message):
        service.create_endpoint(WS, url=url, name="x", enabled_events=events, api_version=version)


def test_subscriptions_upsert_per_endpoint_and_resource(service: WebhookService) -> None:
    ep_id, _ = _endpoint(service, "https://example.com/hook", [])
    first = service.upsert_subscription(
        WS,
        endpoint_id=ep_id,
        resource_type=ResourceType.EXTRACTOR,
        resource_id="ex_1",
        enabled_events=["extract_run.processed"],
    )
    again = service.upsert_subscription(
        WS,
        endpoint_id=ep_id,
        resource_type=ResourceType.EXTRACTOR,
        resource_id="ex_1",
        enabled_events=["extract_run.failed"],
    )
    assert again.id == first.id and again.enabled_events == ["extract_run.failed"]
    assert len(service.list_subscriptions(WS, endpoint_id=ep_id).items) == 1
    changed = service.set_subscription_events(WS, first.id, ["extract_run.processed"])
    assert service.get_subscription(WS, first.id).enabled_events == changed.enabled_events
    with pytest.raises(InvalidRequest, match=r"split_run\.processed"):
        service.upsert_subscription(
            WS,
            endpoint_id=ep_id,
            resource_type=ResourceType.EXTRACTOR,
            resource_id="ex_2",
            enabled_events=["split_run.processed"],
        )
    with pytest.raises(NotFound):
        service.upsert_subscription(
            WS,
            endpoint_id="wh_missing",
            resource_type=ResourceType.SPLITTER,
            resource_id="spl_1",
            enabled_events=[],
        )
    assert service.delete_subscription(WS, first.id) == first.id
    assert service.list_subscriptions(WS, resource_id="ex_1").items == []


def test_emit_targets_only_interested_endpoints(
    service: WebhookService, repo: WebhookRepository
) -> None:
    wants_parse, _ = _endpoint(service, "https://example.com/a", ["parse_run.processed"])
    disabled, _ = _endpoint(
        service, "https://example.com/b", ["parse_run.processed"], status=EndpointStatus.DISABLED
    )
    scoped, _ = _endpoint(service, "https://example.com/c", [])
    service.upsert_subscription(
        WS,
        endpoint_id=scoped,
        resource_type=ResourceType.EXTRACTOR,
        resource_id="ex_1",
        enabled_events=["extract_run.processed"],
    )
    assert service.emit(WS, "parse_run.failed", PARSED) is None
    assert service.emit("ws_other", "parse_run.processed", PARSED) is None
    parse_event = service.emit(WS, "parse_run.processed", PARSED)
    assert [d.endpoint_id for d in repo.deliveries(event_id=parse_event)] == [wants_parse]
    assert repo.deliveries(endpoint_id=disabled) == []

    run = {
        "object": "extract_run",
        "id": "exr_1",
        "status": "PROCESSED",
        "extractor": {"id": "ex_1"},
    }
    assert service.emit(WS, "extract_run.processed", {**run, "extractor": {"id": "ex_9"}}) is None
    extract_event = service.emit(WS, "extract_run.processed", run)
    assert [d.endpoint_id for d in repo.deliveries(event_id=extract_event)] == [scoped]


def _received(rec: Receiver, secret: str) -> list[Any]:
    return [SDK.verify_and_parse(body, headers, secret) for headers, body in rec.requests]


def test_delivery_retries_until_success_and_records_every_attempt(
    service: WebhookService, repo: WebhookRepository, receiver: Any
) -> None:
    rec = receiver([500, 503])
    ep_id, secret = _endpoint(
        service,
        rec.url,
        ["parse_run.processed"],
        advanced_options=AdvancedOptions(
            headers={"X-Team": "docs", "x-extend-request-signature": "forged"}
        ),
    )
    dispatcher = DeliveryDispatcher(repo, LOOPBACK, FAST)
    service = WebhookService(repo, LOOPBACK, dispatcher)
    dispatcher.start()
    try:
        event_id = service.emit(WS, "parse_run.processed", PARSED)
        _wait_for(_settled(repo, ep_id))
    finally:
        dispatcher.stop()
    [delivery] = repo.deliveries(endpoint_id=ep_id)
    assert delivery.status is DeliveryStatus.DELIVERED
    assert [(a.number, a.status_code) for a in delivery.attempts] == [(1, 500), (2, 503), (3, 200)]
    assert [a.error for a in delivery.attempts] == ["HTTP 500", "HTTP 503", None]
    assert all(a.duration_ms >= 0 for a in delivery.attempts)
    starts = [a.started_at for a in delivery.attempts]
    gaps = [b - a for a, b in pairwise(starts)]
    # each retry waited at least its backoff: 0.05 s, then 0.05 * 2 s
    assert gaps[0] >= timedelta(seconds=0.05) and gaps[1] >= timedelta(seconds=0.1)

    events = _received(rec, secret)  # each attempt carried a valid fresh signature
    assert len(events) == 3
    assert {e.event_id for e in events} == {event_id}
    payload = events[-1].payload
    assert (payload.object, payload.id, payload.status) == (
        "parse_run_status",
        "pr_abc",
        "PROCESSED",
    )
    assert payload.metadata == {"customer": "acme"}
    assert "output" not in json.loads(rec.requests[-1][1])["payload"]
    assert rec.requests[0][0]["X-Team"] == "docs"


def test_gives_up_after_max_attempts(
    service: WebhookService, repo: WebhookRepository, receiver: Any
) -> None:
    rec = receiver([500] * 10)
    ep_id, _ = _endpoint(service, rec.url, ["parse_run.failed"])
    service.emit(WS, "parse_run.failed", {**PARSED, "status": "FAILED"})
    dispatcher = DeliveryDispatcher(
        repo, LOOPBACK, DeliveryConfig(**{**FAST.__dict__, "max_attempts": 2})
    )
    try:
        _wait_for(lambda: dispatcher.run_due() == 0 and _settled(repo, ep_id)())
    finally:
        dispatcher.stop()
    [delivery] = repo.deliveries(endpoint_id=ep_id)
    assert delivery.status is DeliveryStatus.FAILED and len(delivery.attempts) == 2
    assert len(rec.requests) == 2


def test_never_delivers_to_a_blocked_address(
    service: WebhookService, repo: WebhookRepository, receiver: Any
) -> None:
    rec = receiver()
    ep_id, _ = _endpoint(service, rec.url, ["parse_run.processed"])  # allowed at creation
    service.emit(WS, "parse_run.processed", PARSED)
    strict = DeliveryDispatcher(repo, FetchPolicy(), FAST)  # the operator removed the allow-list
    try:
        assert strict.run_due() == 1
    finally:
        strict.stop()
    [delivery] = repo.deliveries(endpoint_id=ep_id)
    assert delivery.status is DeliveryStatus.FAILED
    assert "loopback" in (delivery.attempts[0].error or "")
    assert rec.requests == []


def test_pending_deliveries_survive_a_restart(
    sessions: Callable[[], Session], receiver: Any
) -> None:
    rec = receiver()
    first_life = WebhookService(WebhookRepository(sessions), LOOPBACK)  # no dispatcher running
    ep_id, secret = _endpoint(first_life, rec.url, ["parse_run.processed"])
    first_life.emit(WS, "parse_run.processed", PARSED)
    # A dispatcher claimed a second event and died mid-attempt (its lease runs out).
    event_b = first_life.emit(WS, "parse_run.processed", {**PARSED, "id": "pr_b"})
    crashed = WebhookRepository(sessions)
    claimed = crashed.claim_due(datetime.now(UTC), timedelta(seconds=0.3), limit=10)
    assert len(claimed) == 2
    assert crashed.claim_due(datetime.now(UTC), timedelta(seconds=0.3), limit=10) == []

    repo = WebhookRepository(sessions)  # the restarted process
    dispatcher = DeliveryDispatcher(repo, LOOPBACK, FAST)
    dispatcher.start()
    try:
        _wait_for(_settled(repo, ep_id))
    finally:
        dispatcher.stop()
    deliveries: list[WebhookDelivery] = repo.deliveries(endpoint_id=ep_id)
    assert [d.status for d in deliveries] == [DeliveryStatus.DELIVERED] * 2
    assert sorted(e.payload.id for e in _received(rec, secret)) == ["pr_abc", "pr_b"]
    assert event_b in {e.event_id for e in _received(rec, secret)}


def test_large_payloads_go_by_signed_url_when_asked(
    service: WebhookService, repo: WebhookRepository, receiver: Any
) -> None:
    rec = receiver()
    options = AdvancedOptions.model_validate(
        {"payload": {"format": "url", "url_threshold_bytes": 10}}
    )
    ep_id, secret = _endpoint(service, rec.url, ["parse_run.processed"], advanced_options=options)
    service.emit(WS, "parse_run.processed", PARSED)
    config = DeliveryConfig(**{**FAST.__dict__, "public_base_url": "http://docket.test/"})
    dispatcher = DeliveryDispatcher(repo, LOOPBACK, config)
    try:
        assert dispatcher.run_due() == 1
    finally:
        dispatcher.stop()
    [(headers, body)] = rec.requests
    with pytest.raises(Exception, match="signed URL"):
        SDK.verify_and_parse(body, headers, secret)
    event = SDK.verify_and_parse(body, headers, secret, allow_signed_url=True)
    assert SDK.is_signed_url_event(event)
    link = httpx.URL(event.payload.data)  # type: ignore[union-attr]
    assert (link.host, event.payload.id) == ("docket.test", "pr_abc")  # type: ignore[union-attr]
    [delivery] = repo.deliveries(endpoint_id=ep_id)
    assert link.path == f"/webhook_deliveries/{delivery.id}/payload"
    expires, signature = int(link.params["expires"]), link.params["signature"]
    full = service.signed_payload(delivery.id, expires, signature)
    assert full["object"] == "parse_run_status" and full["id"] == "pr_abc"
    with pytest.raises(NotFound):
        service.signed_payload(delivery.id, expires, "0" * 64)
    past = int(time.time()) - 1
    with pytest.raises(NotFound):  # correctly signed, but expired
        service.signed_payload(delivery.id, past, payload_signature(secret, delivery.id, past))


def test_retry_schedule_is_exponential_with_a_cap() -> None:
    config = DeliveryConfig(backoff_base_s=10, backoff_factor=3, backoff_cap_s=100, jitter=0)
    assert [retry_delay(config, n) for n in range(1, 6)] == [10, 30, 90, 100, 100]
    jittery = DeliveryConfig(backoff_base_s=10, jitter=0.1)
    assert all(9 <= retry_delay(jittery, 1) <= 11 for _ in range(50))
