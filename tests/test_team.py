"""Team mode: users, owners, workflow writes with versions, audit trail, review queue,
re-ingestion keeping human decisions, and export/import between engines."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.conftest import ROOT, SAMPLES
from tracker.analyse import Toolkit
from tracker.cli import app
from tracker.errors import ConflictError, UsageError
from tracker.pipeline import ingest
from tracker.query import Filters, Schedule
from tracker.review import decide, edit, queue
from tracker.schedule import Horizon, Scheduler, scheduler
from tracker.store import connect
from tracker.users import add_user, check_owner, require_user
from tracker.workflow import Workflow

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
EVERYTHING = Filters(start=dt.date(2000, 1, 1), until=dt.date(2040, 1, 1), include_undated=True)
SEED_004 = SAMPLES / "004_e83cbdb27c7fb379.txt"


def _copy_of_68_192(folder: Path) -> tuple[Path, str]:
    path = folder / "68-192.txt"
    original = SEED_004.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    return path, original


def _report(schedule: Schedule, paragraph: str = "18") -> Any:
    return next(v for v in schedule.upcoming(EVERYTHING) if v.paragraph == paragraph)


def _scheduler(toolkit: Toolkit, horizon: Horizon) -> Scheduler:
    return scheduler(toolkit.calendars, horizon)


def _dates(schedule: Schedule, mandate_id: str) -> list[tuple[Any, ...]]:
    views = schedule.upcoming(EVERYTHING)
    return [(v.session, v.date, v.due, v.basis) for v in views if v.mandate_id == mandate_id]


@pytest.fixture
def team(db_url: str, toolkit: Toolkit, horizon: Horizon, tmp_path: Path) -> Engine:
    """Seed 004 stored, with two users of the office DESK."""
    engine = connect(db_url)
    path, _ = _copy_of_68_192(tmp_path)
    ingest([path], engine, toolkit, horizon, NOW)
    add_user(engine, "ana", office="DESK", email="ana@example.org")
    add_user(engine, "bob", office="DESK")
    return engine


def test_users_and_owners(team: Engine) -> None:
    assert require_user(team, "ana").office == "DESK"
    with pytest.raises(UsageError, match="unknown user 'zoe'"):
        require_user(team, "zoe")
    with pytest.raises(UsageError, match="TRACKER_USER"):
        require_user(team, None)
    with pytest.raises(UsageError, match="already exists"):
        add_user(team, "ana")
    check_owner(team, "DESK")
    with pytest.raises(UsageError, match="unknown owner"):
        check_owner(team, "NOBODY")


def test_workflow_writes_versions_and_audit(team: Engine) -> None:
    schedule = Schedule(team)
    report = _report(schedule)
    assert (report.version, report.owner, report.status) == (1, None, "open")
    work = Workflow(team, "ana")
    assert work.assign(report.id, "bob", version=1, now=NOW) == 2
    assert work.set_status(report.id, "in_progress", version=2, now=NOW) == 3
    assert work.override(report.id, dt.date(2014, 6, 1), "late mandate", 3, now=NOW) == 4
    assert work.note(report.id, "draft sent to OLA", now=NOW) == 5
    with pytest.raises(ConflictError, match="you saw version 2, it is now at version 5"):
        Workflow(team, "bob").set_status(report.id, "done", version=2)
    view = schedule.get(report.id)
    assert view is not None
    assert (view.owner, view.status, view.version) == ("bob", "in_progress", 5)
    assert (view.due, view.computed_due, view.override_reason) == (
        dt.date(2014, 6, 1),
        report.due,
        "late mandate",
    )
    changes = [(c.actor, c.field, c.old, c.new) for c in schedule.history(report.id)]
    assert changes == [
        ("ana", "owner", None, "bob"),
        ("ana", "status", "open", "in_progress"),
        ("ana", "due_override", None, "2014-06-01"),
        ("ana", "override_reason", None, "late mandate"),
        ("ana", "note", None, "draft sent to OLA"),
    ]
    assert [n.author for n in schedule.notes(report.id)] == ["ana"]


def test_owner_filters_by_person_and_office(team: Engine) -> None:
    schedule = Schedule(team)
    report = _report(schedule)
    Workflow(team, "ana").assign(report.id, "bob")
    assert [
        v.id for v in schedule.upcoming(Filters(start=dt.date(2000, 1, 1), owners=("bob",)))
    ] == [report.id]
    by_office = schedule.upcoming(Filters(start=dt.date(2000, 1, 1), owners=("DESK",)))
    assert [v.id for v in by_office] == [report.id]
    assert schedule.upcoming(Filters(start=dt.date(2000, 1, 1), owners=("ana",))) == []


def test_reingest_keeps_workflow_and_flags_changed_text(
    team: Engine, tmp_path: Path, toolkit: Toolkit, horizon: Horizon
) -> None:
    schedule = Schedule(team)
    observance = _report(schedule, "5")
    Workflow(team, "ana").assign(observance.id, "DESK")
    Workflow(team, "ana").set_status(observance.id, "in_progress")
    decide(team, observance.mandate_id, "accepted", "ana")
    report = _report(schedule, "18")
    path, original = _copy_of_68_192(tmp_path)
    changed = original.replace("le 30 juillet Journée", "le 31 juillet Journée")
    path.write_text(changed.replace("Prie le Secrétaire général", "Prie  le Secrétaire général"))
    ingest([path], team, toolkit, horizon, NOW + dt.timedelta(days=1))
    again = schedule.get(observance.id)
    assert again is not None
    assert (again.owner, again.status, again.version) == ("DESK", "in_progress", 3)
    assert (again.review_state, again.changed) == ("proposed", True)
    assert schedule.get(observance.id) not in schedule.upcoming(EVERYTHING)
    assert [m.id for m in queue(team)] == [observance.mandate_id]
    fields = [c.field for c in schedule.history(observance.id)]
    assert fields[-2:] == ["text", "review_state"]
    kept = schedule.get(report.id)
    assert kept is not None and (kept.review_state, kept.changed) == ("accepted", False)


def test_review_queue_threshold_accept_reject_edit(
    db_url: str, toolkit: Toolkit, horizon: Horizon, tmp_path: Path
) -> None:
    engine = connect(db_url)
    path, _ = _copy_of_68_192(tmp_path)
    ingest([path], engine, toolkit, horizon, NOW, threshold=0.99)
    schedule = Schedule(engine)
    assert schedule.upcoming(EVERYTHING) == []
    proposed = schedule.upcoming(Filters(**{**EVERYTHING.__dict__, "include_proposed": True}))
    assert len(proposed) == 31
    waiting = queue(engine)
    assert {m.review_state for m in waiting} == {"proposed"}
    first, second, third = waiting[:3]
    decide(engine, first.id, "accepted", "ana")
    decide(engine, second.id, "rejected", "ana")
    edited = edit(engine, third.id, "ana", {"kind": "oral_update"}, _scheduler(toolkit, horizon))
    assert (edited.kind, edited.review_state) == ("oral_update", "edited")
    visible = {v.mandate_id for v in schedule.upcoming(EVERYTHING)}
    assert visible == {first.id, third.id}
    edited_only = Filters(**{**EVERYTHING.__dict__, "kinds": ("oral_update",)})
    assert {v.mandate_id for v in schedule.upcoming(edited_only)} == {third.id}
    assert len(queue(engine)) == len(waiting) - 3
    path.write_text(path.read_text(encoding="utf-8") + "\n")  # same mandates, new sha
    ingest([path], engine, toolkit, horizon, NOW, threshold=0.99)
    states = {m.id: (m.review_state, m.kind) for m in queue(engine, ("accepted", "edited"))}
    assert states == {first.id: ("accepted", first.kind), third.id: ("edited", "oral_update")}
    assert {v.mandate_id for v in schedule.upcoming(edited_only)} == {third.id}
    assert {v.kind for v in schedule.upcoming(EVERYTHING) if v.mandate_id == third.id} == {
        "oral_update"
    }


def _flat(output: str) -> str:
    """Rich wraps messages at the terminal's width."""
    return " ".join(output.split())


