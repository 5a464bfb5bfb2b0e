"""Local blob store: atomic writes, missing keys, keys that try to leave the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from docket.storage.blobs import BlobNotFound, LocalBlobStore


def test_put_get_delete(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put("files/a", b"one")
    store.put("files/a", b"two")
    assert store.get("files/a") == b"two"
    assert [p.name for p in (tmp_path / "files").iterdir()] == ["a"]  # no temp files left
    store.delete("files/a")
    store.delete("files/a")
    with pytest.raises(BlobNotFound):
        store.get("files/a")


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "a/../../b", "", "a//b"])
def test_rejects_escaping_keys(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        LocalBlobStore(tmp_path).put(key, b"x")
