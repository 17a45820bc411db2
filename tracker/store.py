"""Storage with SQLModel: the tables, the engine, and the one write path of the pipeline.

SQLite (``db/tracker.sqlite``) by default, PostgreSQL for a team. A document is replaced in one
transaction: either all of its new rows are stored or none are, and the workflow state of a
deliverable that keeps its identifier (status, owner, due-date override, version) and the
review decision of a mandate that keeps its identifier survive the replacement.

The schema is versioned by alembic (``tracker/migrations``): :func:`connect` creates a new
database at :data:`SCHEMA_REVISION` and refuses an older one (``tracker db upgrade``).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    event,
    false,
    insert,
    inspect,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, SQLModel, col, create_engine, delete, select

from tracker.analyse import Analysis
from tracker.errors import StoreError
from tracker.lifecycle import DocumentLinks, Place
from tracker.model import Deliverable, Document, Kind, Mandate, Recurrence
from tracker.schedule import Scheduler, key_of, mandate_id


class DocumentRow(SQLModel, table=True):
    """A stored resolution or report.

    ``resolution_key`` joins a resolution to what cites it ("GA 68/192", from its symbol);
    a report (``report_kind`` set) is issued for ``issued_body`` at ``issued_session`` or in
    ``issued_year``, read from its own symbol.
    """

    __tablename__ = "document"

    id: str = Field(primary_key=True)
    source: str
    sha256: str = Field(index=True)
    symbol: str | None = None
    lang: str
    adopting_body: str | None = Field(default=None, index=True)
    title: str | None = None
    status: str
    adopted_on: dt.date | None = None
    session: int | None = None
    ingested_at: dt.datetime
    resolution_key: str | None = Field(default=None, index=True)
    report_kind: str | None = None
    issued_body: str | None = None
    issued_session: int | None = None
    issued_year: int | None = None


class DocumentLinkRow(SQLModel, table=True):
    """What a document says about another: a report answers a resolution; a resolution
    recalls one, takes note of a report, renews a mandate or ends a question.

    ``target`` is a resolution key ("GA 68/145") or, for a noted report, its symbol;
    ``detail`` the paragraphs answered or ended (comma-separated), the renewed subject or the
    ended question; ``years`` a renewal's period.
    """

    __tablename__ = "document_link"

    id: str = Field(primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True)
    category: str
    target: str | None = Field(default=None, index=True)
    paragraph: str | None = None
    quote: str
    detail: str | None = None
    years: int | None = None


class LifecycleProposalRow(SQLModel, table=True):
    """A proposed change of a deliverable's status, with its evidence, waiting for review.

    ``action`` is the status proposed (submitted, superseded, cancelled); ``evidence_id`` the
    document that shows it, with its ``evidence_quote``; ``state`` is proposed, accepted or
    rejected. Only an accepted proposal changes the deliverable (through the workflow, which
    records it in the audit trail).
    """

    __tablename__ = "lifecycle_proposal"

    id: str = Field(primary_key=True)
    deliverable_id: str = Field(index=True)
    action: str
    evidence_id: str = Field(index=True)
    evidence_paragraph: str | None = None
    evidence_quote: str
    reason: str
    state: str = Field(default="proposed", index=True)
    created_at: dt.datetime
    decided_by: str | None = None
    decided_at: dt.datetime | None = None


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
    review_state: str = Field(
        default="accepted", index=True, sa_column_kwargs={"server_default": "accepted"}
    )
    reviewed_by: str | None = None
    changed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    edits: str | None = None


class DeliverableRow(SQLModel, table=True):
    """One occurrence of a mandate in the schedule.

    ``kind`` repeats the mandate's kind (kept equal by ingest and review edits). The index on
    the ordering columns, status, kind and mandate covers a date-window query's range, status
    and kind conditions and its join, so only matching rows are read (:mod:`tracker.query`).
    """

    __tablename__ = "deliverable"
    __table_args__ = (
        Index("ix_deliverable_window", "sort_start", "sort_end", "status", "kind", "mandate_id"),
    )

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
    owner: str | None = Field(default=None, index=True)
    due_override: dt.date | None = None
    override_reason: str | None = None
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    sort_start: dt.date | None = None
    sort_end: dt.date | None = None
    span_days: int = Field(default=0, index=True, sa_column_kwargs={"server_default": "0"})
    kind: str = Field(default="other", sa_column_kwargs={"server_default": "other"})


class NoteRow(SQLModel, table=True):
    """A note a desk officer attached to a deliverable."""

    __tablename__ = "note"

    id: int | None = Field(default=None, primary_key=True)
    deliverable_id: str = Field(index=True)
    text: str
    author: str | None = None
    created_at: dt.datetime


class UserRow(SQLModel, table=True):
    """A person who acts in team mode, and the office they belong to."""

    __tablename__ = "app_user"

    name: str = Field(primary_key=True)
    office: str | None = Field(default=None, index=True)
    email: str | None = None
    created_at: dt.datetime


class AuditRow(SQLModel, table=True):
    """One change of one field: who, when, the old and the new value (as text)."""

    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    entity: str
    entity_id: str = Field(index=True)
    actor: str | None = None
    at: dt.datetime
    field: str
    old: str | None = None
    new: str | None = None


FIRST_REVISION = "0001"
SCHEMA_REVISION = "0004"
"""The alembic revision this code's tables are at (``tracker/migrations/versions``)."""

_VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), primary_key=True),
)


def engine_for(url: str) -> Engine:
    """An engine for ``url`` (SQLite: its folder is created, foreign keys are enforced)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def connect(url: str) -> Engine:
    """Open the database at ``url``, creating a new one at the latest schema revision.

    A database at an older revision (or made before migrations) is refused with a
    :class:`StoreError` that says to run ``tracker db upgrade``.
    """
    try:
        engine = engine_for(url)
        try:
            revision = _open_or_create(engine)
        except SQLAlchemyError:  # another process may be creating the same new database
            time.sleep(0.2)
            revision = _open_or_create(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the database {_safe_url(url)}: {_first_line(exc)}") from exc
    except OSError as exc:
        raise StoreError(f"cannot open the database {_safe_url(url)}: {exc}") from exc
    if revision != SCHEMA_REVISION:
        engine.dispose()
        found = f"revision {revision}" if revision else "no revision (made before migrations)"
        raise StoreError(
            f"the database {_safe_url(url)} is at {found}, this tracker needs revision "
            f"{SCHEMA_REVISION}: run `tracker db upgrade` (with the same --db or "
            "TRACKER_DATABASE_URL)"
        )
    return engine


def _open_or_create(engine: Engine) -> str | None:
    """The database's revision; a database with no tables is created at the latest one.

    Creation is one transaction on both engines (on SQLite under ``BEGIN IMMEDIATE``), so a
    process killed while creating leaves no half-made schema, and two processes creating
    the same new database do it once.
    """
    with engine.connect() as connection:
        revision = schema_revision(connection)
        if revision is not None or inspect(connection).has_table("document"):
            return revision
    if engine.dialect.name == "sqlite":
        return _create_sqlite(engine)
    with engine.begin() as connection:
        return _create(connection)


def _create(connection: Connection) -> str | None:
    """Create the tables and stamp them, unless someone else did it first."""
    revision = schema_revision(connection)
    if revision is None and not inspect(connection).has_table("document"):
        SQLModel.metadata.create_all(connection)
        _VERSION_TABLE.create(connection)
        connection.execute(_VERSION_TABLE.insert().values(version_num=SCHEMA_REVISION))
        revision = SCHEMA_REVISION
    return revision


def _create_sqlite(engine: Engine) -> str | None:
    """:func:`_create` in a real SQLite transaction (pysqlite autocommits DDL otherwise)."""
    with engine.connect() as connection:
        dbapi: Any = connection.connection.driver_connection
        previous = dbapi.isolation_level
        dbapi.isolation_level = None  # the driver leaves BEGIN and COMMIT to us
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                revision = _create(connection)
            except BaseException:
                connection.exec_driver_sql("ROLLBACK")
                raise
            connection.exec_driver_sql("COMMIT")
        finally:
            dbapi.isolation_level = previous
    return revision


def schema_revision(connection: Connection) -> str | None:
    """The alembic revision stamped in the database, or None when it has none."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(_VERSION_TABLE.select()).scalar()


