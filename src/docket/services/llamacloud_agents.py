"""LlamaCloud's extraction agents as Docket extractors, and each workspace's default agent.

An agent *is* a saved extractor (kind ``extractor``): LlamaCloud only adds its own config and
the schema as sent, kept in ``ExtractConfig.extras["llamacloud"]`` so that both protocols see
one object. The stateless ``POST /extraction/run`` runs on a *default agent* of the project;
Docket creates it on first use and marks it in those extras (``default: true``) so that agent
listings can leave it out unless ``include_default`` is asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, Final

from docket.domain.extract_config import ExtractConfig
from docket.domain.processors import Processor, ProcessorKind
from docket.domain.runs import Run
from docket.errors import NotFound
from docket.services.extraction import ExtractionService, run_processor
from docket.services.processors import ProcessorService

EXTRAS_KEY: Final = "llamacloud"
DEFAULT_AGENT_NAME: Final = "default-extraction-agent"
_PAGE: Final = 200


def llama_extras(cfg: ExtractConfig) -> dict[str, Any]:
    found = cfg.extras.get(EXTRAS_KEY)
    return dict(found) if isinstance(found, dict) else {}


def is_default(p: Processor) -> bool:
    extras = p.draft.config.get("extras") or {}
    return bool((extras.get(EXTRAS_KEY) or {}).get("default"))


def mark_default(cfg: ExtractConfig) -> ExtractConfig:
    extras = {**cfg.extras, EXTRAS_KEY: {**llama_extras(cfg), "default": True}}
    return cfg.model_copy(update={"extras": extras})


class LlamaAgents:
    """Agent lookups the LlamaCloud routes need on top of the extraction service."""

    def __init__(self, extraction: ExtractionService) -> None:
        self.extraction = extraction
        self._lock = threading.Lock()
        self._defaults: dict[str, str] = {}  # workspace -> default agent id (a cache)

    @property
    def processors(self) -> ProcessorService:
        return self.extraction.processors

    def get(self, workspace_id: str, agent_id: str) -> Processor:
        return self.processors.get(workspace_id, ProcessorKind.EXTRACTOR, agent_id)

    def all(self, workspace_id: str) -> Iterator[Processor]:
        token: str | None = None
        while True:
            page = self.processors.page(
                workspace_id, ProcessorKind.EXTRACTOR, token=token, size=_PAGE
            )
            yield from page.items
            if not page.next_token:
                return
            token = page.next_token

    def default(self, workspace_id: str, config: ExtractConfig) -> Processor:
        """The workspace's default agent, created with ``config`` on first use."""
        with self._lock:
            known = self._defaults.get(workspace_id)
            if known is not None:
                try:
                    return self.get(workspace_id, known)
                except NotFound:
                    del self._defaults[workspace_id]
            found = next((p for p in self.all(workspace_id) if is_default(p)), None)
            if found is None:
                found = self.processors.create(
                    workspace_id,
                    ProcessorKind.EXTRACTOR,
                    DEFAULT_AGENT_NAME,
                    config=mark_default(config).model_dump(mode="json"),
                )
            self._defaults[workspace_id] = found.id
            return found

    def runs(self, workspace_id: str, agent_id: str) -> Iterator[Run]:
        """Every extract run of the agent, newest first."""
        token: str | None = None
        while True:
            page = self.extraction.page(
                workspace_id, extractor_id=agent_id, token=token, size=_PAGE
            )
            for run in page.items:
                ref = run_processor(run)
                if ref is not None and ref.get("id") == agent_id:
                    yield run
            if not page.next_token:
                return
            token = page.next_token
