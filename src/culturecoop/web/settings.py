"""One typed configuration object, read from arguments, the environment (CULTURECOOP_*) and .env."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings of the web application; a bad value stops the server at start-up."""

    model_config = SettingsConfigDict(env_prefix="CULTURECOOP_", env_file=".env", extra="ignore")

    db: Path = Field(description="Warehouse file (DuckDB).")
    keys: Path | None = Field(
        default=None, description="Folder of key files; the server reads server.secret from it."
    )
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30, description="Session lifetime.")
    cookie_secure: bool = Field(
        default=True, description="Send cookies over HTTPS only (browsers accept them on localhost)."
    )
    max_upload_mb: float = Field(default=200.0, gt=0, le=10_000, description="Largest package archive.")
    login_attempts: int = Field(default=5, ge=1, le=100, description="Failed sign-ins per e-mail per window.")
    login_attempts_per_ip: int = Field(default=20, ge=1, le=10_000, description="Failed sign-ins per address per window.")
    login_window_seconds: int = Field(default=900, ge=10, description="Window of the sign-in rate limit.")
    connections: int = Field(default=4, ge=1, le=32, description="Warehouse connections shared by requests.")
    warmup: bool = Field(default=True, description="Compute, in the background at start and after new data, "
                         "what first visits need short of a release (the privacy gate still runs per request).")
    smtp: str | None = Field(default=None, description="HOST:PORT of a mail server for a campaign's test message to "
                             "the member's own address (the Campaigns tab); none: no test send.")
    default_language: Literal["fr", "en"] = Field(default="fr", description="Language before sign-in.")
    server_secret: bytes = Field(default=b"", exclude=True, repr=False)

    @field_validator("db")
    @classmethod
    def _db_folder_exists(cls, value: Path) -> Path:
        if value.is_dir():
            raise ValueError(f"{value} is a folder; give the path of the warehouse file")
        if not value.parent.exists():
            raise ValueError(f"the folder {value.parent} does not exist")
        return value

    @model_validator(mode="after")
    def _load_secret(self) -> Settings:
        if not self.server_secret:
            if self.keys is not None:
                from culturecoop.privacy.keys import load_server_secret

                self.server_secret = load_server_secret(self.keys)
            else:
                # Without a key folder the secret lives as long as the process: forms of an
                # older process stop being accepted after a restart, nothing else changes.
                self.server_secret = secrets.token_bytes(32)
        return self

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)
