"""The question history screen: the chain of resolutions on one question, oldest first, with
what each asked, the reports that answered it, its renewals and terminations, and the
lifecycle proposals about its requests. Read through :meth:`Schedule.question_history`."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from tracker.history import ChainLink, QuestionHistory, ReportView
from tracker.query import DeliverableView, Schedule
from tracker.tui.format import KIND_SHORT, STATUS_LABEL, printable

QUOTE_WIDTH = 70


def shorten(text: str, width: int = QUOTE_WIDTH) -> str:
    """``text`` on one line, printable, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(printable(text).split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def link_heading(link: ChainLink) -> Text:
    """``A/RES/68/192 · 2013-12-18 · GA 68 — title``."""
    name = link.symbol or link.key or link.document_id
    adopted = link.adopted_on.isoformat() if link.adopted_on else "undated"
    body = f"{link.body or '?'} {link.session}" if link.session else (link.body or "?")
    text = Text(printable(f"{name} · {adopted} · {body}"), style="bold")
    if link.title:
        text.append(" — " + " ".join(printable(link.title).split()))
    return text


def request_line(view: DeliverableView) -> Text:
    """``2016-09-13 · report for GA 71 · open · ¶6 « quote »``."""
    when = (
        view.date.isoformat()
        if view.date
        else f"session {view.session}"
        if view.session
        else str(view.year or "undated")
    )
    kind = KIND_SHORT.get(view.kind, view.kind)
    target = f" for {view.target_body}" if view.target_body else ""
    if view.target_body and view.session:
        target += f" {view.session}"
    text = Text(printable(f"{when} · {kind}{target} · "))
    text.append(STATUS_LABEL.get(view.status, view.status), style="bold")
    text.append(printable(f" · ¶{view.paragraph} "))
    text.append(f"« {shorten(view.quote)} »", style="italic")
    return text


def report_line(report: ReportView) -> Text:
    """``answered by A/71/213 (GA 71) « quote »``."""
    where = " ".join(
        str(part) for part in (report.issued_body, report.issued_session) if part is not None
    )
    if report.issued_year and not report.issued_session:
        where = f"{where} {report.issued_year}".strip()
    name = report.symbol or report.document_id
    text = Text(printable(f"answered by {name}{f' ({where})' if where else ''} "))
    text.append(f"« {shorten(report.quote)} »", style="italic")
    return text


def render_link(link: ChainLink) -> RenderableType:
    """One resolution: its heading, then one marked line per request, answer and proposal."""
    rows: list[tuple[str, Text]] = [("•", request_line(v)) for v in link.requests]
    rows += [("↳", report_line(r)) for r in link.reports]
    rows += [("↻", Text(f"renewed: « {shorten(q)} »")) for q in link.renewals]
    rows += [("✕", Text(f"ended: « {shorten(q)} »")) for q in link.terminations]
    for p in link.proposals:
        line = Text(printable(f"{p.state}: "))
        line.append(printable(p.action), style="bold")
        line.append(printable(f" — {shorten(p.reason, 120)} "))
        line.append(f"« {shorten(p.evidence_quote)} »", style="italic")
        rows.append(("?", line))
    if not rows:
        rows.append(("", Text("no request, report or proposal stored", style="dim")))
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, width=1)
    table.add_column(overflow="fold")
    for mark, text in rows:
        table.add_row(mark, text)
    return Group(link_heading(link), table)


def render_history(history: QuestionHistory) -> RenderableType:
    """The whole chain, oldest resolution first; a clear message when nothing matches."""
    question = " ".join(printable(history.question).split())
    if not history.chain:
        return Text(f"No resolution matches « {question} »", style="bold")
    parts: list[RenderableType] = []
    for link in history.chain:
        if parts:
            parts.append(Text(""))
        parts.append(render_link(link))
    return Group(*parts)


class HistoryScreen(Screen[None]):
    """The history of one question; the question box at the top, Enter asks again."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
        Binding("slash", "edit_question", "Question"),
    ]

    def __init__(self, schedule: Schedule, question: str = "") -> None:
        super().__init__()
        self.schedule = schedule
        self.question = question
        self.history: QuestionHistory | None = None

    def compose(self) -> ComposeResult:
        """Header, question box, the chain in a scrolling pane, footer."""
        yield Header()
        yield Input(
            value=self.question,
            placeholder="words of a title, a symbol or 68/192 — Enter",
            id="history-question",
        )
        with VerticalScroll(id="history-scroll"):
            yield Static(id="history")
        yield Footer()

    def on_mount(self) -> None:
        """Ask for the question, or show its history at once."""
        self.title = "Question history"
        self.query_one("#history-question", Input).cursor_position = 0  # the start shows
        if self.question.strip():
            self.query_one("#history-scroll").focus()
            self.ask(self.question)
        else:
            self.sub_title = "no question yet"
            self.query_one("#history-question", Input).focus()
            self.query_one("#history", Static).update(
                Text("Type a question (words of a title, a symbol, 68/192) and press Enter.")
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Ask again with the typed question; the result pane takes the focus."""
        event.stop()
        if event.value.strip():
            self.query_one("#history-scroll").focus()
            self.ask(event.value)

    def action_edit_question(self) -> None:
        """Back to the question box."""
        self.query_one("#history-question", Input).focus()

    def ask(self, question: str) -> None:
        """Read the history of ``question`` (in a thread) and show it."""
        self.question = question.strip()
        self.sub_title = shorten(self.question, 50)
        self.query_one("#history", Static).update(Text("reading…", style="dim"))
        self._read(self.question)

    @work(thread=True, exclusive=True, group="history")
    def _read(self, question: str) -> None:
        history = self.schedule.question_history(question)
        self.app.call_from_thread(self._show, history)

    def _show(self, history: QuestionHistory) -> None:
        if history.question != self.question:
            return  # an older question answered late
        self.history = history
        self.query_one("#history", Static).update(render_history(history))
        self.query_one("#history-scroll", VerticalScroll).scroll_home(animate=False)
