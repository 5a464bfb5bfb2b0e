"""Extraction orchestration: validate the schema, pick pages and targets, chunk, merge, ground.

Engines only ever see a (sub-)document and a normalised schema. This module decides which
sub-documents (the page ranges; one per page; one per table row), cuts long documents into
page chunks for engines with a bounded context, merges partial answers (arrays concatenated
and de-duplicated, scalars by confidence), aligns ungrounded answers back to the words, and
makes every output conform to the schema.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from docket.domain.citations import Alignment, Citation, Point
from docket.domain.document import Chunk, ParsedDocument
from docket.domain.extraction import (
    EngineOutput,
    ExtractionEngine,
    ExtractionResult,
    ExtractOptions,
    ExtractTarget,
    FieldResult,
    TargetOutput,
    Usage,
)
from docket.domain.geometry import BBox
from docket.engines.llm.openai_compatible import (
    LlmExtractor,
    ModelRegistry,
    OpenAICompatibleClient,
)
from docket.engines.rules.extractor import RulesExtractor
from docket.engines.rules.index import build_index
from docket.errors import ErrorCode, InvalidRequest
from docket.pipeline.align import GROUNDED_CONFIDENCE, align_value
from docket.pipeline.schema import (
    base_type,
    complete_value,
    normalise_schema,
    validate_schema,
    value_paths,
)

ROWS_KEY = "rows"


def run_extraction(
    doc: ParsedDocument,
    schema: dict[str, Any],
    engine: ExtractionEngine,
    options: ExtractOptions | None = None,
) -> ExtractionResult:
    """Validate, extract every target and return conforming, grounded outputs."""
    options = options or ExtractOptions()
    start = time.perf_counter()
    validate_schema(schema)
    norm = normalise_schema(schema)
    doc = restrict_pages(doc, options.page_ranges)
    usage = Usage()
    outputs: list[TargetOutput] = []
    if options.target is ExtractTarget.DOCUMENT:
        out = _extract(doc, norm, engine, options, usage)
        outputs.append(TargetOutput(value=out.value, metadata=out.metadata))
    elif options.target is ExtractTarget.PAGE:
        for page in doc.pages:
            sub = restrict_pages(doc, [(page.number, page.number)])
            out = _extract(sub, norm, engine, options, usage)
            outputs.append(TargetOutput(value=out.value, metadata=out.metadata, page=page.number))
    else:
        outputs = _table_rows(doc, norm, engine, options, usage)
    if options.citation_mode != "word":
        widen_citations(doc, outputs, options.citation_mode)
    for o in outputs:
        _apply_switches(o, options)
    return ExtractionResult(
        outputs=outputs, usage=usage, engine=engine.name, seconds=time.perf_counter() - start
    )


def restrict_pages(doc: ParsedDocument, ranges: list[tuple[int, int]] | None) -> ParsedDocument:
    """The document limited to pages inside ``ranges`` (1-based, inclusive)."""
    if not ranges:
        return doc
    for lo, hi in ranges:
        if lo < 1 or hi < lo:
            raise InvalidRequest(f"invalid page range {lo}-{hi}", code=ErrorCode.INVALID_REQUEST)

    def keep(n: int) -> bool:
        return any(lo <= n <= hi for lo, hi in ranges)

    chunks = []
    for c in doc.chunks:
        blocks = [b for b in c.blocks if keep(b.page)]
        if blocks or (keep(c.page_start) and keep(c.page_end)):
            pages = [b.page for b in blocks] or [c.page_start]
            content = "\n\n".join(b.content or b.text for b in blocks)
            chunks.append(
                Chunk(
                    type=c.type,
                    content=content,
                    page_start=min(pages),
                    page_end=max(pages),
                    blocks=blocks,
                )
            )
    return doc.model_copy(
        update={"pages": [p for p in doc.pages if keep(p.number)], "chunks": chunks}
    )


def _extract(
    doc: ParsedDocument,
    schema: dict[str, Any],
    engine: ExtractionEngine,
    options: ExtractOptions,
    usage: Usage,
) -> EngineOutput:
    limit = getattr(engine, "max_chars", None)
    budget = min(options.max_chunk_chars, int(limit)) if limit is not None else None
    parts = split_pages(doc, budget)
    results: list[EngineOutput] = []
    for part in parts:
        out = engine.extract(part, schema, options.instructions)
        usage.add(out.usage)
        value = complete_value(schema, out.value)
        out = out.model_copy(update={"value": value})
        if not out.grounded:
            out = ground(part, schema, out)
        results.append(out)
    return merge_outputs(schema, results)


def split_pages(doc: ParsedDocument, max_chars: int | None) -> list[ParsedDocument]:
    """Whole-page chunks of at most ``max_chars`` characters (a page is never cut)."""
    if max_chars is None or len(doc.markdown) <= max_chars or len(doc.pages) <= 1:
        return [doc]
    sizes: dict[int, int] = {}
    for b in doc.blocks:
        sizes[b.page] = sizes.get(b.page, 0) + len(b.content or b.text) + 2
    groups: list[list[int]] = [[]]
    used = 0
    for p in doc.pages:
        size = sizes.get(p.number, 0)
        if groups[-1] and used + size > max_chars:
            groups.append([])
            used = 0
        groups[-1].append(p.number)
        used += size
    return [restrict_pages(doc, [(g[0], g[-1])]) for g in groups if g]


def ground(doc: ParsedDocument, schema: dict[str, Any], out: EngineOutput) -> EngineOutput:
    """Cite every leaf of an ungrounded answer; confidence follows the alignment."""
    index = build_index(doc)
    meta = dict(out.metadata)
    for path in value_paths(schema, out.value):
        value = _get(out.value, path)
        if isinstance(value, dict | list) or value is None:
            continue
        kind, cits = align_value(index, value)
        prev = meta.get(path, FieldResult())
        conf = prev.confidence if prev.confidence is not None else GROUNDED_CONFIDENCE[kind]
        meta[path] = FieldResult(
            confidence=conf, citations=cits, reasoning=prev.reasoning, alignment=kind
        )
    for path in value_paths(schema, out.value):
        if isinstance(_get(out.value, path), dict):  # an array item object: its leaves' evidence
            kids = [fr for p, fr in meta.items() if p.startswith(path + ".")]
            confs = [fr.confidence for fr in kids if fr.confidence is not None]
            cits = [c for fr in kids for c in fr.citations]
            meta[path] = FieldResult(
                confidence=min(confs) if confs else None,
                citations=cits,
                alignment=Alignment.EXACT if cits else Alignment.NONE,
            )
    return out.model_copy(update={"metadata": meta, "grounded": True})


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _get(value: Any, path: str) -> Any:
    cur = value
    for key, idx in _STEP.findall(path):
        if key:
            cur = cur.get(key) if isinstance(cur, dict) else None
        else:
            cur = cur[int(idx)] if isinstance(cur, list) and int(idx) < len(cur) else None
    return cur


def merge_outputs(schema: dict[str, Any], outs: list[EngineOutput]) -> EngineOutput:
    """Merge partial answers of page chunks: arrays concatenated (duplicates dropped), scalars
    from the most confident chunk that found one."""
    if len(outs) == 1:
        return outs[0]
    meta: dict[str, FieldResult] = {}
    value = _merge_node(schema, [(o.value, o.metadata) for o in outs], "", meta)
    usage = Usage()
    for o in outs:
        usage.add(o.usage)
    return EngineOutput(value=value, metadata=meta, usage=usage, grounded=True)


def _merge_node(
    node: dict[str, Any],
    parts: list[tuple[Any, dict[str, FieldResult]]],
    prefix: str,
    meta: dict[str, FieldResult],
) -> Any:
    kind = base_type(node)
    if kind == "object" and node.get("extend:type") != "currency":
        out: dict[str, Any] = {}
        for key, child in (node.get("properties") or {}).items():
            path = f"{prefix}.{key}" if prefix else key
            sub = [(v.get(key) if isinstance(v, dict) else None, m) for v, m in parts]
            out[key] = _merge_node(child, sub, path, meta)
        return out
    if kind == "array":
        items: list[Any] = []
        seen: set[str] = set()
        for v, m in parts:
            for i, item in enumerate(v if isinstance(v, list) else []):
                key = json.dumps(item, sort_keys=True, default=str).casefold()
                if key in seen:
                    continue
                seen.add(key)
                old, new = f"{prefix}[{i}]", f"{prefix}[{len(items)}]"
                for p, fr in m.items():
                    if p == old or p.startswith(old + "."):
                        meta[new + p[len(old) :]] = fr
                items.append(item)
        return items
    best: tuple[float, Any, FieldResult | None] | None = None
    for v, m in parts:
        if v is None:
            continue
        got = m.get(prefix)
        conf = got.confidence if got and got.confidence is not None else 0.5
        if best is None or conf > best[0]:
            best = (conf, v, got)
    if best is None:
        return None
    chosen = best[2]
    if chosen is not None:
        meta[prefix] = chosen
    return best[1]


def _table_rows(
    doc: ParsedDocument,
    schema: dict[str, Any],
    engine: ExtractionEngine,
    options: ExtractOptions,
    usage: Usage,
) -> list[TargetOutput]:
    """One output per table row: the schema describes a row; any engine fills an array of
    rows, which is then split into targets."""
    wrapped = {
        "type": "object",
        "properties": {ROWS_KEY: {"type": "array", "items": schema}},
        "required": [ROWS_KEY],
        "additionalProperties": False,
    }
    out = _extract(doc, wrapped, engine, options, usage)
    rows = out.value.get(ROWS_KEY) or []
    targets = []
    for i, row in enumerate(rows):
        prefix = f"{ROWS_KEY}[{i}]"
        meta = {
            p[len(prefix) + 1 :]: fr for p, fr in out.metadata.items() if p.startswith(prefix + ".")
        }
        row_meta = out.metadata.get(prefix)
        page = row_meta.citations[0].page if row_meta and row_meta.citations else None
        block = row_meta.citations[0].block_id if row_meta and row_meta.citations else None
        targets.append(
            TargetOutput(
                value=complete_value(schema, row),
                metadata=meta,
                page=page,
                table_row=i,
                block_id=block,
            )
        )
    return targets


def widen_citations(doc: ParsedDocument, outputs: list[TargetOutput], mode: str) -> None:
    """Replace word-level citations by the lines (or blocks) that hold those words."""
    index = build_index(doc)
    blocks = {b.id: b for b in doc.blocks}
    for out in outputs:
        for fr in out.metadata.values():
            wide: list[Citation] = []
            for c in fr.citations:
                box = BBox(c.polygon[0].x, c.polygon[0].y, c.polygon[2].x, c.polygon[2].y)
                if mode == "block" and c.block_id in blocks:
                    b = blocks[c.block_id]
                    hits = [(b.bbox, b.text)]
                else:
                    hits = [
                        (ln.bbox, ln.text)
                        for ln in index.on_page(c.page)
                        if ln.bbox.intersection_area(box) > 0.5 * max(box.area, 1e-6)
                    ]
                for bbox, text in hits or [(box, c.reference_text)]:
                    r = bbox.rounded(2)
                    item = c.model_copy(
                        update={
                            "reference_text": text,
                            "polygon": [Point(x=x, y=y) for x, y in r.polygon()],
                        }
                    )
                    if item not in wide:
                        wide.append(item)
            fr.citations = wide


def _apply_switches(out: TargetOutput, options: ExtractOptions) -> None:
    for fr in out.metadata.values():
        if not options.citations:
            fr.citations = []
        if not options.confidence:
            fr.confidence = None
        if not options.reasoning:
            fr.reasoning = None
        if fr.alignment is None:
            fr.alignment = Alignment.EXACT if fr.citations else Alignment.NONE


OFFLINE_MODELS = frozenset({"", "rules", "offline", "docket-offline"})


def select_engine(model: str | None, registry: ModelRegistry | None = None) -> ExtractionEngine:
    """The offline engine for no/offline model names; otherwise the configured provider
    (``INVALID_CONFIGURATION`` when the name is not configured)."""
    if model is None or model.strip().lower() in OFFLINE_MODELS:
        return RulesExtractor()
    cfg = (registry or ModelRegistry.from_env()).resolve(model)
    return LlmExtractor(OpenAICompatibleClient(cfg.base_url, cfg.api_key, cfg.model))
