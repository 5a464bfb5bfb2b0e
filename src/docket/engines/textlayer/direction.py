"""The direction most of a page's text runs in on the displayed page, from pdfium glyph angles.

Layout reads a page whose text is turned (shown upside down or sideways) in the text's own
upright frame; this decides when a page is such a page. The vote is also counted natively
(``docket_page_words`` in ``_speedups.c``); :func:`direction_votes` is its reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable

DIRECTION_SAMPLES = 32  # words whose glyph angle votes for the page's text direction
_DIRECTION_SHARE = 0.6  # share of the vote a turned direction needs (mixed pages stay as read)


def direction_votes(
    char_angle: Callable[[int, int], float],
    tp_address: int,
    starts: list[int],
    ends: list[int],
    rotation: int,
) -> list[int]:
    """Characters voting for each clockwise quarter turn (0/90/180/270) of the displayed text.

    pdfium gives a glyph's angle clockwise in user space; /Rotate turns the page clockwise
    again. A fixed sample of words spread over the page votes (by length), so the cost does
    not grow with the page.
    """
    step = max(1, len(starts) // DIRECTION_SAMPLES)
    votes = [0, 0, 0, 0]
    for start, end in zip(starts[::step], ends[::step], strict=True):
        angle = char_angle(tp_address, start)
        if angle < 0:  # pdfium's error value
            continue
        quarter = (round(math.degrees(angle) / 90) + rotation // 90) % 4
        votes[quarter] += end - start
    return votes


def text_direction(votes: list[int]) -> int:
    """Clockwise turn (0/90/180/270) of most of the page's text as displayed.

    A turned direction wins only with a clear majority, so a mostly upright page with a
    sideways label stays upright.
    """
    total = sum(votes)
    best = max(range(4), key=votes.__getitem__)
    if best == 0 or total == 0 or votes[best] < _DIRECTION_SHARE * total:
        return 0
    return best * 90
