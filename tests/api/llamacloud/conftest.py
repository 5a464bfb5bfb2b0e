"""A real Docket server driven by the real ``llama-cloud`` SDK (1.x)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from apiserver import Running, start_server
from llama_cloud import LlamaCloud
from llamacloud_helpers import Client

from docket.settings import (
    FetchSettings,
    LimitSettings,
    Settings,
    WebhookSettings,
    WorkerSettings,
)


@pytest.fixture(scope="package")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    settings = Settings(
        home=tmp_path_factory.mktemp("docket-llamacloud"),
        worker=WorkerSettings(processes=1),
        limits=LimitSettings(max_file_bytes=8 * 1024 * 1024, max_json_bytes=4 * 1024 * 1024),
        fetch=FetchSettings(allow_cidrs=["127.0.0.0/8"]),  # webhook receivers on loopback
        webhooks=WebhookSettings(backoff_base_s=0.2, backoff_factor=2, poll_interval_s=0.1),
    )
    srv, thread, running = start_server(settings)
    yield running
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def llama(llama_server: Running) -> Client:
    """``llama("globex")`` → an SDK client of that workspace pointed at the test server."""

    def make(workspace: str = "acme", **kwargs: object) -> LlamaCloud:
        return LlamaCloud(api_key=llama_server.keys[workspace], base_url=llama_server.url, **kwargs)

    return make
