"""Types, schemas and small helpers shared by the LlamaCloud SDK tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llama_cloud import LlamaCloud
from pydantic import BaseModel, Field

Client = Callable[..., LlamaCloud]

FAST: dict[str, Any] = {"extraction_mode": "FAST"}


class Invoice(BaseModel):
    """What migrating users pass: a pydantic model's JSON Schema (required, non-null fields)."""

    invoice_number: str = Field(description="Invoice number")
    due_date: str | None = Field(default=None, description="Due date", json_schema_extra=None)
    total: float = Field(description="Total amount")


class LineItem(BaseModel):
    description: str
    qty: int | None = Field(default=None, description="Quantity")
    amount: float


INVOICE_SCHEMA: dict[str, Any] = Invoice.model_json_schema()
ROW_SCHEMA: dict[str, Any] = LineItem.model_json_schema()


def wait(client: LlamaCloud, job_id: str) -> None:
    client.extraction.jobs.wait_for_completion(
        job_id, polling_interval=0.05, max_interval=0.2, backoff="constant", timeout=120
    )
