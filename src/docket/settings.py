"""Settings from ``DOCKET_`` environment variables; built once at the edge and passed down.

Nested sections use ``__``: ``DOCKET_LIMITS__MAX_PAGES=500``, ``DOCKET_SERVER__PORT=9000``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LimitSettings(BaseModel):
    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_json_bytes: int = 1024 * 1024  # request bodies other than uploads
    max_metadata_bytes: int = 10 * 1024  # run ``metadata`` (Extend documents ~10 KB)
    max_schema_bytes: int = 256 * 1024  # a run's config as JSON, an extraction schema included
    max_batch_inputs: int = 1000


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    sync_timeout_s: float = 300.0  # POST /parse waits this long, then answers TIMEOUT + runId
    signed_url_ttl_s: int = 900  # presignedUrl / outputUrl lifetime
    public_url: str | None = None  # base for signed URLs; default: the request's own base URL


class WorkerSettings(BaseModel):
    processes: int = Field(default=2, ge=1)  # CPU-bound parse work runs in this many processes
    max_attempts: int = Field(default=2, ge=1)  # runs interrupted by a crash are retried this often
    run_timeout_s: float = Field(default=3600.0, gt=0)  # one run's processing time, then FAILED


class FetchSettings(BaseModel):
    """URL inputs: private/loopback addresses are refused unless allowed here."""

    allow_cidrs: list[str] = Field(default_factory=list)
    allow_hosts: list[str] = Field(default_factory=list)
    timeout_s: float = 60.0


class WebhookSettings(BaseModel):
    """Delivery: ``min(cap, base * factor**(n-1))`` s after the n-th failure (docs/webhooks.md)."""

    max_attempts: int = Field(default=8, ge=1)
    backoff_base_s: float = Field(default=10.0, ge=0)
    backoff_factor: float = Field(default=3.0, ge=1)
    backoff_cap_s: float = Field(default=6 * 3600.0, ge=0)
    timeout_s: float = Field(default=30.0, gt=0)
    poll_interval_s: float = Field(default=2.0, gt=0)
    public_base_url: str | None = None  # signed payload links; default: server.public_url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCKET_", env_nested_delimiter="__")

    home: Path = Field(default=Path(".docket"), description="Where all state lives.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite at HOME/docket.db."
    )
    limits: LimitSettings = Field(default_factory=LimitSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'docket.db').resolve()}"

    @property
    def blob_root(self) -> Path:
        return self.home / "blobs"
