"""Session calendars: official rows, the GA opening rules over their history, projections."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from tests.conftest import ROOT
from tracker.calendars import Calendars, load_calendars
from tracker.model import Basis


@pytest.fixture(scope="module")
def calendars() -> Calendars:
    return load_calendars()


def _rows(name: str) -> list[dict[str, str]]:
    with (ROOT / "rules" / "sessions" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_verified_ga_opening_is_official(calendars: Calendars) -> None:
    for row in _rows("ga.csv"):
        window = calendars.window("GA", int(row["session"]))
        assert window is not None
        if row["open_verified"] == "yes":
            assert (window.start, window.basis) == (
                dt.date.fromisoformat(row["open_date"]),
                Basis.OFFICIAL,
            )
        if row["close_verified"] == "yes":
            assert window.end == dt.date.fromisoformat(row["close_date"])


@pytest.mark.parametrize(
    ("first", "last"),
    [(40, 52), (56, 57), (58, 77), (78, 80)],
    ids=["third-tuesday", "55/14", "57/301", "75/325"],
)
def test_each_ga_rule_reproduces_the_sessions_it_governed(
    first: int, last: int, calendars: Calendars
) -> None:
    calendar = calendars.by_body["GA"]
    official = {int(r["session"]): r for r in _rows("ga.csv") if r["open_verified"] == "yes"}
    for session in range(first, last + 1):
        if session == 56:  # opened a day late after the attacks of 11 September 2001
            continue
        if session in official:
            projected = calendar._projected_opening(session)
            assert projected is not None
            assert projected == dt.date.fromisoformat(official[session]["open_date"]), session


@pytest.mark.parametrize(
    ("session", "opening"),
    [
        (82, "2027-09-07"),
        (83, "2028-09-05"),
        (84, "2029-09-11"),
        (88, "2033-09-06"),
        (90, "2035-09-11"),
    ],
)
def test_future_ga_sessions_are_projected(session: int, opening: str, calendars: Calendars) -> None:
    window = calendars.window("GA", session)
    assert window is not None
    assert (window.start, window.basis) == (dt.date.fromisoformat(opening), Basis.PROJECTED)
    assert "75/325" in window.source


def test_unverified_row_is_not_official(calendars: Calendars) -> None:
    window = calendars.window("GA", 81)
    assert window is not None
    assert window.start == dt.date(2026, 9, 8) and window.basis == Basis.PROJECTED


def test_hrc_official_session(calendars: Calendars) -> None:
    window = calendars.window("HRC", 47)
    assert window is not None
    assert (window.start, window.end, window.basis) == (
        dt.date(2021, 6, 21),
        dt.date(2021, 7, 14),
        Basis.OFFICIAL,
    )


@pytest.mark.parametrize(
    ("session", "start", "earliest", "latest"),
    [
        (64, "2027-02-22", None, None),
        (65, None, "2027-06-01", "2027-07-31"),
        (66, "2027-09-13", None, None),
        (75, "2030-09-09", None, None),
    ],
)
def test_future_hrc_sessions_are_projected(
    session: int, start: str | None, earliest: str | None, latest: str | None, calendars: Calendars
) -> None:
    window = calendars.window("HRC", session)
    assert window is not None and window.basis == Basis.PROJECTED
    as_date = lambda text: dt.date.fromisoformat(text) if text else None  # noqa: E731
    assert (window.start, window.earliest, window.latest) == (
        as_date(start),
        as_date(earliest),
        as_date(latest),
    )
    assert window.end is None


def test_hrc_rules_reproduce_the_sessions_they_cover(calendars: Calendars) -> None:
    calendar = calendars.by_body["HRC"]
    shifted = {
        33: "Eid al-Adha on the Monday",
        43: "irregular (COVID-19)",
        44: "postponed (COVID-19)",
    }
    checked = 0
    for row in _rows("hrc.csv"):
        session = int(row["session"])
        projected = calendar._projected_opening(session)
        if projected is None or session in shifted:
            continue
        assert projected == dt.date.fromisoformat(row["start_date"]), session
        checked += 1
    assert checked >= 25


def test_ccpcj_undated_session_gives_only_its_year(calendars: Calendars) -> None:
    window = calendars.window("CCPCJ", 17)
    assert window is not None
    assert (window.start, window.end, window.year, window.basis) == (
        None,
        None,
        2008,
        Basis.PROJECTED,
    )
    assert calendars.year_session("CCPCJ", 2018) == 27


def test_documentation_deadline_is_ten_weeks_before(calendars: Calendars) -> None:
    assert calendars.due("report", dt.date(2016, 9, 13)) == dt.date(2016, 7, 5)
    assert calendars.due("review", dt.date(2016, 9, 13)) is None


def test_invalid_calendar_file_names_the_file(tmp_path: pytest.TempPathFactory) -> None:
    import shutil

    from tracker.errors import DataError

    rules = tmp_path / "rules"  # type: ignore[operator]
    shutil.copytree(ROOT / "rules" / "sessions", rules / "sessions")
    table = rules / "sessions" / "ga.csv"
    table.write_text(
        table.read_text(encoding="utf-8").replace("1985-09-17", "1985-13-17"), encoding="utf-8"
    )
    with pytest.raises(DataError, match="ga.csv: line 2"):
        load_calendars(rules)


def test_deadline_moves_to_the_working_day_before(tmp_path: pytest.TempPathFactory) -> None:
    import shutil

    rules = tmp_path / "rules"  # type: ignore[operator]
    shutil.copytree(ROOT / "rules" / "sessions", rules / "sessions")
    (rules / "holidays").mkdir()
    (rules / "holidays" / "geneva.csv").write_text(
        "date,name,source,verified\n2030-04-12,test holiday,test,yes\n", encoding="utf-8"
    )
    calendars = load_calendars(rules)
    # 10 weeks before Monday 24 June 2030 is Monday 15 April 2030: a working day.
    assert calendars.due("report", dt.date(2030, 6, 24), "HRC") == dt.date(2030, 4, 15)
    # 10 weeks before Sunday 21 April 2030 is Sunday 10 February: back to Friday 8 February.
    assert calendars.due("report", dt.date(2030, 4, 21), "HRC") == dt.date(2030, 2, 8)
    # 10 weeks before Saturday 22 June 2030 is Saturday 13 April: Friday 12 April is a
    # holiday at Geneva, so the deadline is Thursday 11 April.
    assert calendars.due("report", dt.date(2030, 6, 22), "HRC") == dt.date(2030, 4, 11)
    assert calendars.due("oral_update", dt.date(2030, 6, 24), "HRC") is None


@pytest.mark.parametrize(
    "body", ["GA", "HRC", "CCPCJ", "CND", "CSW", "CSocD", "ECOSOC", "UNICEF-EB"]
)
def test_every_verified_row_of_every_table_is_official(body: str, calendars: Calendars) -> None:
    calendar = calendars.by_body[body]
    assert calendar.rows, f"{body} has no table"
    for session, row in calendar.rows.items():
        window = calendar.window(session)
        if row.start and row.verified in calendar.spec.official_when:
            assert (window.start, window.basis) == (row.start, Basis.OFFICIAL), (body, session)
            if row.end:
                assert window.end == row.end
        else:
            assert window.basis == Basis.PROJECTED, (body, session)


def test_commission_without_a_day_gives_its_month(calendars: Calendars) -> None:
    window = calendars.window("CSW", 75)
    assert window is not None
    assert (window.start, window.earliest, window.latest, window.year) == (
        None,
        dt.date(2031, 3, 1),
        dt.date(2031, 3, 31),
        2031,
    )
    assert calendars.year_session("CND", 2023) == 66
    assert calendars.year_session("CSocD", 2025) == 63


def test_floating_holidays_do_not_move_deadlines(calendars: Calendars) -> None:
    new_york = calendars.by_body["GA"]
    assert not new_york.is_working_day(dt.date(2017, 12, 25))
    assert new_york.is_working_day(dt.date(2017, 1, 6))  # Orthodox Christmas: a floating holiday
