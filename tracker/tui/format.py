"""Plain formatting shared by the widgets: labels, days left, statuses, recurrences."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from tracker.query import DeliverableView

STATUS_FLOW = ("open", "in_progress", "submitted", "done")
STATUS_LABEL = {
    "open": "open",
    "in_progress": "in prog.",
    "submitted": "submitted",
    "done": "done",
    "cancelled": "cancelled",
    "superseded": "supersed.",
}
KIND_SHORT = {
    "report": "report",
    "oral_update": "oral",
    "consultation": "consult",
    "meeting": "meeting",
    "review": "review",
    "observance": "observ.",
    "other_deliverable": "other",
}
BASIS_LABEL = {
    "official": "official — the session's dates were read in a UN source",
    "projected": "projected — computed by the body's calendar rule",
    "explicit": "explicit — the text states the date or the year",
    "inferred": "inferred — bounded by another mandate",
    "unknown": "unknown — nothing dates it",
}


# Escape sequences (CSI, OSC up to BEL or ST, two-byte), then any other C0/C1 control.
_ESCAPES = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -~]?)|\x9b[0-?]*[ -/]*[@-~]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` safe for a terminal: escape sequences and control characters removed.

    Titles, quotes and notes come from documents and people; an ``ESC [`` sequence in them
    must not recolour, move or retitle the terminal. Newlines stay, tabs become spaces.
    """
    return _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\t", " ")))


def next_status(status: str) -> str:
    """The next step of the workflow (open → in progress → submitted → done); done stays."""
    if status not in STATUS_FLOW:
        return "open"
    return STATUS_FLOW[min(STATUS_FLOW.index(status) + 1, len(STATUS_FLOW) - 1)]


def previous_status(status: str) -> str:
    """The step before (done → submitted …); open stays, cancelled goes back to open."""
    if status not in STATUS_FLOW:
        return "open"
    return STATUS_FLOW[max(STATUS_FLOW.index(status) - 1, 0)]


def deadline(view: DeliverableView) -> dt.date | None:
    """The date a desk officer works to: the documentation deadline, else the date itself."""
    return view.due or view.date or view.window_start or view.before or view.window_end


def is_overdue(view: DeliverableView, today: dt.date) -> bool:
    """Past its deadline and still open or in progress."""
    when = deadline(view)
    return when is not None and when < today and view.status in ("open", "in_progress")


def days_left(view: DeliverableView, today: dt.date) -> str:
    """Days to the deadline, short: ``12d``, ``-3d``, ``2y``."""
    when = deadline(view)
    if when is None:
        return ""
    days = (when - today).days
    if abs(days) < 1000:
        return f"{days}d"
    return f"{days // 365}y" if days > 0 else f"-{-days // 365}y"


def when_label(view: DeliverableView) -> str:
    """The date as shown in lists: the day, ``<2021-06-21`` for a bound, or the year."""
    if view.date:
        return view.date.isoformat()
    if view.before:
        return f"<{view.before.isoformat()}"
    return str(view.year) if view.year else "?"


def body_label(view: DeliverableView) -> str:
    """Receiving body and session, e.g. ``HRC 47``."""
    body = view.target_body or view.adopting_body or ""
    return f"{body} {view.session}".strip() if view.session else body


def short_title(view: DeliverableView) -> str:
    """The document's title, else its symbol, else its file name."""
    return printable(view.title or view.symbol or Path(view.source).name)


def month_key(view: DeliverableView) -> str:
    """``YYYY-MM`` of the start of the row's window; ``before`` when only its end is known."""
    if view.window_start is None and view.window_end is not None:
        return "before"
    when = view.window_start or view.date
    return when.strftime("%Y-%m") if when else "undated"


def month_title(key: str) -> str:
    """``2026-11`` → ``Nov 2026`` (fits the date column)."""
    if key == "undated":
        return "undated"
    if key == "before":
        return "before…"
    year, month = key.split("-")
    return dt.date(int(year), int(month), 1).strftime("%b %Y")


def recurrence_label(recurrence: dict[str, Any] | None) -> str:
    """A recurrence in words: ``every 4 sessions from session 72``."""
    if not recurrence:
        return "once"
    every, unit = recurrence.get("every", 1), str(recurrence.get("unit", ""))
    text = f"every {unit}" if every == 1 else f"every {every} {unit}s"
    if "month" in recurrence and "day" in recurrence:
        text += f" on {dt.date(2000, recurrence['month'], recurrence['day']):%d %B}"
    if "start" in recurrence:
        text += f" from {'session ' if unit == 'session' else ''}{recurrence['start']}"
    return text
