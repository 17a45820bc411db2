"""Storage with SQLModel: the tables, the engine, and the one write path of the pipeline.

SQLite (``db/tracker.sqlite``) by default, PostgreSQL for a team. A document is replaced in one
transaction: either all of its new rows are stored or none are, and the workflow status of a
deliverable that keeps its identifier survives the replacement.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, SQLModel, col, create_engine, delete, select

from tracker.analyse import Analysis
from tracker.errors import StoreError
from tracker.model import Deliverable, Document, Mandate
from tracker.schedule import key_of, mandate_id


class DocumentRow(SQLModel, table=True):
    """A stored resolution."""

    __tablename__ = "document"

    id: str = Field(primary_key=True)
    source: str
    sha256: str
    symbol: str | None = None
    lang: str
    adopting_body: str | None = Field(default=None, index=True)
    title: str | None = None
    status: str
    adopted_on: dt.date | None = None
    session: int | None = None
    ingested_at: dt.datetime


class ParagraphRow(SQLModel, table=True):
    """An operative paragraph, kept so quotes can be shown in context."""

    __tablename__ = "paragraph"

    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    number: str
    text: str


class MandateRow(SQLModel, table=True):
    """One extracted mandate."""

    __tablename__ = "mandate"

    id: str = Field(primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    paragraph: str
    occurrence: int
    verb: str
    actor: str
    kind: str = Field(index=True)
    target_body: str | None = Field(default=None, index=True)
    session: int | None = None
    year: int | None = None
    date: dt.date | None = None
    recurrence: str | None = None
    quote: str
    quote_start: int
    quote_end: int
    rule: str
    confidence: float
    reason: str
    part: str | None = None
    precedes: str | None = None


class DeliverableRow(SQLModel, table=True):
    """One occurrence of a mandate in the schedule."""

    __tablename__ = "deliverable"

    id: str = Field(primary_key=True)
    mandate_id: str = Field(foreign_key="mandate.id", index=True)
    session: int | None = None
    year: int | None = None
    date: dt.date | None = None
    end: dt.date | None = None
    due: dt.date | None = None
    basis: str
    basis_detail: str
    before: dt.date | None = None
    window_start: dt.date | None = Field(default=None, index=True)
    window_end: dt.date | None = Field(default=None, index=True)
    status: str = Field(default="open", index=True)
    sequence: int = 0
    updated_at: dt.datetime


class NoteRow(SQLModel, table=True):
    """A note a desk officer attached to a deliverable."""

    __tablename__ = "note"

    id: int | None = Field(default=None, primary_key=True)
    deliverable_id: str = Field(index=True)
    text: str
    author: str | None = None
    created_at: dt.datetime


def connect(url: str) -> Engine:
    """Open (and create if needed) the database at ``url``."""
    try:
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        SQLModel.metadata.create_all(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the database {_safe_url(url)}: {_first_line(exc)}") from exc
    except OSError as exc:
        raise StoreError(f"cannot open the database {_safe_url(url)}: {exc}") from exc
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _safe_url(url: str) -> str:
    """The URL without its password."""
    head, _, tail = url.rpartition("@")
    if not head:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':')[0]}@{tail}"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def store_analysis(engine: Engine, analysis: Analysis, now: dt.datetime) -> str:
    """Store one document's analysis; returns "stored", "replaced" or "unchanged"."""
    document = analysis.document
    key = key_of(document.meta.symbol, document.meta.lang, document.source)
    try:
        with Session(engine) as session, session.begin():
            existing = session.get(DocumentRow, key)
            if existing is not None and existing.sha256 == document.sha256:
                return "unchanged"
            previous = _previous_states(session, key) if existing else {}
            if existing is not None:
                _delete_document(session, key)
                session.flush()
            session.add(_document_row(key, document, now))
            session.flush()
            session.add_all(_paragraph_rows(key, document))
            session.add_all(_mandate_rows(key, analysis.mandates))
            session.flush()
            session.add_all(_deliverable_rows(analysis.deliverables, previous, now))
        return "replaced" if existing else "stored"
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot store: {_first_line(exc)}") from exc


def _previous_states(session: Session, key: str) -> dict[str, DeliverableRow]:
    """The stored deliverables of a document, by id, before it is replaced."""
    rows = session.exec(
        select(DeliverableRow)
        .join(MandateRow, col(MandateRow.id) == col(DeliverableRow.mandate_id))
        .where(MandateRow.document_id == key)
    ).all()
    for row in rows:
        session.expunge(row)
    return {row.id: row for row in rows}


def _delete_document(session: Session, key: str) -> None:
    mandates = select(MandateRow.id).where(MandateRow.document_id == key)
    session.exec(delete(DeliverableRow).where(col(DeliverableRow.mandate_id).in_(mandates)))
    session.exec(delete(MandateRow).where(col(MandateRow.document_id) == key))
    session.exec(delete(ParagraphRow).where(col(ParagraphRow.document_id) == key))
    session.exec(delete(DocumentRow).where(col(DocumentRow.id) == key))


