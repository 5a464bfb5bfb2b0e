"""``create_app(settings)``: wires store, blobs, worker pool and services into a FastAPI app.

Start-up order matters for reliability: migrations first, then recovery of runs a previous
process left open (re-queued or failed), then requests. Other features hook in through
``create_app``'s arguments: ``events`` receives every run state change (webhooks), ``fetch``
downloads URL inputs (the SSRF-guarded fetcher by default).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from docket.api import errors
from docket.api.deps import Services
from docket.api.extend import (
    batch_runs,
    classifiers,
    classify_runs,
    extract_runs,
    extractors,
    files,
    parse_runs,
    signed,
    split_runs,
    splitters,
)
from docket.api.extend import webhooks as webhook_routes
from docket.api.extend.extract_present import extract_run_json
from docket.api.extend.present import batch_json, run_json
from docket.api.extend.processor_routes import present_processor, present_version
from docket.api.extend.webhooks import build_webhooks
from docket.api.llamacloud.hooks import with_job_webhooks
from docket.api.llamacloud.routes import ROUTERS as LLAMACLOUD_ROUTERS
from docket.api.middleware import RequestContext
from docket.domain.processors import ProcessorKind
from docket.domain.runs import Run
from docket.engines.llm.openai_compatible import ModelRegistry
from docket.services.classify_kind import ClassifyKind
from docket.services.executor import Executor
from docket.services.extract_kind import ExtractKind
from docket.services.extraction import EXTRACTOR_SPEC, ExtractionService
from docket.services.fetch import FetchPolicy, fetch_url
from docket.services.files import FetchFn, FileService
from docket.services.keys import KeyService
from docket.services.parse_kind import ParseKind
from docket.services.processors import ProcessorService
from docket.services.runs import RunEvents, RunKind, RunService
from docket.services.signing import UrlSigner, load_or_create_secret
from docket.services.split_kind import SplitKind
from docket.services.webhooks import FanOutEvents
from docket.settings import Settings
from docket.storage.blobs import LocalBlobStore
from docket.store.db import Database
from docket.store.processors import ProcessorRepository
from docket.store.repos import FileRepository, RunRepository, WorkspaceRepository
from docket.worker.pool import InProcessQueue

log = logging.getLogger(__name__)


def guarded_fetch(settings: Settings) -> FetchFn:
    def fetch(url: str, max_bytes: int) -> tuple[bytes, str | None]:
        policy = FetchPolicy(
            allow_cidrs=tuple(settings.fetch.allow_cidrs),
            allow_hosts=tuple(settings.fetch.allow_hosts),
            max_bytes=max_bytes,
            timeout_s=settings.fetch.timeout_s,
        )
        got = fetch_url(url, policy)
        return got.data, got.filename

    return fetch


def build_services(
    settings: Settings,
    *,
    events: RunEvents | None = None,
    fetch: FetchFn | None = None,
    models: ModelRegistry | None = None,
) -> tuple[Services, Database, InProcessQueue]:
    db = Database(settings.db_url)
    db.migrate()
    blobs = LocalBlobStore(settings.blob_root)
    queue = InProcessQueue(settings.worker.processes)
    webhooks = build_webhooks(settings, db.sessions)
    hook: RunEvents = FanOutEvents(webhooks, events) if events is not None else webhooks
    runs_repo, files_repo = RunRepository(db.sessions), FileRepository(db.sessions)
    hook = with_job_webhooks(hook, webhooks, runs_repo, files_repo, db.sessions)  # LlamaCloud
    limits = (settings.limits.max_file_bytes, settings.limits.max_pages)
    parse = ParseKind(settings.db_url, blobs, queue, limits, settings.worker.run_timeout_s)
    models = models if models is not None else ModelRegistry.from_env()
    extract = ExtractKind(
        settings.db_url, blobs, queue, limits, models, settings.worker.run_timeout_s
    )
    timeout = settings.worker.run_timeout_s
    classify = ClassifyKind(settings.db_url, blobs, queue, limits, models, timeout)
    split = SplitKind(settings.db_url, blobs, files_repo, queue, limits, models, timeout)
    kinds: dict[str, RunKind] = {
        "parse": parse,
        "extract": extract,
        "classify": classify,
        "split": split,
    }
    executor = Executor(runs_repo, files_repo, kinds, queue, settings.worker.max_attempts)
    file_service = FileService(
        files_repo,
        runs_repo,
        blobs,
        fetch or guarded_fetch(settings),
        settings.limits.max_file_bytes,
    )
    run_service = RunService(
        runs_repo,
        blobs,
        kinds,
        executor.enqueue,
        hook,
        max_metadata_bytes=settings.limits.max_metadata_bytes,
        max_config_bytes=settings.limits.max_schema_bytes,
    )

    def presenter(run: Run) -> dict[str, object]:
        if run.kind == "classify":  # the full ClassifyRun (SDK-validated in webhooks)
            return classify_runs.present(svc, None, run)
        if run.kind == "split":
            return split_runs.present(svc, None, run)
        file = files_repo.get(run.workspace_id, run.file_id)
        if run.kind == "extract":
            dash = settings.server.public_url or ""
            return extract_run_json(run, file, extraction.result(run), dashboard=dash)
        return run_json(run, file)

    run_service.presenter = presenter
    run_service.batch_presenter = batch_json
    run_service.on_closed = executor.notify
    executor.announce = run_service.announce
    secret = load_or_create_secret(settings.home / "secret.key")
    processors = ProcessorService(
        ProcessorRepository(db.sessions), {ProcessorKind.EXTRACTOR: EXTRACTOR_SPEC}, hook
    )
    processors.register(classifiers.CLASSIFIER_SPEC)
    processors.register(splitters.SPLITTER_SPEC)
    processors.present, processors.present_version = present_processor, present_version
    extraction = ExtractionService(run_service, processors, models)
    svc = Services(
        settings=settings,
        keys=KeyService(WorkspaceRepository(db.sessions)),
        files=file_service,
        runs=run_service,
        executor=executor,
        signer=UrlSigner(secret, settings.server.signed_url_ttl_s),
        processors=processors,
        extraction=extraction,
        webhooks=webhooks,
    )
    return svc, db, queue


def create_app(
    settings: Settings,
    *,
    events: RunEvents | None = None,
    fetch: FetchFn | None = None,
    models: ModelRegistry | None = None,
) -> FastAPI:
    """``models`` maps public model names to LLM providers (default: ``DOCKET_LLM_*``)."""
    svc, db, queue = build_services(settings, events=events, fetch=fetch, models=models)
    webhooks = svc.webhooks

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync routes and sync waits run on this pool; the default 40 threads is too few.
        anyio.to_thread.current_default_thread_limiter().total_tokens = 200
        svc.executor.recover()
        if webhooks is not None:
            webhooks.start()  # also resumes deliveries a previous process left pending
        try:
            yield
        finally:
            if webhooks is not None:
                webhooks.stop()
            queue.shutdown()
            db.dispose()

    app = FastAPI(title="Docket", version="0.1.0", lifespan=lifespan)
    app.state.services = svc
    errors.install(app)
    for module in (
        files,
        signed,
        parse_runs,
        batch_runs,
        webhook_routes,
        extract_runs,
        extractors,
        classify_runs,
        split_runs,
        classifiers,
        splitters,
    ):
        app.include_router(module.router)
    app.include_router(webhook_routes.payload_router)
    for router in LLAMACLOUD_ROUTERS:  # LlamaCloud's /api/v1/... (docs/llamacloud.md)
        app.include_router(router)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Unauthenticated liveness probe (scripts/run and load balancers wait on it)."""
        return {"status": "ok"}

    app.add_middleware(
        RequestContext,
        max_json_bytes=settings.limits.max_json_bytes,
        max_upload_bytes=settings.limits.max_file_bytes,
    )
    return app
