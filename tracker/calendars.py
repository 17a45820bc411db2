"""Session calendars: when a body's Nth session meets, and how we know.

Dates come from the tables in ``rules/sessions/`` (official when the row is verified), else
from the body's opening rule in force for that session (projected). A body whose rule only
gives a year yields a window with no day: the tracker never invents one.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from tracker.errors import DataError
from tracker.model import Basis, SessionWindow
from tracker.rulebook import RULES_DIR

OneDay = dt.timedelta(days=1)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OpeningRule(_Strict):
    """A rule that gives the opening day of sessions ``from``..``until``."""

    from_: int
    until: int | None = None
    rule: Literal["nth_weekday", "weekday_after_nth_weekday", "week_of_month"]
    month: int
    n: int
    weekday: int
    after_weekday: int | None = None
    source: str

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def covers(self, session: int) -> bool:
        """Whether the rule was in force for ``session``."""
        return self.from_ <= session and (self.until is None or session <= self.until)

    def opening(self, year: int) -> dt.date:
        """The opening day the rule gives in ``year``."""
        if self.rule == "nth_weekday":
            return _nth_weekday(year, self.month, self.weekday, self.n)
        if self.rule == "weekday_after_nth_weekday":
            anchor = _nth_weekday(year, self.month, self.after_weekday or 0, self.n)
            return anchor + dt.timedelta(days=(self.weekday - anchor.weekday()) % 7 or 7)
        first_working = dt.date(year, self.month, 1)
        while first_working.weekday() >= 5:
            first_working += OneDay
        week_monday = first_working - dt.timedelta(days=first_working.weekday())
        return week_monday + dt.timedelta(days=self.weekday + 7 * (self.n - 1))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


class Columns(_Strict):
    """Which CSV columns hold what."""

    session: str
    start: str
    end: str
    verified: str
    source: str


class CalendarSpec(_Strict):
    """One body's calendar: its table and its rules."""

    body: str
    file: str
    columns: Columns
    official_when: list[str]
    first_year: int
    first_session: int = 1
    sessions_per_year: int = 1
    end_rule: Literal["day_before_next_opening"] | None = None
    opening_rules: list[OpeningRule]


class DeadlineSpec(_Strict):
    """The documentation deadline rule."""

    weeks_before: int
    kinds: list[str]
    source: str


class CalendarFile(_Strict):
    """The whole ``calendars.yaml``."""

    calendars: list[CalendarSpec]
    deadlines: DeadlineSpec


class Row(_Strict):
    """One dated session read from a table."""

    session: int
    start: dt.date | None
    end: dt.date | None
    verified: str
    source: str


class Calendar:
    """The sessions of one body."""

    def __init__(self, spec: CalendarSpec, rows: dict[int, Row]) -> None:
        self.spec = spec
        self.rows = rows

    def year_of(self, session: int) -> int | None:
        """The calendar year in which ``session`` opens."""
        if session < self.spec.first_session:
            row = self.rows.get(session)
            return row.start.year if row and row.start else None
        offset = (session - self.spec.first_session) // self.spec.sessions_per_year
        return self.spec.first_year + offset

    def session_in(self, year: int) -> int | None:
        """The first session opening in ``year`` (for year-stamped symbols like E/CN.15/2018/1)."""
        if year < self.spec.first_year:
            return None
        return self.spec.first_session + (year - self.spec.first_year) * self.spec.sessions_per_year

    def window(self, session: int) -> SessionWindow:
        """When ``session`` meets: official, projected by rule, or only its year."""
        row = self.rows.get(session)
        year = self.year_of(session)
        if row and row.start and row.verified in self.spec.official_when:
            return SessionWindow(
                self.spec.body,
                session,
                row.start,
                row.end or self._end(session),
                Basis.OFFICIAL,
                row.source,
                year,
            )
        opening = self._projected_opening(session)
        if opening:
            start, source = opening
            return SessionWindow(
                self.spec.body, session, start, self._end(session), Basis.PROJECTED, source, year
            )
        if row and row.start:
            return SessionWindow(
                self.spec.body,
                session,
                row.start,
                row.end,
                Basis.PROJECTED,
                f"{row.source} (not verified: {row.verified})",
                year,
            )
        return SessionWindow(
            self.spec.body,
            session,
            None,
            None,
            Basis.PROJECTED,
            "year from the body's numbering rule; no day is known",
            year,
        )

    def _projected_opening(self, session: int) -> tuple[dt.date, str] | None:
        year = self.year_of(session)
        rule = next((r for r in self.spec.opening_rules if r.covers(session)), None)
        if rule is None or year is None:
            return None
        return rule.opening(year), rule.source

    def _end(self, session: int) -> dt.date | None:
        row = self.rows.get(session)
        if row and row.end:
            return row.end
        if self.spec.end_rule != "day_before_next_opening":
            return None
        following = self.rows.get(session + 1)
        if following and following.start and following.verified in self.spec.official_when:
            return following.start - OneDay
        opening = self._projected_opening(session + 1)
        return opening[0] - OneDay if opening else None


