"""Extend's ``ExtractConfigJson`` <-> Docket's :class:`ExtractConfig` (and override merging).

Mapping (docs/extraction.md): ``schema`` -> ``json_schema``; ``baseProcessor`` -> the engine
(Extend's processor names run the offline engine unless a provider is configured under that
name; any other name is a public model name such as ``openai-gpt-4-1``); ``extractionRules`` ->
instructions; ``advancedOptions.citationsEnabled`` / ``citationMode`` /
``modelReasoningInsightsEnabled`` / ``pageRanges`` -> :class:`ExtractOptions`; ``parseConfig``
-> the implicit parse. Options Docket does not act on are kept and echoed.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from docket.api.extend.requests import ParseConfigIn, parse_options
from docket.domain.extract_config import ExtractConfig
from docket.domain.extraction import ExtractOptions
from docket.errors import InvalidRequest

DEFAULT_PROCESSOR = "extraction_performance"
_USED_ADVANCED = ("citationsEnabled", "citationMode", "modelReasoningInsightsEnabled", "pageRanges")
_CITATION_MODES = ("line", "word", "block")


def _opt(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = obj.get(key)
    if value is not None and not isinstance(value, kind):
        raise InvalidRequest(f"{where}.{key} has the wrong type", path=f"{where}.{key}")
    return value


def _page_ranges(raw: Any) -> list[tuple[int, int]] | None:
    if raw is None:
        return None
    where = "config.advancedOptions.pageRanges"
    if not isinstance(raw, list):
        raise InvalidRequest(f"{where} must be an array", path=where)
    out = []
    for i, r in enumerate(raw):
        start = r.get("start") if isinstance(r, dict) else None
        end = r.get("end") if isinstance(r, dict) else None
        if not isinstance(start, int) or not isinstance(end, int) or start < 1 or end < start:
            raise InvalidRequest(f"{where}[{i}] must be {{start, end}} with 1 <= start <= end")
        out.append((start, end))
    return out or None


def config_from_wire(wire: dict[str, Any] | None) -> dict[str, Any]:
    """An Extend ``ExtractConfigJson`` as the stored :class:`ExtractConfig` JSON."""
    w = dict(wire or {})
    if "fields" in w:
        raise InvalidRequest(
            "legacy 'fields' configs are not accepted; send a JSON Schema in config.schema"
        )
    schema = w.get("schema")
    if schema is not None and not isinstance(schema, dict):
        raise InvalidRequest("schema: must be a JSON object", path="schema")
    processor = _opt(w, "baseProcessor", str, "config")
    adv = _opt(w, "advancedOptions", dict, "config") or {}
    where = "config.advancedOptions"
    mode = _opt(adv, "citationMode", str, where) or "line"
    if mode not in _CITATION_MODES:
        raise InvalidRequest(f"{where}.citationMode must be one of {', '.join(_CITATION_MODES)}")
    options = ExtractOptions(
        citations=_opt(adv, "citationsEnabled", bool, where) is not False,
        citation_mode=mode,
        reasoning=bool(_opt(adv, "modelReasoningInsightsEnabled", bool, where)),
        page_ranges=_page_ranges(adv.get("pageRanges")),
    )
    extras: dict[str, Any] = {
        "advancedOptions": {k: v for k, v in adv.items() if k not in _USED_ADVANCED}
    }
    parse_raw = _opt(w, "parseConfig", dict, "config")
    try:
        parse_cfg = ParseConfigIn.model_validate(parse_raw) if parse_raw is not None else None
    except ValidationError as exc:
        raise InvalidRequest(f"config.parseConfig: {exc.errors()[0].get('msg')}") from None
    parse, parse_echo = parse_options(parse_cfg)
    if parse_raw is not None:
        extras["parseConfig"] = parse_echo
    cfg = ExtractConfig(
        json_schema=schema,
        model=processor,
        base_processor=processor,
        base_version=_opt(w, "baseVersion", str, "config"),
        instructions=_opt(w, "extractionRules", str, "config"),
        options=options,
        parse=parse,
        extras=extras,
    )
    return cfg.model_dump(mode="json")


def config_to_wire(stored: dict[str, Any] | ExtractConfig) -> dict[str, Any]:
    """The effective config as Extend echoes it (defaults filled, schema normalised)."""
    cfg = stored if isinstance(stored, ExtractConfig) else ExtractConfig.model_validate(stored)
    adv: dict[str, Any] = dict(cfg.extras.get("advancedOptions") or {})
    adv.update(
        citationsEnabled=cfg.options.citations,
        citationMode=cfg.options.citation_mode,
        modelReasoningInsightsEnabled=cfg.options.reasoning,
    )
    if cfg.options.page_ranges:
        adv["pageRanges"] = [{"start": a, "end": b} for a, b in cfg.options.page_ranges]
    out: dict[str, Any] = {
        "baseProcessor": cfg.base_processor or cfg.model or DEFAULT_PROCESSOR,
        "baseVersion": cfg.base_version,
        "extractionRules": cfg.instructions,
        "schema": cfg.json_schema,
        "advancedOptions": adv,
    }
    if "parseConfig" in cfg.extras:
        out["parseConfig"] = cfg.extras["parseConfig"]
    return out


def merge_override(base: dict[str, Any], override: dict[str, Any] | None) -> dict[str, Any]:
    """Extend's ``overrideConfig``: a partial config over the version's (schema replaced
    whole; ``advancedOptions`` and ``parseConfig`` merged key by key)."""
    merged = dict(base)
    for key, value in (override or {}).items():
        if value is None:
            continue
        old = merged.get(key)
        if key in ("advancedOptions", "parseConfig") and isinstance(old, dict):
            if not isinstance(value, dict):
                raise InvalidRequest(f"overrideConfig.{key} must be an object")
            merged[key] = {**old, **value}
        else:
            merged[key] = value
    return merged
