"""Private feed tokens: one secret URL per subscriber, with its own filters.

A token is 256 random bits from :mod:`secrets` (``token_urlsafe(32)``, 43 characters). Only
its SHA-256 is stored (table ``feed_token``), with a short public handle (``id``) to list and
revoke it; the token itself is shown once, when it is created. Resolving a presented token
hashes it, looks the hash up, and compares the stored hash with :func:`hmac.compare_digest`
(constant time); a malformed, unknown or revoked token resolves to ``None``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from tracker.errors import StoreError, UsageError
from tracker.feeds.export import FeedSpec
from tracker.store import FeedTokenRow

TOKEN_BYTES = 32
_SHAPE = re.compile(r"[A-Za-z0-9_-]{22,128}")


@dataclass(frozen=True)
class TokenInfo:
    """A private feed as listed: never its secret."""

    id: str
    name: str
    spec: FeedSpec
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        """Whether the feed is still served."""
        return self.revoked_at is None


@dataclass(frozen=True)
class NewToken:
    """A freshly created private feed and its secret token (shown once)."""

    info: TokenInfo
    token: str

    def path(self) -> str:
        """The feed's path on the server."""
        return f"/feeds/{self.token}.ics"


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256, in hexadecimal."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    engine: Engine, name: str, spec: FeedSpec, now: dt.datetime | None = None
) -> NewToken:
    """Create a private feed for ``spec``; returns its secret token (stored only hashed)."""
    if not name.strip():
        raise UsageError("a private feed needs a name (who or what it is for)")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = FeedTokenRow(
        id=secrets.token_hex(4),
        name=name.strip(),
        token_hash=hash_token(token),
        filters=spec.to_text(),
        created_at=now or dt.datetime.now(dt.UTC),
    )
    try:
        with Session(engine) as session, session.begin():
            session.add(row)
            info = _info(row)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot store the feed token: {type(exc).__name__}") from exc
    return NewToken(info, token)


def list_tokens(engine: Engine, include_revoked: bool = True) -> list[TokenInfo]:
    """The private feeds, oldest first."""
    statement = select(FeedTokenRow).order_by(col(FeedTokenRow.created_at), col(FeedTokenRow.id))
    if not include_revoked:
        statement = statement.where(col(FeedTokenRow.revoked_at).is_(None))
    with Session(engine) as session:
        return [_info(row) for row in session.exec(statement).all()]


def revoke_token(engine: Engine, token_id: str, now: dt.datetime | None = None) -> TokenInfo:
    """Stop serving a private feed, by its public handle (``tracker feed list``)."""
    with Session(engine) as session, session.begin():
        row = session.get(FeedTokenRow, token_id)
        if row is None:
            raise UsageError(f"no private feed with id '{token_id}'")
        if row.revoked_at is None:
            row.revoked_at = now or dt.datetime.now(dt.UTC)
        return _info(row)


def resolve_token(engine: Engine, token: str) -> TokenInfo | None:
    """The active feed a presented token opens, or ``None`` (malformed, unknown, revoked)."""
    if not _SHAPE.fullmatch(token):
        return None
    presented = hash_token(token)
    statement = select(FeedTokenRow).where(col(FeedTokenRow.token_hash) == presented)
    with Session(engine) as session:
        row = session.exec(statement).first()
        if row is None or not hmac.compare_digest(row.token_hash, presented):
            return None
        if row.revoked_at is not None:
            return None
        return _info(row)


def _info(row: FeedTokenRow) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        name=row.name,
        spec=FeedSpec.from_json(json.loads(row.filters)),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )
