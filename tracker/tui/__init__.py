"""The terminal UI for desk officers (Textual): agenda, filters, detail, calendar, export.

Nothing in the core imports this package; :func:`run` is what ``tracker tui`` calls.
"""

from __future__ import annotations

import datetime as dt


def run(database_url: str, today: dt.date | None = None) -> None:
    """Open the database at ``database_url`` and run the app until the user quits."""
    from tracker.clock import SystemClock
    from tracker.query import Schedule
    from tracker.store import connect
    from tracker.tui.app import MandateApp

    schedule = Schedule(connect(database_url))
    MandateApp(schedule, today=today or SystemClock().today()).run()
