"""LlamaExtract code, unchanged, pointed at Docket.

Run a Docket server (``docket serve``), make a key (``docket keys create --workspace demo``) and:

    LLAMA_CLOUD_BASE_URL=http://127.0.0.1:8000 LLAMA_CLOUD_API_KEY=sk_... \\
        python examples/llamacloud_extract.py [path/to/document.pdf]

The only Docket-specific part is the two environment variables: the ``llama-cloud`` SDK reads
them itself. Prints the extracted invoice as JSON (with the page and text each value came from).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from llama_cloud import LlamaCloud
from pydantic import BaseModel, Field


class Invoice(BaseModel):
    invoice_number: str = Field(description="The invoice number")
    invoice_date: str | None = Field(default=None, description="Invoice date")
    total: float = Field(description="Total amount due")


def main(path: Path) -> dict[str, object]:
    client = LlamaCloud()  # LLAMA_CLOUD_BASE_URL and LLAMA_CLOUD_API_KEY from the environment

    agent = client.extraction.extraction_agents.create(
        name="invoice-example",
        data_schema=Invoice.model_json_schema(),
        config={"extraction_mode": "FAST", "cite_sources": True, "confidence_scores": True},
    )
    try:
        with path.open("rb") as fh:
            file = client.files.create(file=fh, purpose="extract")
        result = client.extraction.jobs.extract(
            extraction_agent_id=agent.id, file_id=file.id, polling_interval=0.2
        )
    finally:
        client.extraction.extraction_agents.delete(agent.id)

    sources = {
        name: [(c["page"], c["matching_text"]) for c in meta.get("citation", [])]
        for name, meta in result.extraction_metadata["field_metadata"].items()
    }
    return {"data": result.data, "sources": sources}


if __name__ == "__main__":
    default = Path(__file__).with_name("sample.pdf")
    print(json.dumps(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default), indent=2))
