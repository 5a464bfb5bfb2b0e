"""Fixtures: real servers driven by the real Extend SDK (see apiserver.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apiserver import LONG_PAGES, Running, repeat_pdf, start_server

from docket.settings import FetchSettings, LimitSettings, ServerSettings, Settings, WorkerSettings


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    home = tmp_path_factory.mktemp("docket-home")
    settings = Settings(
        home=home,
        worker=WorkerSettings(processes=1),
        limits=LimitSettings(
            max_file_bytes=8 * 1024 * 1024, max_pages=LONG_PAGES, max_json_bytes=512 * 1024
        ),
        fetch=FetchSettings(allow_cidrs=["127.0.0.0/8"]),
    )
    srv, thread, running = start_server(settings)
    yield running
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="package")
def tight_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """Small limits: 64 KB files, 3 pages, 4 KB JSON bodies, 1 ms sync limit."""
    home = tmp_path_factory.mktemp("docket-tight")
    settings = Settings(
        home=home,
        worker=WorkerSettings(processes=1),
        limits=LimitSettings(max_file_bytes=64 * 1024, max_pages=3, max_json_bytes=4096),
        server=ServerSettings(sync_timeout_s=0.001),
    )
    srv, thread, running = start_server(settings)
    yield running
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def long_pdf(sample_pdf: bytes) -> bytes:
    return repeat_pdf(sample_pdf, LONG_PAGES)


@pytest.fixture
def sample_path(tmp_path: Path, sample_pdf: bytes) -> Path:
    p = tmp_path / "invoice sample.pdf"
    p.write_bytes(sample_pdf)
    return p
