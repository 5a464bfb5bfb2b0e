"""A table engine that finds nothing: for callers that want text only."""

from __future__ import annotations

from docket.domain.document import Block, PageContent


class NoTables:
    def detect(self, page: PageContent) -> list[Block]:
        return []
