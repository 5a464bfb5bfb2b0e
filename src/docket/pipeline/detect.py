"""The pipeline's content sniffer, under the name its callers import.

:func:`detect` is :func:`docket.pipeline.formats.sniff`: one sniffer (magic bytes, the parts of
zip and OLE2 containers, text heuristics) serves the API, the CLI and the parser alike.
"""

from __future__ import annotations

from docket.pipeline.formats import sniff


def detect(data: bytes) -> str:
    """The media type of ``data``'s content; CORRUPT_FILE when empty, FILE_TYPE_NOT_SUPPORTED
    for content Docket cannot read."""
    return sniff(data)
