"""Sending over SMTP, with retries and exponential backoff.

The connection follows the settings: ``ssl`` (SMTPS), ``starttls`` (plain then STARTTLS) or
``none``, with a login when a user is set. A temporary failure (a 4xx reply, a dropped
connection, a timeout) is retried after ``backoff``, ``2 × backoff``, … seconds, at most
``attempts`` times; a permanent refusal (5xx) is not retried. Every failure is logged; the
caller records a digest as sent only when :meth:`Mailer.send` returned.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

from tracker.digests.settings import DigestSettings
from tracker.errors import TrackerError

log = logging.getLogger("tracker.digests.mailer")


class SendError(TrackerError):
    """A message could not be delivered to the SMTP server (after its retries)."""

    exit_code = 1

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to connect (from :class:`DigestSettings`)."""

    host: str
    port: int
    tls: str = "none"
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: DigestSettings) -> SmtpConfig:
        """The SMTP configuration of the settings (``TRACKER_SMTP_*``)."""
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            tls=settings.smtp_tls,
            user=settings.smtp_user,
            password=password,
            timeout=settings.smtp_timeout,
        )


def _permanent(exc: BaseException) -> bool:
    """A 5xx reply: retrying the same message will not help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"


class Mailer:
    """Delivers messages to one SMTP server, retrying temporary failures."""

    def __init__(
        self,
        config: SmtpConfig,
        attempts: int = 4,
        backoff: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sleep = sleep

    @classmethod
    def from_settings(cls, settings: DigestSettings) -> Mailer:
        """A mailer configured by the settings (``TRACKER_SMTP_*``)."""
        return cls(
            SmtpConfig.from_settings(settings),
            attempts=settings.smtp_attempts,
            backoff=settings.smtp_backoff,
        )

    def send(self, message: Message) -> None:
        """Deliver ``message``; raises :class:`SendError` when every attempt failed."""
        recipient = str(message["To"])
        for attempt in range(1, self.attempts + 1):
            try:
                self._deliver(message)
                log.info("digest delivered to %s (attempt %d)", recipient, attempt)
                return
            except (smtplib.SMTPException, OSError) as exc:
                reason = _describe(exc)
                permanent = _permanent(exc)
                log.warning(
                    "sending to %s failed (attempt %d of %d): %s",
                    recipient,
                    attempt,
                    self.attempts,
                    reason,
                )
                if permanent or attempt == self.attempts:
                    raise SendError(
                        f"cannot send to {recipient}: {reason}", permanent=permanent
                    ) from exc
                self.sleep(self.backoff * 2 ** (attempt - 1))

    def _deliver(self, message: Message) -> None:
        config = self.config
        smtp: smtplib.SMTP
        if config.tls == "ssl":
            smtp = smtplib.SMTP_SSL(
                config.host,
                config.port,
                timeout=config.timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with smtp:
            if config.tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config.user:
                smtp.login(config.user, config.password or "")
            smtp.send_message(message)
