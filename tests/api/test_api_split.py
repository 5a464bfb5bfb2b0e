"""/split, /split_runs and /splitters end to end: the real extend-ai SDK against the real server
(worker processes, SQLite, offline splitter); derived files read back through /files."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pypdfium2
import pytest
from apiserver import Running, wait_until
from extend_ai.errors import BadRequestError, NotFoundError
from packets import CLASSES, CONTRACT, INVOICE, RECEIPT, packet

SPLIT_CLASSES = [
    {**CLASSES[0], "identifierKey": "the invoice number"},
    CLASSES[1],
    CLASSES[2],
]
# invoice p1-2, receipt p3, contract p4-5
TRUTH = [("invoice", 1, 2), ("receipt", 3, 3), ("contract", 4, 5)]


@pytest.fixture(scope="module")
def packet_id(server: Running) -> str:
    data = packet(INVOICE, RECEIPT, CONTRACT)
    return server.client().files.upload(file=("packet.pdf", data, "application/pdf")).id


def _check_cover(splits: list[Any], first: int, last: int) -> None:
    """Contiguous splits over ``first..last``, each a known class, and the packet's documents
    where they are (exact boundaries are the splitter benchmark's business)."""
    assert splits[0].start_page == first and splits[-1].end_page == last
    for a, b in itertools.pairwise(splits):
        assert b.start_page == a.end_page + 1
    assert all(s.type == s.classification_id for s in splits)
    assert {s.classification_id for s in splits} <= {c["id"] for c in CLASSES}
    for page in range(first, last + 1):
        truth = next(c for c, lo, hi in TRUTH if lo <= page <= hi)
        found = next(s for s in splits if s.start_page <= page <= s.end_page)
        assert found.classification_id == truth, (page, found)


def _pages(pdf_bytes: bytes) -> int:
    doc = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return len(doc)
    finally:
        doc.close()


def test_sync_split_cuts_the_packet_and_files_each_part(server: Running, packet_id: str) -> None:
    client = server.client()
    run = client.split(file={"id": packet_id}, config={"splitClassifications": SPLIT_CLASSES})
    assert run.object == "split_run" and run.id.startswith("splr_")
    assert run.status == "PROCESSED", run.failure_message
    assert run.output is not None
    splits = run.output.splits
    _check_cover(splits, 1, 5)
    assert all(isinstance(s.observation, str) and s.observation for s in splits)
    assert all(isinstance(s.identifier, str) for s in splits)
    assert len({s.id for s in splits}) == len(splits)
    assert run.config.base_processor == "splitting_performance"
    for s in splits:
        derived = client.files.retrieve(s.file_id)
        assert derived.parent_file_id == packet_id
        parent = derived.metadata.parent_split
        assert parent is not None
        assert (parent.id, parent.type, parent.start_page, parent.end_page) == (
            s.id, s.type, s.start_page, s.end_page,
        )  # fmt: skip
        assert parent.identifier == s.identifier
        assert (
            derived.type == "PDF" and derived.metadata.page_count == s.end_page - s.start_page + 1
        )
        assert derived.presigned_url
        body = httpx.get(derived.presigned_url, timeout=30).content
        assert _pages(body) == s.end_page - s.start_page + 1
    # Derived files are files of the workspace like any other.
    listed = [f.id for f in client.files.list(max_page_size=1000).data]
    assert all(s.file_id in listed for s in splits)


def test_async_run_get_list_delete_cancel(server: Running, packet_id: str, long_pdf: bytes) -> None:
    client = server.client()
    done = client.split_runs.create_and_poll(
        file={"id": packet_id}, config={"splitClassifications": SPLIT_CLASSES}
    )
    assert done.status == "PROCESSED" and done.output is not None
    got = client.split_runs.retrieve(done.id)
    assert [s.file_id for s in got.output.splits] == [s.file_id for s in done.output.splits]  # type: ignore[union-attr]
    listed = client.split_runs.list(status="PROCESSED", max_page_size=100)
    assert done.id in [r.id for r in listed.data]
    assert all(r.object == "split_run" for r in listed.data)

    up = client.files.upload(file=("long.pdf", long_pdf, "application/pdf"))
    slow = client.split_runs.create(file={"id": up.id}, config={"splitClassifications": CLASSES})
    assert client.split_runs.cancel(slow.id).status == "CANCELLED"
    assert client.split_runs.retrieve(slow.id).status == "CANCELLED"

    assert client.split_runs.delete(done.id).id == done.id
    with pytest.raises(NotFoundError):
        client.split_runs.retrieve(done.id)


def test_saved_splitter_versions_drive_runs(server: Running, packet_id: str) -> None:
    client = server.client()
    made = client.splitters.create(name="Packets", config={"splitClassifications": SPLIT_CLASSES})
    assert made.id.startswith("spl_") and made.draft_version.version == "draft"
    v1 = client.splitter_versions.create(made.id, release_type="major", description="v1")
    assert v1.version == "1.0" and v1.splitter_id == made.id and v1.id.startswith("splv_")
    assert client.splitter_versions.retrieve(made.id, "1.0").id == v1.id
    assert [v.version for v in client.splitter_versions.list(made.id).data] == ["draft", "1.0"]

    run = client.split_runs.create_and_poll(
        file={"id": packet_id}, splitter={"id": made.id, "version": "1.0"}
    )
    assert run.status == "PROCESSED" and run.output is not None
    _check_cover(run.output.splits, 1, 5)
    assert run.splitter is not None and run.splitter.id == made.id
    assert run.splitter_version is not None and run.splitter_version.version == "1.0"
    sync = client.split(
        file={"id": packet_id},
        splitter={"id": made.id, "overrideConfig": {"advancedOptions": {"pageRanges": [
            {"start": 3, "end": 5}
        ]}}},
    )  # fmt: skip
    assert sync.output is not None
    assert sync.output.splits[0].start_page == 3 and sync.output.splits[-1].end_page == 5
    mine = client.split_runs.list(splitter_id=made.id, max_page_size=100).data
    assert {r.id for r in mine} == {run.id, sync.id}

    batch = client.split_runs.create_batch(
        splitter={"id": made.id}, inputs=[{"file": {"id": packet_id}}]
    )
    wait_until(lambda: client.batch_runs.get(batch.id).status == "PROCESSED", 60)
    assert len(client.split_runs.list(batch_id=batch.id).data) == 1


def test_text_input_and_bad_config_are_documented_400s(server: Running, packet_id: str) -> None:
    client = server.client()
    with pytest.raises(BadRequestError) as text:
        client.split(
            file={"text": "INVOICE 1"},  # type: ignore[arg-type]
            config={"splitClassifications": CLASSES},
        )
    assert text.value.body["code"] == "INVALID_REQUEST"
    assert "file.text" in text.value.body["message"]
    with pytest.raises(BadRequestError) as empty:
        client.split(file={"id": packet_id}, config={"splitClassifications": []})
    assert "config.splitClassifications" in empty.value.body["message"]
    with pytest.raises(BadRequestError) as ranges:
        client.split(
            file={"id": packet_id},
            config={
                "splitClassifications": CLASSES,
                "advancedOptions": {"pageRanges": [{"start": 4, "end": 2}]},
            },
        )
    assert "pageRanges[0]" in ranges.value.body["message"]


def test_other_workspaces_get_404(server: Running, packet_id: str) -> None:
    acme, globex = server.client(), server.client("globex")
    run = acme.split(file={"id": packet_id}, config={"splitClassifications": CLASSES})
    made = acme.splitters.create(name="Mine", config={"splitClassifications": CLASSES})
    assert run.output is not None
    with pytest.raises(NotFoundError):
        globex.split_runs.retrieve(run.id)
    with pytest.raises(NotFoundError):
        globex.files.retrieve(run.output.splits[0].file_id)
    with pytest.raises(NotFoundError):
        globex.splitters.retrieve(made.id)
    with pytest.raises(NotFoundError):
        globex.split(file={"id": packet_id}, splitter={"id": made.id})


class _Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        self.got: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.got.append((dict(self.headers.items()), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(("127.0.0.1", 0), Handler)
        self.daemon_threads = True
        threading.Thread(target=self.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server_address[1]}/hooks"


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    rec = _Receiver()
    yield rec
    rec.shutdown()
    rec.server_close()


def test_split_and_splitter_events_parse_as_typed_sdk_objects(
    server: Running, packet_id: str, receiver: _Receiver
) -> None:
    client = server.client()
    endpoint = client.webhook_endpoints.create(
        url=receiver.url,
        name="split hooks",
        enabled_events=["split_run.processed", "splitter.version.published"],
        api_version="2026-02-09",
    )
    try:
        made = client.splitters.create(name="Evented", config={"splitClassifications": CLASSES})
        version = client.splitter_versions.create(made.id, release_type="minor")
        run = client.split(file={"id": packet_id}, splitter={"id": made.id})
        wait_until(lambda: len(receiver.got) >= 2, 30)
        events = {
            e.event_type: e  # type: ignore[union-attr]
            for e in (
                client.webhooks.verify_and_parse(body, headers, endpoint.signing_secret)
                for headers, body in receiver.got
            )
        }
        published = events["splitter.version.published"].payload  # type: ignore[union-attr]
        assert type(published).__name__ == "SplitterVersion" and published.id == version.id
        processed = events["split_run.processed"].payload  # type: ignore[union-attr]
        assert type(processed).__name__ == "SplitRun" and processed.id == run.id
        assert run.output is not None
        assert [s.file_id for s in processed.output.splits] == [
            s.file_id for s in run.output.splits
        ]
    finally:
        client.webhook_endpoints.delete(endpoint.id)
