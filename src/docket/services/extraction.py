"""Extraction use cases shared by every wire protocol: extractor configs and extract runs.

* :data:`EXTRACTOR_SPEC` plugs extractors into the generic
  :class:`~docket.services.processors.ProcessorService` (config validation: the schema dialect
  and the options; the schema is stored normalised).
* :class:`ExtractionService` creates extract runs (one or a batch) from a file and an
  :class:`~docket.domain.extract_config.ExtractConfig`, optionally tied to a saved extractor
  version, and reads a finished run back as an
  :class:`~docket.domain.extraction.ExtractionResult`. Configuration problems (bad schema, a
  model no provider serves) fail at request time with a 400, never inside the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from docket.domain.extract_config import ExtractConfig
from docket.domain.extraction import ExtractionResult
from docket.domain.processors import ProcessorKind
from docket.domain.runs import Batch, Page, Run, RunStatus, StoredFile
from docket.engines.llm.openai_compatible import ModelRegistry
from docket.errors import DocketError, ErrorCode, InvalidConfiguration, InvalidRequest
from docket.pipeline.schema import normalise_schema, validate_schema
from docket.services.extract_kind import RUN_CONFIG_KEY, engine_model
from docket.services.processors import ProcessorService, ProcessorSpec, Resolved
from docket.services.runs import RunService

KIND = "extract"
PROCESSOR_KEY = "processor"  # run.config["processor"]: the extractor version a run used


def validate_extract_config(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check an :class:`ExtractConfig` JSON; returns it with the schema normalised."""
    try:
        cfg = ExtractConfig.model_validate(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        raise InvalidConfiguration(f"config.{where}: {err.get('msg')}", path=where) from None
    if cfg.json_schema is not None:
        validate_schema(cfg.json_schema)
        cfg = cfg.model_copy(update={"json_schema": normalise_schema(cfg.json_schema)})
    for lo, hi in cfg.options.page_ranges or []:
        if lo < 1 or hi < lo:
            raise InvalidRequest(f"invalid page range {lo}-{hi}")
    return cfg.model_dump(mode="json")


EXTRACTOR_SPEC = ProcessorSpec(
    kind=ProcessorKind.EXTRACTOR,
    id_prefix="ex",
    version_prefix="exv",
    label="Extractor",
    validate=validate_extract_config,
)


def run_config(run: Run) -> ExtractConfig:
    return ExtractConfig.model_validate(run.config.get(RUN_CONFIG_KEY, {}))


def run_processor(run: Run) -> dict[str, Any] | None:
    """``{id, name, versionId, version}`` of the extractor version a run used, if any."""
    ref = run.config.get(PROCESSOR_KEY)
    return dict(ref) if isinstance(ref, dict) else None


def _stamp(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class RunSpec:
    """What one run is asked to do (resolved before any run is created)."""

    config: ExtractConfig
    processor: Resolved | None = None

    def as_run_config(self) -> dict[str, Any]:
        out: dict[str, Any] = {RUN_CONFIG_KEY: self.config.model_dump(mode="json")}
        if self.processor is not None:
            p, v = self.processor.processor, self.processor.version
            out[PROCESSOR_KEY] = {
                "id": p.id,
                "name": p.name,
                "createdAt": _stamp(p.created_at),
                "updatedAt": _stamp(p.updated_at),
                "versionId": v.id,
                "version": v.version,
                "description": v.description,
                "versionCreatedAt": _stamp(v.created_at),
            }
        return out


class ExtractionService:
    def __init__(
        self, runs: RunService, processors: ProcessorService, models: ModelRegistry
    ) -> None:
        self.runs = runs
        self.processors = processors
        self.models = models

    # --- configs ------------------------------------------------------------------------------
    def check(self, config: ExtractConfig | Mapping[str, Any]) -> ExtractConfig:
        """Validate and normalise a config for a run: a schema is required and the model must
        be served by a configured provider."""
        raw = config.model_dump(mode="json") if isinstance(config, ExtractConfig) else config
        cfg = ExtractConfig.model_validate(validate_extract_config(raw))
        if cfg.json_schema is None:
            raise InvalidRequest(
                "config.schema is required (Docket does not infer schemas from documents)",
                path="schema",
            )
        engine_model(cfg.model, self.models)
        return cfg

    def resolve(self, workspace_id: str, extractor_id: str, version: str | None = None) -> Resolved:
        """The extractor version a run by reference uses (``latest``: newest published, else
        the draft)."""
        return self.processors.resolve(workspace_id, ProcessorKind.EXTRACTOR, extractor_id, version)

    def spec(
        self, config: ExtractConfig | Mapping[str, Any], processor: Resolved | None = None
    ) -> RunSpec:
        return RunSpec(self.check(config), processor)

    # --- runs ---------------------------------------------------------------------------------
    def create_run(
        self,
        workspace_id: str,
        file: StoredFile,
        spec: RunSpec,
        metadata: Mapping[str, Any] | None = None,
        priority: int | None = None,
    ) -> Run:
        """Create (commit, then enqueue) one extract run (``priority`` 1-100, lower first)."""
        return self.runs.create(workspace_id, KIND, file, spec.as_run_config(), metadata, priority)

    def create_batch(
        self,
        workspace_id: str,
        inputs: Sequence[tuple[StoredFile, Mapping[str, Any] | None]],
        spec: RunSpec,
        priority: int | None = None,
    ) -> Batch:
        return self.runs.create_batch(workspace_id, KIND, inputs, spec.as_run_config(), priority)

    def get(self, workspace_id: str, run_id: str) -> Run:
        return self.runs.get(workspace_id, KIND, run_id)

    def page(
        self, workspace_id: str, *, extractor_id: str | None = None, **filters: Any
    ) -> Page[Run]:
        """Extract runs, optionally only those of one extractor (see ``page_runs``)."""
        return self.processors.page_runs(
            workspace_id, KIND, processor_id=extractor_id, ref_key=PROCESSOR_KEY, **filters
        )

    def result(self, run: Run) -> ExtractionResult | None:
        """The domain result of a PROCESSED run (None for any other state)."""
        if run.status is not RunStatus.PROCESSED or run.output_key is None:
            return None
        try:
            return ExtractionResult.model_validate_json(self.runs.output(run))
        except ValidationError:
            raise DocketError(
                f"the output of run {run.id} is unreadable", code=ErrorCode.INTERNAL_ERROR
            ) from None


def create_extract_run(
    service: ExtractionService,
    workspace_id: str,
    file: StoredFile,
    config: ExtractConfig | Mapping[str, Any],
    *,
    processor: Resolved | None = None,
    metadata: Mapping[str, Any] | None = None,
    priority: int | None = None,
) -> Run:
    """One call for other wire layers: validate ``config`` and start the run."""
    spec = service.spec(config, processor)
    return service.create_run(workspace_id, file, spec, metadata, priority)
