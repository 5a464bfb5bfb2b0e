"""Text rows and phrases: the lines that both table detectors read.

A *text row* is every word on one baseline across the page; a *phrase* is a run of words in a
row with no gap wider than about one em. Table columns show up as phrase boundaries that line
up over several rows, ruled or not.

This runs on nearly every page, so it is built in three cheap steps on flat lists of box edges
(:class:`WordBoxes`) rather than on ``word.bbox`` attribute chains: :func:`group_rows` (indices
per baseline), :func:`phrase_cuts` (where phrases start; the table engine stops here on pages
with too few multi-phrase rows to hold a table) and :func:`build_rows` (the row and phrase
objects). Comparisons are spelled out because ``min``/``max`` calls cost more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import compress
from operator import add, sub

from docket.domain.document import Word
from docket.domain.geometry import BBox
from docket.domain.word_columns import WordColumns

GAP_EM = 0.9  # a gap wider than this many ems ends a phrase


@dataclass(slots=True)
class Phrase:
    words: list[Word]
    bbox: BBox

    @property
    def text(self) -> str:
        return " ".join([w.text for w in self.words])


@dataclass(slots=True)
class TextRow:
    words: list[Word]
    bbox: BBox
    phrases: list[Phrase] = field(default_factory=list)
    # whether it is a numeric data row, worked out once by the unruled detector (asked often)
    numeric: bool | None = None

    @property
    def height(self) -> float:
        """At least 1pt (``max`` spelled out: asked for every pair of rows)."""
        h = self.bbox.bottom - self.bbox.top
        return 1.0 if h < 1.0 else h


@dataclass(slots=True)
class WordBoxes:
    """Words with their box edges (and heights) as flat lists, read off the words once."""

    words: list[Word]
    tops: list[float]
    bottoms: list[float]
    lefts: list[float]
    rights: list[float]
    heights: list[float]
    sizes: list[float]  # font sizes

    @classmethod
    def of(cls, words: list[Word], columns: WordColumns | None = None) -> WordBoxes:
        """Read off ``columns`` when they describe ``words``, else off the words. The table
        engine never changes these lists in place, so the page's columns are shared as is."""
        c = WordColumns.of(words, columns)
        heights = list(map(sub, c.bottoms, c.tops))
        return cls(words, c.tops, c.bottoms, c.lefts, c.rights, heights, c.sizes)

    def select(self, keep: list[bool]) -> WordBoxes:
        """The words whose ``keep`` flag is set, in the same order."""
        return WordBoxes(
            list(compress(self.words, keep)),
            list(compress(self.tops, keep)),
            list(compress(self.bottoms, keep)),
            list(compress(self.lefts, keep)),
            list(compress(self.rights, keep)),
            list(compress(self.heights, keep)),
            list(compress(self.sizes, keep)),
        )


@dataclass(slots=True)
class Lines:
    """Word indices per text row (left to right) with each row's top and bottom edge."""

    rows: list[list[int]]
    tops: list[float]
    bottoms: list[float]


def text_rows(words: list[Word], gap_em: float = GAP_EM) -> list[TextRow]:
    """Words grouped by baseline (top to bottom), each row split into phrases at wide gaps."""
    wb = WordBoxes.of(words)
    lines = group_rows(wb)
    return build_rows(wb, lines, phrase_cuts(wb, lines.rows, gap_em))


def group_rows(wb: WordBoxes) -> Lines:
    """Word indices per baseline, rows top to bottom and each row left to right.

    Words are taken by centre (then left edge, then index); a word joins the current row when
    it overlaps the row's height by half of the smaller of the two. Sorting by ``top + bottom``
    orders exactly as by the centre, since halving a float is exact.

    Sorting by that one float is much cheaper than by (centre, left, index) tuples and gives
    the same rows whenever words with equal centres also have equal edges (they then all join
    one row, whose final sort by left edge restores their order); otherwise, or with NaNs, the
    grouping starts over on the full order.
    """
    sums = list(map(add, wb.tops, wb.bottoms))
    lines = _group(wb, sorted(range(len(sums)), key=sums.__getitem__), sums, exact=False)
    key = wb.lefts.__getitem__
    if lines is None:
        order = sorted(zip(sums, wb.lefts, range(len(sums)), strict=True))
        lines = _group(wb, [i for _, _, i in order], sums, exact=True)
        assert lines is not None
        for row in lines.rows:
            row.sort(key=key)
        # row edges as the extremes taken left to right: the same even with NaN edges
        lines.tops = [min(map(wb.tops.__getitem__, row)) for row in lines.rows]
        lines.bottoms = [max(map(wb.bottoms.__getitem__, row)) for row in lines.rows]
        return lines
    for row in lines.rows:
        if len(row) > 1:
            row.sort(key=key)  # stable: equal left edges keep their centre order
    return lines