def _cli(runner: CliRunner, *args: str, user: str | None = "ana") -> Any:
    env = {"TRACKER_USER": user} if user else {}
    return runner.invoke(app, list(args), env=env)


def test_editing_the_session_dates_the_mandate_again_and_reingest_keeps_it(
    team: Engine, tmp_path: Path, toolkit: Toolkit, horizon: Horizon
) -> None:
    schedule = Schedule(team)
    report, other = _report(schedule, "18"), _report(schedule, "16")
    assert _dates(schedule, report.mandate_id) == [
        (69, dt.date(2014, 9, 16), dt.date(2014, 7, 8), "official")
    ]
    Workflow(team, "ana").set_status(other.id, "in_progress")
    Workflow(team, "ana").assign(report.id, "DESK")
    Workflow(team, "ana").note(report.id, "draft with OLA")
    edit(team, report.mandate_id, "ana", {"session": 70}, _scheduler(toolkit, horizon))
    ((session, date, due, basis),) = _dates(schedule, report.mandate_id)
    # GA 70 opened on 15 September 2015; the report is due weeks before
    assert (session, date, basis) == (70, dt.date(2015, 9, 15), "official") and due < date
    assert _report(schedule, "16").status == "in_progress"  # the others keep their state
    moved = _report(schedule, "18")
    assert moved.id != report.id and moved.owner == "DESK"  # the one deliverable moved
    assert [n.text for n in schedule.notes(moved.id)] == ["draft with OLA"]
    edited = _dates(schedule, report.mandate_id)
    path, original = _copy_of_68_192(tmp_path)
    path.write_text(original + "\n", encoding="utf-8")  # new bytes, same mandates
    ingest([path], team, toolkit, horizon, NOW + dt.timedelta(days=1))
    assert _dates(schedule, report.mandate_id) == edited


