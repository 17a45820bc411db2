"""The one query layer: :class:`Schedule` answers every question the renderers ask.

The command line (text and ``--json``), and later the TUI, the .ics feeds and the digests, all
read :class:`DeliverableView` rows from here and never write SQL of their own.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

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
        statement = self._select(filters)
        statement = statement.order_by(
            func.coalesce(DeliverableRow.window_start, DeliverableRow.window_end),
            DocumentRow.id,
            MandateRow.paragraph,
            MandateRow.occurrence,
            DeliverableRow.id,
        )
        if limit is not None:
            statement = statement.limit(limit).offset(offset)
        with Session(self.engine) as session:
            return [_view(*row) for row in session.exec(statement).all()]

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
            return _view(*row) if row else None

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
            .order_by(func.coalesce(DeliverableRow.window_start, DeliverableRow.window_end))
        )
        with Session(self.engine) as session:
            return [_view(*row) for row in session.exec(statement).all()]

    def added_since(self, since: dt.datetime, filters: Filters) -> list[DeliverableView]:
        """Deliverables of documents ingested at or after ``since`` that match ``filters``."""
        statement = self._select(filters).where(col(DocumentRow.ingested_at) >= since)
        statement = statement.order_by(
            func.coalesce(DeliverableRow.window_start, DeliverableRow.window_end), DeliverableRow.id
        )
        with Session(self.engine) as session:
            return [_view(*row) for row in session.exec(statement).all()]

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

    def _select(self, filters: Filters) -> Any:
        statement = (
            select(DeliverableRow, MandateRow, DocumentRow)
            .join(MandateRow, col(MandateRow.id) == col(DeliverableRow.mandate_id))
            .join(DocumentRow, col(DocumentRow.id) == col(MandateRow.document_id))
        )
        return statement.where(*_conditions(filters))

    # --- agenda read models (the TUI's desk view) -------------------------------------------

    PENDING = ("open", "in_progress")

    def agenda(
        self, filters: Filters, today: dt.date | None, limit: int | None = None, offset: int = 0
    ) -> list[DeliverableView]:
        """Like :meth:`upcoming`, plus the overdue deliverables still open before ``filters.start``.

        A deliverable is overdue when its deadline (``due``, else its date) is before ``today``
        and its status is ``open`` or ``in_progress`` (``today=None``: no overdue rows are
        added, the date range is kept as it is). Rows are ordered by the start of their
        window (an index serves it, so a page costs milliseconds on 100,000 rows); the few that
        only have an end ("before" a date) come first.
        """
        statement = self._agenda_select(filters, today).order_by(
            DeliverableRow.window_start,
            DeliverableRow.window_end,
            DocumentRow.id,
            MandateRow.paragraph,
            MandateRow.occurrence,
            DeliverableRow.id,
        )
        if limit is not None:
            statement = statement.limit(limit).offset(offset)
        with Session(self.engine) as session:
            return [_view(*row) for row in session.exec(statement).all()]

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
        """The agenda's rows, written so that SQLite walks the ``window_start`` index in order.

        The conditions on dates and status go through expressions no index serves, so the
        planner does not pick an OR of index searches and a full sort instead.
        """
        from dataclasses import replace

        start, stop = col(DeliverableRow.window_start), col(DeliverableRow.window_end)
        others = replace(filters, start=None, until=None, statuses=(), include_undated=True)
        statement = self._select(others)
        if not filters.include_undated:
            statement = statement.where(func.coalesce(start, stop).is_not(None))
        if filters.statuses:
            statement = statement.where((col(DeliverableRow.status) + "").in_(filters.statuses))
        if filters.until:
            statement = statement.where(func.coalesce(start, stop) <= filters.until)
        if filters.start:
            later = func.coalesce(stop, start) >= filters.start
            if filters.include_undated:
                later = or_(later, func.coalesce(start, stop).is_(None))
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
        """The views :meth:`upcoming` gives (same filters, same order), read as plain columns.

        No ORM objects are built, which makes long lists (a calendar feed of thousands of
        deliverables) several times faster to read.
        """
        d, m, doc = DeliverableRow, MandateRow, DocumentRow
        columns = (
            d.id, m.id, doc.source, doc.symbol, doc.lang, doc.adopting_body, doc.title,
            m.paragraph, m.occurrence, m.verb, m.actor, m.kind, m.target_body, d.session,
            d.year, d.date, d.end, d.due, d.basis, d.basis_detail, d.before, d.status,
            m.recurrence, m.quote, m.quote_start, m.quote_end, m.rule, m.confidence, m.part,
            doc.adopted_on, d.sequence, d.updated_at, doc.ingested_at, d.window_start,
            d.window_end, d.owner, d.due_override, d.override_reason, d.version,
            m.review_state, m.changed,
        )  # fmt: skip
        statement: Any = select(*(col(c) for c in columns))
        statement = (
            statement.join(MandateRow, col(MandateRow.id) == col(DeliverableRow.mandate_id))
            .join(DocumentRow, col(DocumentRow.id) == col(MandateRow.document_id))
            .where(*_conditions(filters))
            .order_by(
                func.coalesce(DeliverableRow.window_start, DeliverableRow.window_end),
                DocumentRow.id,
                MandateRow.paragraph,
                MandateRow.occurrence,
                DeliverableRow.id,
            )
        )
        with self.engine.connect() as connection:
            rows: list[Any] = list(connection.execute(statement).all())
        return [
            DeliverableView(
                id=r[0],
                mandate_id=r[1],
                source=r[2],
                symbol=r[3],
                lang=r[4],
                adopting_body=r[5],
                title=r[6],
                paragraph=r[7],
                occurrence=r[8],
                verb=r[9],
                actor=r[10],
                kind=r[11],
                target_body=r[12],
                session=r[13],
                year=r[14],
                date=r[15],
                end=r[16],
                due=r[36] or r[17],
                basis=r[18],
                basis_detail=r[19],
                before=r[20],
                status=r[21],
                recurrence=json.loads(r[22]) if r[22] else None,
                quote=r[23],
                quote_start=r[24],
                quote_end=r[25],
                rule=r[26],
                confidence=r[27],
                part=r[28],
                adopted_on=r[29],
                document_url=document_url(r[3], r[4]),
                sequence=r[30],
                updated_at=_utc(r[31]),
                ingested_at=_utc(r[32]),
                window_start=r[33],
                window_end=r[34],
                owner=r[35],
                computed_due=r[17],
                due_override=r[36],
                override_reason=r[37],
                version=r[38],
                review_state=r[39],
                changed=bool(r[40]),
            )
            for r in rows
        ]


def _conditions(filters: Filters) -> list[Any]:
    conditions: list[Any] = []
    start, stop = col(DeliverableRow.window_start), col(DeliverableRow.window_end)
    dated = or_(start.is_not(None), stop.is_not(None))
    if filters.start:
        range_start = or_(stop >= filters.start, start >= filters.start)
        conditions.append(or_(range_start, ~dated) if filters.include_undated else range_start)
    if filters.until:
        range_end = or_(start <= filters.until, start.is_(None) & (stop <= filters.until))
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
    if filters.kinds:
        conditions.append(col(MandateRow.kind).in_(filters.kinds))
    if filters.actors:
        conditions.append(or_(*(col(MandateRow.actor).ilike(f"%{a}%") for a in filters.actors)))
    if filters.statuses:
        conditions.append(col(DeliverableRow.status).in_(filters.statuses))
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


def _view(d: DeliverableRow, m: MandateRow, doc: DocumentRow) -> DeliverableView:
    return DeliverableView(
        id=d.id,
        mandate_id=m.id,
        source=doc.source,
        symbol=doc.symbol,
        lang=doc.lang,
        adopting_body=doc.adopting_body,
        title=doc.title,
        paragraph=m.paragraph,
        occurrence=m.occurrence,
        verb=m.verb,
        actor=m.actor,
        kind=m.kind,
        target_body=m.target_body,
        session=d.session,
        year=d.year,
        date=d.date,
        end=d.end,
        due=d.due_override or d.due,
        basis=d.basis,
        basis_detail=d.basis_detail,
        before=d.before,
        status=d.status,
        recurrence=json.loads(m.recurrence) if m.recurrence else None,
        quote=m.quote,
        quote_start=m.quote_start,
        quote_end=m.quote_end,
        rule=m.rule,
        confidence=m.confidence,
        part=m.part,
        window_start=d.window_start,
        window_end=d.window_end,
        adopted_on=doc.adopted_on,
        document_url=document_url(doc.symbol, doc.lang),
        sequence=d.sequence,
        updated_at=_utc(d.updated_at),
        ingested_at=_utc(doc.ingested_at),
        owner=d.owner,
        computed_due=d.due,
        due_override=d.due_override,
        override_reason=d.override_reason,
        version=d.version,
        review_state=m.review_state,
        changed=m.changed,
    )


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
