"""One week's digests: select, render, claim, send and record, for one subscriber or all.

:class:`DigestService` ties the schedule (read through :class:`tracker.query.Schedule`), the
pure rendering of :mod:`tracker.digests.render`, the send log of :mod:`tracker.digests.store`
and a :class:`~tracker.digests.mailer.Mailer`. Its clock (``now``) is injectable, and so are
the mailer and the worker name, for tests.

A digest is claimed in the send log *before* it is built and sent, marked ``sent`` only once
the SMTP server accepted it, and marked ``failed`` (to be retried by a later run) otherwise.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses

from sqlalchemy import Engine

from tracker.digests import store
from tracker.digests.mailer import Mailer, SendError
from tracker.digests.render import (
    DigestContext,
    RenderedDigest,
    Renderer,
    build_context,
    build_message,
    message_id,
    scheduled_day,
    unsubscribe_targets,
    week_start,
)
from tracker.digests.settings import DigestSettings
from tracker.digests.store import Subscription
from tracker.query import DeliverableView, Schedule

log = logging.getLogger("tracker.digests")

UPCOMING_STATUSES = ("open", "in_progress", "submitted")
OVERDUE_STATUSES = ("open", "in_progress")


def utc_now() -> dt.datetime:
    """The current time, in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


def worker_name() -> str:
    """A name for this sender in the send log: host, process and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Outcome:
    """What happened to one subscriber's digest: ``sent``, ``skipped`` or ``failed``."""

    email: str
    week: dt.date
    status: str
    message_id: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Selection:
    """The deliverables of one digest, before rendering."""

    upcoming: list[DeliverableView]
    overdue: list[DeliverableView]
    added: list[DeliverableView]
    added_since: dt.datetime | None


def local_week(subscription: Subscription, now: dt.datetime) -> dt.date:
    """The Monday of the subscriber's current week, in the subscriber's time zone."""
    return week_start(now.astimezone(subscription.zone).date())


def slot(subscription: Subscription, week: dt.date) -> dt.datetime:
    """When the subscriber's digest of ``week`` is due (aware, in the subscriber's zone)."""
    day = scheduled_day(week, subscription.weekday)
    return dt.datetime.combine(day, dt.time(subscription.hour), tzinfo=subscription.zone)


