"""The command line: output contracts, exit codes and error messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import ROOT, SAMPLES
from tracker.cli import app

EXTRACT_FIELDS = {
    "source",
    "symbol",
    "lang",
    "adopting_body",
    "paragraph",
    "verb",
    "actor",
    "kind",
    "target_body",
    "session",
    "year",
    "date",
    "recurrence",
    "quote",
    "rule",
}
UPCOMING_FIELDS = EXTRACT_FIELDS | {"id", "end", "due", "basis", "status"}


def test_extract_json_contract(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(SAMPLES / "004_e83cbdb27c7fb379.txt"), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["paragraph"] for r in rows] == ["4", "5", "14", "16", "18"]
    for row in rows:
        assert EXTRACT_FIELDS <= set(row)
        assert row["confidence"] > 0 and row["reason"]
    review = rows[0]
    assert (review["session"], review["recurrence"], review["rule"]) == (
        72,
        {"every": 4, "unit": "session", "start": 72},
        "fr.when.start_session",
    )
    assert not list(tmp_path.iterdir())


def test_upcoming_json_contract_and_filters(runner: CliRunner, db_url: str) -> None:
    assert runner.invoke(app, ["ingest", "--db", db_url, str(SAMPLES)]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "upcoming",
            "--db",
            db_url,
            "--json",
            "--from",
            "2014-01-01",
            "--until",
            "2014-12-31",
            "--kind",
            "report",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["paragraph"], r["date"], r["due"]) for r in rows] == [
        ("14", None, None),
        ("18", "2014-09-16", "2014-07-08"),
    ]
    assert all(UPCOMING_FIELDS <= set(r) for r in rows)


def test_upcoming_defaults_to_the_next_twelve_months(runner: CliRunner, db_url: str) -> None:
    runner.invoke(app, ["ingest", "--db", db_url, str(SAMPLES)])
    rows = [
        json.loads(x)
        for x in runner.invoke(app, ["upcoming", "--db", db_url, "--json"]).stdout.splitlines()
    ]
    assert [r["date"] for r in rows] == ["2027-07-30"]


def test_upcoming_text_output(runner: CliRunner, db_url: str) -> None:
    runner.invoke(app, ["ingest", "--db", db_url, str(SAMPLES)])
    result = runner.invoke(
        app, ["upcoming", "--db", db_url, "--from", "2016-01-01", "--until", "2016-12-31"]
    )
    assert result.exit_code == 0
    assert "2016-09-13" in result.stdout and "official" in result.stdout


def test_ingest_reports_failures_with_exit_code_1(
    runner: CliRunner, db_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    result = runner.invoke(
        app,
        [
            "ingest",
            "--db",
            db_url,
            "--json",
            str(bad),
            str(SAMPLES / "000_dd84b8df17fb3417.txt"),
        ],
    )
    assert result.exit_code == 1
    outcomes = {Path(o["path"]).name: o for o in map(json.loads, result.stdout.splitlines())}
    assert outcomes["broken.pdf"]["status"] == "failed" and "PDF" in outcomes["broken.pdf"]["error"]
    assert outcomes["000_dd84b8df17fb3417.txt"]["status"] == "stored"
    assert "broken.pdf" in result.stderr


def test_bad_date_is_a_usage_error(runner: CliRunner, db_url: str) -> None:
    result = runner.invoke(app, ["upcoming", "--db", db_url, "--from", "2026-13-01"])
    assert result.exit_code == 2
    assert "--from" in result.stderr and "not a date" in result.stderr


def test_invalid_rules_exit_with_data_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: object
) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "fr" / "verbs.yaml").write_text(
        "verbs:\n  - id: broken\n    pattern: '(unclosed'\n", encoding="utf-8"
    )
    env = {"TRACKER_RULES_DIR": str(rules), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "extract", str(SAMPLES / "000_dd84b8df17fb3417.txt")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 3
    assert "verbs.yaml" in done.stderr or "rules/fr" in done.stderr
    assert "bad pattern" in done.stderr


def test_session_command_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["session", "HRC", "47", "--json"])
    assert result.exit_code == 0, result.output
    window = json.loads(result.stdout)
    assert {k: window[k] for k in ("body", "session", "start", "end", "basis")} == {
        "body": "HRC",
        "session": 47,
        "start": "2021-06-21",
        "end": "2021-07-14",
        "basis": "official",
    }
    assert window["source"]
    projected = json.loads(runner.invoke(app, ["session", "ga", "84", "--json"]).stdout)
    assert (projected["start"], projected["basis"]) == ("2029-09-11", "projected")


def test_every_verified_ga_row_through_the_command(runner: CliRunner) -> None:
    import csv

    with (ROOT / "rules" / "sessions" / "ga.csv").open(encoding="utf-8") as handle:
        verified = [r for r in csv.DictReader(handle) if r["open_verified"] == "yes"]
    for row in verified:
        window = json.loads(runner.invoke(app, ["session", "GA", row["session"], "--json"]).stdout)
        assert (window["start"], window["basis"]) == (row["open_date"], "official")


def test_sessions_command_lists_a_span(runner: CliRunner) -> None:
    result = runner.invoke(app, ["sessions", "GA", "--from", "2027", "--until", "2035", "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["session"] for r in rows] == list(range(82, 91))
    assert {r["basis"] for r in rows} == {"projected"}
    hrc = runner.invoke(app, ["sessions", "HRC", "--from", "2027", "--until", "2027", "--json"])
    assert [json.loads(line)["session"] for line in hrc.stdout.splitlines()] == [64, 65, 66]


def test_unknown_body_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["session", "XYZ", "3"])
    assert result.exit_code == 2 and "no session calendar for 'XYZ'" in result.stderr


def test_unicef_board_sessions_by_year_and_type(runner: CliRunner) -> None:
    result = runner.invoke(app, ["session", "UNICEF-EB", "2023", "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["part"], r["start"], r["basis"]) for r in rows] == [
        ("first_regular", "2023-02-07", "official"),
        ("annual", "2023-06-13", "official"),
        ("second_regular", "2023-09-05", "official"),
    ]
    future = [
        json.loads(x)
        for x in runner.invoke(app, ["session", "UNICEF-EB", "2028", "--json"]).stdout.splitlines()
    ]
    assert [(r["start"], r["earliest"], r["basis"]) for r in future][1] == (
        None,
        "2028-06-01",
        "projected",
    )
