"""The filter bar: one search box with ``key:value`` terms, plus body, kind and status menus.

Typing ``report body:HRC actor:OHCHR status:open from:2021 until:2022-06`` filters at once
(``owner:DESK`` keeps what a user or an office owns);
words without a key search titles, quotes, symbols and actors (``Filters.text``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select

from tracker.query import STATUSES, Filters

KEYS = ("body", "kind", "actor", "status", "from", "until", "owner")


@dataclass(frozen=True)
class Query:
    """What the filter bar asks for, before "today" is applied."""

    filters: Filters
    explicit_start: bool


def _date(value: str, last: bool) -> dt.date | None:
    """``2021``, ``2021-06`` or ``2021-06-21``; the first or ``last`` day of the span."""
    try:
        parts = [int(p) for p in value.split("-")]
    except ValueError:
        return None
    try:
        if len(parts) == 1:
            return dt.date(parts[0], 12, 31) if last else dt.date(parts[0], 1, 1)
        if len(parts) == 2:
            day = calendar.monthrange(parts[0], parts[1])[1] if last else 1
            return dt.date(parts[0], parts[1], day)
        if len(parts) == 3:
            return dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return None
    return None


def parse_query(
    text: str,
    today: dt.date,
    body: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> Query:
    """Turn the search box (and the menus) into :class:`Filters`; unknown terms are text."""
    words: list[str] = []
    values: dict[str, list[str]] = {k: [] for k in KEYS}
    for token in text.split():
        key, sep, value = token.partition(":")
        if sep and key.lower() in KEYS:
            if value:
                values[key.lower()].extend(v for v in value.split(",") if v)
        else:
            words.append(token)
    start = _date(values["from"][-1], last=False) if values["from"] else None
    until = _date(values["until"][-1], last=True) if values["until"] else None
    statuses = [s.replace("-", "_") for s in values["status"]]
    filters = Filters(
        start=start or today,
        until=until,
        bodies=tuple(values["body"] + ([body] if body else [])),
        kinds=tuple(values["kind"] + ([kind] if kind else [])),
        actors=tuple(values["actor"]),
        statuses=tuple(s for s in statuses + ([status] if status else []) if s in STATUSES),
        text=" ".join(words),
        owners=tuple(values["owner"]),
    )
    return Query(filters, explicit_start=start is not None)


class FilterBar(Horizontal):
    """The search box and the three menus; posts :class:`FilterBar.Changed` on every change."""

    BINDINGS = [
        Binding("escape", "app.leave_search", "Table"),
        Binding("down", "app.leave_search", "Table", show=False),
    ]

    class Changed(Message):
        """The user changed a filter."""

        def __init__(self, query: Query) -> None:
            super().__init__()
            self.query = query

    def __init__(
        self, today: dt.date, bodies: list[str], kinds: list[str], id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.today = today
        self.bodies = bodies
        self.kinds = kinds

    def compose(self) -> ComposeResult:
        """The search box, then the body, kind and status menus."""
        yield Input(
            placeholder="/ search · body: kind: actor: status: from: until:",
            id="search",
            compact=True,
        )
        yield Select([(b, b) for b in self.bodies], prompt="body", id="body", compact=True)
        yield Select([(k, k) for k in self.kinds], prompt="kind", id="kind", compact=True)
        statuses = [(s.replace("_", " "), s) for s in STATUSES]
        yield Select(statuses, prompt="status", id="status", compact=True)

    def current(self) -> Query:
        """The query the widgets describe now."""

        def value(select_id: str) -> str | None:
            chosen = self.query_one(f"#{select_id}", Select).value
            return chosen if isinstance(chosen, str) else None

        return parse_query(
            self.query_one("#search", Input).value,
            self.today,
            body=value("body"),
            kind=value("kind"),
            status=value("status"),
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        """Apply the search as it is typed."""
        event.stop()
        self.post_message(self.Changed(self.current()))

    def on_select_changed(self, event: Select.Changed) -> None:
        """Apply a menu choice."""
        event.stop()
        self.post_message(self.Changed(self.current()))
