"""Request dependencies of the LlamaCloud routes: the agents helper over extraction."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request

from docket.api.deps import services
from docket.services.llamacloud_agents import LlamaAgents

_lock = threading.Lock()


def llama_agents(request: Request) -> LlamaAgents:
    """One :class:`LlamaAgents` per app (it caches default agents), over its extraction."""
    state = request.app.state
    with _lock:
        found = getattr(state, "llamacloud_agents", None)
        if not isinstance(found, LlamaAgents):
            found = LlamaAgents(services(request).extraction)
            state.llamacloud_agents = found
    return found


AgentsDep = Annotated[LlamaAgents, Depends(llama_agents)]
