"""Files over the real SDK: upload, list with paging, retrieve (presigned download), delete."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from apiserver import Running
from extend_ai import Extend
from extend_ai.errors import NotFoundError, UnauthorizedError


def test_upload_retrieve_download_delete(
    server: Running, sample_path: Path, sample_pdf: bytes
) -> None:
    client = server.client()
    with sample_path.open("rb") as fh:
        up = client.files.upload(file=fh)
    assert up.object == "file" and up.id.startswith("file_")
    assert up.name == "invoice sample.pdf"
    assert up.type == "PDF" and up.metadata.page_count == 2
    assert up.created_at is not None and up.updated_at is not None

    got = client.files.retrieve(up.id)
    assert got.id == up.id and got.presigned_url
    body = httpx.get(got.presigned_url)
    assert body.status_code == 200 and body.content == sample_pdf
    tampered = got.presigned_url.replace("signature=", "signature=0")
    assert httpx.get(tampered).status_code == 401

    assert client.files.delete(up.id).id == up.id
    with pytest.raises(NotFoundError):
        client.files.retrieve(up.id)
    assert httpx.get(got.presigned_url).status_code == 404


def test_list_pages_and_filters(server: Running) -> None:
    client = server.client("globex")
    ids = [client.files.upload(file=(f"page-test-{i}.txt", b"hello %d" % i)).id for i in range(5)]
    seen: list[str] = []
    token = None
    while True:
        page = client.files.list(max_page_size=2, next_page_token=token, name_contains="PAGE-TEST")
        assert len(page.data) <= 2
        seen += [f.id for f in page.data]
        token = page.next_page_token
        if not token:
            break
    assert seen == list(reversed(ids))  # newest first by default
    asc = client.files.list(sort_dir="asc", name_contains="page-test", max_page_size=100)
    assert [f.id for f in asc.data] == ids
    assert client.files.list(name_contains="no-such-name").data == []


def test_workspaces_are_isolated(server: Running) -> None:
    acme, globex = server.client("acme"), server.client("globex")
    mine = acme.files.upload(file=("secret.txt", b"acme only"))
    with pytest.raises(NotFoundError):
        globex.files.retrieve(mine.id)
    with pytest.raises(NotFoundError):
        globex.files.delete(mine.id)
    assert mine.id not in {f.id for f in globex.files.list(max_page_size=1000).data}
    assert acme.files.retrieve(mine.id).id == mine.id


def test_auth_is_required(server: Running) -> None:
    with pytest.raises(UnauthorizedError):
        Extend(base_url=server.url, token="sk_wrong").files.list()
    raw = httpx.get(f"{server.url}/files")
    assert raw.status_code == 401
    body = raw.json()
    assert body["code"] == "UNAUTHORIZED" and body["retryable"] is False
    assert body["requestId"] == raw.headers["x-extend-request-id"]


def test_bad_page_token_and_page_size(server: Running) -> None:
    headers = {"Authorization": f"Bearer {server.keys['acme']}"}
    bad = httpx.get(f"{server.url}/files", params={"nextPageToken": "garbage!"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID_REQUEST"
    big = httpx.get(f"{server.url}/files", params={"maxPageSize": 5000}, headers=headers)
    assert big.status_code == 400 and "maxPageSize" in big.json()["message"]


def test_upload_limits(tight_server: Running) -> None:
    headers = {"Authorization": f"Bearer {tight_server.keys['acme']}"}
    big = b"x" * (tight_server.settings.limits.max_file_bytes + 70 * 1024)
    resp = httpx.post(
        f"{tight_server.url}/files/upload", files={"file": ("big.txt", big)}, headers=headers
    )
    assert resp.status_code == 413
    assert resp.json()["code"] == "FILE_SIZE_TOO_LARGE"
    just_over = b"y" * (tight_server.settings.limits.max_file_bytes + 1)
    resp = httpx.post(
        f"{tight_server.url}/files/upload", files={"file": ("over.txt", just_over)}, headers=headers
    )
    assert resp.status_code == 413 and resp.json()["code"] == "FILE_SIZE_TOO_LARGE"
    missing = httpx.post(f"{tight_server.url}/files/upload", data={"x": "1"}, headers=headers)
    assert missing.status_code == 400 and missing.json()["code"] == "INVALID_REQUEST"


def test_unexpected_failure_is_a_json_internal_error(server: Running) -> None:
    client = server.client()
    up = client.files.upload(file=("vanishing.txt", b"now you see me"))
    link = client.files.retrieve(up.id).presigned_url
    (server.settings.blob_root / "files" / up.id).unlink()  # storage lost behind our back
    resp = httpx.get(link)
    assert resp.status_code == 500
    body = resp.json()
    assert body["code"] == "INTERNAL_ERROR" and body["retryable"] is True
    assert body["message"] == "internal error" and "Traceback" not in resp.text
    assert resp.headers["x-extend-request-id"] == body["requestId"]
