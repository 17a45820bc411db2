"""The detail screen: the whole paragraph with the quote highlighted, the document, how the
date is known, the session window, the recurrence with its next occurrences, and the notes."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tracker.query import DeliverableView, Schedule
from tracker.tui.format import (
    BASIS_LABEL,
    KIND_SHORT,
    STATUS_LABEL,
    body_label,
    days_left,
    is_overdue,
    printable,
    recurrence_label,
    short_title,
    when_label,
)


def highlighted_paragraph(paragraph: str | None, view: DeliverableView) -> Text:
    """The paragraph with the quote in reverse bold; the quote alone when it is missing."""
    quote = printable(view.quote)
    if not paragraph:
        return Text(quote, style="reverse bold")
    shown = printable(paragraph)
    text = Text(shown)
    start, end = view.quote_start, view.quote_end
    if shown != paragraph or not (0 <= start < end <= len(shown)) or shown[start:end] != quote:
        found = shown.find(quote) if quote else -1
        start, end = (found, found + len(quote)) if found >= 0 else (-1, -1)
    if start >= 0:
        text.stylize("reverse bold", start, end)
    return text


def _facts(rows: list[tuple[str, RenderableType]]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:  # a str cell would be read as Rich markup: make it plain text
        table.add_row(label, Text(printable(value)) if isinstance(value, str) else value)
    return table


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def render_detail(schedule: Schedule, view: DeliverableView, today: dt.date) -> RenderableType:
    """Everything known about one deliverable, as one Rich renderable."""
    late = is_overdue(view, today)
    head = Text.assemble(
        (f"{KIND_SHORT.get(view.kind, view.kind)} ", "bold"),
        (f"for {body_label(view) or '—'} ", ""),
        (f"· {printable(view.actor)} · ", ""),
        (STATUS_LABEL.get(view.status, view.status), "bold"),
        ("  OVERDUE" if late else "", "bold red"),
    )
    window = (
        f"{_date(view.window_start)} → {_date(view.window_end)}"
        if view.window_start or view.window_end
        else "—"
    )
    when = _facts(
        [
            ("Date", f"{when_label(view)}  ({days_left(view, today) or 'no deadline'} left)"),
            ("Due", _date(view.due)),
            ("Basis", BASIS_LABEL.get(view.basis, view.basis)),
            ("How", view.basis_detail),
            ("Session", f"{view.session or '—'}  window {window}"),
        ]
    )
    link = Text(printable(view.document_url or "no official link (no symbol)"))
    if view.document_url:
        link.stylize(f"link {view.document_url} underline")
    document = _facts(
        [
            ("Symbol", view.symbol or PurePath(view.source).name),
            ("Title", view.title or "—"),
            ("Body", view.adopting_body or "—"),
            ("Adopted", _date(view.adopted_on)),
            ("Link", link),
        ]
    )
    upcoming = [
        o
        for o in schedule.occurrences(view.mandate_id)
        if (o.window_end or o.window_start or o.before or today) >= today
    ][:5]
    recurrence = Text(recurrence_label(view.recurrence))
    if view.recurrence:
        recurrence.append(
            "\nnext: "
            + (", ".join(f"{when_label(o)} ({o.status})" for o in upcoming) or "none stored")
        )
    notes = schedule.notes(view.id)
    notes_text = Text(
        "\n".join(f"{n.created_at:%Y-%m-%d %H:%M}  {printable(n.text)}" for n in notes)
        or "no notes"
    )
    paragraph = highlighted_paragraph(schedule.paragraph_text(view), view)
    return Group(
        *_team_lines(view),
        head,
        Text(""),
        Text(printable(f"¶{view.paragraph} — {view.verb}"), style="bold underline"),
        paragraph,
        Text(""),
        Text("When", style="bold underline"),
        when,
        Text(""),
        Text("Document", style="bold underline"),
        document,
        Text(""),
        Text("Recurrence", style="bold underline"),
        recurrence,
        Text(""),
        Text("Notes", style="bold underline"),
        notes_text,
        *_history_lines(schedule, view),
    )


def _team_lines(view: DeliverableView) -> list[RenderableType]:
    """Owner, due-date override and review state, shown only when team mode set them."""
    facts = []
    if view.owner:
        facts.append(f"owner {view.owner}")
    if view.due_override:
        facts.append(f"due overridden to {_date(view.due_override)} ({view.override_reason})")
    if view.review_state != "accepted" or view.changed:
        facts.append(f"review: {view.review_state}{' (text changed)' if view.changed else ''}")
    return [Text(printable(" · ".join(facts)), style="italic")] if facts else []


def _history_lines(schedule: Schedule, view: DeliverableView) -> list[RenderableType]:
    """The last changes from the audit trail (nothing when there are none)."""
    changes = schedule.history(view.id)[-8:]
    if not changes:
        return []
    lines = "\n".join(
        f"{c.at:%Y-%m-%d %H:%M}  {c.actor or '—'}  {c.field}: {c.old or '—'} → {c.new or '—'}"
        for c in changes
    )
    return [Text(""), Text("History", style="bold underline"), Text(printable(lines))]


class DetailScreen(Screen[None]):
    """One deliverable in full; the workflow keys act on it and store at once."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("s", "app.advance_status", "Next status"),
        Binding("S", "app.previous_status", "Prev status", show=False),
        Binding("x", "app.cancel_status", "Cancel"),
        Binding("n", "app.add_note", "Note"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, schedule: Schedule, view: DeliverableView, today: dt.date) -> None:
        super().__init__()
        self.schedule = schedule
        self.view = view
        self.today = today

    def compose(self) -> ComposeResult:
        """The details in a scrolling pane, and the footer with the keys."""
        yield Header()
        with VerticalScroll(id="detail-scroll"):
            yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        """Render the deliverable."""
        self.title = self.view.symbol or short_title(self.view)
        self.sub_title = f"¶{self.view.paragraph} · {self.view.id}"
        self.show(self.view)

    def show(self, view: DeliverableView) -> None:
        """Render ``view`` (again, after a change)."""
        self.view = view
        self.query_one("#detail", Static).update(render_detail(self.schedule, view, self.today))
