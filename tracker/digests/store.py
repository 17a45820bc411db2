"""Subscriptions and the send log: the digests' reads and writes, in their own tables.

The send log's key is (email, week): whoever inserts the row first owns that week's digest.
:func:`claim` inserts it (or takes over a failed or abandoned claim with a conditional update)
in one transaction *before* anything is sent; :func:`mark_sent` and :func:`mark_failed` close
it. Two schedulers, a restart or a crash therefore never send the same week twice, except when
a sender dies between the SMTP server's acceptance and :func:`mark_sent`: that claim is retaken
after ``claim_timeout`` and re-sent with the same Message-ID, so mail clients can drop it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tracker.errors import UsageError
from tracker.query import Filters
from tracker.store import DigestSendRow, DigestSubscriptionRow

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LANGS = ("en", "fr")
_EMAIL = re.compile(r"^[^@\s<>\",]+@[^@\s<>\",]+\.[^@\s<>\",]+$")


@dataclass(frozen=True)
class Subscription:
    """A subscriber, as the digests use it (lists decoded, email normalised)."""

    email: str
    lang: str = "en"
    bodies: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    owner: str | None = None
    horizon_weeks: int = 6
    weekday: str = "mon"
    hour: int = 8
    timezone: str = "UTC"
    token: str = ""
    created_at: dt.datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The subscriber's time zone."""
        return ZoneInfo(self.timezone)

    def filters(self, start: dt.date | None, until: dt.date | None, **extra: Any) -> Filters:
        """The schedule filters of this subscription over a period."""
        return Filters(
            start=start,
            until=until,
            bodies=self.bodies,
            kinds=self.kinds,
            actors=self.actors,
            owners=(self.owner,) if self.owner else (),
            **extra,
        )

    def as_json(self) -> dict[str, Any]:
        """The ``digest list --json`` object."""
        return {
            "email": self.email,
            "lang": self.lang,
            "bodies": list(self.bodies),
            "kinds": list(self.kinds),
            "actors": list(self.actors),
            "owner": self.owner,
            "horizon_weeks": self.horizon_weeks,
            "weekday": self.weekday,
            "hour": self.hour,
            "timezone": self.timezone,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


@dataclass(frozen=True)
class SendRecord:
    """One row of the send log."""

    email: str
    week: dt.date
    status: str
    attempts: int
    claimed_by: str | None
    claimed_at: dt.datetime
    sent_at: dt.datetime | None
    message_id: str | None
    error: str | None


def normalise_email(email: str) -> str:
    """The address as stored (trimmed, lower case); raises UsageError when it is not one."""
    address = email.strip().lower()
    if not _EMAIL.match(address):
        raise UsageError(f"'{email}' is not an email address")
    return address


def validate(subscription: Subscription) -> Subscription:
    """Check a subscription's fields; returns it with its email normalised."""
    if subscription.lang not in LANGS:
        raise UsageError(f"unknown language '{subscription.lang}' (one of: {', '.join(LANGS)})")
    if subscription.weekday not in WEEKDAYS:
        raise UsageError(
            f"unknown weekday '{subscription.weekday}' (one of: {', '.join(WEEKDAYS)})"
        )
    if not 0 <= subscription.hour <= 23:
        raise UsageError(f"hour {subscription.hour} is not between 0 and 23")
    if not 1 <= subscription.horizon_weeks <= 104:
        raise UsageError(f"horizon of {subscription.horizon_weeks} weeks (1 to 104)")
    try:
        ZoneInfo(subscription.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"unknown time zone '{subscription.timezone}'") from exc
    return replace(subscription, email=normalise_email(subscription.email))


def subscribe(engine: Engine, subscription: Subscription, now: dt.datetime) -> Subscription:
    """Create or update a subscription (same email); keeps the token and creation time."""
    sub = validate(subscription)
    with Session(engine) as session, session.begin():
        row = session.get(DigestSubscriptionRow, sub.email)
        if row is None:
            row = DigestSubscriptionRow(
                email=sub.email, token=secrets.token_urlsafe(18), created_at=now
            )
            session.add(row)
        row.lang = sub.lang
        row.bodies = json.dumps(list(sub.bodies))
        row.kinds = json.dumps(list(sub.kinds))
        row.actors = json.dumps(list(sub.actors))
        row.owner = sub.owner
        row.horizon_weeks = sub.horizon_weeks
        row.weekday = sub.weekday
        row.hour = sub.hour
        row.timezone = sub.timezone
        session.flush()
        return _subscription(row)


def unsubscribe(engine: Engine, email: str) -> bool:
    """Remove a subscription; False when there was none. The send log is kept."""
    address = normalise_email(email)
    with Session(engine) as session, session.begin():
        row = session.get(DigestSubscriptionRow, address)
        if row is None:
            return False
        session.delete(row)
        return True


def subscriptions(engine: Engine) -> list[Subscription]:
    """Every subscription, by email."""
    with Session(engine) as session:
        statement = select(DigestSubscriptionRow).order_by(col(DigestSubscriptionRow.email))
        return [_subscription(row) for row in session.exec(statement).all()]


def subscription(engine: Engine, email: str) -> Subscription | None:
    """One subscription by email."""
    with Session(engine) as session:
        row = session.get(DigestSubscriptionRow, normalise_email(email))
        return _subscription(row) if row else None


def _subscription(row: DigestSubscriptionRow) -> Subscription:
    return Subscription(
        email=row.email,
        lang=row.lang,
        bodies=tuple(json.loads(row.bodies)),
        kinds=tuple(json.loads(row.kinds)),
        actors=tuple(json.loads(row.actors)),
        owner=row.owner,
        horizon_weeks=row.horizon_weeks,
        weekday=row.weekday,
        hour=row.hour,
        timezone=row.timezone,
        token=row.token,
        created_at=_utc(row.created_at),
    )


def claim(
    engine: Engine,
    email: str,
    week: dt.date,
    worker: str,
    now: dt.datetime,
    claim_timeout: dt.timedelta = dt.timedelta(minutes=30),
    max_attempts: int = 10,
) -> bool:
    """Take the (email, week) digest for this worker; False when someone else has it or sent it.

    A new row is inserted as ``sending``; an existing ``failed`` row (fewer than
    ``max_attempts``) or a ``sending`` row older than ``claim_timeout`` (its sender died) is
    taken over by a conditional update, so exactly one of several concurrent claimers wins.
    """
    try:
        with Session(engine) as session, session.begin():
            session.add(
                DigestSendRow(
                    email=email,
                    week=week,
                    status="sending",
                    attempts=1,
                    claimed_by=worker,
                    claimed_at=now,
                )
            )
        return True
    except IntegrityError:
        pass
    table = DigestSendRow.__table__  # type: ignore[attr-defined]
    retake = (
        update(table)
        .where(
            table.c.email == email,
            table.c.week == week,
            table.c.attempts < max_attempts,
            or_(
                table.c.status == "failed",
                and_(table.c.status == "sending", table.c.claimed_at < now - claim_timeout),
            ),
        )
        .values(
            status="sending",
            attempts=table.c.attempts + 1,
            claimed_by=worker,
            claimed_at=now,
            error=None,
        )
    )
    with engine.begin() as connection:
        return bool(connection.execute(retake).rowcount == 1)


def mark_sent(
    engine: Engine, email: str, week: dt.date, worker: str, message_id: str, now: dt.datetime
) -> None:
    """Record that the SMTP server accepted this week's digest."""
    _close(engine, email, week, worker, status="sent", sent_at=now, message_id=message_id)


def mark_failed(engine: Engine, email: str, week: dt.date, worker: str, error: str) -> None:
    """Release a claim after every attempt failed, so a later run retries it."""
    _close(engine, email, week, worker, status="failed", error=error[:1000])


def _close(engine: Engine, email: str, week: dt.date, worker: str, **values: Any) -> None:
    table = DigestSendRow.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.email == email, table.c.week == week, table.c.claimed_by == worker)
        .values(**values)
    )
    with engine.begin() as connection:
        connection.execute(statement)


