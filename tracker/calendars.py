"""Session calendars: when a body's Nth session meets, and how we know.

Dates come from the tables in ``rules/sessions/`` (official when the row is verified), else
from the body's opening rule in force for that session (projected). A rule that only knows the
months (the Human Rights Council's June session, a commission that meets "in March") yields a
window with no day, and a body with no rule at all yields its year: the tracker never invents
a day. Documentation deadlines are counted back from the opening and moved to the previous
working day of the duty station (weekends and the official UN holidays in ``rules/holidays/``).
"""

from __future__ import annotations

import calendar as month_calendar
import csv
import datetime as dt
import functools
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tracker.errors import DataError
from tracker.model import Basis, SessionWindow
from tracker.rulebook import RULES_DIR

ONE_DAY = dt.timedelta(days=1)
YearMonth = tuple[int, int]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class OpeningRule(_Strict):
    """A rule that gives the opening of sessions ``from``..``until`` (of one ``slot`` a year).

    ``window`` rules give no day, only the first and last month the session can fall in,
    as (year offset, month) pairs.
    """

    from_: int = Field(alias="from")
    until: int | None = None
    slot: int | None = None
    rule: Literal[
        "nth_weekday", "weekday_after_nth_weekday", "week_of_month", "last_weekday", "window"
    ]
    month: int = 1
    n: int = 1
    weekday: int = 0
    after_weekday: int | None = None
    window_start: YearMonth | None = None
    window_end: YearMonth | None = None
    source: str

    def covers(self, session: int, slot: int) -> bool:
        """Whether the rule was in force for ``session`` (in position ``slot`` of its year)."""
        in_range = self.from_ <= session and (self.until is None or session <= self.until)
        return in_range and (self.slot is None or self.slot == slot)

    def opening(self, year: int) -> dt.date | None:
        """The opening day the rule gives in ``year``, or None for a window rule."""
        if self.rule == "nth_weekday":
            return _nth_weekday(year, self.month, self.weekday, self.n)
        if self.rule == "last_weekday":
            last = dt.date(year, self.month, month_calendar.monthrange(year, self.month)[1])
            return last - dt.timedelta(days=(last.weekday() - self.weekday) % 7)
        if self.rule == "weekday_after_nth_weekday":
            anchor = _nth_weekday(year, self.month, self.after_weekday or 0, self.n)
            return anchor + dt.timedelta(days=(self.weekday - anchor.weekday()) % 7 or 7)
        if self.rule == "week_of_month":
            first_working = dt.date(year, self.month, 1)
            while first_working.weekday() >= 5:
                first_working += ONE_DAY
            week_monday = first_working - dt.timedelta(days=first_working.weekday())
            return week_monday + dt.timedelta(days=self.weekday + 7 * (self.n - 1))
        return None

    def bounds(self, year: int) -> tuple[dt.date, dt.date] | None:
        """The first and last day of a window rule in ``year``."""
        if self.window_start is None or self.window_end is None:
            return None
        first_year, first_month = year + self.window_start[0], self.window_start[1]
        last_year, last_month = year + self.window_end[0], self.window_end[1]
        last_day = month_calendar.monthrange(last_year, last_month)[1]
        return dt.date(first_year, first_month, 1), dt.date(last_year, last_month, last_day)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


class Columns(_Strict):
    """Which CSV columns hold what."""

    session: str = "session"
    part: str | None = None
    start: str = "start_date"
    end: str = "end_date"
    verified: str = "verified"
    source: str = "source"


class CalendarSpec(_Strict):
    """One body's calendar: its table and its rules."""

    body: str
    file: str | None = None
    columns: Columns = Columns()
    official_when: list[str] = ["yes"]
    first_year: int
    first_session: int = 1
    sessions_per_year: int = 1
    duty_station: str | None = None
    end_rule: Literal["day_before_next_opening"] | None = None
    opening_rules: list[OpeningRule] = []
    parts: list[str] = []
    numbering: str

    def number(self, year: int, part: str) -> int:
        """The internal session number of a year-and-part session (UNICEF's annual session)."""
        return (
            self.first_session + (year - self.first_year) * len(self.parts) + self.parts.index(part)
        )

    def part_of(self, session: int) -> str | None:
        """The part (first_regular, annual…) of a session of a body with parts."""
        if not self.parts:
            return None
        return self.parts[(session - self.first_session) % len(self.parts)]


