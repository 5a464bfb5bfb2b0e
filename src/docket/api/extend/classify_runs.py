"""Extend-compatible /classify (sync) and /classify_runs routes.

Sync classify is async plus wait, like ``/extract``: the run is created exactly as ``POST
/classify_runs`` would, then the request waits up to the sync limit and answers the run in its
terminal state (a FAILED run carries ``failureReason``); a timeout answers 422 TIMEOUT with
``runId`` (the run stays pollable). ``file`` may be ``{url}``, ``{id}`` or
``{text}``. The routes themselves are built by :func:`processor_run_router`.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from docket.api.deps import Services
from docket.api.extend.classify_config import classify_plan
from docket.api.extend.classify_present import classify_output_json
from docket.api.extend.classify_requests import ClassifyBatchRequest, ClassifyRequest
from docket.api.extend.processor_run_routes import present_run, processor_run_router
from docket.domain.processors import ProcessorKind
from docket.domain.runs import Run
from docket.services.classify_kind import classify_output

KIND = "classify"


def _render(data: bytes) -> dict[str, Any]:
    return classify_output_json(classify_output(data))


def present(svc: Services, request: Request | None, run: Run) -> dict[str, Any]:
    return present_run(svc, request, run, _render)


router = processor_run_router(
    KIND, ProcessorKind.CLASSIFIER, ClassifyRequest, ClassifyBatchRequest, classify_plan, present
)
