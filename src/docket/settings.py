"""Settings from ``DOCKET_`` environment variables; built once at the edge and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LimitSettings(BaseModel):
    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCKET_", env_nested_delimiter="__")

    home: Path = Field(default=Path(".docket"), description="Where all state lives.")
    limits: LimitSettings = Field(default_factory=LimitSettings)
