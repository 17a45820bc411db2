"""Export of the filtered view: .ics (one all-day event per dated deliverable) and .csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

from icalendar import Calendar, Event

from tracker.query import DeliverableView, Filters, Schedule
from tracker.tui.format import KIND_SHORT, body_label, short_title

CSV_FIELDS = (
    "id",
    "date",
    "due",
    "kind",
    "target_body",
    "session",
    "actor",
    "status",
    "basis",
    "symbol",
    "paragraph",
    "title",
    "quote",
    "document_url",
)


def all_views(
    schedule: Schedule, filters: Filters, today: dt.date | None, page: int = 1000
) -> Iterator[DeliverableView]:
    """Every row of the agenda for ``filters``, read page by page."""
    offset = 0
    while True:
        views = schedule.agenda(filters, today, page, offset)
        yield from views
        if len(views) < page:
            return
        offset += page


def to_ics(views: list[DeliverableView], now: dt.datetime) -> bytes:
    """An iCalendar file: one all-day VEVENT per deliverable with a date."""
    calendar = Calendar()
    calendar.add("prodid", "-//Mandate Tracker//tui export//EN")
    calendar.add("version", "2.0")
    for view in views:
        if view.date is None:
            continue
        event = Event()
        event.add("uid", f"{view.id}@mandate-tracker")
        event.add("dtstamp", now)
        event.add("dtstart", view.date)
        event.add("dtend", view.date + dt.timedelta(days=1))
        what = f"{KIND_SHORT.get(view.kind, view.kind)} {body_label(view)}".strip()
        event.add("summary", f"{what}: {view.actor} — {short_title(view)}")
        due = f"Due {view.due.isoformat()}. " if view.due else ""
        event.add(
            "description",
            f"{due}{view.symbol or view.source} ¶{view.paragraph}: "
            f"« {view.quote} » ({view.basis}: {view.basis_detail})",
        )
        if view.document_url:
            event.add("url", view.document_url)
        event.add("sequence", view.sequence)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def to_csv(views: list[DeliverableView]) -> str:
    """A CSV file with a header row, one deliverable per row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for view in views:
        row = view.as_json()
        writer.writerow("" if row.get(name) is None else row[name] for name in CSV_FIELDS)
    return out.getvalue()


def export(
    schedule: Schedule,
    filters: Filters,
    today: dt.date | None,
    folder: Path,
    stem: str,
    now: dt.datetime,
) -> tuple[Path, Path, int]:
    """Write ``stem.ics`` and ``stem.csv`` for the filtered view; returns them and the count."""
    views = list(all_views(schedule, filters, today))
    folder.mkdir(parents=True, exist_ok=True)
    ics, csv_path = folder / f"{stem}.ics", folder / f"{stem}.csv"
    ics.write_bytes(to_ics(views, now))
    csv_path.write_text(to_csv(views), encoding="utf-8", newline="")
    return ics, csv_path, len(views)