def _group(wb: WordBoxes, order: list[int], sums: list[float], *, exact: bool) -> Lines | None:
    """The rows of :func:`group_rows` for words taken in ``order`` (rows not yet sorted).

    Unless ``exact``, gives up (None) on meeting a word with the previous word's centre but
    other edges, or a NaN centre: there the order among equal centres matters.
    """
    tops, bottoms = wb.tops, wb.bottoms
    rows: list[list[int]] = []
    row_tops: list[float] = []
    row_bottoms: list[float] = []
    row: list[int] = []
    top = bottom = 0.0
    # most words share the previous word's top and bottom (same line, same font); such a word
    # always joins the row the previous one is in and changes nothing, so it skips the test
    pt = pb = ps = math.nan
    for i in order:
        bt = tops[i]
        bb = bottoms[i]
        if bt == pt and bb == pb:
            row.append(i)
            continue
        if not exact:
            s = sums[i]
            if s == ps or s != s:
                return None
            ps = s
        pt, pb = (bt, bb) if bb >= bt else (math.nan, math.nan)
        if row:
            overlap = (bb if bb < bottom else bottom) - (bt if bt > top else top)
            h = bottom - top
            bh = bb - bt
            if overlap >= 0.5 * (bh if bh < h else h):
                row.append(i)
                if bt < top:
                    top = bt
                if bb > bottom:
                    bottom = bb
                continue
            row_tops.append(top)
            row_bottoms.append(bottom)
        row = [i]
        rows.append(row)
        top, bottom = bt, bb
    if row:
        row_tops.append(top)
        row_bottoms.append(bottom)
    return Lines(rows, row_tops, row_bottoms)


def phrase_cuts(wb: WordBoxes, rows: list[list[int]], gap_em: float = GAP_EM) -> list[list[int]]:
    """Per row, the positions where a new phrase starts (empty: the row is one phrase).

    The gap after a word is wide when it exceeds ``gap_em`` ems, the em being the word's font
    size kept within 0.7–1.2 times its height (and at least 1pt).
    """
    lefts, rights, heights, sizes = wb.lefts, wb.rights, wb.heights, wb.sizes
    out: list[list[int]] = []
    h = size = limit = math.nan
    for row in rows:
        cuts: list[int] = []
        out.append(cuts)
        prev = row[0]
        for k in range(1, len(row)):
            j = row[k]
            if heights[prev] != h or sizes[prev] != size:  # else the same em as the last word
                h, size = heights[prev], sizes[prev]
                em = size or h
                if em > 1.2 * h:
                    em = 1.2 * h
                if em < 0.7 * h:
                    em = 0.7 * h
                if em < 1.0:
                    em = 1.0
                limit = gap_em * em
            if lefts[j] - rights[prev] > limit:
                cuts.append(k)
            prev = j
    return out


def build_rows(wb: WordBoxes, lines: Lines, cuts: list[list[int]]) -> list[TextRow]:
    """Row and phrase objects for grouped rows and their :func:`phrase_cuts`.

    Box edges are the extremes of the words' edges (``min``/``max`` over index maps, so the
    loops run in C); a one-phrase row shares its box with its phrase.
    """
    words, tops, bottoms, lefts, rights = wb.words, wb.tops, wb.bottoms, wb.lefts, wb.rights
    top_of, bottom_of, right_of = tops.__getitem__, bottoms.__getitem__, rights.__getitem__
    out: list[TextRow] = []
    for row, starts, rt, rb in zip(lines.rows, cuts, lines.tops, lines.bottoms, strict=True):
        line = list(map(words.__getitem__, row))
        if not starts:
            rr = rights[row[0]] if len(row) == 1 else max(map(right_of, row))
            box = BBox(lefts[row[0]], rt, rr, rb)
            out.append(TextRow(line, box, [Phrase(line, box)]))
            continue
        phrases: list[Phrase] = []
        rr = -math.inf
        begin = 0
        for end in [*starts, len(row)]:
            i = row[begin]
            if end - begin == 1:
                pt, pb, pr = tops[i], bottoms[i], rights[i]
            else:
                part = row[begin:end]
                pt = min(map(top_of, part))
                pb = max(map(bottom_of, part))
                pr = max(map(right_of, part))
            phrases.append(Phrase(line[begin:end], BBox(lefts[i], pt, pr, pb)))
            if pr > rr:
                rr = pr
            begin = end
        out.append(TextRow(line, BBox(lefts[row[0]], rt, rr, rb), phrases))
    return out
