"""Settings from the environment (``TRACKER_*``), with safe defaults."""

from __future__ import annotations

import os

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///db/tracker.sqlite"


class Settings(BaseSettings):
    """What can be configured without touching the code.

    ``TRACKER_DATABASE_URL`` picks the database (SQLite by default, or
    ``postgresql+psycopg://user@host/db``); ``TRACKER_HORIZON_YEARS`` how far ahead recurring
    mandates are expanded; ``TRACKER_USER`` the acting user of team mode (``--as``);
    ``TRACKER_REVIEW_THRESHOLD`` the confidence below which extracted mandates wait in the
    review queue; ``TRACKER_WORKERS`` how many processes analyse files during an ingest (one
    per core, up to four, by default).
    """

    model_config = SettingsConfigDict(env_prefix="TRACKER_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    horizon_years: int = 10
    user: str | None = None
    review_threshold: float = 0.6
    workers: int = Field(default_factory=lambda: min(4, os.cpu_count() or 1), ge=1, le=64)