def send_log(engine: Engine, week: dt.date | None = None) -> list[SendRecord]:
    """The send log, for one week or all, by week then email."""
    statement = select(DigestSendRow)
    if week is not None:
        statement = statement.where(col(DigestSendRow.week) == week)
    statement = statement.order_by(col(DigestSendRow.week), col(DigestSendRow.email))
    with Session(engine) as session:
        return [
            SendRecord(
                email=r.email,
                week=r.week,
                status=r.status,
                attempts=r.attempts,
                claimed_by=r.claimed_by,
                claimed_at=_utc(r.claimed_at) or r.claimed_at,
                sent_at=_utc(r.sent_at),
                message_id=r.message_id,
                error=r.error,
            )
            for r in session.exec(statement).all()
        ]


def previous_sent_at(engine: Engine, email: str, week: dt.date) -> dt.datetime | None:
    """When the subscriber's last digest before ``week`` was sent, if ever."""
    statement = (
        select(DigestSendRow.sent_at)
        .where(
            col(DigestSendRow.email) == email,
            col(DigestSendRow.week) < week,
            col(DigestSendRow.status) == "sent",
        )
        .order_by(col(DigestSendRow.week).desc())
        .limit(1)
    )
    with Session(engine) as session:
        return _utc(session.exec(statement).first())


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Stored times are UTC; SQLite gives them back without their zone."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