class Calendars:
    """Every body's calendar and the documentation deadline rule."""

    def __init__(self, calendars: dict[str, Calendar], deadlines: DeadlineSpec) -> None:
        self.by_body = calendars
        self.deadlines = deadlines

    def window(self, body: str, session: int) -> SessionWindow | None:
        """The window of ``body``'s ``session``, or None for a body without a calendar."""
        calendar = self.by_body.get(body)
        return calendar.window(session) if calendar else None

    def session_year(self, body: str, session: int) -> int | None:
        """The year ``body``'s ``session`` opens in."""
        calendar = self.by_body.get(body)
        return calendar.year_of(session) if calendar else None

    def year_session(self, body: str, year: int) -> int | None:
        """``body``'s session held in ``year``."""
        calendar = self.by_body.get(body)
        return calendar.session_in(year) if calendar else None

    def due(self, kind: str, opening: dt.date) -> dt.date | None:
        """The documentation deadline of a ``kind`` deliverable for a session opening then."""
        if kind not in self.deadlines.kinds:
            return None
        return opening - dt.timedelta(weeks=self.deadlines.weeks_before)


def _read_rows(path: Path, columns: Columns) -> dict[int, Row]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            records = list(csv.DictReader(handle))
    except OSError as exc:
        raise DataError(path, f"cannot read: {exc.strerror or exc}") from exc
    rows: dict[int, Row] = {}
    for line, record in enumerate(records, start=2):
        try:
            row = Row(
                session=int(record[columns.session]),
                start=record[columns.start] or None,
                end=record[columns.end] or None,
                verified=record[columns.verified],
                source=record[columns.source],
            )
        except (KeyError, ValueError, ValidationError) as exc:
            raise DataError(path, f"line {line}: {exc}") from exc
        if row.start and row.end and row.end < row.start:
            raise DataError(path, f"line {line}: session ends before it starts")
        rows[row.session] = row
    return rows


@functools.lru_cache(maxsize=4)
def load_calendars(rules_dir: Path = RULES_DIR) -> Calendars:
    """Load ``rules/sessions/calendars.yaml`` and the tables it names."""
    import yaml

    folder = rules_dir / "sessions"
    path = folder / "calendars.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for spec in raw.get("calendars", []):
            for rule in spec.get("opening_rules", []):
                rule["from_"] = rule.pop("from")
        spec_file = CalendarFile.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError, AttributeError, KeyError) as exc:
        raise DataError(path, str(exc).splitlines()[0]) from exc
    calendars = {
        spec.body: Calendar(spec, _read_rows(folder / spec.file, spec.columns))
        for spec in spec_file.calendars
    }
    return Calendars(calendars, spec_file.deadlines)
