"""What a feed shows (:class:`FeedSpec`) and how it is built from the stored schedule.

A :class:`FeedSpec` is the same for ``tracker ics``, the public ``/calendar.ics?…`` feeds and
the private token feeds (stored as JSON with the token). :func:`build_feed` makes the one
query a feed needs (through :class:`~tracker.query.Schedule`) and renders it.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tracker.feeds.ics import LANGUAGES, CalendarOptions, etag_of, plan_calendar, render_calendar
from tracker.query import Filters, Schedule

DEFAULT_NAME = "Mandate Tracker"
_TRUE = ("1", "yes", "true", "on")
_FALSE = ("0", "no", "false", "off")


@dataclass(frozen=True)
class FeedSpec:
    """The filters and options of one feed. Empty tuples mean "any".

    ``start`` and ``until`` bound the dates (none: the whole stored schedule, so a feed does
    not depend on the day it is built); ``deadlines`` adds the documentation deadlines;
    ``lang`` picks the labels (``en`` or ``fr``); ``name`` overrides the calendar's name.
    """

    bodies: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    start: dt.date | None = None
    until: dt.date | None = None
    deadlines: bool = True
    lang: str = "en"
    name: str | None = None
    owners: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unknown language '{self.lang}' (one of: {', '.join(LANGUAGES)})")
        if self.start and self.until and self.until < self.start:
            raise ValueError("the end date is before the start date")

    def filters(self) -> Filters:
        """The query's filters (undated rows included, so they can be counted as skipped)."""
        return Filters(
            start=self.start,
            until=self.until,
            bodies=self.bodies,
            kinds=self.kinds,
            actors=self.actors,
            include_undated=True,
            owners=self.owners,
        )

    def options(self) -> CalendarOptions:
        """The rendering options."""
        return CalendarOptions(
            name=self.title(),
            lang=self.lang,
            deadlines=self.deadlines,
            start=self.start,
            until=self.until,
        )

    def title(self) -> str:
        """The calendar's name: the given one, else the product's name and the filters."""
        if self.name:
            return self.name
        parts = [*self.bodies, *self.kinds, *self.actors]
        if self.start or self.until:
            first = self.start.isoformat() if self.start else "…"
            last = self.until.isoformat() if self.until else "…"
            parts.append(f"{first}–{last}")
        return f"{DEFAULT_NAME} ({', '.join(parts)})" if parts else DEFAULT_NAME

    def as_json(self) -> dict[str, Any]:
        """The spec as a JSON object (how a private feed's filters are stored)."""
        return {
            "bodies": list(self.bodies),
            "kinds": list(self.kinds),
            "actors": list(self.actors),
            "start": self.start.isoformat() if self.start else None,
            "until": self.until.isoformat() if self.until else None,
            "deadlines": self.deadlines,
            "lang": self.lang,
            "name": self.name,
        } | ({"owners": list(self.owners)} if self.owners else {})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeedSpec:
        """Read :meth:`as_json`'s object back."""
        return cls(
            bodies=tuple(data.get("bodies") or ()),
            kinds=tuple(data.get("kinds") or ()),
            actors=tuple(data.get("actors") or ()),
            start=_date(data.get("start")),
            until=_date(data.get("until")),
            deadlines=bool(data.get("deadlines", True)),
            lang=str(data.get("lang") or "en"),
            name=data.get("name"),
            owners=tuple(data.get("owners") or ()),
        )

    @classmethod
    def from_query(cls, params: Mapping[str, Sequence[str]]) -> FeedSpec:
        """A spec from URL parameters: ``body``, ``kind``, ``actor`` (repeatable), ``from``,
        ``until`` (ISO dates), ``deadlines`` (``0``/``no``/``false`` to leave them out),
        ``lang``. Raises ``ValueError`` on a malformed value."""

        def values(name: str) -> tuple[str, ...]:
            found = [v.strip() for raw in params.get(name, ()) for v in raw.split(",")]
            return tuple(sorted({v for v in found if v}))

        def one(name: str) -> str | None:
            found = params.get(name, ())
            return found[-1] if found else None

        flag = (one("deadlines") or "1").strip().lower()
        if flag not in _TRUE + _FALSE:
            raise ValueError(f"deadlines must be one of {', '.join(_TRUE + _FALSE)}")
        deadlines = flag in _TRUE
        return cls(
            bodies=values("body"),
            kinds=values("kind"),
            actors=values("actor"),
            start=_date(one("from")),
            until=_date(one("until")),
            deadlines=deadlines,
            lang=one("lang") or "en",
        )

    def to_text(self) -> str:
        """The spec as compact, sorted JSON."""
        return json.dumps(self.as_json(), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Feed:
    """A rendered feed: its bytes, their entity tag, and what it holds."""

    body: bytes
    etag: str
    last_modified: dt.datetime | None
    events: int
    skipped: int


def build_feed(schedule: Schedule, spec: FeedSpec) -> Feed:
    """Query the deliverables a spec selects and render them as a calendar.

    The cyclic garbage collector is paused meanwhile: a feed allocates tens of thousands of
    short-lived, acyclic objects, and its collections would cost a tenth of the time.
    """
    options = spec.options()
    with _collector_paused():
        views = schedule.feed_views(spec.filters())
        plan = plan_calendar(views, options)
        body = render_calendar(plan, options)
    # A replaced document may drop an event without touching the others' updated_at: its
    # ingestion time counts too, so If-Modified-Since never hides a vanished event.
    moments = [m for m in (plan.last_modified, *(v.ingested_at for v in views)) if m]
    last = max(moments).replace(microsecond=0) if moments else None
    return Feed(body, etag_of(body), last, len(plan.events), len(plan.skipped))


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a date (YYYY-MM-DD)") from exc
