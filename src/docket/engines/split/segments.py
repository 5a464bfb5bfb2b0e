"""Segment lists that are contiguous and cover the pages, and the check that they are.

The offline splitter produces such lists by construction; an LLM's answer is repaired into one
(ordered, clamped, gaps closed, overlaps cut) so the caller never sees a page twice or not at
all.
"""

from __future__ import annotations

from docket.domain.classification import SplitSegment


def coverage_problem(segments: list[SplitSegment], pages: list[int]) -> str | None:
    """Why ``segments`` do not cover ``pages`` (sorted page numbers) contiguously, or None."""
    if not pages:
        return "no segments expected for a document without pages" if segments else None
    if not segments:
        return "no segments"
    pos = {n: i for i, n in enumerate(pages)}
    expect = 0
    for s in segments:
        if s.start_page not in pos or s.end_page not in pos:
            return f"segment {s.start_page}-{s.end_page} names a page outside the document"
        if pos[s.start_page] != expect:
            return f"segment {s.start_page}-{s.end_page} does not start after the previous one"
        if pos[s.end_page] < pos[s.start_page]:
            return f"segment {s.start_page}-{s.end_page} ends before it starts"
        expect = pos[s.end_page] + 1
    if expect != len(pages):
        return f"the segments stop before page {pages[-1]}"
    return None


def repair(segments: list[SplitSegment], pages: list[int]) -> tuple[list[SplitSegment], bool]:
    """A contiguous, covering list built from ``segments`` (by start page; a page range that
    is empty after clamping is dropped; each segment runs to the page before the next one) and
    whether anything had to change."""
    if not pages:
        return [], bool(segments)
    if coverage_problem(segments, pages) is None:
        return segments, False
    lo, hi = pages[0], pages[-1]

    def index(n: int) -> int:
        n = min(max(n, lo), hi)
        return next(i for i, p in enumerate(pages) if p >= n)

    starts: dict[int, SplitSegment] = {}
    for s in sorted(segments, key=lambda s: (s.start_page, -s.end_page)):
        if s.end_page < lo or s.start_page > hi or s.end_page < s.start_page:
            continue
        starts.setdefault(index(s.start_page), s)
    if not starts:
        return [], True
    order = sorted(starts)
    order[0] = 0  # the first segment takes any uncovered pages before it
    firsts = dict(zip(order, (starts[k] for k in sorted(starts)), strict=True))
    out: list[SplitSegment] = []
    keys = sorted(firsts)
    for k, i in enumerate(keys):
        j = keys[k + 1] - 1 if k + 1 < len(keys) else len(pages) - 1
        out.append(firsts[i].model_copy(update={"start_page": pages[i], "end_page": pages[j]}))
    return out, True
