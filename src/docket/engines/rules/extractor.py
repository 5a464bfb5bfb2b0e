"""The offline extraction engine: deterministic, layout-aware, grounded in the words it used.

For every leaf of the schema it gathers candidates (labelled key-values on one line, to the
right or stacked below; typed values in context; a letterhead for names), keeps the best by
score and cites the exact words. Arrays of objects come from tables whose header cells name
the item's properties. Confidence is a calibrated function of the winning score and its margin
over the best *different* value (see docs/extraction.md for the measured calibration).
"""

from __future__ import annotations

import re
from typing import Any

from docket.domain.citations import Alignment
from docket.domain.document import Block, ParsedDocument
from docket.domain.extraction import EngineOutput, FieldResult
from docket.engines.rules import entities as en
from docket.engines.rules import matching as mt
from docket.engines.rules.columns import column_rows, lone_text_property
from docket.engines.rules.index import DLine, DocIndex, build_index, cell_words, cite_words
from docket.engines.rules.labels import FieldSpec, Kind, label_score, make_field, node_type, tokens
from docket.engines.rules.sections import SECTION_PENALTY, Anchor, in_section, section_anchors

NULL_BELOW = 0.36
_NUMERIC = {
    Kind.AMOUNT,
    Kind.NUMBER,
    Kind.INTEGER,
    Kind.PERCENT,
}  # a best score under this is reported as null (not found)
_TYPED = {
    Kind.DATE,
    Kind.PHONE,
    Kind.EMAIL,
    Kind.IBAN,
    Kind.PERCENT,
    Kind.DURATION,
    Kind.PLACE,
    Kind.CURRENCY_CODE,
    Kind.ENUM,
}


def calibrate(score: float, margin: float, agree: int, source: str = "inline") -> float:
    """Probability that a value is right, from its score, margin and kind of evidence.

    A lookup fitted on the ``dev`` split of the three benchmarks (bucketed accuracy per
    evidence kind, see docs/extraction.md); the ``test`` split is reported, never fitted.
    ``margin`` is the lead over the best *different* value; near-ties are less reliable.
    """
    if source == "top":  # letterhead name/address
        p = 0.9
    elif source == "context":  # a typed value found by the words around it
        p = 0.4 if score < 0.4 else 0.78 if score < 0.7 else 0.9
    elif source == "entity":  # a named party
        p = 0.45 if score < 0.6 else 0.68
    else:  # next to a label: inline, right, below, table header
        p = 0.45 if score < 0.6 else 0.65 if score < 0.9 else 0.87
    if margin < 0.05:
        p -= 0.1
    if agree > 1:
        p += 0.03
    return round(min(0.97, max(0.03, p)), 3)


def _norm_key(v: Any) -> str:
    return re.sub(r"[^a-z0-9.]", "", str(v).lower())