SQLITE_CACHE_KIB = 65536
"""SQLite's page cache per connection (64 MiB instead of 2 MiB): joins over a large schedule
stay in memory between queries."""


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:  # write-ahead log: a commit appends instead of journaling every page it touches
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    except Exception:  # noqa: BLE001 - a read-only file keeps its journal; reads still work
        pass
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


DEFAULT_REVIEW_THRESHOLD = 0.6
"""Mandates extracted with a lower confidence wait in the review queue as ``proposed``."""

VISIBLE_REVIEW_STATES = ("accepted", "edited")
REVIEW_STATES = ("proposed", "accepted", "rejected", "edited")
EDITABLE_FIELDS = ("kind", "actor", "target_body", "session", "year")
DATING_FIELDS = frozenset({"kind", "target_body", "session", "year"})
"""The editable fields a mandate's dates depend on (the kind sets the documentation deadline)."""


def redate_stored(
    session: Session, document_id: str, scheduler: Scheduler, now: dt.datetime
) -> None:
    """Date a stored document's mandates again as they now stand (a reviewer's edits included)
    and store their deliverables in place of the old ones.

    A deliverable that keeps its identifier keeps its workflow state (status, owner, override,
    version). The deliverables of a mandate that change identifier (a corrected session moves
    them) take over the state and notes of the old ones in the order they fall (see
    :func:`_moved`).
    """
    document = session.get(DocumentRow, document_id)
    if document is None:
        return
    rows = session.exec(
        select(MandateRow).where(MandateRow.document_id == document_id).order_by(col(MandateRow.id))
    ).all()
    previous = _previous_states(session, document_id)
    ids = select(MandateRow.id).where(MandateRow.document_id == document_id)
    session.exec(delete(DeliverableRow).where(col(DeliverableRow.mandate_id).in_(ids)))
    deliverables = scheduler([_stored_mandate(row, document) for row in rows])
    for old, new in _moved(previous, deliverables).items():
        previous[new] = previous[old]
        session.execute(
            update(NoteRow).where(col(NoteRow.deliverable_id) == old).values(deliverable_id=new)
        )
    _insert(session, _deliverable_rows(deliverables, {r.id: r.kind for r in rows}, previous, now))


def _moved(previous: dict[str, DeliverableRow], deliverables: list[Deliverable]) -> dict[str, str]:
    """Old identifier → new one, for each mandate whose deliverables all changed identifier.

    They are paired in the order they fall: the first report of a series that now starts a
    session later is still the first report. A mandate that keeps some of its identifiers
    keeps those only (a series that now starts later drops its first sessions).
    """
    gone: dict[str, list[DeliverableRow]] = {}
    for row in previous.values():
        gone.setdefault(row.mandate_id, []).append(row)
    came: dict[str, list[str]] = {}
    for d in deliverables:  # scheduled in the order they fall
        came.setdefault(mandate_id(d.mandate), []).append(d.id)
    moved: dict[str, str] = {}
    for mandate, rows in gone.items():
        new = came.get(mandate, [])
        if not any(i in previous for i in new):
            moved.update(zip([row.id for row in sorted(rows, key=_falls)], new, strict=False))
    return moved


def _falls(row: DeliverableRow) -> tuple[int, int, dt.date]:
    """When a stored deliverable falls, for ordering a mandate's (undated ones last)."""
    unknown = 10**6
    when = row.date or row.window_start or row.before or dt.date.max
    return (row.session or unknown, row.year or unknown, when)


