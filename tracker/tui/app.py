"""The Mandate Tracker terminal app: the agenda screen and the actions on deliverables.

``MandateApp(schedule, today=...)`` takes the :class:`~tracker.query.Schedule` and the date it
treats as today, so tests freeze it; every change is stored at once through the Schedule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static

from tracker.errors import TrackerError
from tracker.query import DeliverableView, Filters, Schedule
from tracker.tui.agenda import AgendaTable
from tracker.tui.calendar_view import CalendarScreen
from tracker.tui.detail import DetailScreen
from tracker.tui.export import export
from tracker.tui.filters import FilterBar, Query
from tracker.tui.format import next_status, previous_status
from tracker.tui.help import HelpScreen
from tracker.tui.history import HistoryScreen
from tracker.tui.note import NoteDialog


class CountsBar(Static):
    """The header counts: overdue, due this week, this month, and how many rows match."""

    def show(self, tally: dict[str, int] | None, shown: int, total: int) -> None:
        """Redraw with the latest numbers (``None`` / ``-1``: still counting)."""
        overdue = "…" if tally is None else str(tally["overdue"])
        week = "…" if tally is None else str(tally["week"])
        month = "…" if tally is None else str(tally["month"])
        matching = "…" if total < 0 else f"{total:,}"
        self.update(
            f"[b $error]Overdue {overdue}[/]  ·  This week {week}  ·  This month {month}"
            f"  ·  [dim]{shown:,} of {matching} shown[/]"
        )


_NOT_IN_HISTORY = frozenset(
    {
        "search",
        "leave_search",
        "advance_status",
        "previous_status",
        "cancel_status",
        "add_note",
        "calendar",
        "export",
        "history",
    }
)


class MandateApp(App[None]):
    """Agenda, filters, detail, calendar, help and export over one Schedule."""

    CSS_PATH = "mandate.tcss"
    TITLE = "Mandate Tracker"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("slash", "search", "Search"),
        Binding("escape", "leave_search", "Table", show=False),
        Binding("s", "advance_status", "Status+"),
        Binding("S", "previous_status", "Status-", show=False),
        Binding("x", "cancel_status", "Cancel", show=False),
        Binding("n", "add_note", "Note"),
        Binding("c", "calendar", "Calendar"),
        Binding("e", "export", "Export", show=False),
        Binding("h", "history", "History"),
        Binding("L", "toggle_light", "Light/dark", show=False),
        Binding("question_mark,f1", "help", "Help"),
    ]

    def __init__(
        self,
        schedule: Schedule,
        today: dt.date,
        export_dir: Path | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.schedule = schedule
        self.today = today
        self.export_dir = export_dir or Path.cwd()
        self.query_state = Query(Filters(start=today), explicit_start=False)
        self.tally: dict[str, int] | None = None
        if theme:
            self.theme = theme

    def compose(self) -> ComposeResult:
        """Header, counts, filter bar, agenda, footer."""
        facets = self.schedule.facets()
        yield Header(show_clock=False)
        yield CountsBar(id="counts")
        yield FilterBar(self.today, facets["bodies"], facets["kinds"], id="filters")
        yield AgendaTable(self.schedule, self.today, id="agenda")
        yield Footer()

    @property
    def agenda(self) -> AgendaTable:
        """The agenda table of the main screen."""
        return self.screen_stack[0].query_one(AgendaTable)

    def on_mount(self) -> None:
        """First page, then the counts."""
        self.sub_title = f"today {self.today.isoformat()}"
        self.agenda.focus()
        self.reload()
        self.refresh_tally()

    # --- loading ------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the first page again for the current query."""
        state = self.query_state
        self.agenda.load(state.filters, None if state.explicit_start else self.today)

    @work(thread=True, exclusive=True, group="tally")
    def refresh_tally(self) -> None:
        """Recount overdue, this week and this month (all deliverables, in a thread)."""
        tally = self.schedule.tally(Filters(), self.today)
        self.call_from_thread(self._set_tally, tally)

    def _set_tally(self, tally: dict[str, int]) -> None:
        self.tally = tally
        self._show_counts()

    def _show_counts(self) -> None:
        agenda = self.agenda
        self.screen_stack[0].query_one(CountsBar).show(self.tally, agenda.loaded_rows, agenda.total)

    def on_agenda_table_loaded(self, _event: AgendaTable.Loaded) -> None:
        """Update the counts when a page arrives."""
        self._show_counts()

    def on_filter_bar_changed(self, event: FilterBar.Changed) -> None:
        """Filter as the user types or chooses."""
        self.query_state = event.query
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter or a click on a row opens its detail."""
        if isinstance(event.data_table, AgendaTable) and event.data_table.selected_id:
            self.open_detail(event.data_table.selected_id)

    # --- screens ------------------------------------------------------------------------

    def open_detail(self, deliverable_id: str) -> None:
        """Push the detail screen of one deliverable."""
        view = self.schedule.get(deliverable_id)
        if view is not None:
            self.push_screen(DetailScreen(self.schedule, view, self.today))

    def action_help(self) -> None:
        """Show the key bindings."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_calendar(self) -> None:
        """Show the month calendar with the current filters."""
        self.push_screen(CalendarScreen(self.schedule, self.today, self.query_state.filters))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The agenda's keys are off (and out of the footer) on the history screen."""
        if isinstance(self.screen, HistoryScreen) and action in _NOT_IN_HISTORY:
            return False
        return True

    def action_history(self) -> None:
        """The history of the selected deliverable's question (its document's title); with
        nothing selected, the screen asks for a question."""
        if not (len(self.screen_stack) == 1 or isinstance(self.screen, DetailScreen)):
            return
        view = self._current()
        question = (view.title or view.symbol or "") if view else ""
        self.push_screen(HistoryScreen(self.schedule, question))

    def action_search(self) -> None:
        """Put the cursor in the search box (from the agenda)."""
        if len(self.screen_stack) == 1:
            self.screen_stack[0].query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        """Back from the search box to the table."""
        if len(self.screen_stack) == 1:
            self.agenda.focus()

    def action_toggle_light(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    # --- workflow -----------------------------------------------------------------------

    def _current(self) -> DeliverableView | None:
        if isinstance(self.screen, DetailScreen):
            return self.screen.view
        if len(self.screen_stack) == 1:
            return self.agenda.selected
        return None

    def _set_status(self, choose: Callable[[str], str]) -> None:
        view = self._current()
        if view is None:
            self.bell()
            return
        status = choose(view.status)
        try:
            self.schedule.set_status(view.id, status)
        except TrackerError as exc:
            self.notify(exc.message, severity="error")
            return
        self._refresh(view.id)
        self.notify(f"{view.id}: {view.status} → {status}", timeout=2)

    def _refresh(self, deliverable_id: str) -> None:
        fresh = self.schedule.get(deliverable_id)
        if fresh is None:
            return
        self.agenda.refresh_view(fresh)
        if isinstance(self.screen, DetailScreen):
            self.screen.show(fresh)
        self.refresh_tally()

    def action_advance_status(self) -> None:
        """Next workflow step: open → in progress → submitted → done."""
        self._set_status(next_status)

    def action_previous_status(self) -> None:
        """Back one workflow step."""
        self._set_status(previous_status)

    def action_cancel_status(self) -> None:
        """Mark the deliverable cancelled."""
        self._set_status(lambda _status: "cancelled")

    def action_add_note(self) -> None:
        """Ask for a note and store it."""
        view = self._current()
        if view is None:
            self.bell()
            return

        def store(text: str | None) -> None:
            if not text:
                return
            try:
                self.schedule.add_note(view.id, text)
            except TrackerError as exc:
                self.notify(exc.message, severity="error")
                return
            self._refresh(view.id)
            self.notify("note saved", timeout=2)

        self.push_screen(NoteDialog(view.symbol or view.id), store)

    def action_export(self) -> None:
        """Write the filtered view to .ics and .csv in the export folder."""
        state = self.query_state
        stem = f"mandates-{self.today:%Y%m%d}"
        try:
            ics, csv_path, count = export(
                self.schedule,
                state.filters,
                None if state.explicit_start else self.today,
                self.export_dir,
                stem,
                dt.datetime.now(dt.UTC),
            )
        except OSError as exc:
            self.notify(f"export failed: {exc}", severity="error")
            return
        self.notify(f"{count} deliverables → {ics.name}, {csv_path.name} in {ics.parent}")
