"""The calendar: one month as a grid (how many deliverables each day), and its list below."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import replace

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tracker.query import DeliverableView, Filters, Schedule
from tracker.tui.format import (
    KIND_SHORT,
    STATUS_LABEL,
    body_label,
    is_overdue,
    printable,
    when_label,
)

LIMIT = 500


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of ``month``'s month."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def shift_month(month: dt.date, step: int) -> dt.date:
    """The first day of the month ``step`` months away."""
    index = month.year * 12 + month.month - 1 + step
    return dt.date(index // 12, index % 12 + 1, 1)


def day_of(view: DeliverableView) -> dt.date | None:
    """The day a deliverable is marked on."""
    return view.date or view.window_start or view.before


def month_grid(month: dt.date, views: list[DeliverableView], today: dt.date) -> Table:
    """A Monday-first grid; a day with deliverables shows ``12·3`` (day · how many)."""
    counts = Counter(d for v in views if (d := day_of(v)) and d.month == month.month)
    late = {d for v in views if (d := day_of(v)) and is_overdue(v, today)}
    table = Table(
        title=month.strftime("%B %Y"), box=box.SIMPLE_HEAD, padding=(0, 1), title_style="bold"
    )
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        table.add_column(name, justify="right", width=5, no_wrap=True)
    for week in calendar.Calendar().monthdatescalendar(month.year, month.month):
        cells: list[Text] = []
        for day in week:
            if day.month != month.month:
                cells.append(Text(""))
                continue
            count = counts.get(day, 0)
            style = "bold red" if day in late else ("bold" if count else "dim")
            if day == today:
                style += " reverse"
            cells.append(Text(f"{day.day}·{count}" if count else str(day.day), style=style))
        table.add_row(*cells)
    return table


class CalendarScreen(Screen[None]):
    """Month by month; ← → (or [ ]) change month, t comes back to this month."""

    BINDINGS = [
        Binding("escape,q,c", "app.pop_screen", "Back"),
        Binding("left,left_square_bracket", "shift(-1)", "Prev month"),
        Binding("right,right_square_bracket", "shift(1)", "Next month"),
        Binding("t", "this_month", "Today"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, schedule: Schedule, today: dt.date, filters: Filters) -> None:
        super().__init__()
        self.schedule = schedule
        self.today = today
        self.filters = filters
        self.month = today.replace(day=1)

    def compose(self) -> ComposeResult:
        """The grid above the month's list."""
        yield Header()
        yield Static(id="month-grid")
        yield DataTable(id="month-list", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        """Columns, then this month."""
        table: DataTable[Text | str] = self.query_one("#month-list", DataTable)
        table.add_columns("date", "kind", "for", "actor", "status")
        self.show()

    def show(self) -> None:
        """Read and draw the current month."""
        first, last = month_bounds(self.month)
        filters = replace(self.filters, start=first, until=last, include_undated=False)
        views = self.schedule.upcoming(filters, limit=LIMIT)
        self.query_one("#month-grid", Static).update(month_grid(self.month, views, self.today))
        table: DataTable[Text | str] = self.query_one("#month-list", DataTable)
        table.clear()
        for v in views:
            style = "bold red" if is_overdue(v, self.today) else ""
            table.add_row(
                Text(when_label(v), style=style),
                KIND_SHORT.get(v.kind, v.kind),
                body_label(v),
                Text(printable(v.actor), overflow="ellipsis", no_wrap=True),
                STATUS_LABEL.get(v.status, v.status),
                key=v.id,
            )
        self.title = "Calendar"
        self.sub_title = f"{len(views)} in {self.month:%B %Y}"

    def action_shift(self, step: int) -> None:
        """Go ``step`` months forward (negative: back)."""
        self.month = shift_month(self.month, step)
        self.show()

    def action_this_month(self) -> None:
        """Back to the month of today."""
        self.month = self.today.replace(day=1)
        self.show()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Open the detail of the chosen deliverable."""
        if event.row_key.value:
            self.app.call_later(self.app.open_detail, event.row_key.value)  # type: ignore[attr-defined]