def _stored_mandate(row: MandateRow, document: DocumentRow) -> Mandate:
    """The mandate a stored row holds, as extraction made it (plus the row's edits)."""
    columns: dict[str, Any] = {name: getattr(row, name) for name in _MANDATE_COLUMNS}
    return Mandate(
        source=document.source,
        symbol=document.symbol,
        lang=document.lang,
        adopting_body=document.adopting_body,
        kind=Kind(row.kind),
        recurrence=Recurrence(**json.loads(row.recurrence)) if row.recurrence else None,
        title=document.title or "",
        **columns,
    )


def apply_edits(row: MandateRow, edits: dict[str, Any]) -> None:
    """Set a reviewer's edits on a mandate row.

    The session (or year) edited on a mandate that recurs by sessions (or years) is the first
    of its series.
    """
    for name, value in edits.items():
        setattr(row, name, value)
    recurrence = json.loads(row.recurrence) if row.recurrence else None
    if recurrence and recurrence["unit"] in edits:
        recurrence["start"] = edits[recurrence["unit"]]
        row.recurrence = json.dumps(recurrence)


def store_analysis(
    engine: Engine,
    analysis: Analysis,
    now: dt.datetime,
    threshold: float = DEFAULT_REVIEW_THRESHOLD,
    scheduler: Scheduler | None = None,
) -> str:
    """Store one document's analysis; returns "stored", "replaced", "unchanged" or "duplicate"
    (the same bytes are already stored under another name).

    Mandates below ``threshold`` are stored as ``proposed`` (the review queue); a replaced
    document keeps the review decisions and edits of its mandates and the workflow state of
    its deliverables (status, owner, override, version), by identifier. A mandate whose edits
    change its dates (see :data:`DATING_FIELDS`) is dated again with ``scheduler``.
    """
    document = analysis.document
    key = key_of(document.meta.symbol, document.meta.lang, document.source)
    try:
        with Session(engine) as session, session.begin():
            existing = session.get(DocumentRow, key)
            if existing is not None and existing.sha256 == document.sha256:
                return "unchanged"
            if existing is None and _same_bytes_stored(session, document.sha256):
                return "duplicate"
            previous = _previous_states(session, key) if existing else {}
            reviews = _previous_reviews(session, key) if existing else {}
            if existing is not None:
                _delete_document(session, key)
                session.flush()
            document_row = _document_row(key, analysis, now)
            _insert(session, [document_row])
            _insert(session, _link_rows(key, analysis.links))
            _insert(session, _paragraph_rows(key, document))
            mandates = _mandate_rows(key, analysis.mandates)
            texts = {p.number or "": p.text for p in document.operative}
            for row in mandates:
                _review(session, row, reviews.get(row.id), texts, threshold, now)
            _insert(session, mandates)
            kinds = {row.id: row.kind for row in mandates}
            deliverables = _dated(analysis, mandates, document_row, scheduler)
            _insert(session, _deliverable_rows(deliverables, kinds, previous, now))
        return "replaced" if existing else "stored"
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot store: {_first_line(exc)}") from exc


def _insert(session: Session, rows: Sequence[SQLModel]) -> None:
    """Insert rows of one table in one statement (the ORM's unit of work, row by row, cost
    more than the analysis of the document). Integer keys are left to the database."""
    if not rows:
        return
    table: Table = type(rows[0]).__table__  # type: ignore[attr-defined]
    names = [c.name for c in table.columns if not (c.primary_key and isinstance(c.type, Integer))]
    session.execute(insert(table), [{name: getattr(row, name) for name in names} for row in rows])


class _Review:
    """What a stored mandate carried before its document was replaced."""

    def __init__(self, row: MandateRow, paragraph_text: str | None) -> None:
        self.state = row.review_state
        self.reviewed_by = row.reviewed_by
        self.changed = row.changed
        self.edits = row.edits
        self.quote = row.quote
        self.paragraph_text = paragraph_text


