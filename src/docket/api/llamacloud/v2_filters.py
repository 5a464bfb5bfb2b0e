"""The creation-time window of LlamaCloud v2 listings (``created_at_on_or_after/before``)."""

from __future__ import annotations

from datetime import UTC, datetime

from docket.errors import InvalidRequest


def stamp(value: str | None, name: str) -> datetime | None:
    """An ISO 8601 query value (``Z`` allowed; no zone means UTC), or a 400."""
    if value is None or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(f"{name} {value!r} is not an ISO 8601 timestamp") from None
    return _utc(parsed)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def within(created: datetime, after: datetime | None, before: datetime | None) -> bool:
    """Inclusive at both ends."""
    at = _utc(created)
    return (after is None or at >= after) and (before is None or at <= before)
