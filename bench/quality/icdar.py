"""ICDAR 2013 table competition scorer: table detection and cell-adjacency structure.

Data: ``/work/shared/data/icdar2013-tables`` (34 born-digital PDFs; ``-reg.xml`` regions,
``-str.xml`` cells; boxes in PDF points with a bottom-left origin). Override with the
``DOCKET_ICDAR_DIR`` environment variable.

Split: documents sorted by id (``eu-002`` … ``us-039``); even positions are ``dev`` (for tuning),
odd positions are ``test`` (report only); ``all`` is both. The split is by document, so every
page of a PDF lands on one side.

``parse_fn(pdf_path) -> list[(page_number, bbox, table)]`` where ``page_number`` is 1-based,
``bbox`` is ``(left, top, right, bottom)`` in PDF points with a **top-left** origin (Docket's
``BBox`` works, as does any 4-tuple) and ``table`` is a :class:`docket.domain.document.Table`.

Metrics:

- detection: a predicted box matches a ground-truth region on the same page at IoU ≥ 0.5
  (greedy, best IoU first); precision/recall/F1 over every page of the split's documents.
- adjacency: the competition's relation F1. Each non-empty cell is paired with its nearest
  non-empty neighbour to the right (same row) and below (same column); relations are compared
  as ``(text, text, direction)`` multisets after normalising text (NFKC, lower case, only letters
  and digits). Each ground-truth region is compared with the predicted table that overlaps it
  most on its page (none: its relations count as missed); predictions that match no region
  only hurt detection. Sums over regions (micro average).

Documents with two ground-truth sets (``<id>a``/``<id>b``) are scored against the better one.
Run ``python -m bench.quality.icdar [dev|test|all]`` to print Docket's figures.
"""

from __future__ import annotations

import os
import re
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(os.environ.get("DOCKET_ICDAR_DIR", "/work/shared/data/icdar2013-tables"))

Box = tuple[float, float, float, float]
Relation = tuple[str, str, str]
ParseFn = Callable[[Path], Sequence[tuple[int, Any, Any]]]


@dataclass
class GtRegion:
    page: int
    box: Box  # top-left origin
    relations: Counter[Relation] = field(default_factory=Counter)


@dataclass
class GtDocument:
    doc_id: str
    pdf: Path
    variants: list[list[GtRegion]]  # one list of regions per ground-truth set