def test_editing_the_session_of_a_recurring_review_moves_the_series_and_its_states(
    team: Engine, toolkit: Toolkit, horizon: Horizon, tmp_path: Path
) -> None:
    schedule = Schedule(team)
    review = _report(schedule, "4")  # « tous les quatre ans, à compter de sa 72e session »
    series = schedule.occurrences(review.mandate_id)
    assert [v.session for v in series][:3] == [72, 76, 80]
    Workflow(team, "ana").set_status(series[0].id, "done")
    Workflow(team, "ana").note(series[1].id, "start consultations early")
    edit(team, review.mandate_id, "ana", {"session": 73}, _scheduler(toolkit, horizon))
    moved = schedule.occurrences(review.mandate_id)
    assert [v.session for v in moved][:3] == [73, 77, 81]  # the series starts where edited
    assert moved[0].recurrence == {"every": 4, "unit": "session", "start": 73}
    assert all(v.basis in ("official", "projected") for v in moved)
    assert (moved[0].status, moved[1].status) == ("done", "open")  # the nth keeps its state
    assert [n.text for n in schedule.notes(moved[1].id)] == ["start consultations early"]
    assert schedule.notes(series[1].id) == []
    path, original = _copy_of_68_192(tmp_path)
    path.write_text(original + "\n", encoding="utf-8")  # new bytes, same mandates
    ingest([path], team, toolkit, horizon, NOW + dt.timedelta(days=1))
    again = schedule.occurrences(review.mandate_id)
    assert [replace(v, ingested_at=None) for v in again] == [
        replace(v, ingested_at=None) for v in moved
    ]


