"""Signed, at-least-once webhook delivery off the request path.

Deliveries live in the database, so they survive a restart: the dispatcher *claims* a due row by
pushing its ``next_attempt_at`` forward by a lease (one atomic UPDATE), then attempts it. A
process that dies mid-attempt leaves the row pending, and it becomes due again when the lease
runs out. Each attempt is signed at send time (receivers reject stale timestamps), recorded with
its status code, error and duration, and failures back off exponentially up to a cap.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlencode

import httpx

from docket.domain.webhooks import DeliveryAttempt, PayloadFormat, WebhookEvent
from docket.services.fetch import BlockedAddress, FetchError, FetchPolicy, new_client, send_pinned
from docket.store.webhooks import DeliveryJob, WebhookRepository

log = logging.getLogger(__name__)

TIMESTAMP_HEADER: Final = "x-extend-request-timestamp"
SIGNATURE_HEADER: Final = "x-extend-request-signature"
# Custom endpoint headers may not replace these: they would break signing or framing.
_RESERVED: Final = frozenset(
    {TIMESTAMP_HEADER, SIGNATURE_HEADER, "host", "content-length", "content-type",
     "transfer-encoding", "connection"}
)  # fmt: skip


@dataclass(frozen=True)
class DeliveryConfig:
    """Retry schedule: ``min(cap, base * factor**(n-1))`` seconds after the n-th failure."""

    max_attempts: int = 8
    backoff_base_s: float = 10.0
    backoff_factor: float = 3.0
    backoff_cap_s: float = 6 * 3600.0
    jitter: float = 0.1
    timeout_s: float = 30.0
    poll_interval_s: float = 2.0
    workers: int = 4
    user_agent: str = "Docket-Webhooks/0.1"
    # Where receivers fetch large payloads (endpoints with payload format "url"), e.g.
    # "https://docket.example.com"; without it such payloads are sent inline.
    public_base_url: str | None = None
    payload_url_ttl_s: int = 3600


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 over ``v0:{timestamp}:{body}`` (Extend's scheme)."""
    message = b"v0:" + str(timestamp).encode("ascii") + b":" + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def event_body(event: WebhookEvent, payload: dict[str, Any] | None = None) -> bytes:
    """The exact bytes that are signed and sent (ASCII JSON, so no re-encoding surprises)."""
    doc = {
        "eventId": event.id,
        "eventType": event.event_type,
        "payload": event.payload if payload is None else payload,
    }
    return json.dumps(doc, separators=(",", ":")).encode("ascii")


def payload_signature(secret: str, delivery_id: str, expires: int) -> str:
    """Signs a payload download link with the endpoint's own secret (no server key needed)."""
    message = f"payload:{delivery_id}:{expires}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def payload_path(delivery_id: str) -> str:
    return f"/webhook_deliveries/{delivery_id}/payload"


def _body_for(job: DeliveryJob, config: DeliveryConfig) -> bytes:
    """Inline JSON, or a ``signed_data_url`` stub when the endpoint asks for it and it is big."""
    body = event_body(job.event)
    options = job.payload
    if options is None or options.format is not PayloadFormat.URL:
        return body
    if len(body) <= (options.url_threshold_bytes or 0):
        return body
    if not config.public_base_url:
        log.warning("endpoint wants payload URLs but no public base URL is configured")
        return body
    expires = int(time.time()) + config.payload_url_ttl_s
    query = urlencode(
        {
            "expires": expires,
            "signature": payload_signature(job.signing_secret, job.delivery_id, expires),
        }
    )
    stub: dict[str, Any] = {
        "object": "signed_data_url",
        "data": f"{config.public_base_url.rstrip('/')}{payload_path(job.delivery_id)}?{query}",
        "id": str(job.event.payload.get("id", "")),
    }
    if isinstance(job.event.payload.get("metadata"), dict):
        stub["metadata"] = job.event.payload["metadata"]
    return event_body(job.event, stub)


def retry_delay(config: DeliveryConfig, failures: int) -> float:
    raw = config.backoff_base_s * config.backoff_factor ** max(failures - 1, 0)
    delay = min(config.backoff_cap_s, raw)
    if config.jitter:
        delay *= 1 + random.uniform(-config.jitter, config.jitter)
    return max(delay, 0.0)