def _norm(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    kept = re.sub(r"[^0-9a-z\u00c0-\uffff]+", "", t)
    return kept or re.sub(r"\s+", "", t)


def relations(cells: Iterable[tuple[int, int, int, int, str]]) -> Counter[Relation]:
    """Adjacency relations of ``(row, col, end_row, end_col, text)`` cells (ends inclusive)."""
    slots: dict[tuple[int, int], int] = {}
    items = [(r, c, er, ec, _norm(t)) for r, c, er, ec, t in cells]
    items = [it for it in items if it[4]]
    for i, (r, c, er, ec, _) in enumerate(items):
        for rr in range(r, er + 1):
            for cc in range(c, ec + 1):
                slots.setdefault((rr, cc), i)
    if not slots:
        return Counter()
    max_r = max(k[0] for k in slots)
    max_c = max(k[1] for k in slots)
    out: Counter[Relation] = Counter()
    for i, (r, c, er, ec, text) in enumerate(items):
        right: set[int] = set()
        for rr in range(r, er + 1):
            for cc in range(ec + 1, max_c + 1):
                j = slots.get((rr, cc))
                if j is not None and j != i:
                    right.add(j)
                    break
        below: set[int] = set()
        for cc in range(c, ec + 1):
            for rr in range(er + 1, max_r + 1):
                j = slots.get((rr, cc))
                if j is not None and j != i:
                    below.add(j)
                    break
        for j in right:
            out[(text, items[j][4], "r")] += 1
        for j in below:
            out[(text, items[j][4], "d")] += 1
    return out


def table_relations(table: Any) -> Counter[Relation]:
    return relations(
        (c.row, c.col, c.row + c.row_span - 1, c.col + c.col_span - 1, c.text) for c in table.cells
    )


def _page_heights(pdf: Path) -> list[float]:
    """Displayed page heights: the ground truth is drawn on the page as shown (after /Rotate)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            left, bottom, right, top = page.get_mediabox()
            turned = page.get_rotation() in (90, 270)
            out.append(float(right - left if turned else top - bottom))
            page.close()
        return out
    finally:
        doc.close()


def _bbox(el: ET.Element, height: float) -> Box:
    x1, y1 = float(el.get("x1", 0)), float(el.get("y1", 0))
    x2, y2 = float(el.get("x2", 0)), float(el.get("y2", 0))
    return (min(x1, x2), height - max(y1, y2), max(x1, x2), height - min(y1, y2))


def _load_variant(reg: Path, heights: list[float]) -> list[GtRegion]:
    regions: dict[tuple[str, str], GtRegion] = {}
    for table in ET.parse(reg).getroot().iter("table"):
        for region in table.iter("region"):
            page = int(region.get("page", "1"))
            bb = region.find("bounding-box")
            if bb is None:
                continue
            key = (table.get("id", ""), region.get("id", ""))
            regions[key] = GtRegion(page, _bbox(bb, heights[page - 1]))
    str_path = reg.with_name(reg.name.replace("-reg.xml", "-str.xml"))
    if str_path.exists():
        for table in ET.parse(str_path).getroot().iter("table"):
            for region in table.iter("region"):
                cells = []
                for cell in region.iter("cell"):
                    r, c = int(cell.get("start-row", 0)), int(cell.get("start-col", 0))
                    er = int(cell.get("end-row", r))
                    ec = int(cell.get("end-col", c))
                    content = cell.findtext("content") or ""
                    cells.append((r, c, er, ec, content))
                key = (table.get("id", ""), region.get("id", ""))
                if key in regions:
                    regions[key].relations = relations(cells)
    return list(regions.values())


def load_documents(split: str = "dev", data_dir: Path = DATA_DIR) -> list[GtDocument]:
    pdfs = sorted(data_dir.glob("*/*.pdf"), key=lambda p: p.stem)
    docs: list[GtDocument] = []
    for index, pdf in enumerate(pdfs):
        if split == "dev" and index % 2:
            continue
        if split == "test" and not index % 2:
            continue
        base = pdf.stem[:-1] if pdf.stem.endswith("a") else pdf.stem
        heights = _page_heights(pdf)
        regs = sorted(pdf.parent.glob(f"{base}*-reg.xml"))
        variants = [_load_variant(r, heights) for r in regs]
        docs.append(GtDocument(base, pdf, variants))
    return docs


def iou(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = w * h if w > 0 and h > 0 else 0.0
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _as_box(b: Any) -> Box:
    if hasattr(b, "left"):
        return (float(b.left), float(b.top), float(b.right), float(b.bottom))
    x0, y0, x1, y1 = b
    return (float(x0), float(y0), float(x1), float(y1))


@dataclass
class _Counts:
    tp: int = 0
    pred: int = 0
    gt: int = 0
    rel_tp: int = 0
    rel_pred: int = 0
    rel_gt: int = 0

    def add(self, o: _Counts) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(o, k))

    def key(self) -> tuple[float, float]:
        return (_f1(self.rel_tp, self.rel_pred, self.rel_gt), _f1(self.tp, self.pred, self.gt))


def _f1(tp: int, pred: int, gt: int) -> float:
    p = tp / pred if pred else 0.0
    r = tp / gt if gt else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _score_variant(regions: list[GtRegion], preds: list[tuple[int, Box, Any]]) -> _Counts:
    c = _Counts(pred=len(preds), gt=len(regions))
    pairs = sorted(
        (
            (iou(g.box, p[1]), gi, pi)
            for gi, g in enumerate(regions)
            for pi, p in enumerate(preds)
            if g.page == p[0]
        ),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    for v, gi, pi in pairs:
        if v >= 0.5 and gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            c.tp += 1
    for g in regions:
        c.rel_gt += sum(g.relations.values())
        best = max(
            (p for p in preds if p[0] == g.page),
            key=lambda p: iou(g.box, p[1]),
            default=None,
        )
        if best is None or iou(g.box, best[1]) <= 0:
            continue
        pr = table_relations(best[2])
        c.rel_pred += sum(pr.values())
        c.rel_tp += sum((pr & g.relations).values())
    return c


def score_icdar(
    parse_fn: ParseFn, split: str = "dev", *, verbose: bool = False, data_dir: Path = DATA_DIR
) -> dict[str, Any]:
    """Detection P/R/F1 and adjacency P/R/F1 of ``parse_fn`` on one split (see module doc)."""
    total = _Counts()
    per_doc: dict[str, dict[str, float]] = {}
    pages = 0
    start = time.perf_counter()
    for doc in load_documents(split, data_dir):
        preds = [(int(p), _as_box(b), t) for p, b, t in parse_fn(doc.pdf)]
        best = max((_score_variant(v, preds) for v in doc.variants), key=_Counts.key)
        total.add(best)
        pages += len(_page_heights(doc.pdf))
        per_doc[doc.doc_id] = {
            "det_f1": round(_f1(best.tp, best.pred, best.gt), 3),
            "adj_f1": round(_f1(best.rel_tp, best.rel_pred, best.rel_gt), 3),
            "tables": best.gt,
            "predicted": best.pred,
        }
        if verbose:
            print(doc.doc_id, per_doc[doc.doc_id], file=sys.stderr)

    def prf(tp: int, pred: int, gt: int) -> dict[str, float]:
        p = tp / pred if pred else 0.0
        r = tp / gt if gt else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(_f1(tp, pred, gt), 3)}

    return {
        "split": split,
        "documents": len(per_doc),
        "pages": pages,
        "tables": total.gt,
        "predicted_tables": total.pred,
        "detection": prf(total.tp, total.pred, total.gt),
        "adjacency": prf(total.rel_tp, total.rel_pred, total.rel_gt),
        "seconds": round(time.perf_counter() - start, 2),
        "per_document": per_doc,
    }


def docket_tables(pdf: Path) -> list[tuple[int, Any, Any]]:
    """Docket's full parse pipeline; the table blocks of every page."""
    from docket.domain.document import BlockType
    from docket.pipeline.parse import parse_document

    doc = parse_document(pdf.read_bytes())
    seen: set[str] = set()
    out: list[tuple[int, Any, Any]] = []
    for chunk in doc.chunks:
        for b in chunk.blocks:
            if b.type is BlockType.TABLE and b.table is not None and b.id not in seen:
                seen.add(b.id)
                out.append((b.page, b.bbox, b.table))
    return out


def main(argv: list[str]) -> None:
    splits = argv or ["dev", "test"]
    verbose = "-v" in splits
    for split in [s for s in splits if s != "-v"]:
        res = score_icdar(docket_tables, split, verbose=verbose)
        res.pop("per_document")
        print(res)


if __name__ == "__main__":
    main(sys.argv[1:])
