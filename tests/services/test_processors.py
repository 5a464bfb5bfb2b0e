"""The generic saved-processor framework on a real SQLite database (migrated by Alembic)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from docket.domain.processors import ProcessorKind, ReleaseType, next_version, parse_version
from docket.errors import DocketError, ErrorCode, InvalidConfiguration, NotFound
from docket.services.processors import ProcessorService, ProcessorSpec
from docket.store.db import Database
from docket.store.processors import ProcessorRepository


class Events:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, dict[str, Any]]] = []

    def emit(self, workspace_id: str, event_type: str, payload: Mapping[str, Any]) -> None:
        self.items.append((workspace_id, event_type, dict(payload)))


def _validate(config: dict[str, Any]) -> dict[str, Any]:
    """A toy kind: needs a non-empty ``labels`` list; normalises them to lower case."""
    labels = config.get("labels")
    if not isinstance(labels, list) or not labels:
        raise InvalidConfiguration("config.labels: needs at least one label", path="labels")
    return {"labels": [str(x).lower() for x in labels]}


@pytest.fixture
def service(tmp_path: Path) -> tuple[ProcessorService, Events]:
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    db.migrate()
    events = Events()
    svc = ProcessorService(
        ProcessorRepository(db.sessions),
        {
            ProcessorKind.CLASSIFIER: ProcessorSpec(
                ProcessorKind.CLASSIFIER,
                "cl",
                "clv",
                "Classifier",
                _validate,
                default_config=lambda: {"labels": ["other"]},
            ),
            ProcessorKind.SPLITTER: ProcessorSpec(
                ProcessorKind.SPLITTER, "spl", "splv", "Splitter", _validate
            ),
        },
        events,
    )
    svc.present = lambda p: {"object": p.kind.value, "id": p.id, "name": p.name}
    svc.present_version = lambda v: {"id": v.id, "version": v.version}
    return svc, events


K = ProcessorKind.CLASSIFIER


def test_version_numbers() -> None:
    assert next_version(None, ReleaseType.MINOR) == "0.1"
    assert next_version(None, ReleaseType.MAJOR) == "1.0"
    assert next_version((0, 3), ReleaseType.MAJOR) == "1.0"
    assert next_version((1, 0), ReleaseType.MINOR) == "1.1"
    assert next_version((2, 9), ReleaseType.MINOR) == "2.10"
    assert parse_version("2.10") == (2, 10) and parse_version("draft") is None


def test_create_update_publish_and_resolve(service: tuple[ProcessorService, Events]) -> None:
    svc, events = service
    p = svc.create("ws1", K, "Docs", config={"labels": ["Invoice", "Receipt"]})
    assert p.id.startswith("cl_") and p.draft.id.startswith("clv_")
    assert p.draft.version == "draft" and p.draft.config == {"labels": ["invoice", "receipt"]}
    # latest falls back to the draft while nothing is published
    assert svc.resolve("ws1", K, p.id).version.id == p.draft.id

    v1 = svc.publish("ws1", K, p.id, ReleaseType.MINOR, description="first")
    assert v1.version == "0.1" and v1.description == "first" and v1.config == p.draft.config
    svc.update("ws1", K, p.id, config={"labels": ["Memo"]}, name="Renamed")
    assert svc.get("ws1", K, p.id).name == "Renamed"
    # published versions never change; the draft does
    assert svc.version("ws1", K, p.id, "0.1").config == {"labels": ["invoice", "receipt"]}
    assert svc.version("ws1", K, p.id, "draft").config == {"labels": ["memo"]}
    assert svc.version("ws1", K, p.id).id == v1.id  # latest = newest published

    v2 = svc.publish("ws1", K, p.id, ReleaseType.MAJOR, config={"labels": ["Letter"]})
    assert v2.version == "1.0" and v2.config == {"labels": ["letter"]}
    assert svc.get("ws1", K, p.id).draft.config == {"labels": ["letter"]}
    v3 = svc.publish("ws1", K, p.id, ReleaseType.MINOR)
    assert v3.version == "1.1"
    assert svc.version("ws1", K, p.id, v2.id).version == "1.0"  # by version id
    assert svc.resolve("ws1", K, p.id, "latest").version.version == "1.1"

    names = [e[1] for e in events.items]
    assert names == [
        "classifier.created",
        "classifier.version.published",
        "classifier.updated",
        "classifier.draft.updated",
        "classifier.version.published",
        "classifier.version.published",
    ]
    assert events.items[1][2] == {"id": v1.id, "version": "0.1"}


def test_versions_listing_draft_first_and_paged(service: tuple[ProcessorService, Events]) -> None:
    svc, _ = service
    p = svc.create("ws1", K, "V", config={"labels": ["a"]})
    for release in (ReleaseType.MINOR, ReleaseType.MINOR, ReleaseType.MAJOR):
        svc.publish("ws1", K, p.id, release)
    first = svc.versions("ws1", K, p.id, size=2)
    assert [v.version for v in first.items] == ["draft", "1.0"] and first.next_token
    second = svc.versions("ws1", K, p.id, size=2, token=first.next_token)
    assert [v.version for v in second.items] == ["0.2", "0.1"] and second.next_token is None
    asc = svc.versions("ws1", K, p.id, ascending=True, size=10)
    assert [v.version for v in asc.items] == ["draft", "0.1", "0.2", "1.0"]
    with pytest.raises(DocketError) as bad:
        svc.versions("ws1", K, p.id, token="garbage!")
    assert bad.value.code is ErrorCode.INVALID_REQUEST


def test_list_paginates_and_sorts(service: tuple[ProcessorService, Events]) -> None:
    svc, _ = service
    made = [svc.create("ws2", K, f"p{i}").id for i in range(5)]
    seen: list[str] = []
    token = None
    while True:
        page = svc.page("ws2", K, size=2, token=token)
        seen += [p.id for p in page.items]
        token = page.next_token
        if token is None:
            break
    assert seen == made[::-1]
    asc = svc.page("ws2", K, ascending=True, size=10)
    assert [p.id for p in asc.items] == made
    svc.update("ws2", K, made[0], name="touched")
    by_update = svc.page("ws2", K, sort_by="updatedAt", size=1)
    assert by_update.items[0].id == made[0]
    assert svc.page("ws2", K, size=1).items[0].draft.config == {"labels": ["other"]}


def test_clone_copies_the_draft(service: tuple[ProcessorService, Events]) -> None:
    svc, _ = service
    src = svc.create("ws1", K, "Source", config={"labels": ["x", "y"]})
    clone = svc.create("ws1", K, "Copy", clone_id=src.id)
    assert clone.id != src.id and clone.draft.config == src.draft.config
    with pytest.raises(NotFound):
        svc.create("ws2", K, "Stolen", clone_id=src.id)  # other workspace: not found


def test_validation_and_isolation(service: tuple[ProcessorService, Events]) -> None:
    svc, _ = service
    with pytest.raises(InvalidConfiguration) as err:
        svc.create("ws1", K, "Bad", config={"labels": []})
    assert err.value.http_status == 400 and err.value.details["path"] == "labels"
    with pytest.raises(DocketError) as empty:
        svc.create("ws1", K, "  ", config={"labels": ["a"]})
    assert empty.value.code is ErrorCode.INVALID_REQUEST
    p = svc.create("ws1", K, "Mine", config={"labels": ["a"]})
    for call in (
        lambda: svc.get("ws2", K, p.id),
        lambda: svc.update("ws2", K, p.id, name="x"),
        lambda: svc.publish("ws2", K, p.id, ReleaseType.MINOR),
        lambda: svc.versions("ws2", K, p.id),
        lambda: svc.version("ws2", K, p.id, "draft"),
        lambda: svc.delete("ws2", K, p.id),
        lambda: svc.get("ws1", ProcessorKind.SPLITTER, p.id),  # a classifier is no splitter
    ):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(NotFound):
        svc.version("ws1", K, p.id, "9.9")
    assert svc.delete("ws1", K, p.id) == p.id
    with pytest.raises(NotFound):
        svc.get("ws1", K, p.id)
