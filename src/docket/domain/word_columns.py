"""A page's word edges, font sizes and texts as flat lists, as the text layer read them.

The PDF text layer has every word's box as flat numbers before it builds the :class:`Word`
objects; the table and layout engines each want exactly those numbers back as lists. Handing
them on with the page spares both engines a pass over every word's ``bbox`` attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # document.py holds a page's columns
    from docket.domain.document import Word


@dataclass(slots=True, eq=False)
class WordColumns:
    """Index for index the edges, font sizes and texts of ``words`` (that very list).

    Readers must not change these lists (copy first): the table and layout engines share them.
    """

    words: list[Word]
    lefts: list[float]
    tops: list[float]
    rights: list[float]
    bottoms: list[float]
    sizes: list[float]
    texts: list[str]

    @classmethod
    def read(cls, words: list[Word]) -> WordColumns:
        """The columns read off the word objects (for pages no reader handed columns with)."""
        boxes = [w.bbox for w in words]
        return cls(
            words,
            [b.left for b in boxes],
            [b.top for b in boxes],
            [b.right for b in boxes],
            [b.bottom for b in boxes],
            [w.font_size for w in words],
            [w.text for w in words],
        )

    @classmethod
    def of(cls, words: list[Word], columns: WordColumns | None) -> WordColumns:
        """``columns`` when they still describe ``words``, else the columns read off them."""
        if columns is not None and columns.describe(words):
            return columns
        return cls.read(words)

    def describe(self, words: list[Word]) -> bool:
        """Whether these columns still belong to ``words``: the same list, of the same length.

        Anything that turns, replaces or rescans a page's words makes a new list (``replace``),
        so stale columns are never read for it.
        """
        return words is self.words and len(self.lefts) == len(words)
