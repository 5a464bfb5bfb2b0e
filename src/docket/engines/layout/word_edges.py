"""A page's words with their box edges and sizes as flat lists, read off the objects once.

Layout touches every word of every page several times (size repair, rows, gaps, figure and
table masks); ``word.bbox.top`` chains on objects scattered through memory cost far more than
indexing plain float lists, so each step reads these instead.
"""

from __future__ import annotations

from itertools import compress
from operator import itemgetter

from docket.domain.document import Word
from docket.domain.word_columns import WordColumns


class WordEdges:
    """``words`` and, index for index, their box edges, font sizes and texts."""

    __slots__ = ("bottoms", "lefts", "rights", "sizes", "texts", "tops", "words")

    def __init__(
        self,
        words: list[Word],
        tops: list[float],
        bottoms: list[float],
        lefts: list[float],
        rights: list[float],
        sizes: list[float],
        texts: list[str],
    ) -> None:
        self.words = words
        self.tops = tops
        self.bottoms = bottoms
        self.lefts = lefts
        self.rights = rights
        self.sizes = sizes
        self.texts = texts

    @classmethod
    def of(cls, words: list[Word], columns: WordColumns | None = None) -> WordEdges:
        """Read off ``columns`` when they describe ``words``, else off the words. Sizes are a
        copy (layout repairs them in place, :func:`~.lines.normalise_edges`); layout changes no
        other list in place, so those are the page's own."""
        c = WordColumns.of(words, columns)
        return cls(words, c.tops, c.bottoms, c.lefts, c.rights, c.sizes[:], c.texts)

    def select(self, keep: list[bool]) -> WordEdges:
        """The words whose ``keep`` flag is set, in the same order."""
        return WordEdges(
            list(compress(self.words, keep)),
            list(compress(self.tops, keep)),
            list(compress(self.bottoms, keep)),
            list(compress(self.lefts, keep)),
            list(compress(self.rights, keep)),
            list(compress(self.sizes, keep)),
            list(compress(self.texts, keep)),
        )

    def centred_in(self, left: float, top: float, right: float, bottom: float) -> list[bool]:
        """For each word, whether its box centre lies in the given box (edges included)."""
        return [
            left <= (x0 + x1) / 2 <= right and top <= (y0 + y1) / 2 <= bottom
            for x0, x1, y0, y1 in zip(self.lefts, self.rights, self.tops, self.bottoms, strict=True)
        ]

    def gather(self, order: list[int]) -> WordEdges:
        """The words at the indices ``order`` (each once, in that order)."""
        if len(order) == 1:
            i = order[0]
            s = slice(i, i + 1)
            return WordEdges(
                self.words[s],
                self.tops[s],
                self.bottoms[s],
                self.lefts[s],
                self.rights[s],
                self.sizes[s],
                self.texts[s],
            )
        pick = itemgetter(*order)  # gathers in C
        return WordEdges(
            list(pick(self.words)),
            list(pick(self.tops)),
            list(pick(self.bottoms)),
            list(pick(self.lefts)),
            list(pick(self.rights)),
            list(pick(self.sizes)),
            list(pick(self.texts)),
        )
