"""Mutated PDFs (byte flips, truncations, splices) give a document or a DocketError, quickly."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docket.domain.document import ParsedDocument
from docket.errors import DocketError
from docket.pipeline.parse import parse_document
from fixtures import pdfs

SEED = (pdfs.two_column(), pdfs.upright_landscape())
FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=10),  # bounds each example's time
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)


def _outcome(data: bytes) -> None:
    try:
        doc = parse_document(data)
    except DocketError as exc:
        assert exc.message
        assert isinstance(exc.retryable, bool)
    else:
        assert isinstance(doc, ParsedDocument)
        assert doc.page_count >= 1


@st.composite
def flipped(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED)))
    for _ in range(draw(st.integers(1, 40))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def truncated(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SEED))
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def spliced(draw: st.DrawFn) -> bytes:
    a, b = draw(st.sampled_from(SEED)), draw(st.sampled_from(SEED))
    i, j = draw(st.integers(0, len(a))), draw(st.integers(0, len(b)))
    junk = draw(st.binary(max_size=64))
    return a[:i] + junk + b[j:]


@FUZZ
@given(flipped())
def test_byte_flips(data: bytes) -> None:
    _outcome(data)


@FUZZ
@given(truncated())
def test_truncations(data: bytes) -> None:
    _outcome(data)


@FUZZ
@given(spliced())
def test_splices(data: bytes) -> None:
    _outcome(data)


@settings(max_examples=60, deadline=timedelta(seconds=5), derandomize=True)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data: bytes) -> None:
    _outcome(data)