class RulesExtractor:
    """``ExtractionEngine`` without a model; always available."""

    name = "rules"

    def extract(
        self, doc: ParsedDocument, schema: dict[str, Any], instructions: str | None = None
    ) -> EngineOutput:
        index = build_index(doc)
        meta: dict[str, FieldResult] = {}
        value = self._object(index, schema, "", (), meta)
        return EngineOutput(value=value, metadata=meta, grounded=True)

    # -- walking the schema -------------------------------------------------------------
    def _object(
        self,
        index: DocIndex,
        node: dict[str, Any],
        prefix: str,
        parent: tuple[str, ...],
        meta: dict[str, FieldResult],
        anchors: list[Anchor] | None = None,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, child in (node.get("properties") or {}).items():
            path = f"{prefix}.{key}" if prefix else key
            kind = node_type(child)
            if kind == "object" and child.get("extend:type") != "currency":
                spec = make_field(path, key, child, parent)
                here = section_anchors(index, spec)
                out[key] = self._object(index, child, path, spec.name_tokens, meta, here)
            elif kind == "array":
                out[key] = self._array(index, make_field(path, key, child, parent), meta)
            else:
                spec = make_field(path, key, child, parent)
                if child.get("extend:type") == "currency":
                    spec.kind = Kind.AMOUNT
                out[key] = self._leaf(index, spec, meta, anchors)
        return out

    def _leaf(
        self,
        index: DocIndex,
        spec: FieldSpec,
        meta: dict[str, FieldResult],
        anchors: list[Anchor] | None = None,
    ) -> Any:
        cands = self._candidates(index, spec)
        inside = [in_section(c, anchors) for c in cands] if anchors else []
        if any(inside):  # another section's "Name:" is a weaker candidate than our own
            for c, ok in zip(cands, inside, strict=True):
                c.score -= 0.0 if ok else SECTION_PENALTY
        best = _choose(cands)
        if best is None:
            if spec.node.get("extend:type") == "currency":
                return {"amount": None, "iso_4217_currency_code": None}
            return None
        cand, conf = best
        meta[spec.path] = _meta(index, cand, conf)
        if isinstance(cand.value, dict):  # a currency object: its amount is the cited part
            meta[f"{spec.path}.amount"] = meta[spec.path]
        return cand.value

    def _candidates(self, index: DocIndex, spec: FieldSpec) -> list[mt.Candidate]:
        cands = mt.labelled(index, spec)
        if spec.kind in _TYPED:
            cands += mt.typed_scan(index, spec)
        elif spec.kind is Kind.NAME:
            top, _ = en.name_fallback(index)
            cands += [top] if top else []
        elif spec.kind is Kind.ADDRESS:
            addr = en.address_fallback(index)
            cands += [addr] if addr else []
        elif spec.kind is Kind.AMOUNT:
            mt.repeated_amount_bonus(index, cands)
        return cands

    def _array(self, index: DocIndex, spec: FieldSpec, meta: dict[str, FieldResult]) -> list[Any]:
        items = spec.node.get("items") or {}
        if node_type(items) == "object":
            return self._table_array(index, spec, items, meta)
        item = make_field(spec.path, spec.key, items)
        item.name_tokens, item.desc_tokens = spec.name_tokens, spec.desc_tokens
        if item.kind is Kind.TEXT:
            item.kind = spec.kind
        if item.kind is Kind.NAME:
            cands = en.organisations(index)
        elif item.kind in _TYPED or item.kind in (Kind.AMOUNT, Kind.NUMBER):
            cands = [
                c
                for c in mt.labelled(index, item) + mt.typed_scan(index, item)
                if c.score >= NULL_BELOW
            ]
        else:
            cands = mt.labelled(index, item)
        out: list[Any] = []
        seen: set[str] = set()
        for c in cands:
            k = _norm_key(c.value)
            if k in seen or c.value is None:
                continue
            seen.add(k)
            meta[f"{spec.path}[{len(out)}]"] = _meta(index, c, calibrate(c.score, 0.1, 1, c.source))
            out.append(c.value)
        return out

    def _table_array(
        self, index: DocIndex, spec: FieldSpec, items: dict[str, Any], meta: dict[str, FieldResult]
    ) -> list[Any]:
        props = {
            k: make_field(f"{spec.path}[].{k}", k, v)
            for k, v in (items.get("properties") or {}).items()
            if node_type(v) not in ("object", "array")
        }
        scored = [(t, *_map_columns(t, props)) for t in index.tables]
        scored = [s for s in scored if s[2] > 0]
        if not scored:
            return self._column_array(index, spec, items, props, meta)
        best = max(s[2] for s in scored)
        out: list[Any] = []
        for table, mapping, fit in scored:
            if fit < 0.6 * best:
                continue
            out.extend(self._rows(index, spec, items, table, mapping, fit, props, meta, len(out)))
        return out

    def _column_array(
        self,
        index: DocIndex,
        spec: FieldSpec,
        items: dict[str, Any],
        props: dict[str, FieldSpec],
        meta: dict[str, FieldResult],
    ) -> list[Any]:
        """Items from aligned columns under a header row (no table block found)."""
        out: list[Any] = []
        for cells in column_rows(index, props):
            obj: dict[str, Any] = {k: None for k in (items.get("properties") or {})}
            row_meta: dict[str, FieldResult] = {}
            for key, pairs in cells.items():
                line = DLine(
                    pairs[0][0].page,
                    [w for _, w in pairs],
                    pairs[0][0].bbox,
                    pairs[0][0].block_id,
                    pairs[0][0].block_type,
                    0,
                )
                found = mt.parse_in(props[key], line.text)
                if not found:
                    continue
                s, e, v = mt._pick(props[key], found)
                obj[key] = v
                cit = cite_words(
                    line.word_range(s, e), line.page, index.pages.get(line.page), line.block_id
                )
                row_meta[key] = FieldResult(
                    confidence=calibrate(0.7, 0.2, 1, "table"),
                    citations=[cit] if cit else [],
                    alignment=Alignment.EXACT,
                )
            numeric = [k for k, f in props.items() if f.kind in _NUMERIC]
            if sum(v is not None for v in obj.values()) < 2 or (
                numeric and all(obj.get(k) is None for k in numeric)
            ):
                continue
            i = len(out)
            for key, fr in row_meta.items():
                meta[f"{spec.path}[{i}].{key}"] = fr
            meta[f"{spec.path}[{i}]"] = FieldResult(
                confidence=min((fr.confidence or 0.0) for fr in row_meta.values()),
                citations=[c for fr in row_meta.values() for c in fr.citations],
                alignment=Alignment.EXACT,
            )
            out.append(obj)
        return out

    def _rows(
        self,
        index: DocIndex,
        spec: FieldSpec,
        items: dict[str, Any],
        table: Block,
        mapping: dict[str, int],
        fit: float,
        props: dict[str, FieldSpec],
        meta: dict[str, FieldResult],
        offset: int,
    ) -> list[dict[str, Any]]:
        assert table.table is not None
        tab = table.table
        head = max(tab.header_rows, 1)
        cells = {(c.row, c.col): c for c in tab.cells}
        geom = index.pages.get(table.page)
        rows: list[dict[str, Any]] = []
        for r in range(head, tab.rows):
            obj: dict[str, Any] = {k: None for k in (items.get("properties") or {})}
            row_meta: dict[str, FieldResult] = {}
            for key, col in mapping.items():
                cell = cells.get((r, col))
                if cell is None or not cell.text.strip():
                    continue
                vals = mt.parse_in(props[key], cell.text)
                if not vals:
                    continue
                s, e, v = mt._pick(props[key], vals)
                obj[key] = v
                words = cell_words(cell)
                line = DLine(table.page, words, cell.bbox, table.id, table.type, 0)
                cit = cite_words(line.word_range(s, e), table.page, geom, table.id)
                row_meta[key] = FieldResult(
                    confidence=calibrate(min(1.0, 0.4 + 0.6 * fit), 0.2, 1, "table"),
                    citations=[cit] if cit else [],
                    alignment=Alignment.EXACT,
                )
            if sum(v is not None for v in obj.values()) < min(2, len(mapping)):
                continue
            i = offset + len(rows)
            for key, fr in row_meta.items():
                meta[f"{spec.path}[{i}].{key}"] = fr
            cits = [c for fr in row_meta.values() for c in fr.citations]
            meta[f"{spec.path}[{i}]"] = FieldResult(
                confidence=min((fr.confidence or 0.0) for fr in row_meta.values()),
                citations=cits,
                alignment=Alignment.EXACT,
            )
            rows.append(obj)
        return rows


def _map_columns(table: Block, props: dict[str, FieldSpec]) -> tuple[dict[str, int], float]:
    """Greedy one-to-one mapping of item properties to header columns, with its mean score."""
    assert table.table is not None
    tab = table.table
    head = max(tab.header_rows, 1)
    headers: dict[int, list[str]] = {}
    for c in tab.cells:
        if c.row < head:
            headers.setdefault(c.col, []).append(c.text)
    pairs = []
    for key, spec in props.items():
        for col, texts in headers.items():
            s = label_score(spec, tokens(" ".join(texts)))
            if s >= 0.5:
                pairs.append((s, key, col))
    pairs.sort(reverse=True)
    mapping: dict[str, int] = {}
    used: set[int] = set()
    total = 0.0
    for s, key, col in pairs:
        if key in mapping or col in used:
            continue
        mapping[key] = col
        used.add(col)
        total += s
    text_key = lone_text_property(props, set(mapping)) if len(mapping) >= 2 else None
    spare = sorted(c for c in headers if c not in used)
    if text_key and spare and spare[0] < min(mapping.values()):
        mapping[text_key] = spare[0]  # the leftmost unnamed column holds the items' text
        total += 0.5
    return mapping, (total / len(props) if props else 0.0)


def _choose(cands: list[mt.Candidate]) -> tuple[mt.Candidate, float] | None:
    cands = [c for c in cands if c.value is not None]
    if not cands:
        return None
    by_value: dict[str, list[mt.Candidate]] = {}
    for c in cands:
        by_value.setdefault(_norm_key(c.value), []).append(c)
    ranked = sorted(by_value.values(), key=lambda cs: -max(c.score for c in cs))
    top = max(ranked[0], key=lambda c: c.score)
    if top.score < NULL_BELOW:
        return None
    runner = max((c.score for c in ranked[1]), default=0.0) if len(ranked) > 1 else 0.0
    return top, calibrate(top.score, top.score - runner, len(ranked[0]), top.source)


def _meta(index: DocIndex, cand: mt.Candidate, conf: float) -> FieldResult:
    cits = []
    for line, words in cand.spans:
        c = cite_words(words, line.page, index.pages.get(line.page), line.block_id)
        if c is not None:
            cits.append(c)
    return FieldResult(
        confidence=conf,
        citations=cits,
        alignment=Alignment.EXACT if cits else Alignment.NONE,
        reasoning=f"{cand.source} match, score {cand.score:.2f}",
    )
