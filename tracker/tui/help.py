"""The help screen: every key binding, generated from the one table the app uses."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, str, str]] = [
    ("Agenda", "↑ ↓ j k PgUp PgDn", "move; the next page loads near the end"),
    ("Agenda", "Enter / click", "open the detail of a deliverable"),
    ("Agenda", "/", "search: words, body: kind: actor: status: from: until:"),
    ("Agenda", "Esc", "leave the search box (back to the table)"),
    ("Agenda", "Tab", "move between search, menus and table"),
    ("Both", "s / S", "next / previous status (open → in progress → submitted → done)"),
    ("Both", "x", "mark cancelled"),
    ("Both", "n", "add a note"),
    ("Agenda", "e", "export the filtered view to .ics and .csv"),
    ("Agenda", "c", "calendar by month"),
    ("Both", "h", "question history: resolutions, reports, proposals (/ edit, Enter ask)"),
    ("Calendar", "← → / [ ]", "previous / next month"),
    ("Calendar", "t", "back to this month"),
    ("Detail", "Esc / q", "back (also from the history)"),
    ("All", "L", "light / dark theme"),
    ("All", "? / F1", "this help"),
    ("All", "q / Ctrl+Q", "quit (q in the agenda)"),
]


def keys_table() -> Table:
    """The bindings as a Rich table."""
    table = Table(title="Keys", expand=True, show_edge=False)
    table.add_column("where", no_wrap=True)
    table.add_column("key", no_wrap=True, style="bold")
    table.add_column("does")
    for where, key, does in KEYS:
        table.add_row(where, key, does)
    return table


class HelpScreen(ModalScreen[None]):
    """The key bindings; any of Esc, q, ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        """The table in a scrolling box."""
        with VerticalScroll(id="help-box"):
            yield Static(keys_table())
            yield Static(
                "Overdue rows (deadline passed, still open or in progress) are bold in the "
                "error colour and their days left start with '!'. Dates: O official, "
                "P projected, E explicit, I inferred.",
                id="help-legend",
            )

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(result)
