"""Webhook endpoints, subscriptions, events and delivery attempts (the internal model).

Event type names are the wire names (``parse_run.processed``) because they are part of the
contract receivers code against; everything else is plain snake_case.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from pydantic import BaseModel, Field

ENDPOINT_EVENT_TYPES: Final[frozenset[str]] = frozenset(
    f"{kind}.{what}"
    for kind, whats in {
        "parse_run": ("processed", "failed"),
        "edit_run": ("processed", "failed"),
        "form_detection_run": ("processed", "failed"),
        "extract_run": ("processed", "failed"),
        "classify_run": ("processed", "failed"),
        "split_run": ("processed", "failed"),
        "batch_processor_run": ("processed", "failed"),
        "batch_parse_run": ("processed", "failed"),
        "extractor": ("created", "updated", "deleted", "draft.updated", "version.published"),
        "classifier": ("created", "updated", "deleted", "draft.updated", "version.published"),
        "splitter": ("created", "updated", "deleted", "draft.updated", "version.published"),
        "workflow": ("created", "deployed", "deleted"),
    }.items()
    for what in whats
)

SUBSCRIPTION_EVENT_TYPES: Final[frozenset[str]] = frozenset(
    {
        "extract_run.processed",
        "extract_run.failed",
        "classify_run.processed",
        "classify_run.failed",
        "split_run.processed",
        "split_run.failed",
        "batch_processor_run.processed",
        "batch_processor_run.failed",
        "workflow_run.completed",
        "workflow_run.failed",
        "workflow_run.needs_review",
        "workflow_run.rejected",
        "workflow_run.cancelled",
        "workflow_run.step_run.processed",
    }
)

# Which run kinds a resource-scoped subscription can see, by resource type.
RESOURCE_RUN_KINDS: Final[dict[str, str]] = {
    "extractor": "extract_run",
    "classifier": "classify_run",
    "splitter": "split_run",
    "workflow": "workflow_run",
}


class EndpointStatus(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"


class ResourceType(StrEnum):
    EXTRACTOR = "extractor"
    CLASSIFIER = "classifier"
    SPLITTER = "splitter"
    WORKFLOW = "workflow"


class PayloadFormat(StrEnum):
    JSON = "json"
    URL = "url"


class PayloadOptions(BaseModel):
    format: PayloadFormat = PayloadFormat.JSON
    url_threshold_bytes: int | None = Field(default=None, ge=0)


class AdvancedOptions(BaseModel):
    headers: dict[str, str] | None = None
    payload: PayloadOptions | None = None


class WebhookEndpoint(BaseModel):
    id: str
    workspace_id: str
    url: str
    name: str
    status: EndpointStatus
    enabled_events: list[str]
    api_version: str
    advanced_options: AdvancedOptions | None = None
    created_at: datetime
    updated_at: datetime


class WebhookSubscription(BaseModel):
    id: str
    workspace_id: str
    endpoint_id: str
    resource_type: ResourceType
    resource_id: str
    enabled_events: list[str]
    created_at: datetime


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookEvent(BaseModel):
    id: str
    workspace_id: str
    event_type: str
    payload: dict[str, Any]
    created_at: datetime


class DeliveryAttempt(BaseModel):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None


class WebhookDelivery(BaseModel):
    id: str
    event_id: str
    endpoint_id: str
    status: DeliveryStatus
    attempts: list[DeliveryAttempt] = Field(default_factory=list)
    next_attempt_at: datetime | None = None
    created_at: datetime
