"""Extraction accuracy: per-field precision/recall/F1 (strict and normalised) and calibration.

Datasets (read each folder's README): ``sroie`` (80 receipts: company, date, address, total),
``kleister`` (80 NDAs: party, effective_date, jurisdiction, term; the dataset's MultiLabel-F1),
``invoice2data`` (11 PDF invoices, smoke test). SROIE is JPEG only and Docket has no OCR yet, so
its documents are built from the dataset's own line transcripts and boxes (``box/*.csv``, words
laid out proportionally inside each line box) and then go through Docket's layout engine.

``--paraphrase [1|2]`` (or ``--wording N``) swaps in one of two independent rewordings of the
field names and descriptions (each written once, never tuned) to show the engine is not keyed to
the labels' names. ``--split dev|test|all``: documents sorted by
id, even positions are ``dev`` (used while tuning), odd ones ``test``.

    python -m bench.extract_accuracy sroie [--paraphrase [2]] [--split test]
    python -m bench.extract_accuracy kleister --engine llm --base-url http://localhost:8000/v1 \
        --model my-model [--api-key KEY]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docket.domain.document import PageContent, PageInfo, ParsedDocument, Word
from docket.domain.extraction import ExtractionEngine, ExtractOptions
from docket.domain.geometry import BBox
from docket.domain.parse_options import Chunking
from docket.engines.layout.heuristic import HeuristicLayout
from docket.engines.rules.extractor import RulesExtractor
from docket.engines.rules.values import find_dates, parse_number
from docket.engines.tables.engine import RuleTables
from docket.pipeline.chunking import chunk_pages
from docket.pipeline.extract import run_extraction
from docket.pipeline.ids import block_id
from docket.pipeline.parse import parse_document

DATA = Path(
    os.environ.get("DOCKET_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def _s(desc: str, **extra: Any) -> dict[str, Any]:
    return {"type": ["string", "null"], "description": desc, **extra}


SCHEMAS: dict[str, dict[str, dict[str, Any]]] = {
    "sroie": {
        "plain": {
            "company": _s("Company name"),
            "date": _s("Date of the receipt", **{"extend:type": "date"}),
            "address": _s("Address of the company"),
            "total": _s("Total amount"),
        },
        "paraphrase": {
            "merchant": _s("Name of the shop or business that issued the receipt"),
            "purchased_on": _s("When the purchase was made", **{"extend:type": "date"}),
            "shop_location": _s("Postal location of the store"),
            "amount_paid": _s("Final sum charged to the customer"),
        },
    },
    "kleister": {
        "plain": {
            "party": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Parties to the agreement",
            },
            "effective_date": _s("Effective date of the agreement", **{"extend:type": "date"}),
            "jurisdiction": _s("Jurisdiction whose law governs the agreement"),
            "term": _s("Term (duration) of the agreement"),
        },
        "paraphrase": {
            "signatories": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Organisations or people who enter into the contract",
            },
            "starts_on": _s("Date from which the contract takes effect", **{"extend:type": "date"}),
            "governing_law": _s("Which state's or country's laws apply"),
            "duration": _s("How long the confidentiality obligations last"),
        },
    },
    "invoice2data": {
        "plain": {
            "invoice_number": _s("Invoice number"),
            "date": _s("Invoice date", **{"extend:type": "date"}),
            "amount": {"type": ["number", "null"], "description": "Total amount"},
            "amount_untaxed": {"type": ["number", "null"], "description": "Amount before tax"},
            "currency": _s("Currency (ISO 4217 code)"),
            "lines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "description": _s("Item description"),
                        "quantity": {"type": ["number", "null"]},
                        "unit_price": {"type": ["number", "null"], "description": "Price per unit"},
                        "amount": {"type": ["number", "null"], "description": "Line total"},
                    },
                },
            },
        },
        "paraphrase": {
            "bill_no": _s("Reference number of the bill"),
            "issued": _s("Day the bill was issued", **{"extend:type": "date"}),
            "grand_total": {"type": ["number", "null"], "description": "Sum to pay including tax"},
            "net_amount": {"type": ["number", "null"], "description": "Sum before taxes"},
            "money": _s("Currency code of the amounts"),
            "items_billed": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "what": _s("What was sold"),
                        "count": {"type": ["number", "null"], "description": "How many"},
                        "price_each": {"type": ["number", "null"], "description": "Cost of one"},
                        "line_sum": {"type": ["number", "null"], "description": "Sum for the line"},
                    },
                },
            },
        },
    },
}
# A second, independent rewording (written before any tuning against it, never tuned): other
# synonyms, camelCase / kebab-case / snake keys, descriptions that explain the field.
SCHEMAS["sroie"]["paraphrase2"] = {
    "SellerName": _s("Trading name of whoever sold the goods"),
    "transaction-date": _s("The day on which the payment took place", **{"extend:type": "date"}),
    "storeAddress": _s("Where the seller is located: street, city and postcode"),
    "amount-payable": _s("What the customer has to pay in the end, tax and rounding included"),
}
SCHEMAS["kleister"]["paraphrase2"] = {
    "contractingParties": {
        "type": "array",
        "items": {"type": "string"},
        "description": "The companies or individuals bound by this non-disclosure agreement",
    },
    "agreement-date": _s("As of when the agreement is in force", **{"extend:type": "date"}),
    "choice-of-law": _s("The state or country whose laws the contract is construed under"),
    "contract_term": _s("For how many years or months the agreement remains in force"),
}
SCHEMAS["invoice2data"]["paraphrase2"] = {
    "invoiceId": _s("Identifier printed on the invoice"),
    "billing-date": _s("When the invoice was made out", **{"extend:type": "date"}),
    "amountDue": {"type": ["number", "null"], "description": "What the customer owes, VAT in"},
    "subtotal": {"type": ["number", "null"], "description": "Amount excluding VAT"},
    "currencyCode": _s("Three-letter code of the money used"),
    "lineItems": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "product": _s("Name of the product or service"),
                "qty": {"type": ["number", "null"], "description": "Number of units"},
                "unitCost": {"type": ["number", "null"], "description": "Price of a single unit"},
                "lineTotal": {"type": ["number", "null"], "description": "Quantity times price"},
            },
        },
    },
}
WORDINGS = {0: "plain", 1: "paraphrase", 2: "paraphrase2"}

# reworded key -> dataset label key
GOLD_KEY = {
    "SellerName": "company",
    "transaction-date": "date",
    "storeAddress": "address",
    "amount-payable": "total",
    "contractingParties": "party",
    "agreement-date": "effective_date",
    "choice-of-law": "jurisdiction",
    "contract_term": "term",
    "invoiceId": "invoice_number",
    "billing-date": "date",
    "amountDue": "amount",
    "subtotal": "amount_untaxed",
    "currencyCode": "currency",
    "merchant": "company",
    "purchased_on": "date",
    "shop_location": "address",
    "amount_paid": "total",
    "signatories": "party",
    "starts_on": "effective_date",
    "governing_law": "jurisdiction",
    "duration": "term",
    "bill_no": "invoice_number",
    "issued": "date",
    "grand_total": "amount",
    "net_amount": "amount_untaxed",
    "money": "currency",
}


def schema_of(dataset: str, variant: str) -> dict[str, Any]:
    props = SCHEMAS[dataset][variant]
    return {"type": "object", "properties": props}


@dataclass
class Doc:
    id: str
    load: Callable[[], ParsedDocument]
    gold: dict[str, list[str]]


def _split(ids: list[str], split: str) -> set[str]:
    ids = sorted(ids)
    if split == "all":
        return set(ids)
    return {i for n, i in enumerate(ids) if (n % 2 == 0) == (split == "dev")}


def sroie_doc(csv_path: Path) -> ParsedDocument:
    """A one-page ParsedDocument from SROIE's line transcripts (no OCR in Docket yet)."""
    words: list[Word] = []
    with csv_path.open(encoding="utf-8", errors="replace") as fh:
        for row in fh:
            parts = row.rstrip("\n").split(",", 8)
            if len(parts) < 9 or not parts[8].strip():
                continue
            xs = [float(p) for p in parts[0:8:2]]
            ys = [float(p) for p in parts[1:8:2]]
            box = BBox(min(xs), min(ys), max(xs), max(ys))
            toks = parts[8].split()
            total = sum(len(t) for t in toks) + len(toks) - 1
            x = box.left
            for t in toks:
                w = box.width * len(t) / max(total, 1)
                words.append(
                    Word(t, BBox(x, box.top, x + w, box.bottom), font_size=box.height * 0.8)
                )
                x += w + box.width / max(total, 1)
    width = max((w.bbox.right for w in words), default=612.0) + 10
    height = max((w.bbox.bottom for w in words), default=792.0) + 10
    page = PageContent(1, width, height, words)
    blocks = HeuristicLayout().analyze(page, RuleTables().detect(page))
    for i, b in enumerate(blocks):
        b.page, b.id = 1, block_id(1, i, b.text)
        b.content = b.text
    chunks = chunk_pages([(1, blocks)], Chunking())
    return ParsedDocument(
        mime_type="image/jpeg",
        pages=[PageInfo(number=1, width=width, height=height)],
        chunks=chunks,
        page_count=1,
    )


