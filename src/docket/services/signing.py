"""Short-lived signed download URLs (``presignedUrl``, ``outputUrl``) without a session.

The signature is an HMAC over path and expiry with a per-installation secret kept in
``DOCKET_HOME/secret.key``, so URLs survive restarts and need no database lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path


def load_or_create_secret(path: Path) -> bytes:
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    path.write_text(secret.hex())
    path.chmod(0o600)
    return secret


class UrlSigner:
    def __init__(self, secret: bytes, ttl_s: int) -> None:
        self._secret = secret
        self._ttl = ttl_s

    def _sig(self, path: str, expires: int) -> str:
        return hmac.new(self._secret, f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def sign(self, path: str) -> str:
        """``path?expires=…&signature=…``"""
        expires = int(time.time()) + self._ttl
        return f"{path}?expires={expires}&signature={self._sig(path, expires)}"

    def verify(self, path: str, expires: int, signature: str) -> bool:
        if expires < time.time():
            return False
        return hmac.compare_digest(self._sig(path, expires), signature)
