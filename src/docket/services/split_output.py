"""What a split run stores as its output (rendered by each wire protocol)."""

from __future__ import annotations

from pydantic import BaseModel

from docket.domain.classification import SplitResult


class StoredSplit(BaseModel):
    """The engine's result plus one split id and one derived file id per segment, in order."""

    result: SplitResult
    split_ids: list[str]
    file_ids: list[str]
