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

from tracker.errors import UsageError
from tracker.store import DeliverableRow, DocumentRow, MandateRow, NoteRow, ParagraphRow

STATUSES = ("open", "in_progress", "submitted", "done", "cancelled", "superseded")


@dataclass(frozen=True)
class Filters:
    """Which deliverables to list. Empty tuples mean "any"."""

    start: dt.date | None = None
    until: dt.date | None = None
    bodies: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""
    include_undated: bool = False


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
        statement = self._select(Filters(include_undated=True)).where(
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
            self._select(Filters(include_undated=True))
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
        """Change a deliverable's workflow status."""
        if status not in STATUSES:
            raise UsageError(f"unknown status '{status}' (one of: {', '.join(STATUSES)})")
        with Session(self.engine) as session, session.begin():
            row = session.get(DeliverableRow, deliverable_id)
            if row is None:
                raise UsageError(f"no deliverable with id '{deliverable_id}'")
            row.status = status
            row.updated_at = now or dt.datetime.now(dt.UTC)

    def add_note(
        self,
        deliverable_id: str,
        text: str,
        author: str | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Attach a note to a deliverable."""
        if not text.strip():
            raise UsageError("a note cannot be empty")
        with Session(self.engine) as session, session.begin():
            if session.get(DeliverableRow, deliverable_id) is None:
                raise UsageError(f"no deliverable with id '{deliverable_id}'")
            session.add(
                NoteRow(
                    deliverable_id=deliverable_id,
                    text=text.strip(),
                    author=author,
                    created_at=now or dt.datetime.now(dt.UTC),
                )
            )

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
        due=d.due,
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
