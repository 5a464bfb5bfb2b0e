"""Every LlamaCloud router, for ``create_app`` to include."""

from __future__ import annotations

from fastapi import APIRouter

from docket.api.llamacloud.files import files_router

ROUTERS: tuple[APIRouter, ...] = (files_router,)