def test_a_series_that_now_starts_later_keeps_the_states_of_the_sessions_it_keeps(
    team: Engine, toolkit: Toolkit, horizon: Horizon
) -> None:
    schedule = Schedule(team)
    series = schedule.occurrences(_report(schedule, "4").mandate_id)
    Workflow(team, "ana").set_status(series[0].id, "done")  # session 72
    Workflow(team, "ana").set_status(series[1].id, "in_progress")  # session 76
    edit(team, series[0].mandate_id, "ana", {"session": 76}, _scheduler(toolkit, horizon))
    later = schedule.occurrences(series[0].mandate_id)
    assert [(v.session, v.status) for v in later][:2] == [(76, "in_progress"), (80, "open")]


def test_editing_the_kind_or_actor_keeps_the_dates(
    team: Engine, toolkit: Toolkit, horizon: Horizon
) -> None:
    schedule = Schedule(team)
    report = _report(schedule, "18")
    before = _dates(schedule, report.mandate_id)
    edit(team, report.mandate_id, "ana", {"actor": "UNODC"}, _scheduler(toolkit, horizon))
    assert _dates(schedule, report.mandate_id) == before
    edit(team, report.mandate_id, "ana", {"kind": "meeting"}, _scheduler(toolkit, horizon))
    ((_, date, due, _),) = _dates(schedule, report.mandate_id)
    assert date == before[0][1] and due == date  # no documentation deadline for a meeting


def test_team_commands(runner: CliRunner, db_url: str) -> None:
    db = ["--db", db_url]
    assert _cli(runner, "ingest", *db, str(SEED_004)).exit_code == 0
    assert _cli(runner, "user", "add", "ana", "--office", "DESK", *db).exit_code == 0
    users = _cli(runner, "user", "list", "--json", *db)
    assert json.loads(users.stdout)["office"] == "DESK"
    rows = _cli(runner, "upcoming", *db, "--from", "2013-01-01", "--until", "2035-12-31", "--json")
    report = next(json.loads(line) for line in rows.stdout.splitlines() if '"18"' in line)
    rid = report["id"]
    unknown = _cli(runner, "status", rid, "done", *db, user="zoe")
    assert unknown.exit_code == 2 and "unknown user 'zoe'" in _flat(unknown.output)
    done = _cli(runner, "status", rid, "in_progress", "--version", "1", "--json", *db)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["version"] == 2
    stale = _cli(runner, "assign", rid, "DESK", "--version", "1", *db)
    assert stale.exit_code == 5 and "changed by someone else" in _flat(stale.output)
    assert _cli(runner, "assign", rid, "DESK", "--as", "ana", *db, user=None).exit_code == 0
    bad = _cli(runner, "override", rid, "2014-05-01", *db)
    assert bad.exit_code == 2 and "reason" in _flat(bad.output)
    assert _cli(runner, "override", rid, "2014-05-01", "--reason", "early", *db).exit_code == 0
    assert _cli(runner, "note", rid, "ask OLA", *db).exit_code == 0
    mine = _cli(
        runner,
        "upcoming",
        *db,
        "--from",
        "2013-01-01",
        "--until",
        "2035-12-31",
        "--owner",
        "DESK",
        "--json",
    )
    (row,) = [json.loads(line) for line in mine.stdout.splitlines()]
    assert (row["owner"], row["due"], row["version"]) == ("DESK", "2014-05-01", 5)
    history = _cli(runner, "history", rid, "--json", *db)
    fields = [json.loads(line)["field"] for line in history.stdout.splitlines()]
    assert fields == ["status", "owner", "due_override", "override_reason", "note"]
    assert "ana" in _cli(runner, "history", rid, *db).stdout
    ics = runner.invoke(app, ["ics", *db, "--owner", "DESK"])
    assert ics.exit_code == 0 and ics.stdout.count("BEGIN:VEVENT") >= 1
    assert runner.invoke(app, ["ics", *db, "--owner", "NOBODY"]).stdout.count("BEGIN:VEVENT") == 0


