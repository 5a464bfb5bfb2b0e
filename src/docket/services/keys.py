"""API keys: ``sk_`` + 256 random bits, shown once, stored only as a SHA-256 hash.

A key with that much entropy needs no slow hash; SHA-256 lets every request authenticate with
one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets

from docket.errors import DocketError, ErrorCode
from docket.services.ids import new_id
from docket.store.repos import WorkspaceRepository


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyService:
    def __init__(self, repo: WorkspaceRepository) -> None:
        self._repo = repo

    def create(self, workspace_name: str) -> tuple[str, str]:
        """A new key for ``workspace_name`` (created if new); returns (key, workspace id)."""
        name = workspace_name.strip()
        if not name:
            raise DocketError("the workspace name is empty", code=ErrorCode.INVALID_REQUEST)
        ws = self._repo.get_or_create(new_id("ws"), name)
        key = f"sk_{secrets.token_urlsafe(32)}"
        self._repo.add_key(new_id("key"), ws.id, hash_key(key), key[:10])
        return key, ws.id

    def revoke(self, key_prefix: str) -> int:
        return self._repo.revoke(key_prefix[:10])

    def authenticate(self, key: str) -> str | None:
        """The workspace id the key belongs to, or None."""
        if not key:
            return None
        return self._repo.workspace_for_key(hash_key(key))
