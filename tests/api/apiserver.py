"""Helpers for API tests: a real server (uvicorn on a free loopback port, in a thread)."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pypdfium2
import uvicorn
from extend_ai import Extend

from docket.api.app import create_app
from docket.engines.llm.openai_compatible import ModelRegistry
from docket.services.keys import KeyService
from docket.settings import Settings
from docket.store.db import Database
from docket.store.repos import WorkspaceRepository


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EventLog:
    """Collects what the run framework announces (the seam webhooks plug into)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def emit(self, workspace_id: str, event_type: str, payload: Mapping[str, Any]) -> None:
        with self._lock:
            self.items.append((workspace_id, event_type, dict(payload)))

    def of(self, run_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        with self._lock:
            return [e for e in self.items if e[2].get("id") == run_id]


@dataclass
class Running:
    url: str
    settings: Settings
    keys: dict[str, str]
    events: EventLog

    def client(self, workspace: str = "acme") -> Extend:
        return Extend(base_url=self.url, token=self.keys[workspace])


def start_server(
    settings: Settings, models: ModelRegistry | None = None
) -> tuple[uvicorn.Server, threading.Thread, Running]:
    """Docket on a free loopback port with keys for "acme" and "globex" (``models``: the
    OpenAI-compatible providers, e.g. a fake LLM server)."""
    db = Database(settings.db_url)
    db.migrate()
    svc = KeyService(WorkspaceRepository(db.sessions))
    keys = {name: svc.create(name)[0] for name in ("acme", "globex")}
    db.dispose()
    port = free_port()
    events = EventLog()
    app = create_app(settings, events=events, models=models)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.02)
    return server, thread, Running(f"http://127.0.0.1:{port}", settings, keys, events)


#: Pages of the PDF that tests cancel, kill or probe while it parses: long enough to be still
#: running seconds later (parsing runs at ~200+ pages a CPU-second), under the 2000-page limit.
LONG_PAGES = 1500


def repeat_pdf(sample: bytes, pages: int) -> bytes:
    """A ``pages``-page PDF made of copies of the sample's pages."""
    src = pypdfium2.PdfDocument(sample)
    out = pypdfium2.PdfDocument.new()
    n = len(src)
    while len(out) < pages:
        take = min(n, pages - len(out))
        out.import_pages(src, list(range(take)))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def wait_until(check: object, timeout: float = 30.0, every: float = 0.05) -> None:
    assert callable(check)
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(every)
