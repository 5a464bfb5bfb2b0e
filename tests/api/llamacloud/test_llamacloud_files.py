"""``client.files`` of the LlamaCloud SDK against Docket: upload, list, content link, delete."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from llama_cloud import AuthenticationError, LlamaCloud, NotFoundError
from llamacloud_helpers import Client


def test_upload_get_list_delete(llama: Client, sample_path: Path, sample_pdf: bytes) -> None:
    client = llama()
    with sample_path.open("rb") as fh:
        up = client.files.create(file=fh, purpose="extract", external_file_id="ext-1")
    assert up.id and up.name == "invoice sample.pdf"
    assert up.file_type == "pdf" and up.purpose == "extract" and up.external_file_id == "ext-1"
    assert up.project_id

    link = client.files.get(up.id)
    assert link.expires_at is not None
    assert httpx.get(link.url).content == sample_pdf

    listed = [f.id for f in client.files.list(file_name="invoice sample.pdf")]
    assert up.id in listed
    assert [f.id for f in client.files.list(file_ids=[up.id])] == [up.id]
    # another workspace neither sees nor reaches it
    other = llama("globex")
    assert up.id not in [f.id for f in other.files.list()]
    with pytest.raises(NotFoundError):
        other.files.get(up.id)

    client.files.delete(up.id)
    with pytest.raises(NotFoundError):
        client.files.get(up.id)
    with pytest.raises(NotFoundError) as err:
        client.files.delete(up.id)
    assert "not found" in str(err.value.body).lower()


def test_list_pages_with_cursor(llama: Client) -> None:
    client = llama("globex")
    made = {
        client.files.create(file=(f"p{i}.txt", b"hello %d" % i), purpose="extract").id
        for i in range(5)
    }
    page = client.files.list(page_size=2)
    assert len(page.items) == 2 and page.next_page_token
    seen = {f.id for f in client.files.list(page_size=2)}  # auto-pagination follows the cursor
    assert made <= seen


def test_bad_key_is_authentication_error(llama_server: object) -> None:
    url = llama_server.url
    client = LlamaCloud(api_key="sk_wrong", base_url=url, max_retries=0)
    with pytest.raises(AuthenticationError):
        client.files.create(file=("a.txt", b"x"), purpose="extract")
