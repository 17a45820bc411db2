"""Immutable values passed between the pipeline stages (load, clean, segment, extract, date).

Nothing here touches a file or a database: each stage takes these values and returns new ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

_Frozen = TypeVar("_Frozen", "Mandate", "Recurrence")


def evolve(instance: _Frozen, **changes: Any) -> _Frozen:
    """A copy of a mandate or recurrence with ``changes``: :func:`dataclasses.replace` without
    running ``__init__`` again.

    Extraction copies each mandate several times as it fills it in; a frozen dataclass's
    ``__init__`` sets every field through ``object.__setattr__``, which made those copies about
    7% of the time of extraction and dating. Neither class validates its fields on creation.
    """
    unknown = changes.keys() - instance.__dict__.keys()
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no field {', '.join(sorted(unknown))}")
    copy = object.__new__(type(instance))
    copy.__dict__.update(instance.__dict__, **changes)
    return copy


class Kind(StrEnum):
    """What a mandate asks for."""

    REPORT = "report"
    ORAL_UPDATE = "oral_update"
    CONSULTATION = "consultation"
    MEETING = "meeting"
    REVIEW = "review"
    OBSERVANCE = "observance"
    OTHER = "other_deliverable"


class Basis(StrEnum):
    """How a deliverable's date was obtained."""

    OFFICIAL = "official"
    PROJECTED = "projected"
    EXPLICIT = "explicit"
    INFERRED = "inferred"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SourceText:
    """A file read into text, before any cleaning."""

    path: str
    text: str
    format: str
    sha256: str


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a cleaned resolution.

    ``number`` is the operative number as printed ("4", "4 bis"); None for the preamble.
    """

    index: int
    text: str
    number: str | None = None

    @property
    def operative(self) -> bool:
        """Whether this is a numbered operative paragraph."""
        return self.number is not None


@dataclass(frozen=True)
class DocumentMeta:
    """What the document says about itself."""

    symbol: str | None
    lang: str
    adopting_body: str | None
    title: str | None
    status: str
    adopted_on: dt.date | None
    session: int | None
    year: int | None = None


@dataclass(frozen=True)
class Document:
    """A segmented resolution: its metadata, preamble and operative paragraphs."""

    source: str
    sha256: str
    meta: DocumentMeta
    preamble: tuple[Paragraph, ...]
    operative: tuple[Paragraph, ...]
    head: str = ""

    def paragraph(self, number: str) -> Paragraph | None:
        """Return the operative paragraph printed with ``number``."""
        return next((p for p in self.operative if p.number == number), None)


@dataclass(frozen=True)
class Recurrence:
    """How often a mandate repeats: every ``every`` sessions or years from ``start``."""

    every: int
    unit: str
    start: int | None = None
    month: int | None = None
    day: int | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the output-contract form, omitting empty fields."""
        out: dict[str, Any] = {"every": self.every, "unit": self.unit, "start": self.start}
        if self.month is not None:
            out["month"] = self.month
        if self.day is not None:
            out["day"] = self.day
        return out


@dataclass(frozen=True)
class Mandate:
    """One time-bound request or decision found in an operative paragraph."""

    source: str
    symbol: str | None
    lang: str
    adopting_body: str | None
    paragraph: str
    occurrence: int
    verb: str
    actor: str
    kind: Kind
    target_body: str | None
    session: int | None
    year: int | None
    date: dt.date | None
    recurrence: Recurrence | None
    quote: str
    quote_start: int
    quote_end: int
    rule: str
    confidence: float
    reason: str
    title: str = ""
    part: str | None = None
    precedes: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the ``extract --json`` object for this mandate."""
        return {
            "source": self.source,
            "symbol": self.symbol,
            "lang": self.lang,
            "adopting_body": self.adopting_body,
            "paragraph": self.paragraph,
            "occurrence": self.occurrence,
            "verb": self.verb,
            "actor": self.actor,
            "kind": str(self.kind),
            "target_body": self.target_body,
            "session": self.session,
            "year": self.year,
            "date": self.date.isoformat() if self.date else None,
            "recurrence": self.recurrence.as_json() if self.recurrence else None,
            "quote": self.quote,
            "quote_span": [self.quote_start, self.quote_end],
            "title": self.title,
            "part": self.part,
            "precedes": self.precedes,
            "rule": self.rule,
            "confidence": self.confidence,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class SessionWindow:
    """When a body's session meets and how we know."""

    body: str
    session: int
    start: dt.date | None
    end: dt.date | None
    basis: Basis
    source: str
    year: int | None = None
    earliest: dt.date | None = None
    latest: dt.date | None = None
    part: str | None = None


@dataclass(frozen=True)
class Deliverable:
    """One dated (or knowingly undated) occurrence of a mandate.

    ``window_start``/``window_end`` bound when it can happen (a session, a year, or only an
    upper bound); the schedule is filtered and ordered by them.
    """

    id: str
    mandate: Mandate
    session: int | None
    year: int | None
    date: dt.date | None
    end: dt.date | None
    due: dt.date | None
    basis: Basis
    basis_detail: str
    before: dt.date | None = None
    window_start: dt.date | None = None
    window_end: dt.date | None = None
