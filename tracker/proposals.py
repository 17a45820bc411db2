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
from tracker.succession import Link, Occurrence, StoredDocument, propose, related_documents
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


def refresh(engine: Engine, now: dt.datetime) -> int:
    """Store the proposals that the documents ingested at ``now`` (or later) justify with
    the stored ones and that are not stored yet; returns how many were added (all in one
    transaction). Only those documents and their neighbours are read in full."""
    try:
        with Session(engine) as session, session.begin():
            stored = documents(session)
            new = select(DocumentRow.id).where(col(DocumentRow.ingested_at) >= now)
            wanted = related_documents(stored, set(session.exec(new)))
            made = propose([d for d in stored if d.id in wanted], _occurrences(session, wanted))
            known = set(session.exec(select(LifecycleProposalRow.id)).all())
            fresh = [p for p in made if p.id not in known]
            session.add_all(
                LifecycleProposalRow(**asdict(p), state="proposed", created_at=now) for p in fresh
            )
            return len(fresh)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot store lifecycle proposals: {exc}".splitlines()[0]) from exc


def documents(session: Session) -> list[StoredDocument]:
    """Every stored document with its links, as the matcher sees it."""
    links: dict[str, list[Link]] = {}
    for row in session.exec(select(DocumentLinkRow).order_by(col(DocumentLinkRow.id))):
        links.setdefault(row.document_id, []).append(
            Link(row.category, row.target, row.paragraph, row.quote, row.detail, row.years)
        )
    return [
        StoredDocument(
            id=d.id,
            symbol=d.symbol,
            key=d.resolution_key,
            body=d.adopting_body,
            title=d.title,
            adopted_on=d.adopted_on,
            session=d.session,
            report=d.report_kind is not None,
            report_kind=d.report_kind,
            issued_body=d.issued_body,
            issued_session=d.issued_session,
            issued_year=d.issued_year,
            links=tuple(links.get(d.id, ())),
        )
        for d in session.exec(select(DocumentRow))
    ]


def _occurrences(session: Session, documents: Iterable[str]) -> list[Occurrence]:
    wanted = sorted(documents)
    if not wanted:
        return []
    statement = (
        select(DeliverableRow, MandateRow)
        .join(MandateRow, col(MandateRow.id) == col(DeliverableRow.mandate_id))
        .where(col(MandateRow.document_id).in_(wanted))
        .where(col(MandateRow.review_state).in_(VISIBLE_REVIEW_STATES))
    )
    return [
        Occurrence(
            id=d.id,
            document_id=m.document_id,
            paragraph=m.paragraph,
            kind=d.kind,
            target_body=m.target_body,
            session=d.session,
            year=d.year,
            start=d.sort_start,
            status=d.status,
            quote=m.quote,
            actor=m.actor,
            recurring=m.recurrence is not None,
        )
        for d, m in session.exec(statement).all()
    ]


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
