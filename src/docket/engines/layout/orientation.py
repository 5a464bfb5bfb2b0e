"""Pages whose text is turned on the displayed page are analysed in the text's upright frame.

A page shown upside down (/Rotate 180 over upright content) or sideways (a landscape table
drawn turned on a portrait page) would otherwise be read right-to-left or column by column.
:func:`upright_view` turns the page's words, rules and images so its dominant text reads
left to right; :func:`to_displayed` maps the blocks found there (blocks, lines, words, table
cells) back, so every box is still reported on the displayed page. Upright pages pass through
untouched.
"""

from __future__ import annotations

from dataclasses import replace

from docket.domain.document import Block, Line, PageContent, Word
from docket.domain.geometry import BBox


def _turn(box: BBox, direction: int, width: float, height: float) -> BBox:
    """``box`` on the displayed page (``width`` x ``height``) in the text-upright frame."""
    if direction == 180:
        return BBox(width - box.right, height - box.bottom, width - box.left, height - box.top)
    if direction == 90:  # text runs down the page, its top towards the right edge
        return BBox(box.top, width - box.right, box.bottom, width - box.left)
    # 270: text runs up the page, its top towards the left edge
    return BBox(height - box.bottom, box.left, height - box.top, box.right)


def _unturn(box: BBox, direction: int, width: float, height: float) -> BBox:
    """Inverse of :func:`_turn`: an upright-frame box back on the displayed page."""
    if direction == 180:
        return _turn(box, 180, width, height)
    if direction == 90:
        return BBox(width - box.bottom, box.left, width - box.top, box.right)
    return BBox(box.top, height - box.right, box.bottom, height - box.left)


def upright_view(page: PageContent) -> PageContent:
    """``page`` turned so that its dominant text reads left to right (itself when it does)."""
    d = page.text_direction
    if d not in (90, 180, 270):
        return page
    w, h = page.width, page.height
    size = (w, h) if d == 180 else (h, w)
    return replace(
        page,
        width=size[0],
        height=size[1],
        words=[replace(x, bbox=_turn(x.bbox, d, w, h)) for x in page.words],
        rules=[_turn(b, d, w, h) for b in page.rules],
        images=[_turn(b, d, w, h) for b in page.images],
        text_direction=0,
    )


def to_displayed(blocks: list[Block], page: PageContent) -> None:
    """Map, in place, blocks found on :func:`upright_view` ``(page)`` back onto ``page``."""
    d = page.text_direction
    if d not in (90, 180, 270):
        return
    w, h = page.width, page.height
    seen: set[int] = set()  # a line or word shared by two blocks is moved once

    def first(item: Line | Word) -> bool:
        if id(item) in seen:
            return False
        seen.add(id(item))
        return True

    for block in blocks:
        block.bbox = _unturn(block.bbox, d, w, h)
        for line in block.lines:
            if not first(line):
                continue
            line.bbox = _unturn(line.bbox, d, w, h)
            for word in line.words:
                if first(word):
                    word.bbox = _unturn(word.bbox, d, w, h)
        if block.table is not None:
            block.table.cells = [
                c.model_copy(update={"bbox": _unturn(c.bbox, d, w, h)}) for c in block.table.cells
            ]
