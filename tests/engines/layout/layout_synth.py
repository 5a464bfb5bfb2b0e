"""Synthetic pages: words laid out the way a PDF text layer reports them."""

from __future__ import annotations

from docket.domain.document import PageContent, Word
from docket.domain.geometry import BBox


def line_words(
    text: str, left: float, top: float, size: float = 10.0, *, bold: bool = False,
    space: float | None = None, width: float | None = None,
) -> list[Word]:  # fmt: skip
    """Words of one line; ``width`` stretches the spaces like justified text."""
    tokens = text.split()
    widths = [len(t) * 0.5 * size for t in tokens]
    gap = space if space is not None else 0.25 * size
    if width is not None and len(tokens) > 1:
        gap = (width - sum(widths)) / (len(tokens) - 1)
    out: list[Word] = []
    x = left
    for t, w in zip(tokens, widths, strict=True):
        out.append(Word(t, BBox(x, top, x + w, top + size * 1.15), size, bold))
        x += w + gap
    return out


def page(words: list[Word], number: int = 1, width: float = 612.0) -> PageContent:
    return PageContent(number=number, width=width, height=792.0, words=words)
