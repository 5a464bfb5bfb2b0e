"""Wiring of LlamaCloud's per-job webhooks: the run-event hook for ``build_services`` and the
request-time check of a job's ``webhook_configurations``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from docket.api.llamacloud.present_runs import job_json
from docket.api.llamacloud.wire import WebhookConfiguration
from docket.errors import DocketError, ErrorCode
from docket.services.llamacloud_webhooks import LlamaJobWebhooks, hidden_endpoint
from docket.services.runs import RunEvents
from docket.services.webhooks import FanOutEvents, WebhookService
from docket.store.repos import FileRepository, RunRepository
from docket.store.webhooks import WebhookRepository


def with_job_webhooks(
    hook: RunEvents,
    webhooks: WebhookService | None,
    runs: RunRepository,
    files: FileRepository,
    sessions: Callable[[], Session],
) -> RunEvents:
    """``hook`` plus delivery of LlamaCloud job webhooks (in LlamaCloud's job shape)."""
    if webhooks is None:
        return hook
    llama = LlamaJobWebhooks(runs, webhooks, WebhookRepository(sessions))
    llama.present = lambda run: job_json(run, files.get(run.workspace_id, run.file_id))
    return FanOutEvents(hook, llama)


def check_webhooks(
    webhooks: WebhookService | None, workspace_id: str, configs: list[WebhookConfiguration]
) -> None:
    """Refuse (400) what could never be delivered before the job exists."""
    wanted = [c for c in configs if c.webhook_url]
    if not wanted:
        return
    if webhooks is None:
        raise DocketError("webhooks are not enabled on this server", code=ErrorCode.INVALID_REQUEST)
    for config in wanted:
        if config.webhook_output_format not in (None, "json", "string"):
            raise DocketError(
                "webhook_output_format must be 'json' or 'string'", code=ErrorCode.INVALID_REQUEST
            )
        hidden_endpoint(webhooks, workspace_id, config.model_dump(exclude_none=True))
