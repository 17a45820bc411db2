"""Settings from the environment (``TRACKER_*``), with safe defaults."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///db/tracker.sqlite"


class Settings(BaseSettings):
    """What can be configured without touching the code.

    ``TRACKER_DATABASE_URL`` picks the database (SQLite by default, or
    ``postgresql+psycopg://user@host/db``); ``TRACKER_HORIZON_YEARS`` how far ahead recurring
    mandates are expanded; ``TRACKER_USER`` the acting user of team mode (``--as``);
    ``TRACKER_REVIEW_THRESHOLD`` the confidence below which extracted mandates wait in the
    review queue.
    """

    model_config = SettingsConfigDict(env_prefix="TRACKER_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    horizon_years: int = 10
    user: str | None = None
    review_threshold: float = 0.6
