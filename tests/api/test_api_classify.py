"""/classify, /classify_runs and /classifiers end to end: the real extend-ai SDK against the real
server (worker processes, SQLite, offline classifier), plus a real webhook receiver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from apiserver import Running, wait_until
from extend_ai.errors import BadRequestError, NotFoundError
from extend_ai.wrapper.errors import WebhookSignatureVerificationError
from packets import CLASSES, CONTRACT, INVOICE, RECEIPT, pdf


@pytest.fixture(scope="module")
def files(server: Running) -> dict[str, str]:
    client = server.client()
    out = {}
    for name, doc in (("invoice", INVOICE), ("receipt", RECEIPT), ("contract", CONTRACT)):
        out[name] = client.files.upload(file=(f"{name}.pdf", pdf(doc), "application/pdf")).id
    return out


def test_sync_classify_picks_the_class_and_explains_it(
    server: Running, files: dict[str, str]
) -> None:
    client = server.client()
    for truth, file_id in files.items():
        run = client.classify(file={"id": file_id}, config={"classifications": CLASSES})
        assert run.object == "classify_run" and run.id.startswith("clr_")
        assert run.status == "PROCESSED", run.failure_message
        assert run.output is not None
        assert run.output.id == truth and run.output.type == truth
        assert 0.0 <= run.output.confidence <= 1.0
        assert run.output.insights and run.output.insights[0].type == "reasoning"
        assert run.output.insights[0].content.strip()
        assert run.file is not None and run.file.id == file_id
        assert run.config.base_processor == "classification_performance"
        assert [c.id for c in run.config.classifications] == [c["id"] for c in CLASSES]
        assert run.reviewed is False and run.edited is False
        assert run.dashboard_url.endswith(f"/classify_runs/{run.id}")
        assert run.usage is not None and run.usage.credits >= 1


def test_raw_text_input_is_classified(server: Running) -> None:
    text = "\n".join(RECEIPT[0])
    run = server.client().classify(
        file={"text": text, "name": "till.txt"}, config={"classifications": CLASSES}
    )
    assert run.status == "PROCESSED" and run.output is not None
    assert run.output.type == "receipt"
    assert run.file is not None and run.file.name == "till.txt"


def test_unreadable_input_fails_the_run_with_its_cause(server: Running) -> None:
    client = server.client()
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"\x00garbage" * 50
    up = client.files.upload(file=("broken.pdf", broken, "application/pdf"))
    run = client.classify(file={"id": up.id}, config={"classifications": CLASSES})
    assert run.status == "FAILED" and run.output is None
    assert run.failure_reason == "FAILED_TO_PROCESS_FILE"
    assert run.failure_message is not None and run.failure_message.startswith("CORRUPT_FILE")


def test_page_ranges_past_the_end_fail_as_invalid_configuration(
    server: Running, files: dict[str, str]
) -> None:
    run = server.client().classify(
        file={"id": files["invoice"]},
        config={
            "classifications": CLASSES,
            "advancedOptions": {"pageRanges": [{"start": 40, "end": 45}]},
        },
    )
    assert run.status == "FAILED" and run.failure_reason == "INVALID_CONFIGURATION"
    assert run.failure_message and "page" in run.failure_message


def test_async_run_get_list_delete(server: Running, files: dict[str, str]) -> None:
    client = server.client()
    meta = {"case": "list-test"}
    runs = [
        client.classify_runs.create_and_poll(
            file={"id": files[name]}, config={"classifications": CLASSES}, metadata=meta
        )
        for name in ("invoice", "contract")
    ]
    assert [r.status for r in runs] == ["PROCESSED", "PROCESSED"]
    got = client.classify_runs.retrieve(runs[0].id)
    assert got.output is not None and got.output.type == "invoice"
    assert got.metadata == meta

    first = client.classify_runs.list(status="PROCESSED", max_page_size=1)
    assert len(first.data) == 1 and first.next_page_token
    second = client.classify_runs.list(
        status="PROCESSED", max_page_size=1, next_page_token=first.next_page_token
    )
    assert second.data[0].id != first.data[0].id
    assert second.data[0].object == "classify_run"
    assert getattr(second.data[0], "output", None) is None  # summaries carry no output
    named = client.classify_runs.list(file_name_contains="contract", max_page_size=100)
    assert runs[1].id in [r.id for r in named.data] and runs[0].id not in [r.id for r in named.data]

    assert client.classify_runs.delete(runs[1].id).id == runs[1].id
    with pytest.raises(NotFoundError):
        client.classify_runs.retrieve(runs[1].id)


def test_cancel_stops_a_long_run(server: Running, long_pdf: bytes) -> None:
    client = server.client()
    up = client.files.upload(file=("long.pdf", long_pdf, "application/pdf"))
    run = client.classify_runs.create(file={"id": up.id}, config={"classifications": CLASSES})
    assert run.status == "PROCESSING"
    cancelled = client.classify_runs.cancel(run.id)
    assert cancelled.status == "CANCELLED"
    with pytest.raises(BadRequestError):
        client.classify_runs.cancel(run.id)
    assert client.classify_runs.retrieve(run.id).status == "CANCELLED"


def test_saved_classifier_versions_drive_runs(server: Running, files: dict[str, str]) -> None:
    client = server.client()
    two = [c for c in CLASSES if c["id"] != "receipt"]
    made = client.classifiers.create(name="Docs", config={"classifications": two})
    assert made.id.startswith("cl_") and made.draft_version.version == "draft"
    assert made.draft_version.config.base_processor == "classification_performance"
    v1 = client.classifier_versions.create(made.id, release_type="minor", description="first")
    assert v1.version == "0.1" and v1.classifier_id == made.id and v1.id.startswith("clv_")
    # The draft moves on; version 0.1 keeps two classes.
    client.classifiers.update(made.id, config={"classifications": CLASSES})
    v2 = client.classifier_versions.create(made.id, release_type="major")
    assert v2.version == "1.0"
    assert [v.version for v in client.classifier_versions.list(made.id).data] == [
        "draft", "1.0", "0.1",
    ]  # fmt: skip
    assert client.classifier_versions.retrieve(made.id, "latest").id == v2.id
    assert len(client.classifier_versions.retrieve(made.id, "0.1").config.classifications) == 2

    old = client.classify_runs.create_and_poll(
        file={"id": files["receipt"]}, classifier={"id": made.id, "version": "0.1"}
    )
    assert old.status == "PROCESSED" and old.output is not None
    assert old.output.id in {"invoice", "contract"}  # receipt is not a class of 0.1
    assert old.classifier is not None and old.classifier.id == made.id
    assert old.classifier_version is not None and old.classifier_version.version == "0.1"
    new = client.classify(file={"id": files["receipt"]}, classifier={"id": made.id})
    assert new.output is not None and new.output.type == "receipt"
    assert new.classifier_version is not None and new.classifier_version.version == "1.0"
    override = client.classify(
        file={"id": files["invoice"]},
        classifier={"id": made.id, "overrideConfig": {"classificationRules": "Be careful."}},
    )
    assert override.config.classification_rules == "Be careful."

    mine = client.classify_runs.list(classifier_id=made.id, max_page_size=100)
    assert {r.id for r in mine.data} == {old.id, new.id, override.id}
    assert client.classifiers.retrieve(made.id).name == "Docs"
    assert made.id in [c.id for c in client.classifiers.list(max_page_size=100).data]


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"classifications": []}, "config.classifications"),
        ({"classifications": [{"id": "a", "type": "A"}, {"id": "a", "type": "B"}]}, "twice"),
        ({"classifications": [{"type": "A"}]}, "config.classifications[0].id"),
        ({"classifications": CLASSES, "baseProcessor": "nope"}, "config.baseProcessor"),
    ],
)
def test_bad_config_is_a_400_naming_the_field(
    server: Running, files: dict[str, str], config: dict[str, Any], words: str
) -> None:
    with pytest.raises(BadRequestError) as info:
        server.client().classify(file={"id": files["invoice"]}, config=config)
    body = info.value.body
    assert isinstance(body, dict) and body["code"] == "INVALID_REQUEST"
    assert words in body["message"]


def test_classifier_and_config_together_or_neither_are_refused(
    server: Running, files: dict[str, str]
) -> None:
    client = server.client()
    made = client.classifiers.create(name="Empty draft")
    with pytest.raises(BadRequestError) as empty:
        client.classify(file={"id": files["invoice"]}, classifier={"id": made.id})
    assert "at least one classification" in empty.value.body["message"]
    with pytest.raises(BadRequestError):
        client.classify_runs.create(
            file={"id": files["invoice"]},
            classifier={"id": made.id},
            config={"classifications": CLASSES},
        )
    with pytest.raises(BadRequestError):
        client.classify_runs.create(file={"id": files["invoice"]})


def test_other_workspaces_get_404(server: Running, files: dict[str, str]) -> None:
    acme, globex = server.client(), server.client("globex")
    run = acme.classify(file={"id": files["invoice"]}, config={"classifications": CLASSES})
    made = acme.classifiers.create(name="Private", config={"classifications": CLASSES})
    with pytest.raises(NotFoundError):
        globex.classify_runs.retrieve(run.id)
    with pytest.raises(NotFoundError):
        globex.classify_runs.delete(run.id)
    with pytest.raises(NotFoundError):
        globex.classifiers.retrieve(made.id)
    with pytest.raises(NotFoundError):
        globex.classify(file={"id": files["invoice"]}, classifier={"id": made.id})
    with pytest.raises(NotFoundError):
        globex.classify(file={"id": files["invoice"]}, config={"classifications": CLASSES})
    assert run.id not in [r.id for r in globex.classify_runs.list(max_page_size=1000).data]


def test_batch_runs_by_classifier(server: Running, files: dict[str, str]) -> None:
    client = server.client()
    made = client.classifiers.create(name="Batch", config={"classifications": CLASSES})
    batch = client.classify_runs.create_batch(
        classifier={"id": made.id},
        inputs=[{"file": {"id": files["invoice"]}}, {"file": {"id": files["contract"]}}],
    )
    assert batch.object == "batch_run" and batch.run_count == 2
    wait_until(lambda: client.batch_runs.get(batch.id).status == "PROCESSED", 60)
    runs = client.classify_runs.list(batch_id=batch.id, max_page_size=10).data
    by_type = sorted(client.classify_runs.retrieve(r.id).output.type for r in runs)  # type: ignore[union-attr]
    assert by_type == ["contract", "invoice"]
    done = [e for e in server.events.items if e[2].get("id") == batch.id]
    assert [e[1] for e in done] == ["batch_processor_run.processed"]


class _Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append((dict(self.headers.items()), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    rec = _Receiver()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


def test_webhook_delivers_a_verifiable_classify_event(
    server: Running, files: dict[str, str], receiver: _Receiver
) -> None:
    client = server.client()
    endpoint = client.webhook_endpoints.create(
        url=receiver.url,
        name="classify hooks",
        enabled_events=["classify_run.processed", "classify_run.failed", "classifier.created"],
        api_version="2026-02-09",
    )
    try:
        made = client.classifiers.create(name="Hooked", config={"classifications": CLASSES})
        run = client.classify(file={"id": files["contract"]}, classifier={"id": made.id})
        wait_until(lambda: len(receiver.requests) >= 2, 30)
        events = [
            client.webhooks.verify_and_parse(body, headers, endpoint.signing_secret)
            for headers, body in receiver.requests
        ]
        kinds = {e.event_type: e for e in events}  # type: ignore[union-attr]
        created = kinds["classifier.created"]
        assert created.payload.id == made.id  # type: ignore[union-attr]
        processed = kinds["classify_run.processed"]
        payload = processed.payload  # type: ignore[union-attr]
        assert type(payload).__name__ == "ClassifyRun"  # strictly validated by the SDK
        assert payload.id == run.id and payload.output.type == "contract"
        assert payload.classifier.id == made.id
        with pytest.raises(WebhookSignatureVerificationError):
            client.webhooks.verify_and_parse(
                receiver.requests[0][1], receiver.requests[0][0], "wss_wrong"
            )
    finally:
        client.webhook_endpoints.delete(endpoint.id)


def test_resource_subscription_scopes_run_events_to_one_classifier(
    server: Running, files: dict[str, str], receiver: _Receiver
) -> None:
    client = server.client()
    endpoint = client.webhook_endpoints.create(
        url=receiver.url, name="scoped", enabled_events=[], api_version="2026-02-09"
    )
    try:
        mine = client.classifiers.create(name="Watched", config={"classifications": CLASSES})
        other = client.classifiers.create(name="Unwatched", config={"classifications": CLASSES})
        client.webhook_subscriptions.create(
            webhook_endpoint_id=endpoint.id,
            resource_type="classifier",
            resource_id=mine.id,
            enabled_events=["classify_run.processed"],
        )
        skipped = client.classify(file={"id": files["receipt"]}, classifier={"id": other.id})
        inline = client.classify(file={"id": files["receipt"]}, config={"classifications": CLASSES})
        watched = client.classify(file={"id": files["invoice"]}, classifier={"id": mine.id})
        wait_until(lambda: len(receiver.requests) >= 1, 30)
        wait_until(lambda: server.events.of(watched.id) != [], 10)
        seen = [
            client.webhooks.verify_and_parse(body, headers, endpoint.signing_secret)
            for headers, body in receiver.requests
        ]
        ids = [e.payload.id for e in seen]  # type: ignore[union-attr]
        assert ids == [watched.id]
        assert skipped.id not in ids and inline.id not in ids
    finally:
        client.webhook_endpoints.delete(endpoint.id)
