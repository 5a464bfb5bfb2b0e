"""DocBank block typing and text agreement, on single arXiv pages with token-level labels.

Ground truth: ``tokens/<stem>.txt`` (token, box 0–1000 with a top-left origin, colour, font,
label). Docket's block types are mapped onto DocBank's labels where a counterpart exists:

    heading → heading (DocBank ``section`` and ``title`` merged: Docket does not tell them apart)
    text, header, key_value → paragraph (DocBank labels running headers ``paragraph``)
    list_item → list, table → table, figure → figure, formula → equation,
    footer, page_number → footer

DocBank's ``abstract``, ``author``, ``caption``, ``date`` and ``reference`` have no Docket type,
so tokens with those labels are left out of the typing scores (reported as ``unmapped``).
Each remaining token takes the type of the predicted block that contains its box centre
(``none`` when no block does). Scores: token accuracy, macro-F1 over the mapped labels and
per-label F1. Text: bag-of-words F1 between the engine's page text and the token list
(lower-cased words with surrounding punctuation stripped, multiset overlap; order-free because
the token order is not a reading order).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(os.environ.get("DOCKET_DOCBANK_DIR", "/work/shared/data/docbank-sample"))

DOCKET_TO_DOCBANK = {
    "heading": "heading",
    "text": "paragraph",
    "header": "paragraph",
    "key_value": "paragraph",
    "list_item": "list",
    "table": "table",
    "figure": "figure",
    "formula": "equation",
    "footer": "footer",
    "page_number": "footer",
}
GT_MERGE = {"section": "heading", "title": "heading"}
MAPPED = ("heading", "paragraph", "list", "table", "figure", "equation", "footer")


@dataclass
class Token:
    text: str
    box: tuple[float, float, float, float]  # 0–1000, top-left origin
    label: str


def load_tokens(path: Path) -> list[Token]:
    out: list[Token] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.rstrip("\r").split("\t")
        if len(parts) < 10:
            continue
        x0, y0, x1, y1 = (float(v) for v in parts[1:5])
        out.append(Token(parts[0], (x0, y0, x1, y1), parts[-1].strip()))
    return out


def pages(data_dir: Path = DATA_DIR) -> list[tuple[str, Path, Path]]:
    """``(stem, pdf, tokens)`` for every sample page."""
    return [
        (p.stem, p, data_dir / "tokens" / f"{p.stem}.txt")
        for p in sorted((data_dir / "pdf").glob("*.pdf"))
        if (data_dir / "tokens" / f"{p.stem}.txt").exists()
    ]


def words(text: str) -> Counter[str]:
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"[*_`#|]", " ", t)
    out: Counter[str] = Counter()
    for w in t.split():
        w = w.strip(".,;:!?()[]{}\"'")
        if w:
            out[w] += 1
    return out


def bow_f1(predicted: str, tokens: Iterable[Token]) -> tuple[int, int, int]:
    """``(overlap, predicted words, truth words)`` of the bag-of-words comparison."""
    truth = words(" ".join(t.text for t in tokens if t.text != "##LTFigure##"))
    pred = words(predicted)
    return sum((truth & pred).values()), sum(pred.values()), sum(truth.values())


def assign(
    tokens: list[Token],
    blocks: list[tuple[str, tuple[float, float, float, float]]],
    width: float,
    height: float,
) -> list[tuple[str, str]]:
    """``(truth, predicted)`` labels of the mappable tokens; blocks are (docket type, box in pt)."""
    pairs: list[tuple[str, str]] = []
    for tok in tokens:
        truth = GT_MERGE.get(tok.label, tok.label)
        if truth not in MAPPED:
            continue
        cx = (tok.box[0] + tok.box[2]) / 2000 * width
        cy = (tok.box[1] + tok.box[3]) / 2000 * height
        pred = "none"
        best = float("inf")
        for kind, (x0, y0, x1, y1) in blocks:
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                area = (x1 - x0) * (y1 - y0)
                if area < best:  # nested blocks: the innermost wins
                    best, pred = area, DOCKET_TO_DOCBANK.get(kind, "none")
        pairs.append((truth, pred))
    return pairs


def typing_scores(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    if not pairs:
        return {"tokens": 0}
    correct = sum(t == p for t, p in pairs)
    per: dict[str, float] = {}
    for label in MAPPED:
        tp = sum(t == p == label for t, p in pairs)
        n_pred = sum(p == label for _, p in pairs)
        n_true = sum(t == label for t, _ in pairs)
        if n_true or n_pred:
            per[label] = round(2 * tp / (n_pred + n_true), 3)
    present = [label for label in MAPPED if any(t == label for t, _ in pairs)]
    return {
        "tokens": len(pairs),
        "accuracy": round(correct / len(pairs), 3),
        "macro_f1": round(sum(per.get(label, 0.0) for label in present) / len(present), 3),
        "per_label_f1": per,
        "truth_counts": dict(Counter(t for t, _ in pairs)),
    }
