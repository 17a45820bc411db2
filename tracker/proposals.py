"""Lifecycle proposals: stored, listed with their evidence, and decided by a person.

:func:`refresh` (run by the pipeline after an ingest) reads the stored documents, their links
and the occurrences they may change, asks :func:`tracker.succession.propose` what follows, and
stores the new proposals as ``proposed``; a proposal already stored (decided or not) is never
made again. Nothing changes a deliverable until someone accepts the proposal
(``tracker review accept lc-…``): then its status changes through the workflow, with the
reason as a note, and the decision and the change are in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import select as columns
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from tracker.errors import StoreError, UsageError
from tracker.store import (
    VISIBLE_REVIEW_STATES,
    AuditRow,
    DeliverableRow,
    DocumentLinkRow,
    DocumentRow,
    LifecycleProposalRow,
    MandateRow,
)
from tracker.succession import Link, Occurrence, Questions, StoredDocument, propose
from tracker.workflow import Workflow

STATES = ("proposed", "accepted", "rejected")


@dataclass(frozen=True)
class ProposalView:
    """A proposal as the review queue shows it: both quotes side by side."""

    id: str
    action: str
    state: str
    reason: str
    deliverable_id: str
    deliverable_status: str
    deliverable_symbol: str | None
    deliverable_paragraph: str
    deliverable_quote: str
    deliverable_session: int | None
    deliverable_year: int | None
    evidence_id: str
    evidence_symbol: str | None
    evidence_paragraph: str | None
    evidence_quote: str
    decided_by: str | None

    def as_json(self) -> dict[str, Any]:
        """The ``review --json`` object of a lifecycle proposal."""
        return {"type": "lifecycle", **asdict(self)}


REFRESH_BATCH = 500
"""Fresh documents matched at a time: memory and bind parameters stay bounded however many
documents one ingest stores."""


def refresh(engine: Engine, now: dt.datetime, batch: int = REFRESH_BATCH) -> int:
    """Store the proposals that the documents ingested at ``now`` (or later) justify with
    the stored ones and that are not stored yet; returns how many were added (all in one
    transaction).

    Every stored document is indexed (identity, title and links only); the fresh ones are
    matched ``batch`` at a time with their neighbours, whose deliverables alone are read.
    """
    try:
        with Session(engine) as session, session.begin():
            stored = {d.id: d for d in documents(session)}
            questions = Questions(stored.values())
            new = select(DocumentRow.id).where(col(DocumentRow.ingested_at) >= now)
            fresh = sorted(session.exec(new))
            known = set(session.exec(select(LifecycleProposalRow.id)).all())
            added = 0
            for start in range(0, len(fresh), batch):
                wanted = questions.related(stored[i] for i in fresh[start : start + batch])
                chosen = [stored[i] for i in sorted(wanted)]
                made = [
                    p
                    for p in propose(chosen, _occurrences(session, wanted), questions)
                    if p.id not in known
                ]
                known.update(p.id for p in made)
                session.add_all(
                    LifecycleProposalRow(**asdict(p), state="proposed", created_at=now)
                    for p in made
                )
                session.flush()
                added += len(made)
            return added
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot store lifecycle proposals: {exc}".splitlines()[0]) from exc


def documents(session: Session) -> list[StoredDocument]:
    """Every stored document with its links, as the matcher sees it (plain columns), by
    identifier."""
    links: dict[str, list[Link]] = {}
    link_names = ("category", "target", "paragraph", "quote", "detail", "years")
    statement = _plain(DocumentLinkRow, "document_id", *link_names).order_by(
        col(DocumentLinkRow.id)
    )
    for document_id, *fields in session.connection().execute(statement):
        links.setdefault(document_id, []).append(Link(**dict(zip(link_names, fields, strict=True))))
    statement = _plain(
        DocumentRow,
        "id",
        "symbol",
        "resolution_key",
        "adopting_body",
        "title",
        "adopted_on",
        "session",
        "report_kind",
        "issued_body",
        "issued_session",
        "issued_year",
    )
    found = [
        StoredDocument(
            id=d["id"],
            symbol=d["symbol"],
            key=d["resolution_key"],
            body=d["adopting_body"],
            title=d["title"],
            adopted_on=d["adopted_on"],
            session=d["session"],
            report=d["report_kind"] is not None,
            report_kind=d["report_kind"],
            issued_body=d["issued_body"],
            issued_session=d["issued_session"],
            issued_year=d["issued_year"],
            links=tuple(links.get(d["id"], ())),
        )
        for d in session.connection().execute(statement).mappings()
    ]
    return sorted(found, key=lambda d: d.id)  # in Python: the same order on every engine


def _plain(table: Any, *names: str) -> Any:
    """A SELECT of some columns of ``table`` that yields plain rows, not ORM objects."""
    return columns(*(col(getattr(table, name)) for name in names))


_IN_LIST = 900
"""Identifiers per IN (...) list, well under every engine's bind-parameter limit."""


