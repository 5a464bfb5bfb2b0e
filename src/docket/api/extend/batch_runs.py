"""Extend-compatible GET /batch_runs/{id}: aggregate status of a batch of runs of any kind."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from docket.api.deps import ServicesDep, WorkspaceDep, workspace
from docket.api.extend.present import batch_json

router = APIRouter(tags=["batches"], dependencies=[Depends(workspace)])


@router.get("/batch_runs/{batch_id}")
def get_batch_run(batch_id: str, ws: WorkspaceDep, svc: ServicesDep) -> dict[str, Any]:
    return batch_json(svc.runs.get_batch(ws, batch_id))
