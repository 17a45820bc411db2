"""Users and offices of team mode: who may act, and who (or which office) may own work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tracker.errors import UsageError
from tracker.store import UserRow


@dataclass(frozen=True)
class UserView:
    """A registered user."""

    name: str
    office: str | None
    email: str | None
    created_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        """The ``user list --json`` object."""
        return {
            "name": self.name,
            "office": self.office,
            "email": self.email,
            "created_at": self.created_at.isoformat(),
        }


def add_user(
    engine: Engine,
    name: str,
    office: str | None = None,
    email: str | None = None,
    now: dt.datetime | None = None,
) -> UserView:
    """Register a user; a name is unique."""
    name = name.strip()
    if not name:
        raise UsageError("a user needs a name")
    row = UserRow(
        name=name,
        office=(office or "").strip() or None,
        email=(email or "").strip() or None,
        created_at=now or dt.datetime.now(dt.UTC),
    )
    try:
        with Session(engine) as session, session.begin():
            session.add(row)
            view = _view(row)
    except IntegrityError as exc:
        raise UsageError(f"a user named '{name}' already exists") from exc
    return view


def list_users(engine: Engine) -> list[UserView]:
    """Every user, by name."""
    with Session(engine) as session:
        rows = session.exec(select(UserRow).order_by(col(UserRow.name))).all()
        return [_view(r) for r in rows]


def require_user(engine: Engine, name: str | None) -> UserView:
    """The acting user named by ``--as`` or ``TRACKER_USER``; unknown names are refused."""
    if not name:
        raise UsageError("who is acting? set TRACKER_USER or pass --as NAME (tracker user add)")
    with Session(engine) as session:
        row = session.get(UserRow, name)
        if row is None:
            raise UsageError(f"unknown user '{name}' (tracker user add {name} registers it)")
        return _view(row)


def check_owner(engine: Engine, owner: str) -> None:
    """Refuse an owner that is neither a user nor the office of one."""
    with Session(engine) as session:
        if session.get(UserRow, owner) is not None:
            return
        office = session.exec(select(UserRow.name).where(col(UserRow.office) == owner)).first()
    if office is None:
        raise UsageError(f"unknown owner '{owner}': neither a user nor an office of one")


def _view(row: UserRow) -> UserView:
    created = row.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    return UserView(row.name, row.office, row.email, created)
