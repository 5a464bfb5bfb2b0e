"""Webhook endpoints and subscriptions, and turning run state changes into deliveries.

``emit`` is the run framework's hook: it stores the event and one pending delivery per
interested endpoint in one transaction, then wakes the dispatcher, so the request or worker
that changed the run never waits on a receiver. Receivers see Extend's wire format.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import string
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import httpx

from docket.domain.webhooks import (
    ENDPOINT_EVENT_TYPES,
    RESOURCE_RUN_KINDS,
    SUBSCRIPTION_EVENT_TYPES,
    AdvancedOptions,
    EndpointStatus,
    ResourceType,
    WebhookEndpoint,
    WebhookEvent,
    WebhookSubscription,
)
from docket.errors import InvalidRequest, NotFound
from docket.services.fetch import BlockedAddress, FetchError, FetchPolicy, vet_host
from docket.services.runs import RunEvents
from docket.services.webhook_delivery import DeliveryDispatcher, payload_signature
from docket.store.webhooks import Page, WebhookRepository

log = logging.getLogger(__name__)
T = TypeVar("T")

API_VERSION: Final = "2026-02-09"
_ALPHABET: Final = string.ascii_letters + string.digits
# The key on a run payload naming the saved processor a resource subscription is scoped to.
_RESOURCE_KEY: Final = {kind: res for res, kind in RESOURCE_RUN_KINDS.items()}
_SLIM_PARSE_KEYS: Final = ("id", "status", "failureReason", "failureMessage", "metadata")


def new_id(prefix: str) -> str:
    return f"{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(21))}"


def new_signing_secret() -> str:
    return f"wss_{secrets.token_urlsafe(32)}"


def parse_run_status(run: Mapping[str, Any]) -> dict[str, Any]:
    """The slim ``ParseRunStatus`` that parse_run events carry instead of the full run."""
    slim = {k: run[k] for k in _SLIM_PARSE_KEYS if run.get(k) is not None}
    return {"object": "parse_run_status", **slim}


def resource_ids(event_type: str, payload: Mapping[str, Any]) -> list[str]:
    """Saved processor ids a run payload belongs to (for resource-scoped subscriptions)."""
    kind = event_type.split(".", 1)[0]
    key = _RESOURCE_KEY.get(kind)
    ref = payload.get(key) if key else None
    if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
        return [ref["id"]]
    return []


class WebhookService:
    """Use cases behind /webhook_endpoints and /webhook_subscriptions, plus ``emit``."""

    def __init__(
        self,
        repo: WebhookRepository,
        policy: FetchPolicy,
        dispatcher: DeliveryDispatcher | None = None,
    ) -> None:
        self._repo = repo
        self._policy = policy
        self._dispatcher = dispatcher

    def start(self) -> None:
        """Start background delivery (pending deliveries from a previous process included)."""
        if self._dispatcher is not None:
            self._dispatcher.start()

    def stop(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.stop()

    def learn_base_url(self, url: str) -> None:
        if self._dispatcher is not None:
            self._dispatcher.learn_base_url(url)

    # -- endpoints -------------------------------------------------------------------------

    def create_endpoint(
        self,
        workspace_id: str,
        *,
        url: str,
        name: str,
        enabled_events: list[str],
        api_version: str,
        status: EndpointStatus | None = None,
        advanced_options: AdvancedOptions | None = None,
    ) -> tuple[WebhookEndpoint, str]:
        """Create an endpoint; the signing secret is returned here and never again."""
        self._check_url(url)
        _check_events(enabled_events, ENDPOINT_EVENT_TYPES, "enabledEvents")
        if api_version != API_VERSION:
            raise InvalidRequest(f"apiVersion must be {API_VERSION!r}, not {api_version!r}")
        now = datetime.now(UTC)
        endpoint = WebhookEndpoint(
            id=new_id("wh"),
            workspace_id=workspace_id,
            url=url,
            name=name,
            status=status or EndpointStatus.ENABLED,
            enabled_events=_dedupe(enabled_events),
            api_version=api_version,
            advanced_options=advanced_options,
            created_at=now,
            updated_at=now,
        )
        secret = new_signing_secret()
        self._repo.add_endpoint(endpoint, secret)
        return endpoint, secret

    def get_endpoint(self, workspace_id: str, endpoint_id: str) -> WebhookEndpoint:
        found = self._repo.get_endpoint(workspace_id, endpoint_id)
        if found is None:
            raise NotFound(f"Webhook endpoint {endpoint_id} not found")
        return found

    def list_endpoints(
        self,
        workspace_id: str,
        *,
        status: EndpointStatus | None = None,
        descending: bool = True,
        limit: int = 10,
        token: str | None = None,
    ) -> Page[WebhookEndpoint]:
        return _paged(
            lambda: self._repo.list_endpoints(
                workspace_id, status=status, descending=descending, limit=limit, token=token
            )
        )

    def update_endpoint(
        self,
        workspace_id: str,
        endpoint_id: str,
        *,
        url: str | None = None,
        name: str | None = None,
        status: EndpointStatus | None = None,
        enabled_events: list[str] | None = None,
        advanced_options: AdvancedOptions | None = None,
    ) -> WebhookEndpoint:
        """Partial update: what is None stays as it was (apiVersion is immutable)."""
        current = self.get_endpoint(workspace_id, endpoint_id)
        changes: dict[str, Any] = {"updated_at": datetime.now(UTC)}
        if url is not None:
            self._check_url(url)
            changes["url"] = url
        if enabled_events is not None:
            _check_events(enabled_events, ENDPOINT_EVENT_TYPES, "enabledEvents")
            changes["enabled_events"] = _dedupe(enabled_events)
        for key, value in (
            ("name", name),
            ("status", status),
            ("advanced_options", advanced_options),
        ):
            if value is not None:
                changes[key] = value
        updated = current.model_copy(update=changes)
        self._repo.save_endpoint(updated)
        return updated

    def delete_endpoint(self, workspace_id: str, endpoint_id: str) -> str:
        if not self._repo.delete_endpoint(workspace_id, endpoint_id):
            raise NotFound(f"Webhook endpoint {endpoint_id} not found")
        return endpoint_id

    # -- subscriptions ---------------------------------------------------------------------

    def upsert_subscription(
        self,
        workspace_id: str,
        *,
        endpoint_id: str,
        resource_type: ResourceType,
        resource_id: str,
        enabled_events: list[str],
    ) -> WebhookSubscription:
        """One subscription per endpoint+resource: a second create replaces its events."""
        self.get_endpoint(workspace_id, endpoint_id)
        _check_subscription_events(resource_type, enabled_events)
        return self._repo.upsert_subscription(
            WebhookSubscription(
                id=new_id("whes"),
                workspace_id=workspace_id,
                endpoint_id=endpoint_id,
                resource_type=resource_type,
                resource_id=resource_id,
                enabled_events=_dedupe(enabled_events),
                created_at=datetime.now(UTC),
            )
        )

    def get_subscription(self, workspace_id: str, sub_id: str) -> WebhookSubscription:
        found = self._repo.get_subscription(workspace_id, sub_id)
        if found is None:
            raise NotFound(f"Webhook subscription {sub_id} not found")
        return found

    def list_subscriptions(
        self,
        workspace_id: str,
        *,
        endpoint_id: str | None = None,
        resource_id: str | None = None,
        descending: bool = True,
        limit: int = 10,
        token: str | None = None,
    ) -> Page[WebhookSubscription]:
        return _paged(
            lambda: self._repo.list_subscriptions(
                workspace_id,
                endpoint_id=endpoint_id,
                resource_id=resource_id,
                descending=descending,
                limit=limit,
                token=token,
            )
        )

    def set_subscription_events(
        self, workspace_id: str, sub_id: str, enabled_events: list[str]
    ) -> WebhookSubscription:
        current = self.get_subscription(workspace_id, sub_id)
        _check_subscription_events(current.resource_type, enabled_events)
        events = _dedupe(enabled_events)
        self._repo.set_subscription_events(sub_id, events)
        return current.model_copy(update={"enabled_events": events})

    def delete_subscription(self, workspace_id: str, sub_id: str) -> str:
        if not self._repo.delete_subscription(workspace_id, sub_id):
            raise NotFound(f"Webhook subscription {sub_id} not found")
        return sub_id

    # -- events ----------------------------------------------------------------------------

    def emit(self, workspace_id: str, event_type: str, payload: Mapping[str, Any]) -> str | None:
        """Record ``event_type`` for every interested endpoint; returns the event id, if any.

        Never raises: a webhook problem must not fail the run that triggered it.
        """
        try:
            return self._emit(workspace_id, event_type, payload)
        except Exception:
            log.exception("could not record webhook event %s", event_type)
            return None

    def _emit(self, workspace_id: str, event_type: str, payload: Mapping[str, Any]) -> str | None:
        body = parse_run_status(payload) if event_type.startswith("parse_run.") else dict(payload)
        targets = self._repo.matching_endpoints(
            workspace_id, event_type, resource_ids(event_type, payload)
        )
        if not targets:
            return None
        now = datetime.now(UTC)
        event = WebhookEvent(
            id=new_id("evt"),
            workspace_id=workspace_id,
            event_type=event_type,
            payload=body,
            created_at=now,
        )
        self._repo.add_event(event, [(new_id("whd"), ep) for ep in targets], now)
        if self._dispatcher is not None:
            self._dispatcher.wake()
        return event.id

    def signed_payload(self, delivery_id: str, expires: int, signature: str) -> dict[str, Any]:
        """The full payload behind a ``signed_data_url`` link, if the link is genuine and live."""
        found = self._repo.delivery_payload(delivery_id)
        gone = NotFound("This payload link is invalid or has expired")
        if found is None or expires < int(time.time()):
            raise gone
        secret, payload = found
        if not hmac.compare_digest(signature, payload_signature(secret, delivery_id, expires)):
            raise gone
        return payload

    def _check_url(self, url: str) -> None:
        """Refuse what can never be delivered; names that do not resolve yet are accepted."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise InvalidRequest(f"url is not a valid URL: {exc}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise InvalidRequest("url must be an absolute http or https URL")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            vet_host(parsed.raw_host.decode("ascii"), port, self._policy, timeout_s=5.0)
        except BlockedAddress as exc:
            raise InvalidRequest(f"url is not allowed: {exc.message}") from None
        except FetchError:
            pass


