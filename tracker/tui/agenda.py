"""The agenda: deliverables by date, grouped by month, fetched one page at a time.

Only :attr:`AgendaTable.PAGE` rows are read per query (``Schedule.agenda`` with limit and
offset); the next page is read when the cursor comes near the last loaded row, and the total
(``agenda_count``) arrives after the first page, so the first screen never waits for it.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.worker import get_current_worker

from tracker.query import DeliverableView, Filters, Schedule
from tracker.tui.format import (
    KIND_SHORT,
    STATUS_LABEL,
    body_label,
    days_left,
    is_overdue,
    month_key,
    month_title,
    printable,
    short_title,
    when_label,
)

MONTH_PREFIX = "month:"
FIXED = {"date": 11, "left": 5, "kind": 7, "for": 8, "actor": 12, "status": 9}


class AgendaTable(DataTable[Text | str]):
    """A DataTable over the paged agenda query; month rows separate the months."""

    PAGE = 100
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("end,G", "scroll_bottom", "Last", show=False),
        Binding("home,g", "scroll_top", "First", show=False),
    ]

    class Loaded(Message):
        """A new first page is shown (``total`` may still be unknown: -1)."""

        def __init__(self, total: int) -> None:
            super().__init__()
            self.total = total

    def __init__(self, schedule: Schedule, today: dt.date, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.schedule = schedule
        self.today = today
        self.filters = Filters(start=today)
        self.overdue_before: dt.date | None = today
        self.views: dict[str, DeliverableView] = {}
        self.loaded_rows = 0
        self.total = -1
        self.generation = 0
        self.shown_generation = 0
        self._last_month: str | None = None
        self._exhausted = False
        self._loading_more = False

    def on_mount(self) -> None:
        """Columns sized for the terminal: the title takes what is left."""
        for name, width in FIXED.items():
            if name == "status":
                left = sum(FIXED.values()) + 2 * (len(FIXED) + 1)
                self.add_column("title", width=max(12, self.app.size.width - left - 2), key="title")
            self.add_column(name, width=width, key=name)

    # --- loading ------------------------------------------------------------------------

    def load(self, filters: Filters, overdue_before: dt.date | None) -> None:
        """Show the first page for ``filters`` (a query in a thread; stale ones are dropped)."""
        self.filters = filters
        self.overdue_before = overdue_before
        self.generation += 1
        generation = self.generation
        self.run_worker(
            lambda: self._fetch_first(generation), thread=True, exclusive=True, group="page"
        )

    def _fetch_first(self, generation: int) -> None:
        views = self.schedule.agenda(self.filters, self.overdue_before, self.PAGE, 0)
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._show_first, generation, views)
        total = self.schedule.agenda_count(self.filters, self.overdue_before)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_total, generation, total)

    def _show_first(self, generation: int, views: list[DeliverableView]) -> None:
        if generation != self.generation:
            return
        selected = self.selected_id
        self.clear()
        self.views = {}
        self.loaded_rows = 0
        self._last_month = None
        self._exhausted = len(views) < self.PAGE
        self.total = len(views) if self._exhausted else -1
        self._append(views)
        self.shown_generation = generation
        if selected and selected in self.views:
            self.move_cursor(row=self.get_row_index(selected))
        else:
            self._skip_month_row(1)
        self.post_message(self.Loaded(self.total))

    def _show_total(self, generation: int, total: int) -> None:
        if generation == self.generation:
            self.total = total
            self.post_message(self.Loaded(total))

    def _append(self, views: list[DeliverableView]) -> None:
        for view in views:
            month = month_key(view)
            if month != self._last_month:
                self._last_month = month
                rule = [
                    Text("─" * (column.width or 1), style="dim")
                    for column in list(self.columns.values())[1:]
                ]
                self.add_row(
                    Text(month_title(month), style="bold underline"),
                    *rule,
                    key=f"{MONTH_PREFIX}{month}:{self.row_count}",
                )
            self.views[view.id] = view
            self.add_row(*self.cells(view), key=view.id)
        self.loaded_rows += len(views)

    def load_more(self) -> None:
        """Read the next page when there is one."""
        if self._exhausted or self._loading_more:
            return
        self._loading_more = True
        generation, offset = self.generation, self.loaded_rows

        def fetch() -> None:
            views = self.schedule.agenda(self.filters, self.overdue_before, self.PAGE, offset)
            self.app.call_from_thread(self._show_more, generation, views)

        self.run_worker(fetch, thread=True, group="more")

    def _show_more(self, generation: int, views: list[DeliverableView]) -> None:
        self._loading_more = False
        if generation != self.generation:
            return
        self._exhausted = len(views) < self.PAGE
        self._append(views)

    # --- rows ---------------------------------------------------------------------------

    def cells(self, view: DeliverableView) -> list[Text | str]:
        """The cells of one deliverable's row; an overdue row is in the theme's error colour."""
        late = is_overdue(view, self.today)
        style = f"bold {self.app.current_theme.error}" if late else ""
        left = days_left(view, self.today)
        return [
            Text(when_label(view), style=style),
            Text(("!" + left) if late else left, style=style, justify="right"),
            KIND_SHORT.get(view.kind, view.kind),
            body_label(view),
            Text(printable(view.actor), overflow="ellipsis", no_wrap=True),
            Text(short_title(view), overflow="ellipsis", no_wrap=True),
            Text(STATUS_LABEL.get(view.status, view.status), style=style),
        ]

    def refresh_view(self, view: DeliverableView) -> None:
        """Redraw one row after its status changed."""
        if view.id not in self.views:
            return
        self.views[view.id] = view
        for column, value in zip(self.columns, self.cells(view), strict=True):
            self.update_cell(view.id, column, value)

    @property
    def selected_id(self) -> str | None:
        """The deliverable under the cursor (``None`` on a month row or an empty table)."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return key if key and not key.startswith(MONTH_PREFIX) else None

    @property
    def selected(self) -> DeliverableView | None:
        """The view under the cursor."""
        key = self.selected_id
        return self.views.get(key) if key else None

    def _skip_month_row(self, step: int) -> None:
        """Move off a month row, in the direction of ``step``."""
        row = self.cursor_row
        while 0 <= row < self.row_count and self._is_month_row(row):
            row += step
        if 0 <= row < self.row_count and row != self.cursor_row:
            self.move_cursor(row=row)

    def _is_month_row(self, row: int) -> bool:
        key = self.coordinate_to_cell_key(self.cursor_coordinate._replace(row=row)).row_key
        return str(key.value).startswith(MONTH_PREFIX)

    def action_cursor_down(self) -> None:
        """Down one deliverable (over month rows); read the next page near the end."""
        super().action_cursor_down()
        self._skip_month_row(1)
        if self.row_count and self.cursor_row >= self.row_count - 10:
            self.load_more()

    def action_cursor_up(self) -> None:
        """Up one deliverable (over month rows)."""
        super().action_cursor_up()
        self._skip_month_row(-1)
        if self._is_month_row(self.cursor_row):
            self._skip_month_row(1)

    def action_page_down(self) -> None:
        """Down one screen; read the next page near the end."""
        super().action_page_down()
        if self.row_count and self.cursor_row >= self.row_count - 10:
            self.load_more()

    def action_scroll_bottom(self) -> None:
        """To the last loaded row, and read the next page."""
        super().action_scroll_bottom()
        self.load_more()
