"""Dating stage: turn mandates into dated deliverables.

Sessions become the dates of the session calendars (official or projected), explicit days and
years stay as the text gives them, recurrences are expanded up to a horizon, and an undated
event that feeds a dated report gets that report's session as an inferred upper bound. What
cannot be dated is kept with basis "unknown" and no date.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from tracker.calendars import Calendars
from tracker.model import Basis, Deliverable, Kind, Mandate, SessionWindow


@dataclass(frozen=True)
class Horizon:
    """How far ahead recurrences are expanded."""

    today: dt.date
    years: int = 10

    @property
    def last_day(self) -> dt.date:
        """The last day a recurring deliverable may fall on."""
        try:
            return self.today.replace(year=self.today.year + self.years)
        except ValueError:
            return self.today.replace(year=self.today.year + self.years, day=28)


def document_key(mandate: Mandate) -> str:
    """The document part of stable identifiers: its symbol and language, else its file name."""
    return key_of(mandate.symbol, mandate.lang, mandate.source)


def key_of(symbol: str | None, lang: str, source: str) -> str:
    """A document's stable key: ``A/RES/68/192@fr``, or the file name when it has no symbol."""
    return f"{symbol}@{lang}" if symbol else PurePath(source).name


def mandate_id(mandate: Mandate) -> str:
    """A stable identifier of the mandate: document, paragraph and occurrence."""
    return _digest(f"{document_key(mandate)}|{mandate.paragraph}|{mandate.occurrence}")


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


Scheduler = Callable[[list[Mandate]], list[Deliverable]]
"""Dates the mandates of one document: :func:`schedule` with the calendars and horizon bound."""


def scheduler(calendars: Calendars, horizon: Horizon) -> Scheduler:
    """:func:`schedule` with ``calendars`` and ``horizon`` bound."""
    return functools.partial(schedule, calendars=calendars, horizon=horizon)


def schedule(mandates: list[Mandate], calendars: Calendars, horizon: Horizon) -> list[Deliverable]:
    """Every deliverable of the mandates of one document."""
    out: list[Deliverable] = []
    for mandate in mandates:
        if mandate.precedes is None:
            out.extend(_occurrences(mandate, calendars, horizon))
    for mandate in mandates:
        if mandate.precedes is not None:
            out.append(_bounded(mandate, mandates, out))
    return out


def _occurrences(mandate: Mandate, calendars: Calendars, horizon: Horizon) -> Iterator[Deliverable]:
    recurrence = mandate.recurrence
    if mandate.kind == Kind.OBSERVANCE and recurrence and recurrence.month and recurrence.day:
        yield from _yearly_days(mandate, horizon)
    elif mandate.session is not None:
        yield from _sessions(mandate, calendars, horizon)
    elif mandate.date is not None:
        yield _make(
            mandate,
            str(mandate.date),
            date=mandate.date,
            due=mandate.date,
            basis=Basis.EXPLICIT,
            detail="date stated in the text",
        )
    elif mandate.year is not None:
        yield from _years(mandate, horizon)
    else:
        yield _make(
            mandate,
            "undated",
            basis=Basis.UNKNOWN,
            detail="the text gives no session, year or date",
        )


def _yearly_days(mandate: Mandate, horizon: Horizon) -> Iterator[Deliverable]:
    recurrence = mandate.recurrence
    assert recurrence is not None and recurrence.month and recurrence.day
    first = recurrence.start or mandate.year or horizon.today.year
    for year in range(first, horizon.last_day.year + 1, recurrence.every):
        day = _safe_date(year, recurrence.month, recurrence.day)
        if day is None or day > horizon.last_day:
            continue
        yield _make(
            mandate,
            str(year),
            year=year,
            date=day,
            due=day,
            basis=Basis.EXPLICIT,
            detail=f"observed every year on this day from {first}, as the text says",
        )


