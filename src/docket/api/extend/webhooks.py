"""Extend-compatible /webhook_endpoints and /webhook_subscriptions (wire schemas + routes).

Routes only validate, call one service method and translate; the signing secret appears in
exactly one response (create).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session

from docket.api.deps import ServicesDep, WorkspaceDep, base_url
from docket.domain.webhooks import (
    AdvancedOptions,
    EndpointStatus,
    PayloadFormat,
    PayloadOptions,
    ResourceType,
    WebhookEndpoint,
    WebhookSubscription,
)
from docket.errors import DocketError, ErrorCode
from docket.services.fetch import FetchPolicy
from docket.services.webhook_delivery import DeliveryConfig, DeliveryDispatcher
from docket.services.webhooks import WebhookService
from docket.settings import Settings
from docket.store.webhooks import Page, WebhookRepository

T = TypeVar("T")


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class PayloadOptionsIn(_Wire):
    format: PayloadFormat
    url_threshold_bytes: int | None = Field(default=None, ge=0)


class AdvancedOptionsIn(_Wire):
    headers: dict[str, str] | None = None
    payload: PayloadOptionsIn | None = None

    def to_domain(self) -> AdvancedOptions:
        payload = PayloadOptions(**self.payload.model_dump()) if self.payload else None
        return AdvancedOptions(headers=self.headers, payload=payload)


class CreateEndpointIn(_Wire):
    url: str = Field(min_length=1, max_length=2048)
    name: str = Field(min_length=1, max_length=255)
    enabled_events: list[str]
    api_version: str
    status: EndpointStatus | None = None
    advanced_options: AdvancedOptionsIn | None = None


class UpdateEndpointIn(_Wire):
    url: str | None = Field(default=None, min_length=1, max_length=2048)
    name: str | None = Field(default=None, min_length=1, max_length=255)
    status: EndpointStatus | None = None
    enabled_events: list[str] | None = None
    advanced_options: AdvancedOptionsIn | None = None


class CreateSubscriptionIn(_Wire):
    webhook_endpoint_id: str
    resource_type: ResourceType
    resource_id: str = Field(min_length=1, max_length=128)
    enabled_events: list[str]


class UpdateSubscriptionIn(_Wire):
    enabled_events: list[str]


def _time(value: Any) -> str:
    return str(value.isoformat().replace("+00:00", "Z"))


def endpoint_to_wire(ep: WebhookEndpoint, signing_secret: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "object": "webhook_endpoint",
        "id": ep.id,
        "url": ep.url,
        "name": ep.name,
        "status": ep.status.value,
        "enabledEvents": ep.enabled_events,
        "apiVersion": ep.api_version,
        "advancedOptions": _options_to_wire(ep.advanced_options),
        "createdAt": _time(ep.created_at),
    }
    if signing_secret is not None:
        out["signingSecret"] = signing_secret
    return out


def _options_to_wire(options: AdvancedOptions | None) -> dict[str, Any] | None:
    if options is None:
        return None
    out: dict[str, Any] = {}
    if options.headers is not None:
        out["headers"] = options.headers
    if options.payload is not None:
        out["payload"] = {"format": options.payload.format.value}
        if options.payload.url_threshold_bytes is not None:
            out["payload"]["urlThresholdBytes"] = options.payload.url_threshold_bytes
    return out


def subscription_to_wire(sub: WebhookSubscription) -> dict[str, Any]:
    return {
        "object": "webhook_subscription",
        "id": sub.id,
        "webhookEndpointId": sub.endpoint_id,
        "resourceType": sub.resource_type.value,
        "resourceId": sub.resource_id,
        "enabledEvents": sub.enabled_events,
        "createdAt": _time(sub.created_at),
    }


def _list(page: Page[T], render: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [render(x) for x in page.items],
        "nextPageToken": page.next_token,
    }


def build_webhooks(settings: Settings, sessions: Callable[[], Session]) -> WebhookService:
    """The webhook service (the runs' event hook) and its dispatcher, from settings."""
    hooks, fetch, server = settings.webhooks, settings.fetch, settings.server
    policy = FetchPolicy(allow_cidrs=tuple(fetch.allow_cidrs), allow_hosts=tuple(fetch.allow_hosts))
    config = DeliveryConfig(
        max_attempts=hooks.max_attempts,
        backoff_base_s=hooks.backoff_base_s,
        backoff_factor=hooks.backoff_factor,
        backoff_cap_s=hooks.backoff_cap_s,
        timeout_s=hooks.timeout_s,
        poll_interval_s=hooks.poll_interval_s,
        public_base_url=hooks.public_base_url or server.public_url,
    )
    repo = WebhookRepository(sessions)
    dispatcher = DeliveryDispatcher(repo, policy, config)
    return WebhookService(repo, policy, dispatcher)


def _service(request: Request, svc: ServicesDep) -> WebhookService:
    if svc.webhooks is None:
        raise DocketError("webhooks are not configured", code=ErrorCode.NOT_FOUND)
    svc.webhooks.learn_base_url(base_url(request, svc))  # payload links without public_url
    return svc.webhooks


Service = Annotated[WebhookService, Depends(_service)]
Workspace = WorkspaceDep
SortDir = Literal["asc", "desc"]
PageSize = Annotated[int, Query(alias="maxPageSize", ge=1, le=1000)]
Token = Annotated[str | None, Query(alias="nextPageToken")]

router = APIRouter(tags=["webhooks"])


@router.post("/webhook_endpoints")
def create_endpoint(body: CreateEndpointIn, svc: Service, ws: Workspace) -> dict[str, Any]:
    endpoint, secret = svc.create_endpoint(
        ws,
        url=body.url,
        name=body.name,
        enabled_events=body.enabled_events,
        api_version=body.api_version,
        status=body.status,
        advanced_options=body.advanced_options.to_domain() if body.advanced_options else None,
    )
    return endpoint_to_wire(endpoint, signing_secret=secret)


@router.get("/webhook_endpoints")
def list_endpoints(
    svc: Service,
    ws: Workspace,
    status: EndpointStatus | None = None,
    sort_dir: Annotated[SortDir, Query(alias="sortDir")] = "desc",
    max_page_size: PageSize = 10,
    next_page_token: Token = None,
) -> dict[str, Any]:
    page = svc.list_endpoints(
        ws,
        status=status,
        descending=sort_dir == "desc",
        limit=max_page_size,
        token=next_page_token,
    )
    return _list(page, endpoint_to_wire)


@router.get("/webhook_endpoints/{endpoint_id}")
def get_endpoint(endpoint_id: str, svc: Service, ws: Workspace) -> dict[str, Any]:
    return endpoint_to_wire(svc.get_endpoint(ws, endpoint_id))


@router.post("/webhook_endpoints/{endpoint_id}")
def update_endpoint(
    endpoint_id: str, body: UpdateEndpointIn, svc: Service, ws: Workspace
) -> dict[str, Any]:
    endpoint = svc.update_endpoint(
        ws,
        endpoint_id,
        url=body.url,
        name=body.name,
        status=body.status,
        enabled_events=body.enabled_events,
        advanced_options=body.advanced_options.to_domain() if body.advanced_options else None,
    )
    return endpoint_to_wire(endpoint)


@router.delete("/webhook_endpoints/{endpoint_id}")
def delete_endpoint(endpoint_id: str, svc: Service, ws: Workspace) -> dict[str, Any]:
    return {"id": svc.delete_endpoint(ws, endpoint_id)}


@router.post("/webhook_subscriptions")
def create_subscription(body: CreateSubscriptionIn, svc: Service, ws: Workspace) -> dict[str, Any]:
    sub = svc.upsert_subscription(
        ws,
        endpoint_id=body.webhook_endpoint_id,
        resource_type=body.resource_type,
        resource_id=body.resource_id,
        enabled_events=body.enabled_events,
    )
    return subscription_to_wire(sub)


@router.get("/webhook_subscriptions")
def list_subscriptions(
    svc: Service,
    ws: Workspace,
    webhook_endpoint_id: Annotated[str | None, Query(alias="webhookEndpointId")] = None,
    resource_id: Annotated[str | None, Query(alias="resourceId")] = None,
    sort_dir: Annotated[SortDir, Query(alias="sortDir")] = "desc",
    max_page_size: PageSize = 10,
    next_page_token: Token = None,
) -> dict[str, Any]:
    page = svc.list_subscriptions(
        ws,
        endpoint_id=webhook_endpoint_id,
        resource_id=resource_id,
        descending=sort_dir == "desc",
        limit=max_page_size,
        token=next_page_token,
    )
    return _list(page, subscription_to_wire)


@router.get("/webhook_subscriptions/{sub_id}")
def get_subscription(sub_id: str, svc: Service, ws: Workspace) -> dict[str, Any]:
    return subscription_to_wire(svc.get_subscription(ws, sub_id))


@router.post("/webhook_subscriptions/{sub_id}")
def update_subscription(
    sub_id: str, body: UpdateSubscriptionIn, svc: Service, ws: Workspace
) -> dict[str, Any]:
    return subscription_to_wire(svc.set_subscription_events(ws, sub_id, body.enabled_events))


@router.delete("/webhook_subscriptions/{sub_id}")
def delete_subscription(sub_id: str, svc: Service, ws: Workspace) -> dict[str, Any]:
    return {"id": svc.delete_subscription(ws, sub_id)}


# Unauthenticated on purpose: the receiver holds only the signed link (see docs/webhooks.md).
payload_router = APIRouter(tags=["webhooks"])


@payload_router.get("/webhook_deliveries/{delivery_id}/payload")
def signed_payload(delivery_id: str, expires: int, signature: str, svc: Service) -> dict[str, Any]:
    return svc.signed_payload(delivery_id, expires, signature)