def _previous_reviews(session: Session, key: str) -> dict[str, _Review]:
    """The review state of a document's stored mandates, by id, with their texts."""
    paragraphs = session.exec(select(ParagraphRow).where(ParagraphRow.document_id == key))
    texts = {p.number: p.text for p in paragraphs}
    rows = session.exec(select(MandateRow).where(MandateRow.document_id == key)).all()
    return {row.id: _Review(row, texts.get(row.paragraph)) for row in rows}


def _review(
    session: Session,
    row: MandateRow,
    before: _Review | None,
    texts: dict[str, str],
    threshold: float,
    now: dt.datetime,
) -> None:
    """Set a new mandate row's review state from its confidence and the previous decision.

    A mandate whose quote or paragraph text changed is flagged ``changed`` and the change is
    recorded in the audit trail; if a person had decided on it, it goes back to ``proposed``.
    """
    automatic = "accepted" if row.confidence >= threshold else "proposed"
    if before is None:
        row.review_state = automatic
        return
    changed = (before.quote, before.paragraph_text) != (row.quote, texts.get(row.paragraph))
    row.reviewed_by, row.edits = before.reviewed_by, before.edits
    row.review_state, row.changed = before.state, before.changed or changed
    apply_edits(row, json.loads(before.edits or "{}"))
    if not changed:
        return
    row.review_state = automatic if before.reviewed_by is None else "proposed"
    audit = [("text", before.quote, row.quote)]
    if row.review_state != before.state:
        audit.append(("review_state", before.state, row.review_state))
    session.add_all(
        AuditRow(entity="mandate", entity_id=row.id, actor="ingest", at=now, field=f, old=o, new=n)
        for f, o, n in audit
    )


def _dated(
    analysis: Analysis,
    rows: list[MandateRow],
    document: DocumentRow,
    scheduler: Scheduler | None,
) -> list[Deliverable]:
    """The analysis's deliverables, or, when the rows carry a reviewer's edits (kept from
    before, see :func:`_review`) that change when a mandate falls due, those of the mandates
    as the rows now hold them."""
    edited = (json.loads(row.edits) for row in rows if row.edits)
    if scheduler is None or all(DATING_FIELDS.isdisjoint(edits) for edits in edited):
        return analysis.deliverables
    return scheduler([_stored_mandate(row, document) for row in rows])


def _same_bytes_stored(session: Session, sha256: str) -> bool:
    """Whether a document with exactly these bytes is already stored (under another name)."""
    statement = select(DocumentRow.id).where(col(DocumentRow.sha256) == sha256).limit(1)
    return session.exec(statement).first() is not None


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
    session.exec(delete(DocumentLinkRow).where(col(DocumentLinkRow.document_id) == key))
    mandates = select(MandateRow.id).where(MandateRow.document_id == key)
    session.exec(delete(DeliverableRow).where(col(DeliverableRow.mandate_id).in_(mandates)))
    session.exec(delete(MandateRow).where(col(MandateRow.document_id) == key))
    session.exec(delete(ParagraphRow).where(col(ParagraphRow.document_id) == key))
    session.exec(delete(DocumentRow).where(col(DocumentRow.id) == key))


def _document_row(key: str, analysis: Analysis, now: dt.datetime) -> DocumentRow:
    meta, links = analysis.document.meta, analysis.links
    issued = links.issued_for if links.is_report else None
    return DocumentRow(
        id=key,
        source=analysis.document.source,
        sha256=analysis.document.sha256,
        symbol=meta.symbol or (issued.symbol if issued else None),
        lang=meta.lang,
        adopting_body=meta.adopting_body,
        title=meta.title,
        status=meta.status,
        adopted_on=meta.adopted_on,
        session=meta.session,
        ingested_at=now,
        resolution_key=links.resolution,
        report_kind=(links.report_kind or "report") if links.is_report else None,
        issued_body=issued.body if issued else None,
        issued_session=issued.session if issued else None,
        issued_year=issued.year if issued else None,
    )


