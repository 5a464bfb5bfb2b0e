"""Stable block ids: the same page content gives the same id on every run."""

from __future__ import annotations

import hashlib


def block_id(page: int, index: int, text: str) -> str:
    digest = hashlib.blake2b(f"{page}:{index}:{text}".encode(), digest_size=8).hexdigest()
    return f"block_{digest}"
