"""Tables and repository for webhook endpoints, subscriptions, events and delivery attempts.

The repository speaks domain models only; rows never leave this module. Delivery claiming is a
single conditional UPDATE so several dispatchers (server and workers) never send the same
attempt twice, and a claim that is never completed expires by itself (see the dispatcher).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from docket.domain.webhooks import (
    AdvancedOptions,
    DeliveryAttempt,
    DeliveryStatus,
    EndpointStatus,
    PayloadOptions,
    ResourceType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookSubscription,
)
from docket.store.tables import UtcDateTime


class Base(DeclarativeBase):
    """Webhook tables (migration ``0002_webhooks``); separate from the core's base on purpose."""


class EndpointRow(Base):
    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    enabled_events: Mapped[list[str]] = mapped_column(JSON)
    api_version: Mapped[str] = mapped_column(String(32))
    advanced_options: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    signing_secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SubscriptionRow(Base):
    __tablename__ = "webhook_subscriptions"
    __table_args__ = (UniqueConstraint("endpoint_id", "resource_id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64), index=True)
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(128), index=True)
    enabled_events: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EventRow(Base):
    __tablename__ = "webhook_events"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64), index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DeliveryRow(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_events.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AttemptRow(Base):
    __tablename__ = "webhook_delivery_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


@dataclass(frozen=True)
class DeliveryJob:
    """Everything one attempt needs, read in the same transaction that claimed it."""

    delivery_id: str
    url: str
    signing_secret: str
    headers: dict[str, str]
    event: WebhookEvent
    attempts_made: int
    payload: PayloadOptions | None = None


T = TypeVar("T")
R = TypeVar("R", EndpointRow, SubscriptionRow)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str | None


def _encode_token(created_at: datetime, id_: str) -> str:
    raw = json.dumps([created_at.isoformat(), id_]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        when, id_ = json.loads(raw)
        return datetime.fromisoformat(when), str(id_)
    except (ValueError, TypeError) as exc:
        raise ValueError("invalid nextPageToken") from exc


def _endpoint(row: EndpointRow) -> WebhookEndpoint:
    opts = AdvancedOptions.model_validate(row.advanced_options) if row.advanced_options else None
    return WebhookEndpoint(
        id=row.id,
        workspace_id=row.workspace_id,
        url=row.url,
        name=row.name,
        status=EndpointStatus(row.status),
        enabled_events=list(row.enabled_events),
        api_version=row.api_version,
        advanced_options=opts,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _subscription(row: SubscriptionRow) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id,
        workspace_id=row.workspace_id,
        endpoint_id=row.endpoint_id,
        resource_type=ResourceType(row.resource_type),
        resource_id=row.resource_id,
        enabled_events=list(row.enabled_events),
        created_at=row.created_at,
    )


def _event(row: EventRow) -> WebhookEvent:
    return WebhookEvent(
        id=row.id,
        workspace_id=row.workspace_id,
        event_type=row.event_type,
        payload=dict(row.payload),
        created_at=row.created_at,
    )


def _dump_options(options: AdvancedOptions | None) -> dict[str, Any] | None:
    return options.model_dump(mode="json", exclude_none=True) if options else None


class WebhookRepository:
    """All webhook persistence. Each method is one short transaction."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    # -- endpoints -------------------------------------------------------------------------

    def add_endpoint(self, endpoint: WebhookEndpoint, signing_secret: str) -> None:
        with self._sessions() as s, s.begin():
            s.add(
                EndpointRow(
                    **endpoint.model_dump(exclude={"advanced_options", "status"}),
                    status=endpoint.status.value,
                    advanced_options=_dump_options(endpoint.advanced_options),
                    signing_secret=signing_secret,
                )
            )

    def get_endpoint(self, workspace_id: str, endpoint_id: str) -> WebhookEndpoint | None:
        with self._sessions() as s:
            row = s.get(EndpointRow, endpoint_id)
            return _endpoint(row) if row and row.workspace_id == workspace_id else None

    def save_endpoint(self, endpoint: WebhookEndpoint) -> None:
        with self._sessions() as s, s.begin():
            s.execute(
                update(EndpointRow)
                .where(EndpointRow.id == endpoint.id)
                .values(
                    url=endpoint.url,
                    name=endpoint.name,
                    status=endpoint.status.value,
                    enabled_events=endpoint.enabled_events,
                    advanced_options=_dump_options(endpoint.advanced_options),
                    updated_at=endpoint.updated_at,
                )
            )

    def delete_endpoint(self, workspace_id: str, endpoint_id: str) -> bool:
        """Remove the endpoint with its subscriptions and deliveries (no FK pragma needed)."""
        with self._sessions() as s, s.begin():
            row = s.get(EndpointRow, endpoint_id)
            if row is None or row.workspace_id != workspace_id:
                return False
            deliveries = select(DeliveryRow.id).where(DeliveryRow.endpoint_id == endpoint_id)
            s.execute(delete(AttemptRow).where(AttemptRow.delivery_id.in_(deliveries)))
            s.execute(delete(DeliveryRow).where(DeliveryRow.endpoint_id == endpoint_id))
            s.execute(delete(SubscriptionRow).where(SubscriptionRow.endpoint_id == endpoint_id))
            s.delete(row)
            return True

    def list_endpoints(
        self,
        workspace_id: str,
        *,
        status: EndpointStatus | None,
        descending: bool,
        limit: int,
        token: str | None,
    ) -> Page[WebhookEndpoint]:
        query = select(EndpointRow).where(EndpointRow.workspace_id == workspace_id)
        if status is not None:
            query = query.where(EndpointRow.status == status.value)
        rows = self._page(query, EndpointRow, descending, limit, token)
        return Page([_endpoint(r) for r in rows[:limit]], self._next(rows, limit))

    # -- subscriptions ---------------------------------------------------------------------

    def upsert_subscription(self, sub: WebhookSubscription) -> WebhookSubscription:
        """Insert, or replace the events of the existing endpoint+resource subscription."""
        with self._sessions() as s, s.begin():
            row = s.scalars(
                select(SubscriptionRow).where(
                    SubscriptionRow.endpoint_id == sub.endpoint_id,
                    SubscriptionRow.resource_id == sub.resource_id,
                )
            ).first()
            if row is None:
                row = SubscriptionRow(
                    **sub.model_dump(exclude={"resource_type"}),
                    resource_type=sub.resource_type.value,
                )
                s.add(row)
            else:
                row.resource_type = sub.resource_type.value
                row.enabled_events = list(sub.enabled_events)
            s.flush()
            return _subscription(row)

    def get_subscription(self, workspace_id: str, sub_id: str) -> WebhookSubscription | None:
        with self._sessions() as s:
            row = s.get(SubscriptionRow, sub_id)
            return _subscription(row) if row and row.workspace_id == workspace_id else None

    def set_subscription_events(self, sub_id: str, events: list[str]) -> None:
        with self._sessions() as s, s.begin():
            s.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.id == sub_id)
                .values(enabled_events=events)
            )

    def delete_subscription(self, workspace_id: str, sub_id: str) -> bool:
        with self._sessions() as s, s.begin():
            row = s.get(SubscriptionRow, sub_id)
            if row is None or row.workspace_id != workspace_id:
                return False
            s.delete(row)
            return True

    def list_subscriptions(
        self,
        workspace_id: str,
        *,
        endpoint_id: str | None,
        resource_id: str | None,
        descending: bool,
        limit: int,
        token: str | None,
    ) -> Page[WebhookSubscription]:
        query = select(SubscriptionRow).where(SubscriptionRow.workspace_id == workspace_id)
        if endpoint_id is not None:
            query = query.where(SubscriptionRow.endpoint_id == endpoint_id)
        if resource_id is not None:
            query = query.where(SubscriptionRow.resource_id == resource_id)
        rows = self._page(query, SubscriptionRow, descending, limit, token)
        return Page([_subscription(r) for r in rows[:limit]], self._next(rows, limit))

    # -- events and deliveries -------------------------------------------------------------

    def matching_endpoints(
        self, workspace_id: str, event_type: str, resource_ids: Iterable[str]
    ) -> list[str]:
        """Enabled endpoints that want this event globally or through a resource subscription."""
        wanted: dict[str, None] = {}
        resources = [r for r in resource_ids if r]
        with self._sessions() as s:
            for ep in s.scalars(
                select(EndpointRow).where(
                    EndpointRow.workspace_id == workspace_id,
                    EndpointRow.status == EndpointStatus.ENABLED.value,
                )
            ):
                if event_type in ep.enabled_events:
                    wanted[ep.id] = None
            if resources:
                subs = s.execute(
                    select(SubscriptionRow.endpoint_id, SubscriptionRow.enabled_events)
                    .join(EndpointRow, EndpointRow.id == SubscriptionRow.endpoint_id)
                    .where(
                        SubscriptionRow.workspace_id == workspace_id,
                        SubscriptionRow.resource_id.in_(resources),
                        EndpointRow.status == EndpointStatus.ENABLED.value,
                    )
                )
                for endpoint_id, events in subs:
                    if event_type in events:
                        wanted[endpoint_id] = None
        return list(wanted)

    def add_event(
        self, event: WebhookEvent, deliveries: list[tuple[str, str]], now: datetime
    ) -> None:
        """Store the event and one pending delivery per ``(delivery_id, endpoint_id)``."""
        with self._sessions() as s, s.begin():
            s.add(EventRow(**event.model_dump()))
            s.flush()
            for delivery_id, endpoint_id in deliveries:
                s.add(
                    DeliveryRow(
                        id=delivery_id,
                        event_id=event.id,
                        endpoint_id=endpoint_id,
                        status=DeliveryStatus.PENDING.value,
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )

    def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[DeliveryJob]:
        """Claim up to ``limit`` due deliveries by moving their next attempt past the lease."""
        jobs: list[DeliveryJob] = []
        with self._sessions() as s, s.begin():
            due = s.scalars(
                select(DeliveryRow.id)
                .where(
                    DeliveryRow.status == DeliveryStatus.PENDING.value,
                    DeliveryRow.next_attempt_at <= now,
                )
                .order_by(DeliveryRow.next_attempt_at)
                .limit(limit)
            ).all()
            for delivery_id in due:
                claimed = s.execute(
                    update(DeliveryRow)
                    .where(
                        DeliveryRow.id == delivery_id,
                        DeliveryRow.status == DeliveryStatus.PENDING.value,
                        DeliveryRow.next_attempt_at <= now,
                    )
                    .values(next_attempt_at=now + lease)
                )
                if getattr(claimed, "rowcount", 0) != 1:
                    continue
                row = s.get_one(DeliveryRow, delivery_id)
                ep = s.get_one(EndpointRow, row.endpoint_id)
                options = AdvancedOptions.model_validate(ep.advanced_options or {})
                jobs.append(
                    DeliveryJob(
                        delivery_id=row.id,
                        url=ep.url,
                        signing_secret=ep.signing_secret,
                        headers=dict(options.headers or {}),
                        event=_event(s.get_one(EventRow, row.event_id)),
                        attempts_made=row.attempts,
                        payload=options.payload,
                    )
                )
        return jobs

    def record_attempt(
        self,
        delivery_id: str,
        attempt: DeliveryAttempt,
        *,
        delivered: bool,
        next_attempt_at: datetime | None,
    ) -> None:
        """Log one attempt; ``next_attempt_at`` None on a failure means: give up."""
        if delivered:
            status = DeliveryStatus.DELIVERED
        elif next_attempt_at is None:
            status = DeliveryStatus.FAILED
        else:
            status = DeliveryStatus.PENDING
        with self._sessions() as s, s.begin():
            s.add(AttemptRow(delivery_id=delivery_id, **attempt.model_dump()))
            s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery_id)
                .values(
                    status=status.value,
                    attempts=attempt.number,
                    next_attempt_at=next_attempt_at,
                    updated_at=datetime.now(UTC),
                )
            )

    def delivery_payload(self, delivery_id: str) -> tuple[str, dict[str, Any]] | None:
        """The endpoint's signing secret and the event payload, for signed payload URLs."""
        with self._sessions() as s:
            found = s.execute(
                select(EndpointRow.signing_secret, EventRow.payload)
                .join(DeliveryRow, DeliveryRow.endpoint_id == EndpointRow.id)
                .join(EventRow, EventRow.id == DeliveryRow.event_id)
                .where(DeliveryRow.id == delivery_id)
            ).first()
            return (found[0], dict(found[1])) if found else None

    def deliveries(
        self, *, endpoint_id: str | None = None, event_id: str | None = None
    ) -> list[WebhookDelivery]:
        """Deliveries with their attempts, oldest first (for operators and tests)."""
        with self._sessions() as s:
            query = select(DeliveryRow).order_by(DeliveryRow.created_at, DeliveryRow.id)
            if endpoint_id is not None:
                query = query.where(DeliveryRow.endpoint_id == endpoint_id)
            if event_id is not None:
                query = query.where(DeliveryRow.event_id == event_id)
            out: list[WebhookDelivery] = []
            for row in s.scalars(query):
                attempts = s.scalars(
                    select(AttemptRow)
                    .where(AttemptRow.delivery_id == row.id)
                    .order_by(AttemptRow.number)
                )
                out.append(
                    WebhookDelivery(
                        id=row.id,
                        event_id=row.event_id,
                        endpoint_id=row.endpoint_id,
                        status=DeliveryStatus(row.status),
                        attempts=[
                            DeliveryAttempt(
                                number=a.number,
                                started_at=a.started_at,
                                duration_ms=a.duration_ms,
                                status_code=a.status_code,
                                error=a.error,
                            )
                            for a in attempts
                        ],
                        next_attempt_at=row.next_attempt_at,
                        created_at=row.created_at,
                    )
                )
            return out

    # -- paging ----------------------------------------------------------------------------

    def _page(
        self, query: Any, model: type[R], descending: bool, limit: int, token: str | None
    ) -> list[R]:
        if token:
            when, last = _decode_token(token)
            if descending:
                after = or_(
                    model.created_at < when, and_(model.created_at == when, model.id < last)
                )
            else:
                after = or_(
                    model.created_at > when, and_(model.created_at == when, model.id > last)
                )
            query = query.where(after)
        order = (
            (model.created_at.desc(), model.id.desc())
            if descending
            else (
                model.created_at.asc(),
                model.id.asc(),
            )
        )
        with self._sessions() as s:
            return list(s.scalars(query.order_by(*order).limit(limit + 1)))

    @staticmethod
    def _next(rows: list[EndpointRow] | list[SubscriptionRow], limit: int) -> str | None:
        if len(rows) <= limit:
            return None
        last = rows[limit - 1]
        return _encode_token(last.created_at, last.id)
