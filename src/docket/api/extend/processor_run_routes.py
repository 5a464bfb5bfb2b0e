"""Pieces the classify and split routes share: sync waiting, batch limits, dashboard links."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request

from docket.api.deps import Services, base_url
from docket.domain.runs import Run
from docket.errors import DocketError, ErrorCode, InvalidRequest

SORT_DIR = Annotated[Literal["asc", "desc"], Query(alias="sortDir")]


def dashboard_url(svc: Services, request: Request | None, run: Run) -> str:
    """Extend's ``dashboardUrl`` (required): here the run's own API URL."""
    if request is not None:
        root = base_url(request, svc)
    else:
        root = (svc.settings.server.public_url or "").rstrip("/")
    return f"{root}/{run.kind}_runs/{run.id}"


def check_batch_size(svc: Services, n: int) -> None:
    limit = svc.settings.limits.max_batch_inputs
    if n > limit:
        raise InvalidRequest(f"a batch takes at most {limit} inputs; got {n}")


def wait_for(svc: Services, run: Run, runs_path: str) -> Run:
    """Block until ``run`` closes (sync endpoints) and return it in its terminal state, as sync
    ``/extract`` does (a FAILED run carries ``failureReason``); past the sync limit, 422
    TIMEOUT carrying ``runId`` (the run goes on)."""
    limit = svc.settings.server.sync_timeout_s
    done = svc.executor.wait(run.id, limit)
    if done is None:
        raise DocketError(
            f"the run did not finish within {limit:g} s; poll GET {runs_path}/{run.id}",
            code=ErrorCode.TIMEOUT,
            run_id=run.id,
        )
    return done