def _link_rows(key: str, links: DocumentLinks) -> list[DocumentLinkRow]:
    """One row per answer, recall, noted report, renewal and termination, in document order
    within each category (ids: document, category, occurrence)."""
    found: list[tuple[str, str | None, Place, str, str | None, int | None]] = []
    for ref in links.answers:
        found.append(("answers", ref.key, ref.place, ref.quote, ",".join(ref.paragraphs), None))
    for ref in links.recalls:
        found.append(("recalls", ref.key, ref.place, ref.quote, None, None))
    for noted in links.noted_reports:
        for symbol in noted.symbols:
            found.append(("noted_reports", symbol, noted.place, noted.quote, None, None))
    for renewal in links.renewals:
        found.append(
            ("renewals", None, renewal.place, renewal.quote, renewal.subject, renewal.years)
        )
    for end in links.terminations:
        # a termination naming resolutions gives each, with its paragraphs, as an answer does
        named: list[tuple[str | None, str]] = [(r.key, ",".join(r.paragraphs)) for r in end.ends]
        named = named or [(None, end.what)]
        found += [("terminations", key, end.place, end.quote, what, None) for key, what in named]
    counts: dict[str, int] = {}
    rows = []
    for category, target, place, quote, detail, years in found:
        counts[category] = counts.get(category, 0) + 1
        rows.append(
            DocumentLinkRow(
                id=f"{key}#{category}#{counts[category]}",
                document_id=key,
                category=category,
                target=target,
                paragraph=place.number,
                quote=quote,
                detail=detail or None,
                years=years,
            )
        )
    return rows


def _paragraph_rows(key: str, document: Document) -> list[ParagraphRow]:
    return [
        ParagraphRow(document_id=key, number=p.number or "", text=p.text)
        for p in document.operative
    ]


_MANDATE_COLUMNS = (
    "paragraph", "occurrence", "verb", "actor", "target_body", "session", "year", "date",
    "quote", "quote_start", "quote_end", "rule", "confidence", "reason", "part", "precedes",
)  # fmt: skip
"""The fields a mandate row stores as they are (kind and recurrence are converted)."""


def _mandate_rows(key: str, mandates: list[Mandate]) -> list[MandateRow]:
    return [
        MandateRow(
            id=mandate_id(m),
            document_id=key,
            kind=str(m.kind),
            recurrence=json.dumps(m.recurrence.as_json()) if m.recurrence else None,
            **{name: getattr(m, name) for name in _MANDATE_COLUMNS},
        )
        for m in mandates
    ]


def window_order(start: dt.date | None, end: dt.date | None) -> dict[str, Any]:
    """The stored ordering columns of a deliverable whose window is ``start``–``end``.

    ``sort_start``/``sort_end`` fill a missing end from the other; ``span_days`` is the length
    (:class:`tracker.query.Schedule` bounds its index scans by the longest one).
    """
    first, last = start or end, end or start
    span = (last - first).days if first and last else 0
    return {"sort_start": first, "sort_end": last, "span_days": span}


def _deliverable_rows(
    deliverables: list[Deliverable],
    kinds: dict[str, str],
    previous: dict[str, DeliverableRow],
    now: dt.datetime,
) -> list[DeliverableRow]:
    """New rows, keeping the workflow state of deliverables that keep their id.

    ``kinds`` gives each stored mandate's kind (a reviewer's edit included), by mandate id.

    ``sequence`` counts the changes of date of a deliverable (calendar clients need it), and
    ``updated_at`` is when its data last changed.
    """
    rows = []
    for d in deliverables:
        row = DeliverableRow(
            id=d.id,
            mandate_id=mandate_id(d.mandate),
            kind=kinds[mandate_id(d.mandate)],
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
            **window_order(d.window_start, d.window_end),
        )
        old = previous.get(d.id)
        if old is not None:
            moved = (old.date, old.end, old.due, old.before) != (d.date, d.end, d.due, d.before)
            row.status, row.owner, row.version = old.status, old.owner, old.version
            row.due_override, row.override_reason = old.due_override, old.override_reason
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