def load_sroie(split: str) -> Iterator[Doc]:
    root = DATA / "sroie"
    ids = [p.stem for p in (root / "key").glob("*.json")]
    for i in sorted(_split(ids, split)):
        gold = json.loads((root / "key" / f"{i}.json").read_text())
        yield Doc(
            i, lambda i=i: sroie_doc(root / "box" / f"{i}.csv"), {k: [v] for k, v in gold.items()}
        )


def _parse_pdf(path: Path) -> ParsedDocument:
    return parse_document(path.read_bytes())


def load_kleister(split: str) -> Iterator[Doc]:
    root = DATA / "kleister-nda"
    rows = [json.loads(x) for x in (root / "train" / "labels.jsonl").read_text().splitlines() if x]
    keep = _split([r["file"] for r in rows], split)
    for r in rows:
        if r["file"] in keep:
            yield Doc(r["file"], lambda f=r["file"]: _parse_pdf(root / f), r["fields"])


def load_invoice2data(split: str) -> Iterator[Doc]:
    root = DATA / "invoice2data"
    pdfs = sorted(p.stem for p in root.glob("*.pdf"))
    for name in sorted(_split(pdfs, split)):
        gold = json.loads((root / f"{name}.json").read_text())[0]
        fields: dict[str, Any] = {
            k: [str(gold[k])]
            for k in SCHEMAS["invoice2data"]["plain"]
            if k in gold and k != "lines"
        }
        fields["__lines__"] = [
            (
                str(x.get("name") or x.get("desc") or ""),
                float(x.get("price_unit", x.get("price"))),
            )
            for x in gold.get("lines") or []
            if isinstance(x, dict) and x.get("price_unit", x.get("price")) is not None
        ]
        yield Doc(name, lambda n=name: _parse_pdf(root / f"{n}.pdf"), fields)