def delivery_headers(job: DeliveryJob, body: bytes, user_agent: str) -> dict[str, str]:
    timestamp = int(time.time())
    headers = {k: v for k, v in job.headers.items() if k.lower() not in _RESERVED}
    headers.update(
        {
            "Content-Type": "application/json",
            "User-Agent": user_agent,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(job.signing_secret, timestamp, body),
        }
    )
    return headers


@dataclass(frozen=True)
class AttemptResult:
    attempt: DeliveryAttempt
    delivered: bool
    permanent: bool  # retrying cannot help (the address is blocked)


def attempt_delivery(
    job: DeliveryJob, policy: FetchPolicy, config: DeliveryConfig
) -> AttemptResult:
    """POST the event once through the SSRF guard; never raises."""
    body = _body_for(job, config)
    started = datetime.now(UTC)
    clock = time.monotonic()
    status: int | None = None
    error: str | None = None
    permanent = False
    try:
        with new_client() as client:
            response = send_pinned(
                client,
                "POST",
                httpx.URL(job.url),
                policy=policy,
                deadline=clock + config.timeout_s,
                headers=delivery_headers(job, body, config.user_agent),
                content=body,
            )
            response.close()
        status = response.status_code
        if response.is_redirect:
            error = f"HTTP {status}: redirects are not followed for webhooks"
        elif not response.is_success:
            error = f"HTTP {status}"
    except BlockedAddress as exc:
        error, permanent = exc.message, True
    except FetchError as exc:
        error = exc.message
    except Exception as exc:  # a bug here must not kill the dispatcher
        log.exception("webhook delivery %s crashed", job.delivery_id)
        error = f"internal error: {type(exc).__name__}"
    attempt = DeliveryAttempt(
        number=job.attempts_made + 1,
        started_at=started,
        duration_ms=round((time.monotonic() - clock) * 1000),
        status_code=status,
        error=error,
    )
    return AttemptResult(attempt=attempt, delivered=error is None, permanent=permanent)


class DeliveryDispatcher:
    """Claims due deliveries and attempts them on a small thread pool."""

    def __init__(
        self, repo: WebhookRepository, policy: FetchPolicy, config: DeliveryConfig
    ) -> None:
        self._repo = repo
        self._policy = policy
        self._config = config
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(config.workers, thread_name_prefix="docket-webhook")
        self._learned_base_url: str | None = None

    def learn_base_url(self, url: str) -> None:
        """Where this server was reached, for payload links when none is configured."""
        if self._learned_base_url is None:
            self._learned_base_url = url.rstrip("/")

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="docket-webhook-dispatcher", daemon=True
            )
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self._pool.shutdown(wait=True, cancel_futures=True)

    def wake(self) -> None:
        """Look for due deliveries now (called after an event is stored)."""
        self._wake.set()

    def run_due(self) -> int:
        """Attempt every delivery that is due now; returns how many were attempted."""
        lease = timedelta(seconds=self._config.timeout_s * 2 + 30)
        jobs = self._repo.claim_due(datetime.now(UTC), lease, limit=self._config.workers * 4)
        for _ in self._pool.map(self._deliver, jobs):
            pass
        return len(jobs)

    def _deliver(self, job: DeliveryJob) -> None:
        config = self._config
        if config.public_base_url is None and self._learned_base_url is not None:
            config = replace(config, public_base_url=self._learned_base_url)
        result = attempt_delivery(job, self._policy, config)
        number = result.attempt.number
        if result.delivered:
            next_at = None
        elif result.permanent or number >= self._config.max_attempts:
            next_at = None
            log.warning("webhook delivery %s gave up: %s", job.delivery_id, result.attempt.error)
        else:
            next_at = datetime.now(UTC) + timedelta(seconds=retry_delay(self._config, number))
        self._repo.record_attempt(
            job.delivery_id, result.attempt, delivered=result.delivered, next_attempt_at=next_at
        )

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_due() > 0
            except Exception:
                log.exception("webhook dispatcher pass failed")
                busy = False
            if not busy:
                self._wake.wait(self._config.poll_interval_s)
                self._wake.clear()
