"""Renderers for the command line: JSON Lines for scripts, rich tables for people."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tracker.history import ChainLink, QuestionHistory
from tracker.model import Mandate, SessionWindow
from tracker.pipeline import Outcome
from tracker.proposals import ProposalView
from tracker.query import DeliverableView


def json_lines(objects: Iterable[dict[str, Any]]) -> str:
    """One JSON object per line, keys in a stable order, UTF-8 kept readable."""
    return "".join(json.dumps(o, ensure_ascii=False, default=_default) + "\n" for o in objects)


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def mandates_table(mandates: list[Mandate]) -> Table:
    """The mandates ``tracker extract`` found."""
    table = Table(title=f"{len(mandates)} mandates", show_lines=False)
    for name in ("document", "¶", "kind", "actor", "for", "when", "recurrence", "quote"):
        table.add_column(name, overflow="fold")
    for m in mandates:
        when = m.date.isoformat() if m.date else _session_or_year(m.session, m.year)
        recurrence = _recurrence(m.recurrence.as_json()) if m.recurrence else ""
        table.add_row(
            m.symbol or m.source,
            m.paragraph,
            str(m.kind),
            m.actor,
            m.target_body or "—",
            when,
            recurrence,
            m.quote,
        )
    return table


_KIND_SHORT = {
    "report": "report",
    "oral_update": "oral",
    "consultation": "consult",
    "meeting": "meeting",
    "review": "review",
    "observance": "observ.",
    "other_deliverable": "other",
}
_BASIS_MARK = {"official": "O", "projected": "P", "explicit": "E", "inferred": "I", "unknown": "?"}


def upcoming_table(views: list[DeliverableView], today: dt.date) -> Table:
    """The schedule ``tracker upcoming`` prints, readable in 80 columns."""
    table = Table(
        title=f"{len(views)} deliverables",
        show_edge=False,
        caption="b: O official, P projected, E explicit in the text, I inferred, ? unknown",
    )
    table.add_column("date", no_wrap=True, min_width=11)
    table.add_column("b", no_wrap=True, min_width=1)
    table.add_column("due", no_wrap=True, min_width=10)
    table.add_column("what", no_wrap=True, overflow="ellipsis", max_width=14)
    table.add_column("who", no_wrap=True, overflow="ellipsis", max_width=12)
    table.add_column("from", no_wrap=True, overflow="ellipsis", max_width=17)
    for v in views:
        date_text = (
            v.date.isoformat() if v.date else (f"<{v.before}" if v.before else str(v.year or "?"))
        )
        late = v.due is not None and v.due < today and v.status in ("open", "in_progress")
        what = f"{_KIND_SHORT.get(v.kind, v.kind)} {v.target_body or ''}" + (
            f" {v.session}" if v.session else ""
        )
        table.add_row(
            date_text,
            _BASIS_MARK.get(v.basis, "?"),
            v.due.isoformat() if v.due else "",
            what.strip(),
            v.actor,
            f"{v.symbol or Path(v.source).name} ¶{v.paragraph}",
            style="red" if late and v.date and v.date >= today else None,
        )
    return table


def sessions_table(windows: list[SessionWindow]) -> Table:
    """Session windows with how each date is known."""
    table = Table(show_edge=False)
    for name in ("body", "session", "start", "end", "basis", "source"):
        table.add_column(name, overflow="fold")
    for w in windows:
        start = (
            w.start.isoformat()
            if w.start
            else (
                f"{w.earliest:%Y-%m}..{w.latest:%Y-%m}"
                if w.earliest and w.latest
                else str(w.year or "?")
            )
        )
        table.add_row(
            w.body,
            str(w.session),
            start,
            w.end.isoformat() if w.end else "",
            str(w.basis),
            w.source,
        )
    return table


def outcomes_table(outcomes: list[Outcome]) -> Table:
    """The summary ``tracker ingest`` prints."""
    table = Table(title="ingest summary")
    for name in ("file", "result", "mandates", "deliverables", "reason"):
        table.add_column(name, overflow="fold")
    for o in outcomes:
        style = "red" if o.failed else ""
        table.add_row(
            o.path, o.status, str(o.mandates), str(o.deliverables), o.error or "", style=style
        )
    return table


def _session_or_year(session: int | None, year: int | None) -> str:
    if session is not None:
        return f"session {session}"
    return str(year) if year is not None else "—"


def _recurrence(recurrence: dict[str, Any]) -> str:
    text = f"every {recurrence['every']} {recurrence['unit']}(s)"
    if recurrence.get("start"):
        text += f" from {recurrence['start']}"
    if recurrence.get("month"):
        text += f" on {recurrence['day']:02d}/{recurrence['month']:02d}"
    return text


def print_table(table: Table, console: Console | None = None) -> None:
    """Print a table to standard output."""
    (console or Console()).print(table)


def render_proposal(proposal: ProposalView) -> str:
    """A lifecycle proposal for the review queue: the change, the reason, both quotes."""
    where = _session_or_year(proposal.deliverable_session, proposal.deliverable_year)
    return (
        f"{proposal.id}  {proposal.action}: {proposal.deliverable_symbol} "
        f"§{proposal.deliverable_paragraph} ({where}), now {proposal.deliverable_status}\n"
        f"    {proposal.reason}\n"
        f"    was asked: « {proposal.deliverable_quote} »\n"
        f"    evidence:  {proposal.evidence_symbol}"
        + (f" §{proposal.evidence_paragraph}" if proposal.evidence_paragraph else "")
        + f" « {proposal.evidence_quote} »\n"
    )


def render_question_history(history: QuestionHistory) -> str:
    """The chain of a question as plain text, oldest resolution first."""
    return "".join(_chain_link(link) for link in history.chain)


def _chain_link(link: ChainLink) -> str:
    adopted = link.adopted_on.isoformat() if link.adopted_on else "adoption date unknown"
    lines = [f"{link.symbol or link.document_id}  {adopted}  {link.body or ''}  {link.title or ''}"]
    for request in link.requests:
        when = request.date.isoformat() if request.date else request.basis
        lines.append(
            f"  asks  §{request.paragraph}  {request.kind} to {request.target_body or '-'} "
            f"{_session_or_year(request.session, request.year)} ({when})  {request.status}"
        )
    for report in link.reports:
        issued = _session_or_year(report.issued_session, report.issued_year)
        lines.append(
            f"  answered by {report.symbol or report.document_id} ({report.issued_body} {issued})"
        )
    lines += [f"  renews: « {quote} »" for quote in link.renewals]
    lines += [f"  ends: « {quote} »" for quote in link.terminations]
    for proposal in link.proposals:
        lines.append(f"  {proposal.state} {proposal.action}: {proposal.reason}")
    return "\n".join(lines) + "\n\n"