def test_review_commands(runner: CliRunner, sqlite_url: str) -> None:
    db = ["--db", sqlite_url]
    env = {"TRACKER_REVIEW_THRESHOLD": "0.99", "TRACKER_USER": "ana"}
    assert runner.invoke(app, ["ingest", *db, str(SEED_004)], env=env).exit_code == 0
    assert runner.invoke(app, ["user", "add", "ana", *db]).exit_code == 0
    listed = runner.invoke(app, ["review", "--json", *db])
    waiting = [json.loads(line) for line in listed.stdout.splitlines()]
    assert waiting and {m["review_state"] for m in waiting} == {"proposed"}
    period = ["--from", "2013-01-01", "--until", "2035-12-31", "--json"]
    assert runner.invoke(app, ["upcoming", *db, *period]).stdout == ""
    assert runner.invoke(app, ["upcoming", *db, *period, "--proposed"]).stdout != ""
    mid = waiting[0]["id"]
    assert runner.invoke(app, ["review", "accept", mid, *db], env=env).exit_code == 0
    edited = runner.invoke(
        app, ["review", "edit", waiting[1]["id"], "--kind", "report", "--json", *db], env=env
    )
    assert edited.exit_code == 0 and json.loads(edited.stdout)["review_state"] == "edited"
    assert runner.invoke(app, ["review", "reject", waiting[2]["id"], *db], env=env).exit_code == 0
    shown = {json.loads(line)["mandate_id"] for line in runner.invoke(
        app, ["upcoming", *db, *period]).stdout.splitlines()}  # fmt: skip
    assert shown == {mid, waiting[1]["id"]}
    left = runner.invoke(app, ["review", "--json", *db]).stdout.splitlines()
    assert len(left) == len(waiting) - 3
    report = next(m for m in waiting if m["paragraph"] == "18")
    moved = runner.invoke(app, ["review", "edit", report["id"], "--session", "70", *db], env=env)
    assert moved.exit_code == 0, moved.output
    rows = [
        json.loads(line)
        for line in runner.invoke(app, ["upcoming", *db, *period]).stdout.splitlines()
    ]
    assert {(r["session"], r["date"]) for r in rows if r["mandate_id"] == report["id"]} == {
        (70, "2015-09-15")
    }


def _export(runner: CliRunner, url: str) -> str:
    result = runner.invoke(app, ["export", "--db", url])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_export_import_round_trip_between_engines(
    runner: CliRunner, sqlite_url: str, postgres_url: str, tmp_path: Path
) -> None:
    db = ["--db", sqlite_url]
    env = {"TRACKER_USER": "ana"}
    assert runner.invoke(app, ["ingest", *db, str(SAMPLES)]).exit_code == 0
    assert runner.invoke(app, ["user", "add", "ana", "--office", "DESK", *db]).exit_code == 0
    rows = runner.invoke(app, ["upcoming", *db, "--from", "2013-01-01", "--json"]).stdout
    rid = json.loads(rows.splitlines()[0])["id"]
    for args in (["assign", rid, "ana"], ["note", rid, "été « ok »"], ["status", rid, "done"]):
        assert runner.invoke(app, [*args, *db], env=env).exit_code == 0
    runner.invoke(app, ["digest", "subscribe", "ana@example.org", "--owner", "DESK", *db])
    first = _export(runner, sqlite_url)
    out = tmp_path / "export.json"
    out.write_text(first, encoding="utf-8")
    assert runner.invoke(app, ["import", str(out), "--db", postgres_url]).exit_code == 0
    assert _export(runner, postgres_url) == first
    again = runner.invoke(app, ["import", str(out), "--db", postgres_url])
    assert again.exit_code == 2 and "not empty" in _flat(again.output)
    back = f"sqlite:///{tmp_path / 'back.sqlite'}"
    (tmp_path / "pg.json").write_text(_export(runner, postgres_url), encoding="utf-8")
    assert runner.invoke(app, ["import", str(tmp_path / "pg.json"), "--db", back]).exit_code == 0
    assert _export(runner, back) == first
    # new rows after an import get fresh ids (PostgreSQL's sequences follow the imported ids)
    assert (
        runner.invoke(app, ["note", rid, "after import", "--db", postgres_url], env=env).exit_code
        == 0
    )


