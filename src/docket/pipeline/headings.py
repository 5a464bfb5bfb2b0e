"""Heading levels for the whole document, from the ranks of heading type sizes.

Per-page levels drift (a page whose largest heading is a subsection would call it level 1);
ranking the distinct (size, weight) styles of all headings of the document keeps one style at
one level everywhere.
"""

from __future__ import annotations

from docket.domain.document import Block, BlockType, PageInfo

_MAX_LEVEL = 6


def _style(b: Block) -> tuple[float, bool] | None:
    sizes = sorted(w.font_size for ln in b.lines for w in ln.words if w.font_size > 0)
    if not sizes:
        return None
    bold = all(w.bold for ln in b.lines for w in ln.words)
    return sizes[len(sizes) // 2], bold


def harmonise_heading_levels(pages: list[tuple[PageInfo, list[Block]]]) -> None:
    """Set ``level`` of every heading that carries typography; others keep theirs."""
    styled: list[tuple[Block, tuple[float, bool]]] = []
    for _, blocks in pages:
        for b in blocks:
            if b.type is BlockType.HEADING:
                style = _style(b)
                if style is not None:
                    styled.append((b, style))
    if not styled:
        return
    # styles within 4% of each other's size are one style (rounding, subsetting)
    tiers: list[tuple[float, bool]] = []
    for size, bold in sorted({s for _, s in styled}, key=lambda s: (-s[0], not s[1])):
        if tiers and tiers[-1][1] == bold and size >= tiers[-1][0] * 0.96:
            continue
        tiers.append((size, bold))
    for b, (size, bold) in styled:
        rank = next(
            (i for i, (ts, tb) in enumerate(tiers) if tb == bold and size >= ts * 0.96),
            len(tiers) - 1,
        )
        b.level = min(rank + 1, _MAX_LEVEL)