class FanOutEvents:
    """Announces run events to several hooks (webhooks plus, e.g., a test recorder)."""

    def __init__(self, *hooks: RunEvents) -> None:
        self._hooks = hooks

    def emit(self, workspace_id: str, event_type: str, payload: Mapping[str, Any]) -> object:
        for hook in self._hooks:
            try:
                hook.emit(workspace_id, event_type, payload)
            except Exception:
                log.exception("run event hook %r failed", hook)
        return None


def _paged(call: Callable[[], Page[T]]) -> Page[T]:
    try:
        return call()
    except ValueError as exc:  # a tampered or stale nextPageToken
        raise InvalidRequest(str(exc)) from None


def _dedupe(events: list[str]) -> list[str]:
    return list(dict.fromkeys(events))


def _check_events(events: list[str], allowed: frozenset[str], field: str) -> None:
    unknown = sorted(set(events) - allowed)
    if unknown:
        raise InvalidRequest(f"{field} has unknown event types: {', '.join(unknown)}")


def _check_subscription_events(resource_type: ResourceType, events: list[str]) -> None:
    _check_events(events, SUBSCRIPTION_EVENT_TYPES, "enabledEvents")
    kinds: tuple[str, ...] = (f"{RESOURCE_RUN_KINDS[resource_type.value]}.",)
    if resource_type is not ResourceType.WORKFLOW:
        kinds += ("batch_processor_run.",)
    foreign = sorted(e for e in events if not e.startswith(kinds))
    if foreign:
        raise InvalidRequest(
            f"a {resource_type.value} subscription cannot carry: {', '.join(foreign)}"
        )
