"""The terminal UI: pilot-driven behaviour, SVG snapshots at 80×24, and one run in tmux."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input

from tests.conftest import DATA, ROOT, SAMPLES, TODAY
from tracker.analyse import Toolkit
from tracker.history import ChainLink, QuestionHistory
from tracker.pipeline import ingest
from tracker.query import Filters, Schedule
from tracker.schedule import Horizon
from tracker.store import connect
from tracker.tui.agenda import AgendaTable
from tracker.tui.app import CountsBar, MandateApp
from tracker.tui.calendar_view import CalendarScreen
from tracker.tui.detail import DetailScreen, highlighted_paragraph, render_detail
from tracker.tui.filters import parse_query
from tracker.tui.help import HelpScreen
from tracker.tui.history import HistoryScreen, render_history
from tracker.tui.note import NoteDialog

SIZE = (80, 24)
REPORT_68_145 = DATA / "lifecycle" / "report_fr_pursuant_68_145.txt"  # A/71/213, GA 71


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test in its own event loop (no async pytest plugin needed)."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return wrapper


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory, toolkit: Toolkit) -> Path:
    """The samples ingested once; each test works on its own copy."""
    return _ingested(tmp_path_factory.mktemp("seed"), toolkit, SAMPLES)


@pytest.fixture
def schedule(seed_file: Path, tmp_path: Path) -> Schedule:
    return _copy_of(seed_file, tmp_path)


@pytest.fixture(scope="module")
def history_file(tmp_path_factory: pytest.TempPathFactory, toolkit: Toolkit) -> Path:
    """The samples and a report answering 68/145 (its lifecycle proposal comes with it)."""
    return _ingested(tmp_path_factory.mktemp("history"), toolkit, SAMPLES, REPORT_68_145)


@pytest.fixture
def answered(history_file: Path, tmp_path: Path) -> Schedule:
    return _copy_of(history_file, tmp_path)


def _ingested(folder: Path, toolkit: Toolkit, *paths: Path) -> Path:
    """A database in ``folder`` holding ``paths``, ingested on 1 November 2026."""
    path = folder / "tracker.sqlite"
    engine = connect(f"sqlite:///{path}")
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    outcomes = ingest(list(paths), engine, toolkit, Horizon(TODAY), now)
    assert not any(o.failed for o in outcomes)
    engine.dispose()
    return path


def _copy_of(database: Path, tmp_path: Path) -> Schedule:
    """A schedule over this test's own copy of ``database``."""
    copy = tmp_path / "tracker.sqlite"
    shutil.copy(database, copy)
    return Schedule(connect(f"sqlite:///{copy}"))


def make_app(schedule: Schedule, tmp_path: Path, theme: str | None = None) -> MandateApp:
    return MandateApp(schedule, today=TODAY, export_dir=tmp_path / "export", theme=theme)


