"""Digest and SMTP settings, read from the environment (``TRACKER_*``) like the core's.

``TRACKER_SMTP_HOST``, ``TRACKER_SMTP_PORT``, ``TRACKER_SMTP_TLS`` (``starttls``, ``ssl`` or
``none``), ``TRACKER_SMTP_USER``, ``TRACKER_SMTP_PASSWORD``, ``TRACKER_MAIL_FROM``; the retry
policy (``TRACKER_SMTP_ATTEMPTS``, ``TRACKER_SMTP_BACKOFF`` seconds, doubled at each attempt)
and the digest's own knobs (templates folder, overdue look-back, unsubscribe address).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from tracker.settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"


class DigestSettings(Settings):
    """The core settings plus what sending digests needs."""

    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_tls: Literal["starttls", "ssl", "none"] = "none"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = 30.0
    smtp_attempts: int = 4
    smtp_backoff: float = 2.0
    mail_from: str = "Mandate Tracker <tracker@localhost>"
    digest_templates_dir: Path = TEMPLATES_DIR
    digest_overdue_weeks: int = 12
    digest_unsubscribe_mailto: str | None = None
    digest_unsubscribe_url: str | None = None
    digest_claim_timeout_minutes: int = 30
    digest_max_attempts: int = 10
    digest_check_minutes: int = 10