class DigestService:
    """Builds and sends the digests of the subscribers stored in one database."""

    def __init__(
        self,
        engine: Engine,
        settings: DigestSettings,
        mailer: Mailer | None = None,
        renderer: Renderer | None = None,
        now: Callable[[], dt.datetime] = utc_now,
        worker: str | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.schedule = Schedule(engine)
        self.mailer = mailer or Mailer.from_settings(settings)
        self.renderer = renderer or Renderer(settings.digest_templates_dir)
        self.now = now
        self.worker = worker or worker_name()

    def select(self, subscription: Subscription, week: dt.date) -> Selection:
        """The upcoming, overdue and newly added deliverables of a subscriber's digest."""
        monday = week_start(week)
        reference = scheduled_day(monday, subscription.weekday)
        horizon_end = reference + dt.timedelta(weeks=subscription.horizon_weeks)
        upcoming = self.schedule.upcoming(
            subscription.filters(reference, horizon_end, statuses=UPCOMING_STATUSES)
        )
        lookback = reference - dt.timedelta(weeks=self.settings.digest_overdue_weeks)
        overdue = [
            view
            for view in self.schedule.upcoming(
                subscription.filters(
                    lookback, reference - dt.timedelta(days=1), statuses=OVERDUE_STATUSES
                )
            )
            if (view.window_end or view.window_start or reference) < reference
        ]
        since = store.previous_sent_at(self.engine, subscription.email, monday)
        since = since or subscription.created_at
        added = (
            self.schedule.added_since(
                since, subscription.filters(reference, None, include_undated=True)
            )
            if since is not None
            else []
        )
        return Selection(upcoming, overdue, added, since)

    def context(self, subscription: Subscription, week: dt.date) -> DigestContext:
        """The template context of a subscriber's digest for ``week``."""
        selection = self.select(subscription, week)
        link, _ = self._unsubscribe(subscription)
        return build_context(
            subscription,
            week,
            selection.upcoming,
            selection.overdue,
            selection.added,
            selection.added_since,
            unsubscribe_url=link,
        )

    def preview(self, subscription: Subscription, week: dt.date) -> RenderedDigest:
        """The rendered digest, without sending or recording anything."""
        return self.renderer.render(self.context(subscription, week))

    def compose(self, subscription: Subscription, week: dt.date) -> Message:
        """The complete message of a subscriber's digest for ``week``."""
        context = self.context(subscription, week)
        rendered = self.renderer.render(context)
        link, header = self._unsubscribe(subscription)
        return build_message(
            rendered,
            context,
            sender=self.settings.mail_from,
            date=self.now(),
            msg_id=message_id(subscription.email, context.week, self.settings.mail_from),
            list_unsubscribe=header,
            one_click=bool(link and link.startswith("https://")),
        )

    def deliver(self, subscription: Subscription, week: dt.date) -> Outcome:
        """Send one digest unless it was sent or is being sent; records the outcome."""
        monday = week_start(week)
        email = subscription.email
        claimed = store.claim(
            self.engine,
            email,
            monday,
            self.worker,
            self.now(),
            claim_timeout=dt.timedelta(minutes=self.settings.digest_claim_timeout_minutes),
            max_attempts=self.settings.digest_max_attempts,
        )
        if not claimed:
            return Outcome(email, monday, "skipped")
        try:
            message = self.compose(subscription, monday)
            self.mailer.send(message)
        except SendError as exc:
            store.mark_failed(self.engine, email, monday, self.worker, exc.message)
            log.error("digest of %s for week %s not sent: %s", email, monday, exc.message)
            return Outcome(email, monday, "failed", error=exc.message)
        except Exception as exc:
            store.mark_failed(self.engine, email, monday, self.worker, repr(exc))
            log.exception("digest of %s for week %s could not be built", email, monday)
            return Outcome(email, monday, "failed", error=repr(exc))
        msg_id = str(message["Message-ID"])
        store.mark_sent(self.engine, email, monday, self.worker, msg_id, self.now())
        return Outcome(email, monday, "sent", message_id=msg_id)

    def deliver_week(self, week: dt.date, emails: Iterable[str] | None = None) -> list[Outcome]:
        """Send ``week``'s digest now to every subscriber (or those named) not yet served."""
        wanted = {store.normalise_email(e) for e in emails} if emails is not None else None
        return [
            self.deliver(sub, week)
            for sub in store.subscriptions(self.engine)
            if wanted is None or sub.email in wanted
        ]

    def due(self) -> list[tuple[Subscription, dt.date]]:
        """The subscribers whose slot of their current week has passed, with that week."""
        now = self.now()
        found = []
        for sub in store.subscriptions(self.engine):
            week = local_week(sub, now)
            if now >= slot(sub, week):
                found.append((sub, week))
        return found

    def catch_up(self) -> list[Outcome]:
        """Send every digest of the current week that is due and not yet sent (or failed).

        Run at start and periodically by the scheduler: it covers a scheduler that was down at
        the subscriber's hour and retries failed sends; the send log keeps it from re-sending.
        """
        return [self.deliver(sub, week) for sub, week in self.due()]

    def _unsubscribe(self, subscription: Subscription) -> tuple[str | None, str]:
        mailto = self.settings.digest_unsubscribe_mailto
        if mailto is None:
            addresses = getaddresses([self.settings.mail_from])
            mailto = addresses[0][1] if addresses and addresses[0][1] else None
        return unsubscribe_targets(
            subscription.email, subscription.token, mailto, self.settings.digest_unsubscribe_url
        )
