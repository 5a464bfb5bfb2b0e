"""Know what a file is from its bytes (never its name) and refuse what we cannot take."""

from __future__ import annotations

from dataclasses import dataclass

from docket.errors import FileSizeTooLarge, FileTypeNotSupported, InvalidRequest

PDF = "application/pdf"


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Bounds that keep one request from taking the machine down."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000


def sniff(data: bytes) -> str:
    """The media type shown by the content; raises FILE_TYPE_NOT_SUPPORTED otherwise."""
    if not data:
        raise InvalidRequest("the file is empty")
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    raise FileTypeNotSupported(
        "the file's content is not a supported type (only PDF is read in this version)"
    )


def check_size(data: bytes, limits: ParseLimits) -> None:
    if len(data) > limits.max_bytes:
        raise FileSizeTooLarge(
            f"the file is {len(data)} bytes; the limit is {limits.max_bytes} bytes"
        )
