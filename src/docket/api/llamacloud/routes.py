"""Every LlamaCloud router, for ``create_app`` to include."""

from __future__ import annotations

from fastapi import APIRouter

from docket.api.llamacloud.agents import agents_router
from docket.api.llamacloud.classifier import classifier_router
from docket.api.llamacloud.files import files_router
from docket.api.llamacloud.jobs import jobs_router
from docket.api.llamacloud.parsing import parsing_router
from docket.api.llamacloud.runs import runs_router
from docket.api.llamacloud.v2_extract import v2_extract_router

ROUTERS: tuple[APIRouter, ...] = (
    files_router,
    agents_router,
    jobs_router,
    runs_router,
    classifier_router,
    v2_extract_router,
    parsing_router,
)
