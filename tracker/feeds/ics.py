"""RFC 5545 rendering of the schedule: pure functions from deliverables to calendar bytes.

:func:`plan_calendar` turns :class:`~tracker.query.DeliverableView` rows into
:class:`EventSpec` values (what each event says), and :func:`render_calendar` writes them as
iCalendar text. Nothing here reads a clock, a database or the environment, so the same rows
always give the same bytes.

The choices, for calendar clients:

- a deliverable with a day is an all-day event (``DTSTART;VALUE=DATE`` and an exclusive
  ``DTEND``); when the day is a session's opening and the session's closing is known, the
  event spans the session (``date`` to ``end``);
- a yearly observance on a fixed day (``recurrence`` in years with a month and a day) is ONE
  event with ``RRULE:FREQ=YEARLY;BYMONTH=…;BYMONTHDAY=…`` from its first stored year; its
  cancelled occurrences become ``EXDATE``; a review every *n* sessions stays one event per
  stored session;
- an inferred deliverable that must precede a date (``before``) is an event on the last day
  before it;
- a deliverable with no day (year only, or undated) is not an event: it is counted in
  :attr:`CalendarPlan.skipped`;
- a documentation deadline (``due``) earlier than the date is an event of its own
  ("Submission due: …", « Dépôt du rapport : … »), unless ``deadlines`` is off;
- ``UID`` is the deliverable's id (the mandate's id for a yearly rule, ``due-`` + id for a
  deadline) + ``@mandate-tracker``: ids derive from document, paragraph and occurrence, so
  they are the same on every machine and in every export;
- ``DTSTAMP`` and ``LAST-MODIFIED`` are the stored ``updated_at``, ``SEQUENCE`` the stored
  ``sequence`` (it grows when a date changes); ``STATUS`` is ``CANCELLED`` for cancelled or
  superseded deliverables, ``TENTATIVE`` for projected or inferred dates, else ``CONFIRMED``.

:func:`render_with_icalendar` builds the same calendar with the ``icalendar`` package's
object API: it is the reference the tests compare with, and the baseline of the benchmark.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tracker.labels import kind_label
from tracker.query import DeliverableView

UID_DOMAIN = "mandate-tracker"
PRODID = "-//Mandate Tracker//Calendar feed 1.0//EN"
LANGUAGES = ("en", "fr")
_ONE_DAY = dt.timedelta(days=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# RFC 5545 TEXT allows no CONTROL but HTAB (newlines are escaped as \n): ESC, BEL... go.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\x00-\x20\x7f]")

_BASES = {
    "en": {
        "official": "official session dates",
        "projected": "projected by the body's calendar rule",
        "explicit": "stated in the text",
        "inferred": "inferred from another mandate",
        "unknown": "unknown",
    },
    "fr": {
        "official": "dates officielles de la session",
        "projected": "projetée selon la règle du calendrier de l'organe",
        "explicit": "indiquée dans le texte",
        "inferred": "déduite d'un autre mandat",
        "unknown": "inconnue",
    },
}
_WORDS = {
    "en": {
        "due": "Submission due: ",
        "due_report": "Submission due: ",
        "deadline": "Deadline",
        "paragraph": "paragraph",
        "actor": "Actor: ",
        "date": "Date: ",
        "session": "Session: ",
        "to": " to ",
        "documentation": "Documentation due: ",
        "before": "before ",
        "latest": "To be done before ",
        "status": "Status: ",
        "every_year": "Every {n} years on this day, from {start}",
        "every_year_1": "Every year on this day, from {start}",
        "every_session": "Every {n} sessions, from session {start}",
        "every_session_1": "Every session, from session {start}",
    },
    "fr": {
        "due": "Dépôt des documents : ",
        "due_report": "Dépôt du rapport : ",
        "deadline": "Échéance",
        "paragraph": "paragraphe",
        "actor": "Acteur : ",
        "date": "Date : ",
        "session": "Session : ",
        "to": " au ",
        "documentation": "Dépôt de la documentation : ",
        "before": "avant le ",
        "latest": "À faire avant le ",
        "status": "Statut : ",
        "every_year": "Tous les {n} ans à cette date, à partir de {start}",
        "every_year_1": "Chaque année à cette date, à partir de {start}",
        "every_session": "Toutes les {n} sessions, à partir de la session {start}",
        "every_session_1": "À chaque session, à partir de la session {start}",
    },
}
_CANCELLED = frozenset({"cancelled", "superseded"})
_TENTATIVE = frozenset({"projected", "inferred", "unknown"})


@dataclass(frozen=True)
class CalendarOptions:
    """How a calendar is written.

    ``name`` is shown by clients (``NAME``, ``X-WR-CALNAME``); ``lang`` (``en`` or ``fr``)
    picks the labels; ``deadlines`` adds the documentation deadlines as events; ``refresh``
    is the polling interval suggested to clients (``REFRESH-INTERVAL``, ``X-PUBLISHED-TTL``);
    ``start`` and ``until`` bound the yearly rules the way the query bounded the rows.
    """

    name: str = "Mandate Tracker"
    lang: str = "en"
    deadlines: bool = True
    refresh: dt.timedelta = dt.timedelta(hours=12)
    start: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class EventSpec:
    """One ``VEVENT``: every value it carries, already decided."""

    uid: str
    start: dt.date
    end: dt.date
    summary: str
    description: str
    stamp: dt.datetime
    sequence: int
    status: str
    categories: tuple[str, ...] = ()
    url: str | None = None
    rrule: str | None = None
    exdates: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class CalendarPlan:
    """The events of a calendar, in order, and what could not be an event."""

    events: tuple[EventSpec, ...]
    skipped: tuple[str, ...] = field(default=())
    last_modified: dt.datetime | None = None


def plan_calendar(views: Iterable[DeliverableView], options: CalendarOptions) -> CalendarPlan:
    """Decide the events of a calendar from deliverables (see the module's notes)."""
    if options.lang not in LANGUAGES:
        raise ValueError(f"unknown language '{options.lang}' (one of: {', '.join(LANGUAGES)})")
    events: list[EventSpec] = []
    skipped: list[str] = []
    yearly: dict[str, list[DeliverableView]] = {}
    for view in views:
        if _is_yearly_rule(view):
            yearly.setdefault(view.mandate_id, []).append(view)
            continue
        event = _event(view, options)
        if event is None:
            skipped.append(view.id)
            continue
        events.append(event)
        if options.deadlines:
            deadline = _deadline_event(view, options)
            if deadline is not None:
                events.append(deadline)
    for occurrences in yearly.values():
        events.extend(_yearly_events(occurrences, options))
    events.sort(key=lambda e: (e.start, e.uid))
    stamps = [e.stamp for e in events]
    return CalendarPlan(tuple(events), tuple(sorted(skipped)), max(stamps) if stamps else None)


def render_calendar(plan: CalendarPlan, options: CalendarOptions) -> bytes:
    """Write a calendar as RFC 5545 bytes (UTF-8, CRLF, lines folded at 75 octets)."""
    out = [_fold(line) for line in _calendar_head(options)]
    append = out.append
    stamps: dict[dt.datetime, str] = {}
    days: dict[dt.date, str] = {}
    for e in plan.events:
        stamp = stamps.get(e.stamp)
        if stamp is None:
            stamp = stamps[e.stamp] = _utc(e.stamp)
        start = days.get(e.start)
        if start is None:
            start = days[e.start] = _day(e.start)
        end = days.get(e.end)
        if end is None:
            end = days[e.end] = _day(e.end)
        extra = ""
        if e.rrule:
            extra += "\r\n" + _fold("RRULE:" + e.rrule)
        if e.exdates:
            extra += "\r\n" + _fold("EXDATE;VALUE=DATE:" + ",".join(_day(d) for d in e.exdates))
        extra += "\r\n" + _fold("SUMMARY:" + _text(e.summary))
        extra += "\r\n" + _fold("DESCRIPTION:" + _text(e.description))
        if e.url:
            extra += "\r\n" + _fold("URL:" + e.url)
        if e.categories:
            extra += "\r\n" + _fold("CATEGORIES:" + ",".join(_text(c) for c in e.categories))
        append(
            f"BEGIN:VEVENT\r\n{_fold('UID:' + _text(e.uid))}\r\nDTSTAMP:{stamp}\r\n"
            f"DTSTART;VALUE=DATE:{start}\r\nDTEND;VALUE=DATE:{end}{extra}\r\n"
            f"STATUS:{e.status}\r\nTRANSP:TRANSPARENT\r\nSEQUENCE:{e.sequence}\r\n"
            f"LAST-MODIFIED:{stamp}\r\nEND:VEVENT"
        )
    append("END:VCALENDAR\r\n")
    return "\r\n".join(out).encode("utf-8")


def to_ics(views: Iterable[DeliverableView], options: CalendarOptions) -> bytes:
    """Plan and render in one call: deliverables in, calendar bytes out."""
    return render_calendar(plan_calendar(views, options), options)


def render_with_icalendar(plan: CalendarPlan, options: CalendarOptions) -> bytes:
    """The same calendar built with the ``icalendar`` object API (reference and baseline)."""
    from icalendar import Calendar, Event
    from icalendar.prop import vDuration, vRecur

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", options.name)
    calendar.add("x-wr-calname", options.name)
    calendar.add("refresh-interval", vDuration(options.refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(options.refresh))
    for e in plan.events:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", _whole_seconds(e.stamp))
        event.add("dtstart", e.start)
        event.add("dtend", e.end)
        if e.rrule:
            event.add("rrule", vRecur.from_ical(e.rrule))
        if e.exdates:
            event.add("exdate", list(e.exdates))
        event.add("summary", e.summary)
        event.add("description", e.description)
        if e.url:
            event.add("url", e.url)
        if e.categories:
            event.add("categories", list(e.categories))
        event.add("status", e.status)
        event.add("transp", "TRANSPARENT")
        event.add("sequence", e.sequence)
        event.add("last-modified", _whole_seconds(e.stamp))
        calendar.add_component(event)
    result: bytes = calendar.to_ical()
    return result


def etag_of(body: bytes) -> str:
    """A strong HTTP entity tag for a rendered calendar."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


# --- planning ---------------------------------------------------------------------------------


def _is_yearly_rule(view: DeliverableView) -> bool:
    rule = view.recurrence
    return (
        rule is not None
        and rule.get("unit") == "year"
        and rule.get("month") is not None
        and rule.get("day") is not None
        and view.date is not None
        and view.end is None
        and (view.date.month, view.date.day) == (rule["month"], rule["day"])
    )


def _event(view: DeliverableView, options: CalendarOptions) -> EventSpec | None:
    words = _WORDS[options.lang]
    if view.date is not None:
        start = view.date
        end = (view.end if view.end and view.end >= view.date else view.date) + _ONE_DAY
        summary = _summary(view, options.lang)
    elif view.before is not None:
        start, end = view.before - _ONE_DAY, view.before
        summary = _summary(view, options.lang) + " · " + words["before"] + view.before.isoformat()
    else:
        return None
    return EventSpec(
        uid=f"{view.id}@{UID_DOMAIN}",
        start=start,
        end=end,
        summary=_plain(summary),
        description=_plain(_description(view, options.lang)),
        stamp=_stamp(view),
        sequence=view.sequence,
        status=_status(view),
        categories=_categories(view, options.lang),
        url=_url(view.document_url),
    )


def _deadline_event(view: DeliverableView, options: CalendarOptions) -> EventSpec | None:
    if view.due is None or view.date is None or view.due >= view.date:
        return None
    words = _WORDS[options.lang]
    prefix = words["due_report"] if view.kind == "report" else words["due"]
    return EventSpec(
        uid=f"due-{view.id}@{UID_DOMAIN}",
        start=view.due,
        end=view.due + _ONE_DAY,
        summary=_plain(prefix + _summary(view, options.lang)),
        description=_plain(_description(view, options.lang)),
        stamp=_stamp(view),
        sequence=view.sequence,
        status="CANCELLED" if view.status in _CANCELLED else "CONFIRMED",
        categories=(*_categories(view, options.lang), words["deadline"]),
        url=_url(view.document_url),
    )


def _yearly_events(
    occurrences: Sequence[DeliverableView], options: CalendarOptions
) -> list[EventSpec]:
    """One event with a yearly rule for the occurrences of one observance."""
    ordered = sorted(occurrences, key=lambda v: (v.date or dt.date.min, v.id))
    first = ordered[0]
    rule = first.recurrence or {}
    parts = ["FREQ=YEARLY"]
    if int(rule.get("every") or 1) > 1:
        parts.append(f"INTERVAL={int(rule['every'])}")
    parts += [f"BYMONTH={int(rule['month'])}", f"BYMONTHDAY={int(rule['day'])}"]
    if options.until is not None:
        parts.append("UNTIL=" + _day(options.until))
    cancelled = [v for v in ordered if v.status in _CANCELLED]
    everything_cancelled = len(cancelled) == len(ordered)
    start = first.date or dt.date.min
    stamps = [_stamp(v) for v in ordered]
    event = EventSpec(
        uid=f"{first.mandate_id}@{UID_DOMAIN}",
        start=start,
        end=start + _ONE_DAY,
        summary=_plain(_summary(first, options.lang)),
        description=_plain(_description(first, options.lang)),
        stamp=max(stamps),
        sequence=max(v.sequence for v in ordered),
        status="CANCELLED" if everything_cancelled else _status(first),
        categories=_categories(first, options.lang),
        url=_url(first.document_url),
        rrule=";".join(parts),
        exdates=() if everything_cancelled else tuple(v.date for v in cancelled if v.date),
    )
    return [event]


def _summary(view: DeliverableView, lang: str) -> str:
    parts = [kind_label(view.kind, lang)]
    if view.target_body:
        if view.session is not None:
            parts.append(f"{view.target_body} {_ordinal(view.session, lang)} session")
        else:
            parts.append(view.target_body)
    elif view.session is not None:
        parts.append(f"{_ordinal(view.session, lang)} session")
    if view.actor:
        parts.append(view.actor)
    parts.append(f"{_reference(view)} ¶{view.paragraph}")
    return " · ".join(parts)


def _description(view: DeliverableView, lang: str) -> str:
    words = _WORDS[lang]
    lines = [f"« {view.quote} »"]
    reference = f"{_reference(view)}, {words['paragraph']} {view.paragraph}"
    lines.append(f"{reference} — {view.title}" if view.title else reference)
    if view.actor:
        lines.append(words["actor"] + view.actor)
    basis = _BASES[lang].get(view.basis, view.basis)
    lines.append(words["date"] + (f"{basis} ({view.basis_detail})" if view.basis_detail else basis))
    if view.date and view.end and view.end != view.date:
        lines.append(words["session"] + view.date.isoformat() + words["to"] + view.end.isoformat())
    if view.before is not None and view.date is None:
        lines.append(words["latest"] + view.before.isoformat())
    if view.due is not None and view.due != view.date:
        lines.append(words["documentation"] + view.due.isoformat())
    recurrence = _recurrence(view, lang)
    if recurrence:
        lines.append(recurrence)
    lines.append(words["status"] + view.status)
    if view.document_url:
        lines.append(view.document_url)
    return "\n".join(lines)


def _recurrence(view: DeliverableView, lang: str) -> str | None:
    rule = view.recurrence
    if not rule:
        return None
    every = int(rule.get("every") or 1)
    key = "every_year" if rule.get("unit") == "year" else "every_session"
    key += "_1" if every == 1 else ""
    start = rule.get("start")
    return _WORDS[lang][key].format(n=every, start=start if start else "?")


def _categories(view: DeliverableView, lang: str) -> tuple[str, ...]:
    body = view.target_body or view.adopting_body
    kind = kind_label(view.kind, lang)
    return (kind, body) if body else (kind,)


def _status(view: DeliverableView) -> str:
    if view.status in _CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if view.basis in _TENTATIVE else "CONFIRMED"


def _stamp(view: DeliverableView) -> dt.datetime:
    moment = view.updated_at or view.ingested_at or _EPOCH
    return _whole_seconds(moment)


def _reference(view: DeliverableView) -> str:
    """The document's symbol, else its file name (never a machine's folder)."""
    if view.symbol:
        return view.symbol
    return view.source.replace("\\", "/").rsplit("/", 1)[-1]


def _ordinal(number: int, lang: str) -> str:
    if lang == "fr":
        return f"{number}re" if number == 1 else f"{number}e"
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# --- serialisation ----------------------------------------------------------------------------


def _calendar_head(options: CalendarOptions) -> list[str]:
    refresh = _duration(options.refresh)
    return [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:" + _text(PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:" + _text(options.name),
        "X-WR-CALNAME:" + _text(options.name),
        "REFRESH-INTERVAL;VALUE=DURATION:" + refresh,
        "X-PUBLISHED-TTL:" + refresh,
    ]


def _plain(value: str) -> str:
    """A TEXT value without control characters (they would break calendar clients)."""
    return _CONTROL.sub("", value) if _CONTROL.search(value) else value


def _url(value: str | None) -> str | None:
    """A URI value cannot hold spaces or line breaks: drop them (a URL never needs them)."""
    return _LINE_BREAKS.sub("", value) if value else value


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if ";" in value:
        value = value.replace(";", "\\;")
    if "," in value:
        value = value.replace(",", "\\,")
    if "\n" in value or "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return value


def _fold(line: str) -> str:
    """One content line folded at 75 octets, between characters (CRLF + space).

    A fold never falls inside a UTF-8 sequence, nor between a backslash and the character it
    escapes (some clients unfold such lines wrongly).
    """
    if len(line) <= 75 and line.isascii():
        return line
    data = line.encode("utf-8")
    size = len(data)
    if size <= 75:
        return line
    chunks: list[bytes] = []
    begin, cut = 0, 75
    while cut < size:
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        if data[cut - 1] == 0x5C:
            slashes = 1
            while cut - 1 - slashes > begin and data[cut - 1 - slashes] == 0x5C:
                slashes += 1
            if slashes % 2:
                cut -= 1
        chunks.append(data[begin:cut])
        begin, cut = cut, cut + 74
    chunks.append(data[begin:])
    return b"\r\n ".join(chunks).decode("utf-8")


def _day(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _utc(moment: dt.datetime) -> str:
    m = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"


def _whole_seconds(moment: dt.datetime) -> dt.datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).replace(microsecond=0)


def _duration(delta: dt.timedelta) -> str:
    """An RFC 5545 DURATION (``PT12H``, ``P1D``…) for a positive ``timedelta``."""
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        raise ValueError("the refresh interval must be positive")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    out = "P" + (f"{days}D" if days else "")
    if hours or minutes or secs:
        out += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        out += f"{secs}S" if secs else ""
    return out
