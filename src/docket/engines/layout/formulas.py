"""Display formulas come off the text layer in pieces (a fraction's numerator, a limit, an
equation number on its own baseline); neighbouring pieces are put back into one block."""

from __future__ import annotations

import re

from docket.domain.document import Block, BlockType
from docket.engines.layout.lines import line_box

_WORDY = re.compile(r"[A-Za-z]{3,}")


def _fragment(b: Block) -> bool:
    """A short piece with no real word: ',', '(2.32)', 'a', '∂X2'."""
    return b.type is BlockType.TEXT and len(b.text) <= 12 and not _WORDY.search(b.text)


def merge_formula_pieces(blocks: list[Block], body: float) -> list[Block]:
    """Blocks in reading order; a formula absorbs the formula pieces right next to it."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and (prev.type is BlockType.FORMULA or b.type is BlockType.FORMULA)
            and (prev.type is BlockType.FORMULA or _fragment(prev))
            and (b.type is BlockType.FORMULA or _fragment(b))
            and b.bbox.top - prev.bbox.bottom < 1.2 * body
            and prev.bbox.top - b.bbox.bottom < 1.2 * body
        ):
            lines = sorted([*prev.lines, *b.lines], key=lambda ln: (ln.bbox.top, ln.bbox.left))
            prev.lines = lines
            prev.bbox = line_box(lines)
            prev.text = " ".join(ln.text for ln in lines)
            prev.type, prev.level = BlockType.FORMULA, None
            continue
        out.append(b)
    return out
