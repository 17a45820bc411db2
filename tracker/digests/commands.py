"""What the ``tracker digest …`` and ``tracker scheduler`` commands do, without typer.

The command line (``tracker/cli.py``) parses the options and calls these functions; they
return values (subscriptions, rendered digests, outcomes) and tables, and raise
:class:`~tracker.errors.UsageError` for impossible requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from rich.table import Table

from tracker.digests import store
from tracker.digests.render import RenderedDigest, week_start
from tracker.digests.service import DigestService, Outcome, utc_now
from tracker.digests.settings import DigestSettings
from tracker.digests.store import Subscription
from tracker.errors import UsageError
from tracker.store import connect


def service(
    db: str | None,
    settings: DigestSettings | None = None,
    now: Callable[[], dt.datetime] = utc_now,
) -> DigestService:
    """A digest service on the database ``db`` (default: the settings')."""
    settings = settings or DigestSettings()
    return DigestService(connect(db or settings.database_url), settings, now=now)


def parse_week(value: str | None, today: dt.date) -> dt.date:
    """The Monday of the week of ``value`` (an ISO date), or of ``today``."""
    if value is None:
        return week_start(today)
    try:
        return week_start(dt.date.fromisoformat(value))
    except ValueError as exc:
        raise UsageError(f"--week: '{value}' is not a date (YYYY-MM-DD)") from exc


def subscribe(
    db: str | None,
    email: str,
    lang: str = "en",
    bodies: Sequence[str] = (),
    kinds: Sequence[str] = (),
    actors: Sequence[str] = (),
    owner: str | None = None,
    horizon_weeks: int = 6,
    weekday: str = "mon",
    hour: int = 8,
    timezone: str = "UTC",
    now: dt.datetime | None = None,
) -> Subscription:
    """Create or update the subscription of ``email``."""
    settings = DigestSettings()
    engine = connect(db or settings.database_url)
    wanted = Subscription(
        email=email,
        lang=lang.lower(),
        bodies=tuple(bodies),
        kinds=tuple(kinds),
        actors=tuple(actors),
        owner=owner,
        horizon_weeks=horizon_weeks,
        weekday=weekday.lower()[:3],
        hour=hour,
        timezone=timezone,
    )
    return store.subscribe(engine, wanted, now or utc_now())


def unsubscribe(db: str | None, email: str) -> None:
    """Remove the subscription of ``email``; UsageError when there is none."""
    engine = connect(db or DigestSettings().database_url)
    if not store.unsubscribe(engine, email):
        raise UsageError(f"'{email}' is not subscribed")


def subscriptions(db: str | None) -> list[Subscription]:
    """Every subscription."""
    return store.subscriptions(connect(db or DigestSettings().database_url))


def subscriptions_table(subs: list[Subscription]) -> Table:
    """The ``digest list`` table."""
    table = Table(title=f"{len(subs)} subscription(s)")
    for name in ("email", "lang", "bodies", "kinds", "actors", "owner", "horizon", "when"):
        table.add_column(name)
    for sub in subs:
        table.add_row(
            sub.email,
            sub.lang,
            ", ".join(sub.bodies) or "any",
            ", ".join(sub.kinds) or "any",
            ", ".join(sub.actors) or "any",
            sub.owner or "",
            f"{sub.horizon_weeks} weeks",
            f"{sub.weekday} {sub.hour:02d}:00 {sub.timezone}",
        )
    return table


def preview(db: str | None, email: str, week: dt.date) -> tuple[RenderedDigest, bool]:
    """A subscriber's digest for ``week``, and whether ``email`` is subscribed.

    An address that is not subscribed gets the default subscription (English, no filters).
    """
    digests = service(db)
    found = store.subscription(digests.engine, email)
    sub = found or store.validate(Subscription(email=email, created_at=None))
    return digests.preview(sub, week), found is not None


def send(db: str | None, week: dt.date, emails: Sequence[str] | None = None) -> list[Outcome]:
    """Send ``week``'s digest now to every subscriber not yet served that week."""
    return service(db).deliver_week(week, emails or None)


def outcomes_table(outcomes: list[Outcome]) -> Table:
    """The ``digest send`` table."""
    table = Table(title=f"{sum(o.status == 'sent' for o in outcomes)} digest(s) sent")
    for name in ("email", "week", "status", "detail"):
        table.add_column(name)
    for outcome in outcomes:
        detail = (
            outcome.error
            or outcome.message_id
            or ("already sent or being sent" if outcome.status == "skipped" else "")
        )
        table.add_row(outcome.email, outcome.week.isoformat(), outcome.status, detail)
    return table