def _document_row(key: str, document: Document, now: dt.datetime) -> DocumentRow:
    meta = document.meta
    return DocumentRow(
        id=key,
        source=document.source,
        sha256=document.sha256,
        symbol=meta.symbol,
        lang=meta.lang,
        adopting_body=meta.adopting_body,
        title=meta.title,
        status=meta.status,
        adopted_on=meta.adopted_on,
        session=meta.session,
        ingested_at=now,
    )


def _paragraph_rows(key: str, document: Document) -> list[ParagraphRow]:
    return [
        ParagraphRow(document_id=key, number=p.number or "", text=p.text)
        for p in document.operative
    ]


def _mandate_rows(key: str, mandates: list[Mandate]) -> list[MandateRow]:
    return [
        MandateRow(
            id=mandate_id(m),
            document_id=key,
            paragraph=m.paragraph,
            occurrence=m.occurrence,
            verb=m.verb,
            actor=m.actor,
            kind=str(m.kind),
            target_body=m.target_body,
            session=m.session,
            year=m.year,
            date=m.date,
            recurrence=json.dumps(m.recurrence.as_json()) if m.recurrence else None,
            quote=m.quote,
            quote_start=m.quote_start,
            quote_end=m.quote_end,
            rule=m.rule,
            confidence=m.confidence,
            reason=m.reason,
            part=m.part,
            precedes=m.precedes,
        )
        for m in mandates
    ]


def _deliverable_rows(
    deliverables: list[Deliverable], previous: dict[str, DeliverableRow], now: dt.datetime
) -> list[DeliverableRow]:
    """New rows, keeping the workflow state of deliverables that keep their id.

    ``sequence`` counts the changes of date of a deliverable (calendar clients need it), and
    ``updated_at`` is when its data last changed.
    """
    rows = []
    for d in deliverables:
        row = DeliverableRow(
            id=d.id,
            mandate_id=mandate_id(d.mandate),
            session=d.session,
            year=d.year,
            date=d.date,
            end=d.end,
            due=d.due,
            basis=str(d.basis),
            basis_detail=d.basis_detail,
            before=d.before,
            window_start=d.window_start,
            window_end=d.window_end,
            updated_at=now,
        )
        old = previous.get(d.id)
        if old is not None:
            moved = (old.date, old.end, old.due, old.before) != (d.date, d.end, d.due, d.before)
            row.status = old.status
            row.sequence = old.sequence + 1 if moved else old.sequence
            row.updated_at = now if moved or old.basis != row.basis else old.updated_at
        rows.append(row)
    return rows


class DigestSubscriptionRow(SQLModel, table=True):
    """A weekly email digest subscription (``tracker digest subscribe``).

    ``bodies``, ``kinds`` and ``actors`` are JSON lists (empty means any); the digest is due
    every ``weekday`` (mon…sun) at ``hour`` in ``timezone`` (an IANA name), and lists what falls
    in the next ``horizon_weeks``. ``token`` identifies the subscriber in unsubscribe links.
    """

    __tablename__ = "digest_subscription"

    email: str = Field(primary_key=True)
    lang: str = "en"
    bodies: str = "[]"
    kinds: str = "[]"
    actors: str = "[]"
    owner: str | None = None
    horizon_weeks: int = 6
    weekday: str = "mon"
    hour: int = 8
    timezone: str = "UTC"
    token: str
    created_at: dt.datetime


class DigestSendRow(SQLModel, table=True):
    """The send log: one row per subscriber and week (the key), claimed before sending.

    ``status`` is ``sending`` while a sender holds the claim, ``sent`` once the SMTP server
    accepted the message, ``failed`` when every attempt failed (it is retried later). ``week``
    is the Monday of the week the digest belongs to.
    """

    __tablename__ = "digest_send"

    email: str = Field(primary_key=True)
    week: dt.date = Field(primary_key=True)
    status: str = Field(index=True)
    attempts: int = 0
    claimed_by: str | None = None
    claimed_at: dt.datetime
    sent_at: dt.datetime | None = None
    message_id: str | None = None
    error: str | None = None


class FeedTokenRow(SQLModel, table=True):
    """A private calendar feed: the hash of its secret token and the filters it serves.

    Only the SHA-256 of the token is stored, never the token itself; ``id`` is a short public
    handle to list and revoke it, ``filters`` the feed's filters as JSON, and ``revoked_at``
    is set when it is revoked (the row stays, so the handle is never reused).
    """

    __tablename__ = "feed_token"

    id: str = Field(primary_key=True)
    name: str
    token_hash: str = Field(unique=True, index=True)
    filters: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
