"""The direction most of a page's text runs in on the displayed page, from pdfium glyph angles.

Layout reads a page whose text is turned (shown upside down or sideways) in the text's own
upright frame; this decides when a page is such a page.
"""

from __future__ import annotations

import math
from collections.abc import Callable

_DIRECTION_SAMPLES = 32  # words whose glyph angle votes for the page's text direction
_DIRECTION_SHARE = 0.6  # share of the vote a turned direction needs (mixed pages stay as read)


def text_direction(
    char_angle: Callable[[int | None, int], float],
    tp_address: int | None,
    spans: list[tuple[int, int]],
    rotation: int,
) -> int:
    """Clockwise turn (0/90/180/270) of most of the page's text as displayed.

    pdfium gives a glyph's angle clockwise in user space; /Rotate turns the page clockwise
    again. A fixed sample of words spread over the page votes (by length), so the cost does
    not grow with the page; a turned direction wins only with a clear majority, so a mostly
    upright page with a sideways label stays upright.
    """
    step = max(1, len(spans) // _DIRECTION_SAMPLES)
    votes = [0, 0, 0, 0]
    for start, end in spans[::step]:
        angle = char_angle(tp_address, start)
        if angle < 0:  # pdfium's error value
            continue
        quarter = (round(math.degrees(angle) / 90) + rotation // 90) % 4
        votes[quarter] += end - start
    total = sum(votes)
    best = max(range(4), key=votes.__getitem__)
    if best == 0 or total == 0 or votes[best] < _DIRECTION_SHARE * total:
        return 0
    return best * 90
