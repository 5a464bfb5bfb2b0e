"""Stored files: upload, materialise run inputs (id, URL, text, inline bytes), list, delete.

URL downloads go through an injected ``fetch(url, max_bytes) -> (bytes, name)`` so the SSRF
guard of :mod:`docket.services.fetch` (or a test double) decides what may be reached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from docket.domain.runs import Page, StoredFile
from docket.errors import DocketError, ErrorCode, FileSizeTooLarge, InvalidRequest, NotFound
from docket.pipeline import media_types as mt
from docket.pipeline.detect import detect
from docket.services.ids import new_id
from docket.storage.blobs import BlobStore
from docket.store.repos import BadPageToken, FileRepository, RunRepository, now

log = logging.getLogger(__name__)

FetchFn = Callable[[str, int], tuple[bytes, str | None]]

# Extend's FileType enum only has these; other types go without ``type``.
_FILE_TYPE = {
    mt.PDF: "PDF",
    mt.CSV: "CSV",
    mt.TSV: "CSV",
    mt.TEXT: "TXT",
    mt.MARKDOWN: "TXT",
    mt.DOCX: "DOCX",
    mt.DOC: "DOCX",
    mt.ODT: "DOCX",
    mt.XLSX: "EXCEL",
    mt.XLS: "EXCEL",
    mt.ODS: "EXCEL",
    mt.HTML: "HTML",
    "application/xml": "XML",
    "text/xml": "XML",
    **{m: "IMG" for m in mt.IMAGES},
}


def file_type(media_type: str | None) -> str | None:
    return _FILE_TYPE.get(media_type or "")


@dataclass(frozen=True)
class ById:
    id: str


@dataclass(frozen=True)
class ByUrl:
    url: str
    name: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class ByText:
    text: str
    name: str | None = None


@dataclass(frozen=True)
class ByBytes:
    data: bytes
    name: str | None = None
    password: str | None = None


FileInput = ById | ByUrl | ByText | ByBytes


def _sniff(data: bytes) -> str | None:
    try:
        return detect(data)
    except DocketError:
        return None


def _page_count(data: bytes, media_type: str | None, password: str | None) -> int | None:
    if media_type != mt.PDF:
        return None
    try:
        import pypdfium2

        pdf = pypdfium2.PdfDocument(data, password=password)
        try:
            return len(pdf)
        finally:
            pdf.close()
    except Exception:  # encrypted without password, damaged: the parse run will say why
        return None


def _url_name(url: str) -> str:
    last = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    return last or "download"


class FileService:
    def __init__(
        self,
        files: FileRepository,
        runs: RunRepository,
        blobs: BlobStore,
        fetch: FetchFn,
        max_bytes: int,
    ) -> None:
        self._files = files
        self._runs = runs
        self._blobs = blobs
        self._fetch = fetch
        self.max_bytes = max_bytes

    def store(
        self, workspace_id: str, name: str, data: bytes, password: str | None = None
    ) -> StoredFile:
        if len(data) > self.max_bytes:
            raise FileSizeTooLarge(
                f"the file is {len(data)} bytes; the limit is {self.max_bytes} bytes"
            )
        if not data:
            raise InvalidRequest("the file is empty")
        media_type = _sniff(data)
        file_id = new_id("file")
        key = f"files/{file_id}"
        self._blobs.put(key, data)
        stamp = now()
        stored = StoredFile(
            id=file_id,
            workspace_id=workspace_id,
            name=(name or "upload")[:512],
            media_type=media_type,
            size=len(data),
            page_count=_page_count(data, media_type, password),
            blob_key=key,
            created_at=stamp,
            updated_at=stamp,
            password=password or None,
        )
        try:
            self._files.add(stored)
        except BaseException:
            self._blobs.delete(key)
            raise
        return stored

    def resolve(self, workspace_id: str, ref: FileInput) -> StoredFile:
        """The stored file a run reads; URL, text and inline inputs become new files."""
        if isinstance(ref, ById):
            return self.get(workspace_id, ref.id)
        if isinstance(ref, ByText):
            if not ref.text:
                raise InvalidRequest("file.text is empty")
            return self.store(workspace_id, ref.name or "text.txt", ref.text.encode())
        if isinstance(ref, ByBytes):
            return self.store(workspace_id, ref.name or "upload", ref.data, ref.password)
        data, found_name = self._fetch(ref.url, self.max_bytes)
        return self.store(
            workspace_id, ref.name or found_name or _url_name(ref.url), data, ref.password
        )

    def get(self, workspace_id: str, file_id: str) -> StoredFile:
        found = self._files.get(workspace_id, file_id)
        if found is None:
            raise NotFound(f"File {file_id} not found")
        return found

    def content(self, stored: StoredFile) -> bytes:
        return self._blobs.get(stored.blob_key)

    def page(
        self,
        workspace_id: str,
        *,
        name_contains: str | None,
        ascending: bool,
        token: str | None,
        size: int,
    ) -> Page[StoredFile]:
        try:
            return self._files.page(
                workspace_id,
                name_contains=name_contains,
                ascending=ascending,
                token=token,
                size=size,
            )
        except BadPageToken as exc:
            raise InvalidRequest(str(exc)) from None

    def summaries(self, ids: list[str]) -> dict[str, StoredFile]:
        return self._files.get_many(ids)

    def delete(self, workspace_id: str, file_id: str) -> str:
        gone = self._files.delete(workspace_id, file_id)
        if gone is None:
            raise NotFound(f"File {file_id} not found")
        for key in [gone.blob_key, *self._runs.purge_files_of(workspace_id, file_id)]:
            try:
                self._blobs.delete(key)
            except OSError:
                log.warning("could not delete blob %s", key)
        return file_id


def http_fetch(url: str, max_bytes: int) -> tuple[bytes, str | None]:
    """Plain download (no SSRF guard); for tests and trusted setups only."""
    import httpx

    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=60) as resp:
            if resp.status_code >= 400:
                raise DocketError(
                    f"the server answered HTTP {resp.status_code}",
                    code=ErrorCode.UNABLE_TO_DOWNLOAD_FILE,
                )
            chunks: list[bytes] = []
            total = 0
            for chunk in resp.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise FileSizeTooLarge(f"the file is larger than {max_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks), None
    except httpx.HTTPError as exc:
        raise DocketError(
            f"could not download the file: {exc}", code=ErrorCode.UNABLE_TO_DOWNLOAD_FILE
        ) from None
