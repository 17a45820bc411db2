"""The one query layer: :class:`Schedule` answers every question the renderers ask.

The command line (text and ``--json``), and later the TUI, the .ics feeds and the digests, all
read :class:`DeliverableView` rows from here and never write SQL of their own.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, or_
from sqlmodel import Session, col, select

from tracker.store import (
    VISIBLE_REVIEW_STATES,
    DeliverableRow,
    DocumentRow,
    MandateRow,
    NoteRow,
    ParagraphRow,
    UserRow,
)
from tracker.workflow import STATUSES, AuditView, Workflow, history

if TYPE_CHECKING:
    from tracker.history import QuestionHistory
    from tracker.proposals import ProposalView

__all__ = ["STATUSES", "AuditView", "DeliverableView", "Filters", "NoteView", "Schedule"]


@dataclass(frozen=True)
class Filters:
    """Which deliverables to list. Empty tuples mean "any".

    ``owners`` matches a deliverable's owner, or any member of an office named there;
    proposed mandates (the review queue) are left out unless ``include_proposed``.
    """

    start: dt.date | None = None
    until: dt.date | None = None
    bodies: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""
    include_undated: bool = False
    owners: tuple[str, ...] = ()
    include_proposed: bool = False


@dataclass(frozen=True)
class DeliverableView:
    """A deliverable with its mandate and document, as every renderer shows it."""

    id: str
    mandate_id: str
    source: str
    symbol: str | None
    lang: str
    adopting_body: str | None
    title: str | None
    paragraph: str
    occurrence: int
    verb: str
    actor: str
    kind: str
    target_body: str | None
    session: int | None
    year: int | None
    date: dt.date | None
    end: dt.date | None
    due: dt.date | None
    basis: str
    basis_detail: str
    before: dt.date | None
    status: str
    recurrence: dict[str, Any] | None
    quote: str
    quote_start: int
    quote_end: int
    rule: str
    confidence: float
    part: str | None
    adopted_on: dt.date | None = None
    document_url: str | None = None
    sequence: int = 0
    updated_at: dt.datetime | None = None
    ingested_at: dt.datetime | None = None
    window_start: dt.date | None = field(repr=False, default=None)
    window_end: dt.date | None = field(repr=False, default=None)
    owner: str | None = None
    computed_due: dt.date | None = None
    due_override: dt.date | None = None
    override_reason: str | None = None
    version: int = 1
    review_state: str = "accepted"
    changed: bool = False
    document_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The ``upcoming --json`` object (dates as ISO strings)."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, dt.date | dt.datetime):
                out[key] = value.isoformat()
        return out


@dataclass(frozen=True)
class NoteView:
    """A note on a deliverable."""

    deliverable_id: str
    text: str
    author: str | None
    created_at: dt.datetime


class Schedule:
    """Read models over the stored schedule, plus the few workflow writes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def upcoming(
        self, filters: Filters, limit: int | None = None, offset: int = 0
    ) -> list[DeliverableView]:
        """Deliverables matching ``filters``, by date."""
        statement = self._select(filters).order_by(*_SCHEDULE_ORDER)
        if limit is not None:
            statement = statement.limit(limit).offset(offset)
        return self._views(statement)

    def count(self, filters: Filters) -> int:
        """How many deliverables match ``filters``."""
        statement = self._select(filters).with_only_columns(func.count(col(DeliverableRow.id)))
        with Session(self.engine) as session:
            return int(session.scalar(statement) or 0)

    def get(self, deliverable_id: str) -> DeliverableView | None:
        """One deliverable by its identifier."""
        statement = self._select(Filters(include_undated=True, include_proposed=True)).where(
            col(DeliverableRow.id) == deliverable_id
        )
        with Session(self.engine) as session:
            row = session.exec(statement).first()
            return _view(row) if row else None

    def paragraph_text(self, view: DeliverableView) -> str | None:
        """The whole operative paragraph a deliverable's quote comes from."""
        statement = (
            select(ParagraphRow.text)
            .join(MandateRow, col(MandateRow.document_id) == col(ParagraphRow.document_id))
            .where(
                col(MandateRow.id) == view.mandate_id, col(ParagraphRow.number) == view.paragraph
            )
        )
        with Session(self.engine) as session:
            return session.exec(statement).first()

    def occurrences(self, mandate_id: str) -> list[DeliverableView]:
        """Every stored occurrence of one mandate, by date."""
        statement = (
            self._select(Filters(include_undated=True, include_proposed=True))
            .where(col(MandateRow.id) == mandate_id)
            .order_by(*_SCHEDULE_ORDER)
        )
        return self._views(statement)

    def deliverables_of(self, document_ids: list[str]) -> list[DeliverableView]:
        """Every stored deliverable of the given documents (proposed ones included), by date."""
        if not document_ids:
            return []
        statement = (
            self._select(Filters(include_undated=True, include_proposed=True))
            .where(col(DocumentRow.id).in_(sorted(set(document_ids))))
            .order_by(*_SCHEDULE_ORDER)
        )
        return self._views(statement)

    def question_history(self, question: str) -> QuestionHistory:
        """The chain of resolutions of a question, their requests and the reports that
        answered them (see :mod:`tracker.history`)."""
        from tracker.history import question_history

        return question_history(self, question)

    def lifecycle_proposals(self, states: tuple[str, ...] = ("proposed",)) -> list[ProposalView]:
        """Lifecycle proposals (a report submitted, a request superseded or ended) in
        ``states``, with both quotes."""
        from tracker.proposals import listing

        return listing(self.engine, states)

    def added_since(self, since: dt.datetime, filters: Filters) -> list[DeliverableView]:
        """Deliverables of documents ingested at or after ``since`` that match ``filters``."""
        statement = self._select(filters).where(col(DocumentRow.ingested_at) >= since)
        statement = statement.order_by(*_SCHEDULE_ORDER)
        return self._views(statement)

    def set_status(self, deliverable_id: str, status: str, now: dt.datetime | None = None) -> None:
        """Change a deliverable's workflow status (recorded in the audit trail)."""
        Workflow(self.engine).set_status(deliverable_id, status, now=now)

    def add_note(
        self,
        deliverable_id: str,
        text: str,
        author: str | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Attach a note to a deliverable (recorded in the audit trail)."""
        Workflow(self.engine, author).note(deliverable_id, text, now=now)

    def history(self, entity_id: str) -> list[AuditView]:
        """The audit trail of a deliverable (with its mandate's), oldest first."""
        return history(self.engine, entity_id)

    def notes(self, deliverable_id: str) -> list[NoteView]:
        """The notes of a deliverable, oldest first."""
        statement = (
            select(NoteRow)
            .where(col(NoteRow.deliverable_id) == deliverable_id)
            .order_by(col(NoteRow.created_at), col(NoteRow.id))
        )
        with Session(self.engine) as session:
            return [
                NoteView(n.deliverable_id, n.text, n.author, n.created_at)
                for n in session.exec(statement).all()
            ]

    def _views(self, statement: Any) -> list[DeliverableView]:
        """Run a statement of :data:`_COLUMNS` (core rows: no ORM loading) into views."""
        with self.engine.connect() as connection:
            return [_view(row) for row in connection.execute(statement).all()]

    def _select(self, filters: Filters) -> Any:
        columns: Any = (col(column).label(name) for name, column in _COLUMNS.items())
        statement: Any = select(*columns)
        statement = statement.join(
            MandateRow, col(MandateRow.id) == col(DeliverableRow.mandate_id)
        ).join(DocumentRow, col(DocumentRow.id) == col(MandateRow.document_id))
        longest = self._longest_span() if filters.start else 0
        return statement.where(*_conditions(filters, longest))

    def _longest_span(self) -> int:
        """The longest deliverable window stored, in days (one lookup in an index)."""
        with Session(self.engine) as session:
            return int(session.scalar(select(func.max(DeliverableRow.span_days))) or 0)

    # --- agenda read models (the TUI's desk view) -------------------------------------------

    PENDING = ("open", "in_progress")

    def agenda(
        self, filters: Filters, today: dt.date | None, limit: int | None = None, offset: int = 0
    ) -> list[DeliverableView]:
        """Like :meth:`upcoming`, plus the overdue deliverables still open before ``filters.start``.

        A deliverable is overdue when its deadline (``due``, else its date) is before ``today``
        and its status is ``open`` or ``in_progress`` (``today=None``: no overdue rows are
        added, the date range is kept as it is). Rows are ordered by the start of their
        window, or its end when it has none (an index serves it, so a page costs milliseconds
        on 100,000 rows).
        """
        statement = self._agenda_select(filters, today).order_by(
            DeliverableRow.sort_start,
            DocumentRow.id,
            MandateRow.paragraph,
            MandateRow.occurrence,
            DeliverableRow.id,
        )
        if limit is not None:
            statement = statement.limit(limit).offset(offset)
        return self._views(statement)

    def agenda_count(self, filters: Filters, today: dt.date | None) -> int:
        """How many deliverables :meth:`agenda` lists."""
        statement = self._agenda_select(filters, today).with_only_columns(
            func.count(col(DeliverableRow.id))
        )
        with Session(self.engine) as session:
            return int(session.scalar(statement) or 0)

    def tally(self, filters: Filters, today: dt.date) -> dict[str, int]:
        """Open deadlines due this week, this month (from ``today``) and overdue, in one query.

        The date range of ``filters`` is ignored; the other filters apply.
        """
        from sqlalchemy import case

        deadline = self._deadline()
        pending = col(DeliverableRow.status).in_(self.PENDING)
        week, month = today + dt.timedelta(days=7), today + dt.timedelta(days=31)

        def between(last: dt.date) -> Any:
            return func.sum(case((pending & (deadline >= today) & (deadline < last), 1), else_=0))

        statement = self._select(
            Filters(
                bodies=filters.bodies,
                kinds=filters.kinds,
                actors=filters.actors,
                statuses=filters.statuses,
                text=filters.text,
                owners=filters.owners,
                include_proposed=filters.include_proposed,
            )
        ).with_only_columns(
            between(week),
            between(month),
            func.sum(case((pending & (deadline < today), 1), else_=0)),
        )
        with Session(self.engine) as session:
            row = session.execute(statement).one()
        return {"week": int(row[0] or 0), "month": int(row[1] or 0), "overdue": int(row[2] or 0)}

    def facets(self) -> dict[str, list[str]]:
        """The bodies, kinds and actors present in the schedule, sorted, to offer as choices."""
        with Session(self.engine) as session:
            targets = session.exec(select(MandateRow.target_body).distinct()).all()
            adopting = session.exec(select(DocumentRow.adopting_body).distinct()).all()
            kinds = session.exec(select(MandateRow.kind).distinct()).all()
            actors = session.exec(select(MandateRow.actor).distinct()).all()
        return {
            "bodies": sorted({b for b in (*targets, *adopting) if b}),
            "kinds": sorted(set(kinds)),
            "actors": sorted(set(actors)),
        }

    def _agenda_select(self, filters: Filters, today: dt.date | None) -> Any:
        """The agenda's rows, written so that the database walks the ``sort_start`` index in
        order (the date conditions other than its upper bound are plain filters)."""
        from dataclasses import replace

        first, last = col(DeliverableRow.sort_start), col(DeliverableRow.sort_end)
        others = replace(filters, start=None, until=None, statuses=(), include_undated=True)
        statement = self._select(others)
        if not filters.include_undated:
            statement = statement.where(first.is_not(None))
        if filters.statuses:
            statement = statement.where((col(DeliverableRow.status) + "").in_(filters.statuses))
        if filters.until:
            statement = statement.where(first <= filters.until)
        if filters.start:
            later = last >= filters.start
            if filters.include_undated:
                later = or_(later, first.is_(None))
            if today is None:
                statement = statement.where(later)
            else:
                pending = (col(DeliverableRow.status) + "").in_(self.PENDING)
                statement = statement.where(or_(later, pending & (self._deadline() < today)))
        return statement

    @staticmethod
    def _deadline() -> Any:
        """A deliverable's deadline: its documentation deadline, else its window's start or end."""
        return func.coalesce(
            col(DeliverableRow.due_override),
            col(DeliverableRow.due),
            col(DeliverableRow.window_start),
            col(DeliverableRow.window_end),
        )

    def data_version(self) -> tuple[int, str, int, str]:
        """A cheap fingerprint of the stored schedule, for caches of rendered feeds.

        It is the number of deliverables and the latest ``updated_at`` among them, with the
        number of documents and their latest ``ingested_at``: storing, replacing or deleting a
        document, or changing a deliverable's status, changes it. One indexed query.
        """
        statement = select(
            select(func.count(col(DeliverableRow.id))).scalar_subquery(),
            select(func.max(DeliverableRow.updated_at)).scalar_subquery(),
            select(func.count(col(DocumentRow.id))).scalar_subquery(),
            select(func.max(DocumentRow.ingested_at)).scalar_subquery(),
        )
        with Session(self.engine) as session:
            row = session.exec(statement).one()
        return int(row[0] or 0), str(row[1] or ""), int(row[2] or 0), str(row[3] or "")

    def feed_views(self, filters: Filters) -> list[DeliverableView]:
        """The views :meth:`upcoming` gives (same filters, same order), for the feeds.

        Every view is read from plain columns, not ORM objects, which keeps a feed of
        thousands of deliverables fast to read.
        """
        return self.upcoming(filters)


def _conditions(filters: Filters, longest_span: int = 0) -> list[Any]:
    """The WHERE conditions of ``filters``.

    With a date range, the conditions on kind and status are written as expressions (``+ ''``)
    so that the planner walks the date index (which covers them) rather than a kind or status
    index.

    A window overlaps the range when it starts by ``until`` and ends from ``start``; the
    redundant lower bound on ``sort_start`` (no window is longer than ``longest_span`` days)
    lets the index on it serve the date range from both sides.
    """
    conditions: list[Any] = []
    first, last = col(DeliverableRow.sort_start), col(DeliverableRow.sort_end)
    dated = first.is_not(None)
    if filters.start:
        earliest = filters.start - dt.timedelta(days=longest_span)
        range_start = (last >= filters.start) & (first >= earliest)
        conditions.append(or_(range_start, ~dated) if filters.include_undated else range_start)
    if filters.until:
        range_end = first <= filters.until
        conditions.append(or_(range_end, ~dated) if filters.include_undated else range_end)
    if not filters.include_undated:
        conditions.append(dated)
    if filters.bodies:
        conditions.append(
            or_(
                col(MandateRow.target_body).in_(filters.bodies),
                col(DocumentRow.adopting_body).in_(filters.bodies),
            )
        )
    windowed = bool(filters.start or filters.until)
    if filters.kinds:
        kind = col(DeliverableRow.kind)
        conditions.append((kind + "" if windowed else kind).in_(filters.kinds))
    if filters.actors:
        conditions.append(or_(*(col(MandateRow.actor).ilike(f"%{a}%") for a in filters.actors)))
    if filters.statuses:
        status = col(DeliverableRow.status)
        conditions.append((status + "" if windowed else status).in_(filters.statuses))
    if filters.owners:
        members = select(UserRow.name).where(col(UserRow.office).in_(filters.owners))
        conditions.append(
            or_(
                col(DeliverableRow.owner).in_(filters.owners),
                col(DeliverableRow.owner).in_(members),
            )
        )
    visible = VISIBLE_REVIEW_STATES + (("proposed",) if filters.include_proposed else ())
    # "+ ''" keeps the planner off the review-state index (the agenda walks window_start)
    conditions.append((col(MandateRow.review_state) + "").in_(visible))
    if filters.text:
        needle = f"%{filters.text}%"
        conditions.append(
            or_(
                col(DocumentRow.title).ilike(needle),
                col(MandateRow.quote).ilike(needle),
                col(DocumentRow.symbol).ilike(needle),
                col(MandateRow.actor).ilike(needle),
            )
        )
    return conditions


_d, _m, _doc = DeliverableRow, MandateRow, DocumentRow
_COLUMNS: dict[str, Any] = {
    "id": _d.id, "mandate_id": _m.id, "document_id": _doc.id, "source": _doc.source,
    "symbol": _doc.symbol,
    "lang": _doc.lang, "adopting_body": _doc.adopting_body, "title": _doc.title,
    "paragraph": _m.paragraph, "occurrence": _m.occurrence, "verb": _m.verb,
    "actor": _m.actor, "kind": _d.kind, "target_body": _m.target_body, "session": _d.session,
    "year": _d.year, "date": _d.date, "end": _d.end, "computed_due": _d.due,
    "basis": _d.basis, "basis_detail": _d.basis_detail, "before": _d.before,
    "status": _d.status, "recurrence": _m.recurrence, "quote": _m.quote,
    "quote_start": _m.quote_start, "quote_end": _m.quote_end, "rule": _m.rule,
    "confidence": _m.confidence, "part": _m.part, "window_start": _d.window_start,
    "window_end": _d.window_end, "adopted_on": _doc.adopted_on, "sequence": _d.sequence,
    "updated_at": _d.updated_at, "ingested_at": _doc.ingested_at, "owner": _d.owner,
    "due_override": _d.due_override, "override_reason": _d.override_reason,
    "version": _d.version, "review_state": _m.review_state, "changed": _m.changed,
}  # fmt: skip
"""The columns every deliverable view is read from, by the name of the view's field."""
_COLUMN_NAMES = tuple(_COLUMNS)

_SCHEDULE_ORDER = (
    _d.sort_start,
    _doc.id,
    _m.paragraph,
    _m.occurrence,
    _d.id,
)
"""The order of the schedule: by date, then document, paragraph and occurrence."""


def _view(row: Any) -> DeliverableView:
    """A deliverable view from one row of :data:`_COLUMNS` (plain columns, no ORM objects)."""
    fields = dict(zip(_COLUMN_NAMES, row, strict=True))
    fields.update(
        due=fields["due_override"] or fields["computed_due"],
        recurrence=json.loads(fields["recurrence"]) if fields["recurrence"] else None,
        document_url=document_url(fields["symbol"], fields["lang"]),
        updated_at=_utc(fields["updated_at"]),
        ingested_at=_utc(fields["ingested_at"]),
        changed=bool(fields["changed"]),
    )
    return DeliverableView(**fields)


def document_url(symbol: str | None, lang: str) -> str | None:
    """The official document's address on the UN's document server, when it has a symbol."""
    if not symbol:
        return None
    return f"https://undocs.org/{lang}/{symbol}"


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Stored times are UTC; SQLite gives them back without their zone."""
    if moment is None or moment.tzinfo is not None:
        return moment.astimezone(dt.UTC) if moment else None
    return moment.replace(tzinfo=dt.UTC)
