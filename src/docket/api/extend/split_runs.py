"""Extend-compatible /split (sync) and /split_runs routes.

Sync split waits like ``/classify`` (the terminal run, or 422 TIMEOUT carrying ``runId``).
``file`` must be ``{url}`` or ``{id}``: raw ``{text}`` has no pages to cut, so it is refused with
400 INVALID_REQUEST. Each split of a PROCESSED run names a derived file (``fileId``) whose File
carries ``parentFileId`` and ``metadata.parentSplit``. The routes themselves are built by
:func:`processor_run_router`.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from docket.api.deps import Services
from docket.api.extend.classify_config import split_plan
from docket.api.extend.classify_present import split_output_json
from docket.api.extend.classify_requests import SplitBatchRequest, SplitRequest
from docket.api.extend.processor_run_routes import present_run, processor_run_router
from docket.api.extend.requests import file_input
from docket.domain.processors import ProcessorKind
from docket.domain.runs import Run
from docket.errors import InvalidRequest
from docket.services.files import FileInput
from docket.services.split_output import StoredSplit

KIND = "split"


def split_input(ref: dict[str, Any]) -> FileInput:
    """A file reference split accepts: no raw text (Extend: url or id only)."""
    if ref.get("text") is not None:
        raise InvalidRequest("file.text is not accepted by split; give a file url or id")
    return file_input(ref)


def _render(data: bytes) -> dict[str, Any]:
    return split_output_json(StoredSplit.model_validate_json(data))


def present(svc: Services, request: Request | None, run: Run) -> dict[str, Any]:
    return present_run(svc, request, run, _render)


router = processor_run_router(
    KIND, ProcessorKind.SPLITTER, SplitRequest, SplitBatchRequest, split_plan, present, split_input
)