def test_two_processes_never_lose_an_update(runner: CliRunner, postgres_url: str) -> None:
    db = ["--db", postgres_url]
    assert runner.invoke(app, ["ingest", *db, str(SEED_004)]).exit_code == 0
    for name in ("ana", "bob"):
        assert runner.invoke(app, ["user", "add", name, *db]).exit_code == 0
    rows = runner.invoke(app, ["upcoming", *db, "--from", "2013-01-01", "--json"]).stdout
    rid = json.loads(rows.splitlines()[0])["id"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tracker", "status", rid, status, "--version", "1",
             "--as", who, *db],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for who, status in (("ana", "done"), ("bob", "cancelled"))
    ]  # fmt: skip
    results = [(w.wait(timeout=60), w.stderr.read() if w.stderr else "") for w in writers]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 5], results
    loser = next(message for code, message in results if code == 5)
    assert "changed by someone else" in loser
    view = Schedule(connect(postgres_url)).get(rid)
    assert view is not None and view.version == 2
    history = Schedule(connect(postgres_url)).history(rid)
    assert len(history) == 1 and history[0].new == view.status


def test_digests_and_feeds_filter_by_owner(team: Engine) -> None:
    from tracker.digests.store import Subscription
    from tracker.feeds.export import FeedSpec

    schedule = Schedule(team)
    report = _report(schedule)
    Workflow(team, "ana").assign(report.id, "bob")
    mine = Subscription(email="ana@example.org", owner="DESK")
    period = mine.filters(dt.date(2000, 1, 1), dt.date(2040, 1, 1))
    assert [v.id for v in schedule.upcoming(period)] == [report.id]
    spec = FeedSpec(owners=("bob",))
    assert FeedSpec.from_json(spec.as_json()) == spec
    assert "owners" not in FeedSpec().as_json()
    assert [v.id for v in schedule.feed_views(spec.filters()) if v.date] == [report.id]


def test_review_decisions_change_the_feeds_fingerprint(
    db_url: str, toolkit: Toolkit, horizon: Horizon, tmp_path: Path
) -> None:
    engine = connect(db_url)
    path, _ = _copy_of_68_192(tmp_path)
    ingest([path], engine, toolkit, horizon, NOW, threshold=0.99)
    schedule = Schedule(engine)
    before = schedule.data_version()
    decide(engine, queue(engine)[0].id, "accepted", "ana", now=NOW + dt.timedelta(hours=1))
    assert schedule.data_version() != before


def test_tui_detail_shows_owner_and_history(team: Engine) -> None:
    from rich.console import Console

    from tracker.tui.detail import render_detail

    schedule = Schedule(team)
    report = _report(schedule)
    console = Console(width=120, record=True)
    console.print(render_detail(schedule, report, dt.date(2026, 11, 22)))
    assert "History" not in console.export_text()
    Workflow(team, "ana").assign(report.id, "bob", now=NOW)
    view = schedule.get(report.id)
    console = Console(width=120, record=True)
    console.print(render_detail(schedule, view, dt.date(2026, 11, 22)))  # type: ignore[arg-type]
    text = console.export_text()
    assert "owner bob" in text and "History" in text and "ana  owner: — → bob" in text


def test_tui_search_box_filters_by_owner() -> None:
    from tracker.tui.filters import parse_query

    query = parse_query("report owner:DESK,ana", dt.date(2026, 11, 22))
    assert query.filters.owners == ("DESK", "ana") and query.filters.text == "report"
