"""Shared query parameters of LlamaCloud routes.

LlamaCloud scopes calls by ``organization_id`` / ``project_id``. In Docket the API key decides
the workspace, and a workspace is the one project (its id is the ``project_id`` Docket
answers with); the parameters are accepted so that unchanged client code keeps working.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from docket.api.deps import workspace
from docket.api.llamacloud.route import LlamaRoute

ProjectId = Annotated[str | None, Query()]
OrganizationId = Annotated[str | None, Query()]


def router(tag: str) -> APIRouter:
    """A router whose routes answer LlamaCloud's error shape and need a Bearer key."""
    return APIRouter(
        prefix="/api/v1", tags=[tag], route_class=LlamaRoute, dependencies=[Depends(workspace)]
    )
