"""LlamaParse (``client.parsing``, ``/api/v2/parse``) over the real ``llama-cloud`` 1.x SDK."""

from __future__ import annotations

from pathlib import Path

import pytest
from apiserver import Running
from llama_cloud import BadRequestError, NotFoundError, PollingError
from llamacloud_helpers import Client

POLL = {"polling_interval": 0.05, "max_interval": 0.2, "backoff": "constant", "timeout": 120}


def test_upload_parse_and_expand(llama: Client, sample_path: Path) -> None:
    client = llama()
    with sample_path.open("rb") as fh:
        got = client.parsing.parse(
            tier="fast",
            version="latest",
            upload_file=fh,
            expand=["text", "markdown", "items", "metadata", "job_metadata"],
            **POLL,
        )
    assert got.job.status == "COMPLETED" and got.job.project_id
    assert got.job_metadata == {"mime_type": "application/pdf", "page_count": 2, "pages_parsed": 2}
    assert got.markdown is not None and got.text is not None and got.items is not None
    first = got.markdown.pages[0]
    assert first.success and first.page_number == 1
    assert first.markdown.startswith("# Invoice INV-2026-0042")
    assert "| Servo motor SM-200 | 4 | $120.00 | $480.00 |" in first.markdown
    assert first.footer == "Page 1" and "Page 1" not in first.markdown  # furniture split out
    assert [p.page_number for p in got.text.pages] == [1, 2]
    assert "Due date: 11 April 2026" in got.text.pages[0].text
    page = got.items.pages[0]
    assert page.success and page.page_width > 0 and page.page_height > 0
    kinds = [i.type for i in page.items]
    assert kinds[:2] == ["header", "heading"] and kinds[-1] == "footer"
    table = next(i for i in page.items if i.type == "table")
    assert table.rows[1] == ["Servo motor SM-200", "4", "$120.00", "$480.00"]
    assert table.csv.splitlines()[0] == "Description,Qty,Unit price,Amount"
    assert "<table>" in table.html and table.bbox and table.bbox[0].w > 0
    listed = next(i for i in page.items if i.type == "list")
    assert len(listed.items) == 3 and not listed.ordered
    heading = next(i for i in page.items if i.type == "heading")
    assert heading.level == 1 and heading.value == "Invoice INV-2026-0042"
    assert got.metadata is not None
    assert [p.printed_page_number for p in got.metadata.pages] == ["Page 1", "Page 2"]


def test_file_id_page_ranges_get_and_list(
    llama: Client, llama_server: Running, sample_path: Path
) -> None:
    client = llama()
    with sample_path.open("rb") as fh:
        file_id = client.files.create(file=fh, purpose="parse").id
    job = client.parsing.create(
        tier="cost_effective",
        version="latest",
        file_id=file_id,
        page_ranges={"target_pages": "2"},
    )
    assert job.status in ("PENDING", "RUNNING", "COMPLETED")
    client.parsing.wait_for_completion(job.id, **POLL)
    plain = client.parsing.get(job.id)
    assert plain.job.status == "COMPLETED" and plain.markdown is None  # nothing expanded
    assert plain.job.name == "invoice sample.pdf"
    extend = llama_server.client().parse_runs.retrieve(job.id)  # the same run, through Extend
    assert extend.status == "PROCESSED"
    text = client.parsing.get(job.id, expand=["text", "markdown_full", "text_full"])
    assert text.text is not None and [p.page_number for p in text.text.pages] == [2]
    assert text.markdown_full and "Invoice INV-2026-0042" not in text.markdown_full
    assert text.text_full and text.text_full.endswith("Page 2")
    capped = client.parsing.create(
        tier="fast", version="latest", file_id=file_id, page_ranges={"max_pages": 1}
    )
    client.parsing.wait_for_completion(capped.id, **POLL)
    one = client.parsing.get(capped.id, expand=["text"])
    assert one.text is not None and [p.page_number for p in one.text.pages] == [1]
    first = client.parsing.list(page_size=1)
    assert len(first.items) == 1 and first.next_page_token
    ids = [j.id for j in client.parsing.list(page_size=1)]
    assert ids.index(capped.id) < ids.index(job.id)  # newest first, followed page by page
    done = [j.id for j in client.parsing.list(status="COMPLETED")]
    assert {job.id, capped.id} <= set(done)
    assert not {job.id, capped.id} & {j.id for j in client.parsing.list(status="FAILED")}


def test_parse_errors(llama: Client, sample_path: Path) -> None:
    client = llama(max_retries=0)
    with pytest.raises(NotFoundError):
        client.parsing.get("prun_nope")
    with pytest.raises(NotFoundError):
        client.parsing.create(tier="fast", version="latest", file_id="file_nope")
    with pytest.raises(BadRequestError):
        client.parsing.create(tier="fast", version="latest")  # no input
    with sample_path.open("rb") as fh:
        file_id = client.files.create(file=fh, purpose="parse").id
    with pytest.raises(BadRequestError, match="target_pages"):
        client.parsing.create(
            tier="fast", version="latest", file_id=file_id, page_ranges={"target_pages": "x"}
        )
    with pytest.raises(BadRequestError, match="webhook"):
        client.parsing.create(
            tier="fast",
            version="latest",
            file_id=file_id,
            webhook_configurations=[{"webhook_url": "http://127.0.0.1:9/hook"}],
        )
    with pytest.raises(BadRequestError):
        client.parsing.list(status="DONE")  # type: ignore[arg-type]
    other = llama("globex", max_retries=0)
    job = client.parsing.create(tier="fast", version="latest", file_id=file_id)
    with pytest.raises(NotFoundError):
        other.parsing.get(job.id)  # another workspace's job does not exist for it
    client.parsing.wait_for_completion(job.id, **POLL)


def test_corrupt_file_fails_the_job(llama: Client, tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\nthis is not a pdf body")
    client = llama()
    with bad.open("rb") as fh:
        job = client.parsing.create(tier="fast", version="latest", upload_file=fh)
    with pytest.raises(PollingError, match="FAILED"):
        client.parsing.wait_for_completion(job.id, **POLL)
    failed = client.parsing.get(job.id, expand=["text"])
    assert failed.job.status == "FAILED" and failed.job.error_message and failed.text is None
