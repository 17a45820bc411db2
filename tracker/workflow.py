"""Workflow writes on deliverables: status, owner, due-date override, notes, and their history.

Every write is an optimistic compare-and-swap on the deliverable's ``version``: it takes the
version the user saw (or the current one) and a second writer holding a stale version gets a
:class:`~tracker.errors.ConflictError`, never a silent lost update. Every change is recorded in
the audit trail (who, when, which field, old and new value).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from tracker.errors import ConflictError, StoreError, UsageError
from tracker.store import AuditRow, DeliverableRow, NoteRow

Now = dt.datetime | None

STATUSES = ("open", "in_progress", "submitted", "done", "cancelled", "superseded")


@dataclass(frozen=True)
class AuditView:
    """One recorded change."""

    entity: str
    entity_id: str
    actor: str | None
    at: dt.datetime
    field: str
    old: str | None
    new: str | None

    def as_json(self) -> dict[str, Any]:
        """The ``history --json`` object."""
        return {
            "entity": self.entity,
            "entity_id": self.entity_id,
            "actor": self.actor,
            "at": self.at.isoformat(),
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


class Workflow:
    """The workflow writes of one acting user (``actor``; None for unattributed changes)."""

    def __init__(self, engine: Engine, actor: str | None = None) -> None:
        self.engine = engine
        self.actor = actor

    def set_status(
        self, deliverable_id: str, status: str, version: int | None = None, now: Now = None
    ) -> int:
        """Change a deliverable's status; returns its new version."""
        if status not in STATUSES:
            raise UsageError(f"unknown status '{status}' (one of: {', '.join(STATUSES)})")
        return self._write(deliverable_id, {"status": status}, version, now)

    def assign(
        self, deliverable_id: str, owner: str | None, version: int | None = None, now: Now = None
    ) -> int:
        """Give a deliverable to a person or an office (None: nobody); returns its new version."""
        return self._write(deliverable_id, {"owner": owner or None}, version, now)

    def override(
        self,
        deliverable_id: str,
        due: dt.date | None,
        reason: str,
        version: int | None = None,
        now: Now = None,
    ) -> int:
        """Replace a deliverable's computed deadline (None: back to it), with the reason why."""
        if due is not None and not reason.strip():
            raise UsageError("a due-date override needs a reason (--reason)")
        changes = {"due_override": due, "override_reason": reason.strip() if due else None}
        return self._write(deliverable_id, changes, version, now)

    def note(
        self, deliverable_id: str, text: str, version: int | None = None, now: Now = None
    ) -> int:
        """Attach a note to a deliverable; returns its new version."""
        if not text.strip():
            raise UsageError("a note cannot be empty")
        return self._write(deliverable_id, {}, version, now, note=text.strip())

    def set_status_because(
        self,
        deliverable_id: str,
        status: str,
        reason: str,
        also: Callable[[Session], None],
        now: Now = None,
    ) -> int:
        """Change a deliverable's status with ``reason`` as its note, and run ``also`` (the
        write that justifies it) in the same transaction."""
        if status not in STATUSES:
            raise UsageError(f"unknown status '{status}' (one of: {', '.join(STATUSES)})")
        return self._write(deliverable_id, {"status": status}, None, now, reason, also)

    def _write(
        self,
        deliverable_id: str,
        changes: dict[str, Any],
        version: int | None,
        now: Now,
        note: str | None = None,
        also: Callable[[Session], None] | None = None,
    ) -> int:
        moment = now or dt.datetime.now(dt.UTC)
        try:
            with Session(self.engine) as session, session.begin():
                if also is not None:
                    also(session)
                row = session.get(DeliverableRow, deliverable_id)
                if row is None:
                    raise UsageError(f"no deliverable with id '{deliverable_id}'")
                seen = row.version if version is None else version
                old = {name: getattr(row, name) for name in changes}
                _swap(session, deliverable_id, seen, {**changes, "updated_at": moment})
                audit = [(n, _text(old[n]), _text(v)) for n, v in changes.items() if old[n] != v]
                if note is not None:
                    audit.append(("note", None, note))
                    session.add(
                        NoteRow(
                            deliverable_id=deliverable_id,
                            text=note,
                            author=self.actor,
                            created_at=moment,
                        )
                    )
                session.add_all(
                    AuditRow(entity="deliverable", entity_id=deliverable_id, actor=self.actor,
                             at=moment, field=f, old=o, new=n)
                    for f, o, n in audit
                )  # fmt: skip
                return seen + 1
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write: {str(exc).splitlines()[0]}") from exc


def _swap(session: Session, deliverable_id: str, seen: int, values: dict[str, Any]) -> None:
    """Write ``values`` only if the row is still at version ``seen``; else a conflict."""
    statement = (
        update(DeliverableRow)
        .where(col(DeliverableRow.id) == deliverable_id, col(DeliverableRow.version) == seen)
        .values(**values, version=seen + 1)
    )
    if session.execute(statement).rowcount != 1:  # type: ignore[attr-defined]
        session.expire_all()
        current = session.get(DeliverableRow, deliverable_id)
        now_at = current.version if current else "deleted"
        raise ConflictError(
            f"deliverable {deliverable_id} was changed by someone else: you saw version {seen}, "
            f"it is now at version {now_at}; nothing was written (reload it and retry)"
        )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def history(engine: Engine, entity_id: str) -> list[AuditView]:
    """The audit trail of a deliverable (with its mandate's) or of a mandate, oldest first."""
    with Session(engine) as session:
        row = session.get(DeliverableRow, entity_id)
        ids = [entity_id, row.mandate_id] if row else [entity_id]
        statement = (
            select(AuditRow)
            .where(or_(*(col(AuditRow.entity_id) == i for i in ids)))
            .order_by(col(AuditRow.at), col(AuditRow.id))
        )
        return [
            AuditView(a.entity, a.entity_id, a.actor, _utc(a.at), a.field, a.old, a.new)
            for a in session.exec(statement).all()
        ]


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
