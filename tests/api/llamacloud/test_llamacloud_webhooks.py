"""Per-job ``webhook_configurations``: LlamaCloud event names, delivered (signed, retried) by
Docket's webhook machinery to a real local receiver."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from llama_cloud import BadRequestError
from llamacloud_helpers import FAST, INVOICE_SCHEMA, Client


class Receiver:
    """Answers 500 to the first ``fail`` requests, then 200; keeps every request."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append((dict(self.headers.items()), json.loads(body)))
                failing = outer.fail > 0
                outer.fail -= 1
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, n: int, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.requests) < n:
            assert time.monotonic() < deadline, f"got {len(self.requests)} of {n} deliveries"
            time.sleep(0.05)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail=1)
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_job_events_reach_the_configured_url(llama: Client, receiver: Receiver) -> None:
    client = llama()
    job = client.extraction.run(
        config=FAST,
        data_schema=INVOICE_SCHEMA,
        text="Total: 5.00",
        webhook_configurations=[
            {
                "webhook_url": receiver.url,
                "webhook_events": ["extract.success", "extract.error"],
                "webhook_headers": {"X-Token": "secret-1"},
            },
            {"webhook_url": receiver.url + "?all=1"},  # no events listed: every event
        ],
    )
    # all events: pending + success; filtered: success only; one 500 retried
    receiver.wait_for(4)
    time.sleep(0.3)
    got = [
        (
            {k.lower(): v for k, v in h.items()}.get("x-token", ""),
            b["eventType"],
            b["payload"]["id"],
        )
        for h, b in receiver.requests
    ]
    delivered = got[1:]  # the first request was answered 500 and is retried
    assert sorted(delivered) == sorted(
        [
            ("secret-1", "extract.success", job.id),
            ("", "extract.pending", job.id),
            ("", "extract.success", job.id),
        ]
    )
    success = next(b for _, b in receiver.requests if b["eventType"] == "extract.success")
    assert success["payload"]["status"] == "SUCCESS"
    assert success["payload"]["extraction_agent"]["id"] == job.extraction_agent.id


def test_unreachable_webhook_url_is_refused_up_front(llama: Client) -> None:
    client = llama(max_retries=0)
    with pytest.raises(BadRequestError, match="not allowed"):
        client.extraction.run(
            config=FAST,
            data_schema=INVOICE_SCHEMA,
            text="Total: 5.00",
            webhook_configurations=[{"webhook_url": "http://10.1.2.3/hook"}],
        )
