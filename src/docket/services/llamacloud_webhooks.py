"""LlamaCloud's per-job ``webhook_configurations``, delivered by Docket's webhook machinery.

A LlamaCloud job names its receivers in the request rather than through saved endpoints. This
hook listens to extract run state changes (the run framework's event seam), maps them to
LlamaCloud's names (``extract.pending|success|error|cancelled``) and queues one delivery per
matching configuration on a *hidden endpoint*: a disabled webhook endpoint with no events of its
own (so Extend-style fan-out never picks it), one per workspace, URL and header set. The
dispatcher then delivers it like any other event: signed, retried with backoff, every attempt
recorded, private addresses refused.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from docket.domain.runs import Run, RunStatus
from docket.domain.webhooks import AdvancedOptions, EndpointStatus, WebhookEvent
from docket.services.webhooks import API_VERSION, WebhookService, new_id
from docket.store.repos import RunRepository
from docket.store.webhooks import WebhookRepository

log = logging.getLogger(__name__)

EVENT_NAMES: Final = {
    RunStatus.PENDING: "extract.pending",
    RunStatus.PROCESSING: "extract.pending",
    RunStatus.PROCESSED: "extract.success",
    RunStatus.FAILED: "extract.error",
    RunStatus.CANCELLED: "extract.cancelled",
}
ENDPOINT_PREFIX: Final = "llamacloud job webhook"


def job_webhooks(run: Run) -> list[dict[str, Any]]:
    """The ``webhook_configurations`` a LlamaCloud job was created with (none for others)."""
    extras = (run.config.get("extract") or {}).get("extras") or {}
    job = (extras.get("llamacloud") or {}).get("job") or {}
    found = job.get("webhook_configurations") or []
    return [c for c in found if isinstance(c, dict) and c.get("webhook_url")]


class LlamaJobWebhooks:
    """A :class:`~docket.services.runs.RunEvents` hook; never raises."""

    def __init__(
        self, runs: RunRepository, webhooks: WebhookService, repo: WebhookRepository
    ) -> None:
        self._runs = runs
        self._webhooks = webhooks
        self._repo = repo
        self._lock = threading.Lock()
        self._endpoints: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}
        # The job as LlamaCloud shows it, set by the edge.
        self.present: Callable[[Run], Mapping[str, Any]] = lambda run: {"id": run.id}

    def emit(self, workspace_id: str, event_type: str, payload: Mapping[str, Any]) -> object:
        if not event_type.startswith("extract_run."):
            return None
        try:
            self._emit(workspace_id, payload)
        except Exception:
            log.exception("LlamaCloud job webhook for %s failed", payload.get("id"))
        return None

    def _emit(self, workspace_id: str, payload: Mapping[str, Any]) -> None:
        run_id = payload.get("id")
        run = self._runs.get(run_id) if isinstance(run_id, str) else None
        if run is None or run.workspace_id != workspace_id:
            return
        configs = job_webhooks(run)
        name = EVENT_NAMES.get(run.status)
        if not configs or name is None:
            return
        targets = [
            (new_id("whd"), self._endpoint(workspace_id, c))
            for c in configs
            if not c.get("webhook_events") or name in c["webhook_events"]
        ]
        if not targets:
            return
        now = datetime.now(UTC)
        event = WebhookEvent(
            id=new_id("evt"),
            workspace_id=workspace_id,
            event_type=name,
            payload=dict(self.present(run)),
            created_at=now,
        )
        self._repo.add_event(event, targets, now)

    def _endpoint(self, workspace_id: str, config: Mapping[str, Any]) -> str:
        key = (workspace_id, str(config["webhook_url"]), _headers(config))
        with self._lock:
            known = self._endpoints.get(key)
            if known is None:
                known = self._endpoints[key] = hidden_endpoint(self._webhooks, workspace_id, config)
            return known


def _headers(config: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    found = config.get("webhook_headers") or {}
    return tuple(sorted((str(k), str(v)) for k, v in found.items()))


def hidden_endpoint(webhooks: WebhookService, workspace_id: str, config: Mapping[str, Any]) -> str:
    """The id of the hidden endpoint for this URL and header set, created when missing
    (``INVALID_REQUEST`` for a URL the webhook policy refuses, e.g. a private address)."""
    url, headers = str(config["webhook_url"]), _headers(config)
    name = f"{ENDPOINT_PREFIX} {url}"[:200]
    token: str | None = None
    while True:
        page = webhooks.list_endpoints(
            workspace_id, status=EndpointStatus.DISABLED, limit=100, token=token
        )
        for ep in page.items:
            have = tuple(
                sorted(((ep.advanced_options and ep.advanced_options.headers) or {}).items())
            )
            if ep.name == name and ep.url == url and not ep.enabled_events and have == headers:
                return ep.id
        if not page.next_token:
            break
        token = page.next_token
    endpoint, _secret = webhooks.create_endpoint(
        workspace_id,
        url=url,
        name=name,
        enabled_events=[],
        api_version=API_VERSION,
        status=EndpointStatus.DISABLED,
        advanced_options=AdvancedOptions(headers=dict(headers) or None),
    )
    return endpoint.id
