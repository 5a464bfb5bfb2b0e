"""Classification accuracy on ``doctype-mix`` (91 documents, 5 classes; read its README caveat).

Every document is parsed by Docket's own pipeline (the JPEG receipts are OCRed) and classified
against a class list given in one of three wordings, written once and never tuned:
``original`` (the dataset's labels with a one-line description), ``paraphrase`` (other names
and descriptions, no label word reused where avoidable) and ``terse`` (a bare type word, no
description). Reported: accuracy, macro-F1, per-class recall, the confusion matrix, expected
calibration error (10 bins), accuracy at confidence ≥ 0.8, seconds per document (parse and
classify apart), and a *leave-one-class-out* check: one class is removed and an "Other" class
added, and its documents should land in "Other" (catch-all behaviour).

Split: ``sha1(path)`` even first byte = ``dev`` (used while tuning the lexicon weights and the
temperature), odd = ``test`` (held out). ``--fit`` grid-searches the softmax temperature on the
chosen split by negative log-likelihood and prints it.

    python -m bench.classify_accuracy [--wording original|paraphrase|terse|all] [--split test]
        [--engine offline|offline-embed] [--leave-one-out]
    python -m bench.classify_accuracy --engine llm --base-url http://localhost:8000/v1 --model m
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from docket.domain.classification import ClassifierEngine, ClassifyOptions, DocumentClass
from docket.domain.document import ParsedDocument
from docket.engines.classify.offline import (
    DEFAULT_CALIBRATION,
    EMBEDDING_CALIBRATION,
    OfflineClassifier,
    softmax,
)
from docket.engines.llm.classifier import LlmClassifier
from docket.engines.llm.openai_compatible import OpenAICompatibleClient
from docket.pipeline.classify import classify_document
from docket.pipeline.parse import parse_document

DATA = Path(
    os.environ.get("DOCKET_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data")
)
LABELS = ["receipt", "invoice", "contract", "scientific_article", "government_report"]

# label -> (id, type, description); ids differ per wording so nothing can key on them.
WORDINGS: dict[str, dict[str, tuple[str, str, str]]] = {
    "original": {
        "receipt": ("receipt", "receipt", "A receipt for a purchase in a shop or restaurant"),
        "invoice": ("invoice", "invoice", "An invoice from a company requesting payment"),
        "contract": ("contract", "contract", "A legal contract or agreement between parties"),
        "scientific_article": (
            "scientific_article",
            "scientific_article",
            "A page of a scientific research article",
        ),
        "government_report": (
            "government_report",
            "government_report",
            "A report or statistical publication of a government body",
        ),
    },
    "paraphrase": {
        "receipt": (
            "k1",
            "Sales slip",
            "Proof of purchase handed over at a shop till or a restaurant, listing what was "
            "bought and what was paid",
        ),
        "invoice": (
            "k2",
            "Bill",
            "A supplier's request to be paid for goods or services delivered, with the sum owed",
        ),
        "contract": (
            "k3",
            "Legal agreement",
            "Terms that two or more parties commit to and sign, such as a confidentiality "
            "undertaking",
        ),
        "scientific_article": (
            "k4",
            "Research paper",
            "Academic writing that presents experiments, theory or results for other scholars",
        ),
        "government_report": (
            "k5",
            "Public sector publication",
            "Material published by a ministry, agency or other state institution, for instance "
            "official statistics",
        ),
    },
    "terse": {
        "receipt": ("t1", "Receipt", ""),
        "invoice": ("t2", "Invoice", ""),
        "contract": ("t3", "Agreement", ""),
        "scientific_article": ("t4", "Paper", ""),
        "government_report": ("t5", "Report", ""),
    },
}
OTHER = DocumentClass(id="other", type="Other", description="Anything that fits no other class")


def classes_for(wording: str) -> tuple[list[DocumentClass], dict[str, str]]:
    """The class list and class id → dataset label."""
    classes, to_label = [], {}
    for label, (cid, typ, desc) in WORDINGS[wording].items():
        classes.append(DocumentClass(id=cid, type=typ, description=desc))
        to_label[cid] = label
    return classes, to_label


@dataclass
class Item:
    path: str
    label: str
    split: str
    doc: ParsedDocument
    parse_s: float


def split_of(path: str) -> str:
    return "dev" if hashlib.sha1(path.encode()).digest()[0] % 2 == 0 else "test"


def load(split: str, limit: int = 0, cache: Path | None = None) -> list[Item]:
    """Parsed documents of ``split``; ``cache`` keeps parsed JSON between runs (tuning only)."""
    with (DATA / "doctype-mix" / "labels.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    items = []
    for r in rows:
        s = split_of(r["path"])
        if split != "all" and s != split:
            continue
        t = time.perf_counter()
        hit = (
            cache / (hashlib.sha1(r["path"].encode()).hexdigest()[:12] + ".json") if cache else None
        )
        if hit is not None and hit.exists():
            doc = ParsedDocument.model_validate_json(hit.read_text())
        else:
            doc = parse_document((DATA / r["path"]).read_bytes())
            if hit is not None:
                hit.write_text(doc.model_dump_json())
        items.append(Item(r["path"], r["label"], s, doc, time.perf_counter() - t))
        if limit and len(items) >= limit:
            break
    return items


@dataclass
class Outcome:
    gold: str
    pred: str
    confidence: float
    seconds: float


def ece(outs: list[Outcome], bins: int = 10) -> float:
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = [o for o in outs if lo < o.confidence <= hi or (b == 0 and o.confidence == 0)]
        if sel:
            acc = sum(o.gold == o.pred for o in sel) / len(sel)
            conf = sum(o.confidence for o in sel) / len(sel)
            total += len(sel) / len(outs) * abs(acc - conf)
    return total


def report(name: str, outs: list[Outcome], labels: list[str]) -> dict[str, float]:
    n = len(outs)
    acc = sum(o.gold == o.pred for o in outs) / n
    f1s = []
    print(f"\n== {name}: {n} documents")
    for lab in labels:
        tp = sum(o.gold == lab and o.pred == lab for o in outs)
        fp = sum(o.gold != lab and o.pred == lab for o in outs)
        fn = sum(o.gold == lab and o.pred != lab for o in outs)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        print(f"  {lab:20s} n={tp + fn:3d} P={p:.3f} R={r:.3f} F1={f1s[-1]:.3f}")
    macro = sum(f1s) / len(f1s)
    confident = [o for o in outs if o.confidence >= 0.8]
    acc80 = sum(o.gold == o.pred for o in confident) / len(confident) if confident else 0.0
    e = ece(outs)
    secs = sum(o.seconds for o in outs) / n
    print(
        f"  accuracy {acc:.3f} ({sum(o.gold == o.pred for o in outs)}/{n})  macro-F1 {macro:.3f}  "
        f"ECE {e:.3f}  mean conf {sum(o.confidence for o in outs) / n:.3f}  "
        f"acc@conf>=0.8 {acc80:.3f} ({len(confident)}/{n})  classify {secs * 1000:.1f} ms/doc"
    )
    cm = Counter((o.gold, o.pred) for o in outs)
    preds = labels + sorted({o.pred for o in outs} - set(labels))
    short = [p[:8] for p in preds]
    print("  confusion (rows gold, cols predicted): " + " ".join(f"{s:>8s}" for s in short))
    for g in labels:
        print(f"  {g:38s} " + " ".join(f"{cm[(g, p)]:8d}" for p in preds))
    return {"accuracy": acc, "macro_f1": macro, "ece": e}


def run(
    items: list[Item],
    engine: ClassifierEngine,
    classes: list[DocumentClass],
    to_label: dict[str, str],
    show_errors: bool = False,
) -> list[Outcome]:
    outs = []
    for it in items:
        res = classify_document(it.doc, classes, ClassifyOptions(), engine)
        pred = to_label.get(res.class_id, res.class_id)
        outs.append(Outcome(it.label, pred, res.confidence, res.seconds))
        if show_errors and pred != it.label:
            print(f"  MISS {it.path}: {it.label} -> {pred} ({res.confidence:.2f}) {res.reasoning}")
    return outs


def fit_temperature(items: list[Item], wordings: list[str]) -> float:
    """Temperature minimising the negative log-likelihood of the gold class."""
    eng = OfflineClassifier()
    rows: list[tuple[list[float], int]] = []
    for w in wordings:
        classes, to_label = classes_for(w)
        for it in items:
            scores = eng.raw_scores(it.doc, classes, None)
            gold = [to_label[c.id] for c in classes].index(it.label)
            rows.append((scores, gold))
    best = (math.inf, 1.0)
    for i in range(5, 121):
        t = i / 20
        nll = 0.0
        for scores, gold in rows:
            probs = softmax([s / t for s in [*scores, DEFAULT_CALIBRATION.none_baseline]])
            nll -= math.log(max(probs[gold], 1e-12))
        best = min(best, (nll / len(rows), t))
    return best[1]


def leave_one_out(items: list[Item], engine: ClassifierEngine, wording: str) -> None:
    """Remove each class in turn and add a catch-all: how many of its documents land there,
    and how many of the others stay right."""
    classes, to_label = classes_for(wording)
    caught = held = kept = rest = 0
    for drop in classes:
        sub = [c for c in classes if c.id != drop.id] + [OTHER]
        for it in items:
            res = classify_document(it.doc, sub, ClassifyOptions(), engine)
            if it.label == to_label[drop.id]:
                held += 1
                caught += res.class_id == "other"
            else:
                rest += 1
                kept += to_label.get(res.class_id) == it.label
    print(
        f"\n== leave-one-class-out ({wording}): held-out documents sent to 'Other' "
        f"{caught}/{held} ({caught / held:.3f}); other documents still right {kept}/{rest} "
        f"({kept / rest:.3f})"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--wording", choices=[*WORDINGS, "all"], default="all")
    ap.add_argument("--split", choices=["dev", "test", "all"], default="all")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--engine", choices=["offline", "offline-embed", "llm"], default="offline")
    ap.add_argument("--base-url", default="http://127.0.0.1:8000/v1")
    ap.add_argument("--model", default="")
    ap.add_argument("--api-key", default=os.environ.get("DOCKET_LLM_API_KEY", ""))
    ap.add_argument("--temperature", type=float, default=0.0, help="override the fitted one")
    ap.add_argument("--fit", action="store_true", help="fit the temperature on --split")
    ap.add_argument("--leave-one-out", action="store_true")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--cache", type=Path, default=None, help="folder for parsed JSON (tuning)")
    args = ap.parse_args(argv)
    wordings = list(WORDINGS) if args.wording == "all" else [args.wording]
    t0 = time.perf_counter()
    items = load(args.split, args.limit, args.cache)
    parse_s = sum(i.parse_s for i in items) / max(len(items), 1)
    print(f"parsed {len(items)} documents ({args.split}) in {time.perf_counter() - t0:.1f} s")
    print(f"parse {parse_s:.2f} s/doc (includes OCR of the receipt images)")
    if args.fit:
        print(f"fitted temperature: {fit_temperature(items, wordings)}")
        return 0
    engine: ClassifierEngine
    if args.engine == "llm":
        engine = LlmClassifier(OpenAICompatibleClient(args.base_url, args.api_key, args.model))
    else:
        cal = EMBEDDING_CALIBRATION if args.engine == "offline-embed" else DEFAULT_CALIBRATION
        if args.temperature:
            cal = replace(cal, temperature=args.temperature)
        engine = OfflineClassifier(cal)
    for w in wordings:
        classes, to_label = classes_for(w)
        outs = run(items, engine, classes, to_label, args.show_errors)
        report(f"{args.engine} / {w} wording / {args.split}", outs, LABELS)
    if args.leave_one_out:
        for w in wordings:
            leave_one_out(items, engine, w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