# -- normalisation ---------------------------------------------------------------------------
def _alnum(s: str) -> str:
    return re.sub(r"[^0-9a-z]", "", s.casefold())


def _iso(s: str) -> str:
    found = find_dates(s)
    return str(found[0].value) if found else s.strip()


def _num(s: str) -> str:
    v = parse_number(re.sub(r"[^\d.,]", "", s)) if re.search(r"\d", s) else None
    return f"{v:.2f}" if v is not None else s.strip()


def normalise(dataset: str, key: str, value: str) -> str:
    if dataset == "kleister":
        v = value.replace("&", "and").replace(",", "")
        v = re.sub(r"[\s:]+", "_", v.strip()).upper()
        if key == "effective_date":
            return _iso(value)
        if key == "term":
            m = re.match(r"(\d+)\D*(year|month|week|day)", value, re.I)
            return f"{m.group(1)}_{m.group(2).lower()}s".upper() if m else v
        return v.strip("_.").rstrip(".") if key == "party" else v
    if key in ("date",):
        return _iso(value)
    if key in ("total", "amount", "amount_untaxed"):
        return _num(value)
    if key in ("invoice_number",):
        return re.sub(r"\s", "", value).casefold()
    return _alnum(value)


def strict(value: str) -> str:
    return " ".join(value.split())


def as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [str(x) for x in v if x is not None]
    if isinstance(v, float):
        return [f"{v:.2f}"]
    return [str(v)]


