"""Page headers and footers: text repeated in the same margin band across pages.

A block in the top or bottom band whose digit-normalised text recurs on enough other pages is
page furniture; it is kept as a ``header`` / ``footer`` block but left out of chunk markdown.
"""

from __future__ import annotations

import re
from collections import Counter

from docket.domain.document import Block, BlockType, PageInfo

_DIGITS = re.compile(r"\d+")
_BAND = 0.12
_ALWAYS_BAND = 0.045


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))[:80]


def mark_furniture(pages: list[tuple[PageInfo, list[Block]]]) -> None:
    """Retype header/footer blocks in place."""
    if not pages:
        return
    counts: Counter[tuple[str, str]] = Counter()
    for info, blocks in pages:
        seen: set[tuple[str, str]] = set()
        for b in blocks:
            band = _band(b, info)
            if band:
                seen.add((band, _key(b.text)))
        counts.update(seen)
    n = len(pages)
    need = 2 if n <= 4 else max(2, int(0.3 * n))
    for info, blocks in pages:
        for b in blocks:
            band = _band(b, info)
            if not band or b.type in (BlockType.TABLE, BlockType.FIGURE):
                continue
            if b.type is BlockType.PAGE_NUMBER:
                continue
            repeated = n > 1 and counts[(band, _key(b.text))] >= need
            tiny_margin = _in_extreme_margin(b, info) and len(b.text) < 120
            if repeated or tiny_margin:
                b.type = BlockType.HEADER if band == "top" else BlockType.FOOTER
                b.level = None


def _band(b: Block, info: PageInfo) -> str:
    if b.bbox.bottom <= info.height * _BAND:
        return "top"
    if b.bbox.top >= info.height * (1 - _BAND):
        return "bottom"
    return ""


def _in_extreme_margin(b: Block, info: PageInfo) -> bool:
    return b.bbox.bottom <= info.height * _ALWAYS_BAND or b.bbox.top >= info.height * (
        1 - _ALWAYS_BAND
    )