async def settle(pilot: Pilot[Any]) -> None:
    """Let the query threads finish and the screen catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(app: MandateApp) -> list[str]:
    """The deliverable ids in the agenda, top to bottom."""
    table = app.query_one(AgendaTable)
    return [str(r.value) for r in table.rows if not str(r.value).startswith("month:")]


def text_of(renderable: Any) -> str:
    console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


# --- behaviour --------------------------------------------------------------------------


@sync
async def test_agenda_by_month_with_counts_and_overdue(schedule: Schedule, tmp_path: Path) -> None:
    app = make_app(schedule, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(AgendaTable)
        ids = shown(app)
        expected = schedule.agenda(Filters(start=TODAY), TODAY)
        assert ids == [v.id for v in expected]
        assert table.total == schedule.agenda_count(Filters(start=TODAY), TODAY) == len(ids)
        months = [str(r.value) for r in table.rows if str(r.value).startswith("month:")]
        assert len(months) >= 10  # one row per month heads its group
        # overdue rows: deadline passed, still open; the future ones are there too
        late = [v for v in expected if (v.due or v.date or TODAY) < TODAY]
        later = [v for v in expected if v.date and v.date >= TODAY]
        assert late and later
        assert str(table.get_cell(late[0].id, "left")).startswith("!")
        tally = schedule.tally(Filters(), TODAY)
        counts = str(app.query_one(CountsBar).render())
        assert f"Overdue {tally['overdue']}" in counts
        assert f"{len(ids)} of {len(ids)} shown" in counts
        # the cursor starts on a deliverable, never on a month row, and moves over month rows
        first = table.selected_id
        assert first == ids[0]
        await pilot.press("down")
        assert table.selected_id == ids[1]
        await pilot.press("k")
        assert table.selected_id == ids[0]


@sync
async def test_filter_as_you_type(schedule: Schedule, tmp_path: Path) -> None:
    app = make_app(schedule, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everything = shown(app)
        await pilot.press("slash", *"ohchr")
        await settle(pilot)
        rows = [schedule.get(i) for i in shown(app)]
        assert rows and len(rows) < len(everything)
        assert all(r is not None and r.actor == "OHCHR" for r in rows)
        search = app.query_one("#search", Input)
        search.value += " kind:report"  # the same Changed event as typing, faster
        await settle(pilot)
        rows = [schedule.get(i) for i in shown(app)]
        assert [(r.actor, r.kind, r.session) for r in rows if r] == [("OHCHR", "report", 47)]
        search.value = "body:GA from:2027 until:2028"
        await settle(pilot)
        dates = [v.date for v in (schedule.get(i) for i in shown(app)) if v]
        assert dates and all(d and dt.date(2027, 1, 1) <= d <= dt.date(2028, 12, 31) for d in dates)
        search.value = "nothing-matches-this"
        await settle(pilot)
        assert shown(app) == []
        assert "0 of 0 shown" in str(app.query_one(CountsBar).render())


def test_parse_query() -> None:
    query = parse_query("traite body:GA,HRC kind:report status:in-progress from:2021-06", TODAY)
    f = query.filters
    assert (f.text, f.bodies, f.kinds, f.statuses) == (
        "traite",
        ("GA", "HRC"),
        ("report",),
        ("in_progress",),
    )
    assert f.start == dt.date(2021, 6, 1) and query.explicit_start
    default = parse_query("", TODAY, body="CCPCJ")
    assert default.filters.start == TODAY and not default.explicit_start
    assert default.filters.bodies == ("CCPCJ",)
    assert parse_query("until:2022-02", TODAY).filters.until == dt.date(2022, 2, 28)


@sync
async def test_detail_shows_paragraph_quote_basis_and_recurrence(
    schedule: Schedule, tmp_path: Path
) -> None:
    app = make_app(schedule, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ohchr kind:report", "escape")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        view = screen.view
        assert (view.kind, view.session) == ("report", 47)
        text = text_of(render_detail(schedule, view, TODAY))
        assert view.quote in text.replace("\n", " ")
        assert "official" in text and view.basis_detail in text.replace("\n ", " ")
        assert "2021-06-21" in text and "2021-04-12" in text  # session window and due date
        paragraph = schedule.paragraph_text(view)
        highlighted = highlighted_paragraph(paragraph, view)
        spans = [s for s in highlighted.spans if "reverse" in str(s.style)]
        assert [highlighted.plain[s.start : s.end] for s in spans] == [view.quote]
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailScreen)
    # a recurring mandate lists its next occurrences
    review = next(v for v in schedule.agenda(Filters(start=TODAY), TODAY) if v.kind == "review")
    text = text_of(render_detail(schedule, review, TODAY))
    assert "every 4 sessions from session 72" in text and "next: 2029-09-11" in text
    assert "https://undocs.org/fr/A/RES/68/192" in text


@sync
async def test_status_changes_are_stored_at_once(schedule: Schedule, tmp_path: Path) -> None:
    app = make_app(schedule, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(AgendaTable)
        target = table.selected_id
        assert target is not None
        await pilot.press("s")
        assert schedule.get(target).status == "in_progress"  # type: ignore[union-attr]
        await pilot.press("s")
        assert schedule.get(target).status == "submitted"  # type: ignore[union-attr]
        assert "submitted" in str(table.get_cell(target, "status"))
        # what `tracker upcoming --status submitted` reads
        submitted = schedule.upcoming(Filters(statuses=("submitted",), include_undated=True))
        assert [v.id for v in submitted] == [target]
        await pilot.press("S")
        assert schedule.get(target).status == "in_progress"  # type: ignore[union-attr]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("s", "s")
        assert schedule.get(target).status == "done"  # type: ignore[union-attr]
        await pilot.press("x")
        assert schedule.get(target).status == "cancelled"  # type: ignore[union-attr]
        assert app.screen.view.status == "cancelled"
        await settle(pilot)


@sync
async def test_add_a_note(schedule: Schedule, tmp_path: Path) -> None:
    app = make_app(schedule, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        target = app.query_one(AgendaTable).selected_id
        assert target is not None
        await pilot.press("n")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"asked OHCHR for a draft", "enter")
        await pilot.pause()
        assert [n.text for n in schedule.notes(target)] == ["asked OHCHR for a draft"]
        await pilot.press("n", "escape")
        await pilot.pause()
        assert len(schedule.notes(target)) == 1
        await settle(pilot)


@sync
async def test_export_ics_and_csv(schedule: Schedule, tmp_path: Path) -> None:
    app = make_app(schedule, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"body:GA", "escape")
        await settle(pilot)
        ids = shown(app)
        await pilot.press("e")
        await pilot.pause()
    stem = tmp_path / "export" / f"mandates-{TODAY:%Y%m%d}"
    rows = list(csv.DictReader(stem.with_suffix(".csv").open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ids
    ics = stem.with_suffix(".ics").read_text(encoding="utf-8")
    dated = [i for i in ids if schedule.get(i).date]  # type: ignore[union-attr]
    assert ics.count("BEGIN:VEVENT") == len(dated)
    assert f"UID:{dated[0]}@mandate-tracker" in ics
    assert "DTSTART;VALUE=DATE:" in ics


@sync
async def test_calendar_and_help(schedule: Schedule, tmp_path: Path) -> None:
    app = make_app(schedule, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CalendarScreen)
        await pilot.press(*["right_square_bracket"] * 8)  # November 2026 → July 2027
        assert screen.month == dt.date(2027, 7, 1)
        listed = screen.query_one("#month-list").row_count  # type: ignore[attr-defined]
        assert listed == 1  # the World Day against Trafficking in Persons, 30 July
        await pilot.press("left", "t")
        assert screen.month == dt.date(2026, 11, 1)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, CalendarScreen | HelpScreen)


@sync
async def test_history_of_the_selected_deliverable(answered: Schedule, tmp_path: Path) -> None:
    app = make_app(answered, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"enfance", "escape")
        await settle(pilot)
        selected = app.agenda.selected
        assert selected is not None and selected.symbol == "A/RES/68/145"
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert screen.query_one("#history-question", Input).value == selected.title
        assert screen.history is not None
        assert [link.symbol for link in screen.history.chain] == ["A/RES/68/145"]
        text = " ".join(text_of(render_history(screen.history)).split())
        assert "A/RES/68/145 · 2013-12-18 · GA 68 — Renforcement de la collaboration" in text
        assert "2016-09-13 · report for GA 71 · open · ¶6" in text
        assert "answered by A/71/213 (GA 71)" in text
        assert "proposed: submitted — A/71/213 answers GA 68/145" in text
        await pilot.press("q")  # the result pane has the focus: q goes back
        assert len(app.screen_stack) == 1 and app.agenda.selected == selected


@sync
async def test_history_of_a_typed_question(answered: Schedule, tmp_path: Path) -> None:
    app = make_app(answered, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"nothing-matches-this", "escape")
        await settle(pilot)
        assert app.agenda.selected is None
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        question = screen.query_one("#history-question", Input)
        assert question.value == "" and question.has_focus
        await pilot.press(*"no such question", "enter")
        await settle(pilot)
        assert screen.history is not None and not screen.history.chain
        message = text_of(render_history(screen.history))
        assert "No resolution matches « no such question »" in message
        await pilot.press("slash")
        question.value = "68/145"
        await pilot.press("enter")
        await settle(pilot)
        assert [link.symbol for link in screen.history.chain] == ["A/RES/68/145"]
        assert "A/71/213" in text_of(render_history(screen.history))
        await pilot.press("escape")
        assert len(app.screen_stack) == 1
        assert app.agenda.has_focus


def test_history_text_is_printable() -> None:
    link = ChainLink(
        document_id="doc",
        symbol=None,
        key=None,
        title="Title\x1b[31m red\x07",
        body="GA",
        adopted_on=None,
        session=68,
        requests=(),
        reports=(),
        renewals=("renew\x1b]0;x\x07",),
        terminations=(),
        proposals=(),
    )
    text = text_of(render_history(QuestionHistory("q\x1b[2J", (link,))))
    assert "\x1b" not in text and "\x07" not in text
    assert "doc · undated · GA 68 — Title red" in text and "renewed: « renew »" in text
    empty = text_of(render_history(QuestionHistory("a\x1b[2Jb", ())))
    assert "No resolution matches « ab »" in empty


def _bench_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_tui", ROOT / "bench" / "tui.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@sync
async def test_the_agenda_pages_the_query(tmp_path: Path) -> None:
    engine = _bench_module().build(f"sqlite:///{tmp_path / 'big.sqlite'}", 1_000)
    schedule = Schedule(engine)
    app = MandateApp(schedule, today=TODAY, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(AgendaTable)
        total = schedule.agenda_count(Filters(start=TODAY), TODAY)
        assert total > 2 * AgendaTable.PAGE
        assert (table.loaded_rows, table.total) == (AgendaTable.PAGE, total)
        await pilot.press("end")
        await settle(pilot)
        assert table.loaded_rows == 2 * AgendaTable.PAGE
        assert shown(app) == [v.id for v in schedule.agenda(Filters(start=TODAY), TODAY, 200)]


# --- snapshots (80×24, seeds, today frozen) ---------------------------------------------


def _waiting(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_snapshot_agenda(snap_compare: Any, schedule: Schedule, tmp_path: Path) -> None:
    assert snap_compare(make_app(schedule, tmp_path), terminal_size=SIZE, run_before=_waiting())


def test_snapshot_agenda_light(snap_compare: Any, schedule: Schedule, tmp_path: Path) -> None:
    app = make_app(schedule, tmp_path, theme="textual-light")
    assert snap_compare(app, terminal_size=SIZE, run_before=_waiting("down", "down"))


def test_snapshot_detail(snap_compare: Any, schedule: Schedule, tmp_path: Path) -> None:
    keys = ("slash", *"ohchr kind:report", "escape", "enter")
    assert snap_compare(
        make_app(schedule, tmp_path), terminal_size=SIZE, run_before=_waiting(*keys)
    )


def test_snapshot_help(snap_compare: Any, schedule: Schedule, tmp_path: Path) -> None:
    app = make_app(schedule, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=_waiting("question_mark"))


def test_snapshot_calendar(snap_compare: Any, schedule: Schedule, tmp_path: Path) -> None:
    keys = ("c", *["right_square_bracket"] * 8)  # July 2027: the World Day, 30 July
    assert snap_compare(
        make_app(schedule, tmp_path), terminal_size=SIZE, run_before=_waiting(*keys)
    )


def test_snapshot_history(snap_compare: Any, answered: Schedule, tmp_path: Path) -> None:
    keys = ("slash", *"enfance", "escape", "h")  # A/RES/68/145, answered by A/71/213
    assert snap_compare(
        make_app(answered, tmp_path), terminal_size=SIZE, run_before=_waiting(*keys)
    )


# --- a real terminal --------------------------------------------------------------------


def _capture(session: str) -> str:
    done = subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=False
    )
    return done.stdout


def _wait_for(session: str, text: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _capture(session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def _keys(session: str, *keys: str, literal: bool = False) -> None:
    command = ["tmux", "send-keys", "-t", session, *(["-l"] if literal else []), *keys]
    subprocess.run(command, check=True)
    time.sleep(0.3)  # lets Textual tell a lone Esc from the start of an escape sequence


@pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (apt-get install -y tmux)"
)
def test_end_to_end_in_tmux(schedule: Schedule, tmp_path: Path) -> None:
    url = str(schedule.engine.url)
    script = (
        "import datetime, sys; from tracker.tui import run; "
        "run(sys.argv[1], datetime.date.fromisoformat(sys.argv[2]))"
    )
    session = f"tui-e2e-{os.getpid()}"
    command = [sys.executable, "-c", script, url, TODAY.isoformat()]
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", str(tmp_path)]
        + [" ".join(f"'{c}'" for c in command)],
        check=True,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    try:
        screen = _wait_for(session, "of 34 shown")
        assert "Overdue" in screen and "Mandate Tracker" in screen
        _keys(session, "/")
        _keys(session, "ohchr kind:report", literal=True)
        screen = _wait_for(session, "1 of 1 shown")
        assert "HRC 47" in screen
        _keys(session, "Escape")
        _keys(session, "Enter")
        screen = _wait_for(session, "official")
        assert "quarante-septième session" in screen
        _keys(session, "s")
        _wait_for(session, "in_progress")
        _keys(session, "Escape")
        _keys(session, "?")
        _wait_for(session, "Keys")
        _keys(session, "Escape")
        _keys(session, "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "Overdue" in _capture(session):
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    view = next(v for v in schedule.upcoming(Filters(include_undated=True)) if v.session == 47)
    assert view.status == "in_progress"