# -- scoring ---------------------------------------------------------------------------------
@dataclass
class Tally:
    tp: Counter[str] = field(default_factory=Counter)
    pred: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, pred: list[str], gold: list[str]) -> int:
        p, g = Counter(pred), Counter(gold)
        tp = sum((p & g).values())
        self.tp[key] += tp
        self.pred[key] += len(pred)
        self.gold[key] += len(gold)
        return tp

    def prf(self, key: str | None = None) -> tuple[float, float, float]:
        keys = [key] if key else list(self.gold | self.pred)
        tp = sum(self.tp[k] for k in keys)
        pr = sum(self.pred[k] for k in keys)
        go = sum(self.gold[k] for k in keys)
        p = tp / pr if pr else 0.0
        r = tp / go if go else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _words_of(text: str) -> set[str]:
    return {w for w in re.findall(r"[0-9a-z]+", text.casefold()) if len(w) >= 3}


@dataclass
class ItemTally:
    """Line items matched on (name, unit price): equal prices and overlapping names."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def score(self, gold: list[tuple[str, float]], pred: list[dict[str, Any]]) -> None:
        mine = [(str(next(iter(p.values())) or ""), list(p.values())[2]) for p in pred]
        self.pred += len(mine)
        self.gold += len(gold)
        left = list(gold)
        for name, price in mine:
            for g in left:
                same_price = isinstance(price, float) and abs(price - g[1]) < 0.005
                if same_price and _words_of(name) & _words_of(g[0]):
                    self.tp += 1
                    left.remove(g)
                    break

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def make_engine(args: argparse.Namespace) -> ExtractionEngine:
    if args.engine == "rules":
        return RulesExtractor()
    from docket.engines.llm.openai_compatible import LlmExtractor, OpenAICompatibleClient

    client = OpenAICompatibleClient(args.base_url, args.api_key or "", args.model)
    return LlmExtractor(client)


@dataclass
class Run:
    """The tallies of one wording over the documents."""

    wording: int
    strict_t: Tally = field(default_factory=Tally)
    norm_t: Tally = field(default_factory=Tally)
    calib: list[tuple[float, bool]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    per_doc_f1: list[float] = field(default_factory=list)
    items_t: ItemTally = field(default_factory=ItemTally)

    def score(
        self, args: argparse.Namespace, engine: ExtractionEngine, doc: Doc, parsed: ParsedDocument
    ) -> None:
        schema = schema_of(args.dataset, WORDINGS[self.wording])
        t0 = time.perf_counter()
        res = run_extraction(parsed, schema, engine, ExtractOptions())
        self.times.append((time.perf_counter() - t0) / max(len(parsed.pages), 1))
        out = res.outputs[0]
        doc_tp = doc_pred = doc_gold = 0
        for key in schema["properties"]:
            if schema["properties"][key].get("items", {}).get("type") == "object":
                self.items_t.score(doc.gold.get("__lines__", []), out.value.get(key) or [])
                continue
            gkey = GOLD_KEY.get(key, key)
            gold = doc.gold.get(gkey, [])
            pred = as_list(out.value.get(key))
            self.strict_t.add(gkey, [strict(p) for p in pred], [strict(g) for g in gold])
            np_ = [normalise(args.dataset, gkey, p) for p in pred]
            ng = [normalise(args.dataset, gkey, g) for g in gold]
            tp = self.norm_t.add(gkey, np_, ng)
            doc_tp, doc_pred, doc_gold = doc_tp + tp, doc_pred + len(np_), doc_gold + len(ng)
            paths = (
                [key]
                if not isinstance(out.value.get(key), list)
                else [f"{key}[{i}]" for i in range(len(pred))]
            )
            for path, p in zip(paths, np_, strict=False):
                fr = out.metadata.get(path)
                if fr is not None and fr.confidence is not None:
                    self.calib.append((fr.confidence, p in ng))
            if args.show_errors and Counter(np_) != Counter(ng):
                print(
                    f"  [{self.wording}] {doc.id} {gkey}: pred={pred} gold={gold}", file=sys.stderr
                )
        p = doc_tp / doc_pred if doc_pred else (1.0 if not doc_gold else 0.0)
        r = doc_tp / doc_gold if doc_gold else (1.0 if not doc_pred else 0.0)
        self.per_doc_f1.append(2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset", choices=["sroie", "kleister", "invoice2data"])
    ap.add_argument(
        "--paraphrase",
        nargs="?",
        type=int,
        const=1,
        default=0,
        choices=sorted(WORDINGS),
        help="reworded schema: 1 or 2 (two independent rewordings); bare flag = 1",
    )
    ap.add_argument(
        "--wording",
        default=None,
        help="comma-separated wordings scored on the same parsed documents, e.g. 0,1,2",
    )
    ap.add_argument("--split", choices=["dev", "test", "all"], default="all")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--engine", choices=["rules", "llm"], default="rules")
    ap.add_argument("--base-url", default="http://127.0.0.1:8000/v1")
    ap.add_argument("--model", default="")
    ap.add_argument("--api-key", default=os.environ.get("DOCKET_LLM_API_KEY", ""))
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)

    wordings = [int(w) for w in args.wording.split(",")] if args.wording else [int(args.paraphrase)]
    if any(w not in WORDINGS for w in wordings):
        ap.error(f"--wording takes values from {sorted(WORDINGS)}")
    loader = {"sroie": load_sroie, "kleister": load_kleister, "invoice2data": load_invoice2data}
    engine = make_engine(args)
    runs = [Run(w) for w in wordings]
    n = 0
    for doc in loader[args.dataset](args.split):
        if args.limit and n >= args.limit:
            break
        n += 1
        parsed = doc.load()
        for run in runs:
            run.score(args, engine, doc, parsed)
    for run in runs:
        report(args, n, run)
        if run.items_t.gold or run.items_t.pred:
            p, r, f = run.items_t.prf()
            print(
                f"line items (name, unit price) P/R/F1: {p:.3f} {r:.3f} {f:.3f} "
                f"({run.items_t.tp} of {run.items_t.gold} gold, {run.items_t.pred} predicted)"
            )
        print()
    return 0


def report(args: argparse.Namespace, n: int, run: Run) -> None:
    strict_t, norm_t, calib = run.strict_t, run.norm_t, run.calib
    times, per_doc_f1 = run.times, run.per_doc_f1
    variant = {0: "plain", 1: "paraphrased", 2: "paraphrased-2"}[run.wording]
    print(
        f"{args.dataset} ({variant} schema, split {args.split}, engine {args.engine}): "
        f"{n} documents"
    )
    print(f"{'field':<16}{'strict P/R/F1':>22}{'normalised P/R/F1':>24}{'gold':>6}{'pred':>6}")
    for key in sorted(norm_t.gold | norm_t.pred):
        sp, sr, sf = strict_t.prf(key)
        p, r, f = norm_t.prf(key)
        print(
            f"{key:<16}{sp:>8.3f}{sr:>7.3f}{sf:>7.3f}{p:>10.3f}{r:>7.3f}{f:>7.3f}"
            f"{norm_t.gold[key]:>6}{norm_t.pred[key]:>6}"
        )
    sp, sr, sf = strict_t.prf()
    p, r, f = norm_t.prf()
    print(f"{'micro':<16}{sp:>8.3f}{sr:>7.3f}{sf:>7.3f}{p:>10.3f}{r:>7.3f}{f:>7.3f}")
    if args.dataset == "kleister":
        print(
            "mean per-document F1 (GEval MultiLabel-F1, upper-cased): "
            f"{statistics.mean(per_doc_f1):.3f}"
        )
    if args.dataset == "sroie":
        hit, total = sum(norm_t.tp.values()), sum(norm_t.gold.values())
        print(f"normalised field accuracy: {hit / max(total, 1):.3f} ({hit}/{total})")
    print("calibration (predicted values): bucket  n  mean-confidence  accuracy")
    ece = 0.0
    for lo in (0.0, 0.2, 0.4, 0.6, 0.8):
        b = [(c, ok) for c, ok in calib if min(int(round(c * 5, 6)), 4) == round(lo * 5)]
        if b:
            mc = statistics.mean(c for c, _ in b)
            acc = sum(ok for _, ok in b) / len(b)
            ece += len(b) / len(calib) * abs(mc - acc)
            print(f"  {lo:.1f}-{lo + 0.2:.1f} {len(b):>4} {mc:>8.3f} {acc:>8.3f}")
    print(f"  expected calibration error: {ece:.3f}")
    if times:
        ms = sorted(t * 1000 for t in times)
        print(
            f"extraction time per page after parsing: mean {statistics.mean(ms):.1f} ms, "
            f"p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms"
        )


if __name__ == "__main__":
    sys.exit(main())