class DeadlineOverride(_Strict):
    """A different documentation deadline for one body and/or kind."""

    body: str | None = None
    kind: str | None = None
    weeks_before: int


class DeadlineSpec(_Strict):
    """The documentation deadline rule."""

    weeks_before: int
    kinds: list[str]
    overrides: list[DeadlineOverride] = []
    source: str

    def weeks(self, body: str, kind: str) -> int | None:
        """Weeks before the opening a ``kind`` deliverable for ``body`` is due, or None."""
        for override in self.overrides:
            if override.body in (None, body) and override.kind in (None, kind):
                return override.weeks_before
        return self.weeks_before if kind in self.kinds else None


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

    def __init__(
        self, spec: CalendarSpec, rows: dict[int, Row], holidays: frozenset[dt.date]
    ) -> None:
        self.spec = spec
        self.rows = rows
        self.holidays = holidays
        self._windows: dict[int, SessionWindow] = {}

    def year_of(self, session: int) -> int | None:
        """The calendar year in which ``session`` opens."""
        if session < self.spec.first_session:
            row = self.rows.get(session)
            return row.start.year if row and row.start else None
        offset = (session - self.spec.first_session) // self.spec.sessions_per_year
        return self.spec.first_year + offset

    def slot_of(self, session: int) -> int:
        """The session's position in its year (0 for the first session of the year)."""
        return (session - self.spec.first_session) % self.spec.sessions_per_year

    def session_in(self, year: int) -> int | None:
        """The first session opening in ``year`` (for year-stamped symbols like E/CN.15/2018/1)."""
        if year < self.spec.first_year:
            return None
        return self.spec.first_session + (year - self.spec.first_year) * self.spec.sessions_per_year

    def session_on(self, day: dt.date) -> int | None:
        """The session in progress (the last one opened) on ``day``."""
        around = self.session_in(day.year)
        if around is None:
            return None
        spread = self.spec.sessions_per_year
        opened = [
            s
            for s in range(max(self.spec.first_session, around - spread), around + spread + 1)
            if (first := self.window(s).start or self.window(s).earliest) and first <= day
        ]
        return max(opened) if opened else None

    def sessions_between(self, first_year: int, last_year: int) -> list[int]:
        """Every session opening from ``first_year`` to ``last_year``, table rows included."""
        numbered = range(
            self.session_in(max(first_year, self.spec.first_year)) or self.spec.first_session,
            (self.session_in(last_year + 1) or self.spec.first_session),
        )
        early = [
            s
            for s, row in self.rows.items()
            if s < self.spec.first_session
            and row.start
            and first_year <= row.start.year <= last_year
        ]
        return sorted({*early, *numbered})

    def window(self, session: int) -> SessionWindow:
        """When ``session`` meets: official, projected by rule, or only its months or year
        (worked out once per session: a calendar does not change once loaded)."""
        window = self._windows.get(session)
        if window is None:
            window = self._windows[session] = self._new_window(session)
        return window

    def _new_window(self, session: int) -> SessionWindow:
        window = self._window(session)
        part = self.spec.part_of(session)
        return replace(window, part=part, session=window.year or session) if part else window

    def _window(self, session: int) -> SessionWindow:
        row = self.rows.get(session)
        year = self.year_of(session)
        body = self.spec.body
        if row and row.start and row.verified in self.spec.official_when:
            end = row.end or self._end(session)
            return SessionWindow(body, session, row.start, end, Basis.OFFICIAL, row.source, year)
        rule = self._rule(session)
        if rule and year:
            opening = rule.opening(year)
            if opening:
                start = self._working_day_from(opening)
                return SessionWindow(
                    body, session, start, self._end(session), Basis.PROJECTED, rule.source, year
                )
        if row and row.start:
            source = f"{row.source} (not verified: {row.verified})"
            return SessionWindow(body, session, row.start, row.end, Basis.PROJECTED, source, year)
        if rule and year and (bounds := rule.bounds(year)):
            return SessionWindow(
                body,
                session,
                None,
                None,
                Basis.PROJECTED,
                f"{rule.source}; no day is known",
                year,
                bounds[0],
                bounds[1],
            )
        source = f"{self.spec.numbering}; no day is known"
        earliest, latest = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else (None, None)
        return SessionWindow(
            body, session, None, None, Basis.PROJECTED, source, year, earliest, latest
        )

    def _rule(self, session: int) -> OpeningRule | None:
        slot = self.slot_of(session)
        return next((r for r in self.spec.opening_rules if r.covers(session, slot)), None)

    def _projected_opening(self, session: int) -> dt.date | None:
        year, rule = self.year_of(session), self._rule(session)
        if rule is None or year is None:
            return None
        opening = rule.opening(year)
        return self._working_day_from(opening) if opening else None

    def _end(self, session: int) -> dt.date | None:
        row = self.rows.get(session)
        if row and row.end:
            return row.end
        if self.spec.end_rule != "day_before_next_opening":
            return None
        following = self.rows.get(session + 1)
        if following and following.start and following.verified in self.spec.official_when:
            return following.start - ONE_DAY
        opening = self._projected_opening(session + 1)
        return opening - ONE_DAY if opening else None

    def is_working_day(self, day: dt.date) -> bool:
        """Neither a weekend nor an official holiday at the body's duty station."""
        return day.weekday() < 5 and day not in self.holidays

    def _working_day_from(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def working_day_before(self, day: dt.date) -> dt.date:
        """``day``, or the last working day before it."""
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day


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

    def session_on(self, body: str, day: dt.date) -> int | None:
        """``body``'s session in progress on ``day``."""
        calendar = self.by_body.get(body)
        return calendar.session_on(day) if calendar and not calendar.spec.parts else None

    def due(self, kind: str, opening: dt.date, body: str = "") -> dt.date | None:
        """The documentation deadline of a ``kind`` deliverable for a session opening then.

        Counted back from the opening, then moved to the previous working day of the body's
        duty station.
        """
        weeks = self.deadlines.weeks(body, kind)
        if weeks is None:
            return None
        due = opening - dt.timedelta(weeks=weeks)
        calendar = self.by_body.get(body)
        return calendar.working_day_before(due) if calendar else due


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise DataError(path, f"cannot read: {exc.strerror or exc}") from exc


def _read_rows(path: Path, spec: CalendarSpec) -> dict[int, Row]:
    columns = spec.columns
    rows: dict[int, Row] = {}
    for line, record in enumerate(_read_csv(path), start=2):
        try:
            session = int(record[columns.session])
            if columns.part is not None:
                session = spec.number(session, record[columns.part])
            row = Row(
                session=session,
                start=_date_or_none(record[columns.start]),
                end=_date_or_none(record[columns.end]),
                verified=record[columns.verified],
                source=record[columns.source],
            )
        except (KeyError, ValueError, ValidationError) as exc:
            raise DataError(path, f"line {line}: {str(exc).splitlines()[0]}") from exc
        if row.start and row.end and row.end < row.start:
            raise DataError(path, f"line {line}: session ends before it starts")
        rows[row.session] = row
    return rows


def _date_or_none(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _read_holidays(folder: Path, station: str | None) -> frozenset[dt.date]:
    """Official holidays of a duty station (``rules/holidays/<station>.csv``), if listed."""
    if station is None or not (folder / f"{station}.csv").exists():
        return frozenset()
    path = folder / f"{station}.csv"
    days = set()
    for line, record in enumerate(_read_csv(path), start=2):
        if "floating" in record.get("name", "").lower():
            continue
        try:
            days.add(dt.date.fromisoformat(record["date"]))
        except (KeyError, ValueError) as exc:
            raise DataError(path, f"line {line}: {exc}") from exc
    return frozenset(days)


def _spec_file(path: Path) -> CalendarFile:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        return CalendarFile.model_validate(raw)
    except OSError as exc:
        raise DataError(path, f"cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise DataError(path, f"invalid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DataError(path, f"{where}: {first['msg']}") from exc


@functools.lru_cache(maxsize=4)
def load_calendars(rules_dir: Path = RULES_DIR) -> Calendars:
    """Load ``rules/sessions/calendars.yaml``, the tables it names and the holiday lists."""
    folder = rules_dir / "sessions"
    spec_file = _spec_file(folder / "calendars.yaml")
    calendars = {
        spec.body: Calendar(
            spec,
            _read_rows(folder / spec.file, spec) if spec.file else {},
            _read_holidays(rules_dir / "holidays", spec.duty_station),
        )
        for spec in spec_file.calendars
    }
    return Calendars(calendars, spec_file.deadlines)
