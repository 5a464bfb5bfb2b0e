"""Refuse hostile containers before a library opens them.

Office files are zip archives of XML. Before python-docx / openpyxl / python-pptx inflate
anything, the central directory is checked: total and per-member uncompressed sizes and the
compression ratio (zip bombs), and every XML part is streamed once (bounded) to refuse DTDs, so
no entity expansion or external entity can happen whatever parser reads it later.
"""

from __future__ import annotations

import io
import zipfile

from docket.errors import CorruptFile, FileSizeTooLarge

MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_MEMBER = 256 * 1024 * 1024
MAX_RATIO = 200.0
MAX_MEMBERS = 20_000
_CHUNK = 1 << 16


def check_zip(data: bytes, *, max_uncompressed: int = MAX_UNCOMPRESSED) -> None:
    """Raise FILE_SIZE_TOO_LARGE for a zip bomb, CORRUPT_FILE for a damaged or DTD-laden zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFile(f"the file is not a readable zip container: {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise FileSizeTooLarge(f"the container has {len(infos)} parts; too many to open")
        total = sum(i.file_size for i in infos)
        if total > max_uncompressed:
            raise FileSizeTooLarge(
                f"the container inflates to {total} bytes; the limit is {max_uncompressed}"
            )
        for info in infos:
            if info.file_size > MAX_MEMBER:
                raise FileSizeTooLarge(f"part {info.filename} inflates to {info.file_size} bytes")
            ratio = info.file_size / info.compress_size if info.compress_size else 0.0
            if ratio > MAX_RATIO and info.file_size > 1024 * 1024:
                raise FileSizeTooLarge(
                    f"part {info.filename} has a compression ratio typical of a zip bomb"
                )
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_xml(archive, info)


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    read = 0
    tail = b""
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                read += len(chunk)
                if read > info.file_size:  # the directory lied about the size
                    raise FileSizeTooLarge(f"part {info.filename} inflates past its stated size")
                window = tail + chunk
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise CorruptFile(
                        f"part {info.filename} declares a DTD, which Office files never need"
                    )
                tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise CorruptFile(f"part {info.filename} cannot be inflated: {exc}") from exc
