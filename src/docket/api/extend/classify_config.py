"""Extend ClassifyConfig / SplitConfig -> Docket's classes and options (+ the echoed config).

Configs arrive inline on run requests and stored on saved classifiers/splitters, so they are read
from plain JSON here (not by FastAPI) and every problem is a 400 ``INVALID_REQUEST`` naming the
path (``config.classifications[1].id``). ``overrideConfig`` is a partial merge over a saved
version's config (top-level keys replace, ``advancedOptions`` merges one level deeper).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from docket.api.extend.requests import PageRangeIn, ParseConfigIn, parse_options
from docket.domain.classification import ClassifyOptions, DocumentClass
from docket.domain.parse_options import PageRange, ParseOptions
from docket.errors import InvalidRequest

CLASSIFY_PROCESSORS = (
    "classification_performance",
    "classification_standard",
    "classification_light",
)
SPLIT_PROCESSORS = ("splitting_performance", "splitting_light")


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class ClassificationIn(_Wire):
    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    description: str = ""


class SplitClassificationIn(ClassificationIn):
    identifier_key: str | None = None


class ClassifyAdvancedIn(_Wire):
    context: Literal["default", "max"] | None = None
    advanced_multimodal_enabled: bool | None = None
    memory_enabled: bool | None = None
    page_ranges: list[PageRangeIn] | None = None


class SplitAdvancedIn(_Wire):
    split_identifier_rules: str | None = None
    split_method: Literal["high_precision", "basic_precision"] | None = None
    split_excel_documents_by_sheet_enabled: bool | None = None
    page_ranges: list[PageRangeIn] | None = None
    page_overlap_enabled: bool | None = None
    strict_identifier_mode_enabled: bool | None = None


class ClassifyConfigIn(_Wire):
    base_processor: (
        Literal["classification_performance", "classification_standard", "classification_light"]
        | None
    ) = None
    base_version: str | None = None
    classifications: list[ClassificationIn] = Field(default_factory=list)
    classification_rules: str | None = None
    advanced_options: ClassifyAdvancedIn | None = None
    parse_config: ParseConfigIn | None = None


class SplitConfigIn(_Wire):
    base_processor: Literal["splitting_performance", "splitting_light"] | None = None
    base_version: str | None = None
    split_classifications: list[SplitClassificationIn] = Field(default_factory=list)
    split_rules: str | None = None
    advanced_options: SplitAdvancedIn | None = None
    parse_config: ParseConfigIn | None = None


@dataclass(frozen=True)
class Plan:
    """What a classify/split run needs: the classes, engine options, parse options, and echo."""

    classes: list[DocumentClass]
    options: ClassifyOptions
    parse: ParseOptions
    base_processor: str
    echo: dict[str, Any]
    overlap: bool = False  # split: a page may belong to two adjacent splits
    strict_identifiers: bool = False  # split: merge neighbours of one type with equal identifier

    def run_config(self) -> dict[str, Any]:
        """The JSON stored on the run (``echo`` is what the wire shows as ``config``)."""
        return {
            "echo": self.echo,
            "classes": [c.model_dump(mode="json") for c in self.classes],
            "options": self.options.model_dump(mode="json"),
            "parse": self.parse.model_dump(mode="json"),
            "baseProcessor": self.base_processor,
            "overlap": self.overlap,
            "strictIdentifiers": self.strict_identifiers,
        }


def _where(prefix: str, loc: tuple[int | str, ...]) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _invalid(prefix: str, exc: ValidationError) -> InvalidRequest:
    parts = []
    for err in exc.errors()[:5]:
        msg = str(err.get("msg", "invalid")).replace("Value error, ", "")
        parts.append(f"{_where(prefix, tuple(err.get('loc', ())))}: {msg}")
    return InvalidRequest("; ".join(parts) or f"{prefix} is invalid")


def _check_classes(
    prefix: str, field: str, classes: Sequence[ClassificationIn], required: bool
) -> None:
    if required and not classes:
        raise InvalidRequest(f"{prefix}.{field}: at least one classification is required")
    seen: set[str] = set()
    for i, c in enumerate(classes):
        if c.id in seen:
            raise InvalidRequest(f"{prefix}.{field}[{i}].id: {c.id!r} is used twice")
        seen.add(c.id)


def _ranges(prefix: str, ranges: list[PageRangeIn] | None) -> list[PageRange] | None:
    if not ranges:
        return None
    out = []
    for i, r in enumerate(ranges):
        if r.end < r.start:
            raise InvalidRequest(
                f"{prefix}.advancedOptions.pageRanges[{i}]: end {r.end} is before start {r.start}"
            )
        out.append(PageRange(start=r.start, end=r.end))
    return out


def _parse(cfg: ParseConfigIn | None, ranges: list[PageRange] | None) -> ParseOptions:
    options, _ = parse_options(cfg)
    if ranges and not options.page_ranges:
        options = options.model_copy(update={"page_ranges": ranges})
    return options


def merge_override(base: dict[str, Any], override: dict[str, Any] | None) -> dict[str, Any]:
    """A saved config with an ``overrideConfig`` laid over it (None/absent keys keep the base)."""
    if not override:
        return dict(base)
    if not isinstance(override, dict):
        raise InvalidRequest("overrideConfig must be a JSON object")
    out = dict(base)
    for key, value in override.items():
        if value is None:
            continue
        if key == "advancedOptions" and isinstance(value, dict):
            merged = dict(out.get(key) or {})
            merged.update({k: v for k, v in value.items() if v is not None})
            out[key] = merged
        else:
            out[key] = value
    return out


def _object(raw: object, prefix: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidRequest(f"{prefix} must be a JSON object")
    return raw


def classify_plan(raw: object, prefix: str = "config", *, runnable: bool = True) -> Plan:
    """A ClassifyConfig (JSON) -> :class:`Plan`; 400 INVALID_REQUEST naming the bad path.

    ``runnable=False`` admits an empty class list (a saved draft still being written)."""
    try:
        cfg = ClassifyConfigIn.model_validate(_object(raw, prefix))
    except ValidationError as exc:
        raise _invalid(prefix, exc) from None
    _check_classes(prefix, "classifications", cfg.classifications, runnable)
    adv = cfg.advanced_options or ClassifyAdvancedIn()
    ranges = _ranges(prefix, adv.page_ranges)
    classes = [
        DocumentClass(id=c.id, type=c.type, description=c.description) for c in cfg.classifications
    ]
    options = ClassifyOptions(
        instructions=cfg.classification_rules or None,
        page_ranges=[(r.start, r.end) for r in ranges] if ranges else None,
    )
    base = cfg.base_processor or CLASSIFY_PROCESSORS[0]
    echo = cfg.model_dump(by_alias=True, exclude_none=True, mode="json")
    echo["baseProcessor"] = base
    return Plan(classes, options, _parse(cfg.parse_config, ranges), base, echo)


def split_plan(raw: object, prefix: str = "config", *, runnable: bool = True) -> Plan:
    """A SplitConfig (JSON) -> :class:`Plan`; 400 INVALID_REQUEST naming the bad path."""
    try:
        cfg = SplitConfigIn.model_validate(_object(raw, prefix))
    except ValidationError as exc:
        raise _invalid(prefix, exc) from None
    _check_classes(prefix, "splitClassifications", cfg.split_classifications, runnable)
    adv = cfg.advanced_options or SplitAdvancedIn()
    ranges = _ranges(prefix, adv.page_ranges)
    classes = [
        DocumentClass(
            id=c.id, type=c.type, description=c.description, identifier_key=c.identifier_key
        )
        for c in cfg.split_classifications
    ]
    rules = "\n".join(r for r in (cfg.split_rules, adv.split_identifier_rules) if r)
    options = ClassifyOptions(
        instructions=rules or None,
        page_ranges=[(r.start, r.end) for r in ranges] if ranges else None,
    )
    base = cfg.base_processor or SPLIT_PROCESSORS[0]
    echo = cfg.model_dump(by_alias=True, exclude_none=True, mode="json")
    echo["baseProcessor"] = base
    return Plan(
        classes,
        options,
        _parse(cfg.parse_config, ranges),
        base,
        echo,
        overlap=bool(adv.page_overlap_enabled),
        strict_identifiers=bool(adv.strict_identifier_mode_enabled),
    )


def saved_classify_config(raw: dict[str, Any]) -> dict[str, Any]:
    """Validator of saved classifiers: the normalised config (defaults filled)."""
    return classify_plan(raw, runnable=False).echo


def saved_split_config(raw: dict[str, Any]) -> dict[str, Any]:
    """Validator of saved splitters: the normalised config (defaults filled)."""
    return split_plan(raw, runnable=False).echo
