"""The review queue: extracted mandates below the confidence threshold wait as ``proposed``.

A person accepts, rejects or edits them (``tracker review``); only accepted (or edited)
mandates' deliverables are listed by default. Edits (kind, actor, receiving body, session,
year) are kept as JSON on the mandate and applied again when its document is re-ingested.
Every decision is recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from tracker.errors import UsageError
from tracker.schedule import Scheduler
from tracker.store import (
    DATING_FIELDS,
    EDITABLE_FIELDS,
    AuditRow,
    DeliverableRow,
    DocumentRow,
    MandateRow,
    apply_edits,
    redate_stored,
)


@dataclass(frozen=True)
class MandateReview:
    """A mandate as the review queue shows it."""

    id: str
    symbol: str | None
    source: str
    paragraph: str
    verb: str
    actor: str
    kind: str
    target_body: str | None
    session: int | None
    year: int | None
    quote: str
    confidence: float
    review_state: str
    reviewed_by: str | None
    changed: bool

    def as_json(self) -> dict[str, Any]:
        """The ``review --json`` object."""
        return dict(self.__dict__)


def queue(engine: Engine, states: tuple[str, ...] = ("proposed",)) -> list[MandateReview]:
    """The mandates in ``states`` (default: those waiting for a decision), by document."""
    statement = (
        select(MandateRow, DocumentRow)
        .join(DocumentRow, col(DocumentRow.id) == col(MandateRow.document_id))
        .where(col(MandateRow.review_state).in_(states))
        .order_by(col(DocumentRow.id), col(MandateRow.paragraph), col(MandateRow.occurrence))
    )
    with Session(engine) as session:
        return [_view(m, d) for m, d in session.exec(statement).all()]


def decide(
    engine: Engine, mandate_id: str, decision: str, actor: str, now: dt.datetime | None = None
) -> MandateReview:
    """Accept or reject a mandate."""
    if decision not in ("accepted", "rejected"):
        raise UsageError(f"unknown decision '{decision}' (accepted or rejected)")
    return _change(engine, mandate_id, actor, {}, decision, now)


def edit(
    engine: Engine,
    mandate_id: str,
    actor: str,
    changes: dict[str, Any],
    scheduler: Scheduler,
    now: dt.datetime | None = None,
) -> MandateReview:
    """Correct a mandate's fields (kind, actor, target_body, session, year); it counts as
    accepted, in the ``edited`` state. A change of when it falls due (see
    :data:`~tracker.store.DATING_FIELDS`) dates its document's mandates again with
    ``scheduler``."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown or not changes:
        raise UsageError(f"edit one or more of: {', '.join(EDITABLE_FIELDS)}")
    return _change(engine, mandate_id, actor, changes, "edited", now, scheduler)


def _change(
    engine: Engine,
    mandate_id: str,
    actor: str,
    changes: dict[str, Any],
    state: str,
    now: dt.datetime | None,
    scheduler: Scheduler | None = None,
) -> MandateReview:
    moment = now or dt.datetime.now(dt.UTC)
    with Session(engine) as session, session.begin():
        row = session.get(MandateRow, mandate_id)
        if row is None:
            raise UsageError(f"no mandate with id '{mandate_id}'")
        audit = [(name, getattr(row, name), value) for name, value in changes.items()]
        audit.append(("review_state", row.review_state, state))
        apply_edits(row, changes)
        if changes:
            row.edits = json.dumps({**json.loads(row.edits or "{}"), **changes}, sort_keys=True)
        row.review_state, row.reviewed_by, row.changed = state, actor, False
        # what the feeds and digests show changes: their caches key on updated_at
        session.execute(
            update(DeliverableRow)
            .where(col(DeliverableRow.mandate_id) == mandate_id)
            .values(updated_at=moment, kind=row.kind)
        )
        session.add_all(
            AuditRow(entity="mandate", entity_id=mandate_id, actor=actor, at=moment, field=f,
                     old=None if o is None else str(o), new=None if n is None else str(n))
            for f, o, n in audit if o != n
        )  # fmt: skip
        if scheduler is not None and not DATING_FIELDS.isdisjoint(changes):
            session.flush()
            redate_stored(session, row.document_id, scheduler, moment)
        document = session.get(DocumentRow, row.document_id)
        assert document is not None
        return _view(row, document)


def _view(m: MandateRow, d: DocumentRow) -> MandateReview:
    return MandateReview(
        id=m.id,
        symbol=d.symbol,
        source=d.source,
        paragraph=m.paragraph,
        verb=m.verb,
        actor=m.actor,
        kind=m.kind,
        target_body=m.target_body,
        session=m.session,
        year=m.year,
        quote=m.quote,
        confidence=m.confidence,
        review_state=m.review_state,
        reviewed_by=m.reviewed_by,
        changed=bool(m.changed),
    )