def _occurrences(session: Session, documents: Iterable[str]) -> list[Occurrence]:
    """The visible deliverables of ``documents``, as the matcher sees them."""
    wanted = sorted(documents)
    d, m = DeliverableRow, MandateRow
    occurrence_columns = (
        col(d.id),
        col(m.document_id),
        col(m.paragraph),
        col(d.kind),
        col(m.target_body),
        col(d.session),
        col(d.year),
        col(d.sort_start),
        col(d.status),
        col(m.quote),
        col(m.actor),
        col(m.recurrence),
    )
    found: list[Occurrence] = []
    for start in range(0, len(wanted), _IN_LIST):
        statement = (
            columns(*occurrence_columns)
            .join(m, col(m.id) == col(d.mandate_id))
            .where(col(m.document_id).in_(wanted[start : start + _IN_LIST]))
            .where(col(m.review_state).in_(VISIBLE_REVIEW_STATES))
            .order_by(col(d.id))
        )
        found += [_occurrence(row) for row in session.connection().execute(statement)]
    return found


def _occurrence(row: Any) -> Occurrence:
    (id_, document, paragraph, kind, body, session, year, start, status, quote, actor, rec) = row
    return Occurrence(
        id_,
        document,
        paragraph,
        kind,
        body,
        session,
        year,
        start,
        status,
        quote,
        actor,
        rec is not None,
    )


def listing(engine: Engine, states: tuple[str, ...] = ("proposed",)) -> list[ProposalView]:
    """The proposals in ``states`` (default: those waiting for a decision)."""
    statement = select(LifecycleProposalRow).where(col(LifecycleProposalRow.state).in_(states))
    with Session(engine) as session:
        rows = session.exec(statement.order_by(col(LifecycleProposalRow.id))).all()
        return [_view(session, row) for row in rows]


def for_deliverables(engine: Engine, deliverable_ids: Iterable[str]) -> list[ProposalView]:
    """Every proposal (any state) about the given deliverables."""
    ids = sorted(set(deliverable_ids))
    if not ids:
        return []
    statement = select(LifecycleProposalRow).where(
        col(LifecycleProposalRow.deliverable_id).in_(ids)
    )
    with Session(engine) as session:
        rows = session.exec(statement.order_by(col(LifecycleProposalRow.id))).all()
        return [_view(session, row) for row in rows]


def _view(session: Session, row: LifecycleProposalRow) -> ProposalView:
    deliverable = session.get(DeliverableRow, row.deliverable_id)
    mandate = session.get(MandateRow, deliverable.mandate_id) if deliverable else None
    target = session.get(DocumentRow, mandate.document_id) if mandate else None
    evidence = session.get(DocumentRow, row.evidence_id)
    return ProposalView(
        id=row.id,
        action=row.action,
        state=row.state,
        reason=row.reason,
        deliverable_id=row.deliverable_id,
        deliverable_status=deliverable.status if deliverable else "gone",
        deliverable_symbol=(target.symbol or target.id) if target else None,
        deliverable_paragraph=mandate.paragraph if mandate else "",
        deliverable_quote=mandate.quote if mandate else "",
        deliverable_session=deliverable.session if deliverable else None,
        deliverable_year=deliverable.year if deliverable else None,
        evidence_id=row.evidence_id,
        evidence_symbol=(evidence.symbol or evidence.id) if evidence else None,
        evidence_paragraph=row.evidence_paragraph,
        evidence_quote=row.evidence_quote,
        decided_by=row.decided_by,
    )


def decide(
    engine: Engine, proposal_id: str, decision: str, actor: str, now: dt.datetime | None = None
) -> ProposalView:
    """Accept (the deliverable takes the proposed status) or reject a proposal; both are
    recorded in the audit trail."""
    if decision not in ("accepted", "rejected"):
        raise UsageError(f"unknown decision '{decision}' (accepted or rejected)")
    moment = now or dt.datetime.now(dt.UTC)
    with Session(engine) as session:
        row = session.get(LifecycleProposalRow, proposal_id)
        if row is None:
            raise UsageError(f"no lifecycle proposal with id '{proposal_id}'")
        if row.state != "proposed":
            raise UsageError(f"proposal {proposal_id} is already {row.state}")
        deliverable_id, action, reason = row.deliverable_id, row.action, row.reason

    def record(session: Session) -> None:
        stored = session.get(LifecycleProposalRow, proposal_id)
        assert stored is not None
        stored.state, stored.decided_by, stored.decided_at = decision, actor, moment
        session.add(stored)
        session.add(
            AuditRow(entity="lifecycle", entity_id=proposal_id, actor=actor, at=moment,
                     field="state", old="proposed", new=decision)
        )  # fmt: skip

    if decision == "accepted":
        Workflow(engine, actor).set_status_because(deliverable_id, action, reason, record, moment)
    else:
        with Session(engine) as session, session.begin():
            record(session)
    with Session(engine) as session:
        decided = session.get(LifecycleProposalRow, proposal_id)
        assert decided is not None
        return _view(session, decided)