def _years(mandate: Mandate, horizon: Horizon) -> Iterator[Deliverable]:
    recurrence = mandate.recurrence
    first = mandate.year or 0
    years = [first]
    if recurrence and recurrence.unit == "year":
        years = list(range(recurrence.start or first, horizon.last_day.year + 1, recurrence.every))
    for year in years:
        yield _make(
            mandate,
            str(year),
            year=year,
            basis=Basis.EXPLICIT,
            window=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            detail=f"the text gives the year {year} only; no day is known",
        )


def _sessions(mandate: Mandate, calendars: Calendars, horizon: Horizon) -> Iterator[Deliverable]:
    assert mandate.session is not None
    recurrence = mandate.recurrence
    sessions: Iterator[int] = iter([mandate.session])
    if recurrence and recurrence.unit == "session":
        sessions = _count_from(recurrence.start or mandate.session, recurrence.every)
    body = mandate.target_body or mandate.adopting_body or ""
    for session in sessions:
        window = calendars.window(body, session)
        if window is None:
            yield _make(
                mandate,
                f"s{session}",
                session=session,
                basis=Basis.UNKNOWN,
                detail=f"no session calendar for {body or 'an unnamed body'}",
            )
            return
        if _beyond(window, horizon) and session != mandate.session:
            return
        yield _from_window(mandate, window, calendars)
        if recurrence is None or recurrence.unit != "session":
            return


def _count_from(start: int, step: int) -> Iterator[int]:
    session = start
    while True:
        yield session
        session += max(step, 1)


def _beyond(window: SessionWindow, horizon: Horizon) -> bool:
    first_day = window.start or window.earliest
    if first_day is not None:
        return first_day > horizon.last_day
    return window.year is not None and window.year > horizon.last_day.year


def _from_window(mandate: Mandate, window: SessionWindow, calendars: Calendars) -> Deliverable:
    detail = f"{window.body} session {window.session}: {window.source}"
    if window.start is None:
        span = (window.earliest, window.latest) if window.latest else None
        return _make(
            mandate,
            f"s{window.session}",
            session=window.session,
            year=window.year,
            basis=window.basis,
            window=span,
            detail=detail,
        )
    due = calendars.due(str(mandate.kind), window.start, window.body) or window.start
    return _make(
        mandate,
        f"s{window.session}",
        session=window.session,
        year=window.start.year,
        date=window.start,
        end=window.end,
        due=due,
        basis=window.basis,
        detail=detail,
    )


def _bounded(
    mandate: Mandate, mandates: list[Mandate], scheduled: list[Deliverable]
) -> Deliverable:
    """An undated event that must happen before the report it feeds."""
    report = next(
        (d for d in scheduled if d.mandate.paragraph == mandate.precedes and d.date), None
    )
    if report is None or report.date is None:
        return _make(
            mandate,
            "undated",
            basis=Basis.UNKNOWN,
            detail=f"feeds the report of paragraph {mandate.precedes}, which has no date",
        )
    return _make(
        mandate,
        "before",
        basis=Basis.INFERRED,
        before=report.date,
        window=(None, report.date),
        detail=(
            f"no date in the text; must precede the report of paragraph {mandate.precedes}"
            f" ({report.mandate.target_body} session {report.session}, {report.date})"
        ),
    )


def _make(
    mandate: Mandate,
    key: str,
    *,
    basis: Basis,
    detail: str,
    session: int | None = None,
    year: int | None = None,
    date: dt.date | None = None,
    end: dt.date | None = None,
    due: dt.date | None = None,
    before: dt.date | None = None,
    window: tuple[dt.date | None, dt.date | None] | None = None,
) -> Deliverable:
    start, stop = window if window else (date, end or date)
    return Deliverable(
        id=_digest(f"{document_key(mandate)}|{mandate.paragraph}|{mandate.occurrence}|{key}"),
        mandate=mandate,
        session=session if session is not None else mandate.session,
        year=year if year is not None else mandate.year,
        date=date,
        end=end,
        due=due,
        basis=basis,
        basis_detail=detail,
        before=before,
        window_start=start,
        window_end=stop,
    )


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
