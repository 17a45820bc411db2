"""Reliability (issue 10): bad input files, crash safety, read-only and full databases, doctor.

Decisions documented here:

- a text that is not a resolution (or a resolution without an operative part) is stored with
  0 mandates, not refused: the outcome table shows "0 mandates" and ``upcoming`` is unaffected;
- the same bytes under two names are stored once when the document has a symbol (its key is
  ``symbol@lang``: the second name is reported "unchanged"); a document without a symbol, keyed
  by its file name, is found by its bytes and the second name is reported "duplicate".
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT, SAMPLES, TODAY
from tracker.cli import app
from tracker.doctor import diagnose, exit_code, report

BAD = Path(__file__).parent / "data" / "bad"

# file name -> the reason it is refused (None: it is stored)
REFUSED = {
    "empty.txt": "file is empty",
    "binary_junk.txt": "not a text file (binary content)",
    "pdf_truncated.pdf": "PDF is damaged",
    "pdf_encrypted.pdf": "PDF is encrypted",
    "docx_corrupt.docx": "not a valid DOCX file",
    "docx_zip_bomb.docx": "DOCX expands",
}
# file name -> mandates found
STORED = {
    "encoding_cp1252.txt": 2,
    "encoding_latin1.txt": 2,
    "encoding_utf16le_no_bom.txt": 2,
    "good_resolution.txt": 2,
    "html_with_scripts.html": 1,
    "not_a_resolution.txt": 0,
    "no_operative_part.txt": 0,
}


def ingest(
    runner: CliRunner, url: str, *paths: Path | str
) -> tuple[Any, dict[str, dict[str, Any]]]:
    result = runner.invoke(app, ["ingest", "--db", url, "--json", *map(str, paths)])
    outcomes = {Path(o["path"]).name: o for o in map(json.loads, result.stdout.splitlines())}
    assert "Traceback" not in result.stderr
    return result, outcomes


def documents(url: str) -> set[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return {Path(row[0]).name for row in db.execute("SELECT source FROM document")}


# --- 1. bad input ------------------------------------------------------------------------------


def test_an_error_line_is_never_cut_however_long_the_path(
    runner: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    # a message is one line, to grep in a log: the console must not wrap it at its width
    folder = tmp_path / ("a-folder-with-a-long-name-" * 4) / "inbox"
    folder.mkdir(parents=True)
    junk = folder / "binary_junk.txt"
    shutil.copy(BAD / "binary_junk.txt", junk)
    result, _ = ingest(runner, sqlite_url, folder)
    assert f"error: {junk}: not a text file (binary content)\n" in result.stderr


def test_every_bad_file_is_named_with_its_reason_and_the_others_are_stored(
    runner: CliRunner, sqlite_url: str
) -> None:
    assert {p.name for p in BAD.iterdir()} == set(REFUSED) | set(STORED)
    result, outcomes = ingest(runner, sqlite_url, BAD)
    assert result.exit_code == 1
    for name, reason in REFUSED.items():
        assert outcomes[name]["status"] == "failed", name
        assert outcomes[name]["error"].startswith(reason), (name, outcomes[name]["error"])
        assert f"{name}: {reason}" in result.stderr.replace("\n", "")
    for name, mandates in STORED.items():
        assert (outcomes[name]["status"], outcomes[name]["mandates"]) == ("stored", mandates), name
    assert documents(sqlite_url) == set(STORED)


def test_html_scripts_are_not_read_as_text(runner: CliRunner, sqlite_url: str) -> None:
    result = runner.invoke(app, ["extract", "--json", str(BAD / "html_with_scripts.html")])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["paragraph"], r["session"]) for r in rows] == [("1", 70)]  # not the script's 80
    assert "alert" not in result.stdout and "2099" not in result.stdout


def test_a_100_mb_file_is_refused_without_being_read(
    runner: CliRunner, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    line = "1. Prie le Secrétaire général de lui présenter un rapport.\n".encode() * 20_000
    with big.open("wb") as handle:
        while handle.tell() < 100_000_000:
            handle.write(line)
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    started = time.perf_counter()
    result, outcomes = ingest(runner, sqlite_url, big, BAD / "good_resolution.txt")
    assert time.perf_counter() - started < 5
    assert outcomes["big.txt"]["error"].endswith("over the 50000000 byte limit")
    assert "big.txt" not in opened  # refused on its size, not after reading 50 MB of it
    assert outcomes["good_resolution.txt"]["status"] == "stored"
    assert documents(sqlite_url) == {"good_resolution.txt"}


def test_limits_are_settings(
    runner: CliRunner, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_MAX_FILE_BYTES", "400")
    result, outcomes = ingest(
        runner, sqlite_url, BAD / "good_resolution.txt", BAD / "not_a_resolution.txt"
    )
    assert outcomes["good_resolution.txt"]["error"] == "file is 506 bytes, over the 400 byte limit"
    assert outcomes["not_a_resolution.txt"]["status"] == "stored"
    monkeypatch.setenv("TRACKER_MAX_FILE_BYTES", "lots")
    result = runner.invoke(app, ["ingest", "--db", sqlite_url, str(BAD / "good_resolution.txt")])
    assert result.exit_code == 2
    assert "TRACKER_MAX_FILE_BYTES" in result.stderr and "Traceback" not in result.stderr


def test_same_bytes_under_two_names_with_a_symbol_are_stored_once(
    runner: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    for name in ("a.txt", "b.txt"):
        shutil.copy(SAMPLES / "000_dd84b8df17fb3417.txt", tmp_path / name)
    result, outcomes = ingest(runner, sqlite_url, tmp_path / "a.txt", tmp_path / "b.txt")
    assert result.exit_code == 0
    assert [outcomes[n]["status"] for n in ("a.txt", "b.txt")] == ["stored", "unchanged"]
    assert documents(sqlite_url) == {"a.txt"}


def test_same_bytes_under_two_names_without_a_symbol_are_stored_once(
    runner: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    for name in ("a.txt", "b.txt"):
        shutil.copy(BAD / "good_resolution.txt", tmp_path / name)
    ingest(runner, sqlite_url, tmp_path)
    assert len(documents(sqlite_url)) == 1


def test_symlink_loops_end_and_each_file_is_stored_once(
    runner: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    top = tmp_path / "top"
    (top / "sub").mkdir(parents=True)
    shutil.copy(BAD / "good_resolution.txt", top / "sub" / "r.txt")
    shutil.copy(BAD / "not_a_resolution.txt", top / "n.txt")
    (top / "sub" / "up").symlink_to(top)
    (top / "self").symlink_to(top / "self")  # a link to itself: an error, not a hang
    (top / "sub" / "again.txt").symlink_to(top / "sub" / "r.txt")
    result, outcomes = ingest(runner, sqlite_url, top)
    # r.txt is reached as itself and through again.txt: stored once, under the first name
    assert {n: o["status"] for n, o in outcomes.items()} == {
        "again.txt": "stored",
        "n.txt": "stored",
    }
    assert documents(sqlite_url) == {"n.txt", "again.txt"}


# --- 3. crash safety, read-only and full databases ----------------------------------------------


def tracker_process(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def snapshot(url: str) -> dict[str, tuple[Any, ...]]:
    """Per document: its paragraphs, mandates and deliverables (what does not depend on time)."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        docs: dict[str, tuple[Any, ...]] = {}
        for (key,) in db.execute("SELECT id FROM document"):
            paragraphs = db.execute(
                "SELECT number, text FROM paragraph WHERE document_id = ? ORDER BY id", (key,)
            ).fetchall()
            mandates = db.execute(
                "SELECT id, quote FROM mandate WHERE document_id = ? ORDER BY id", (key,)
            ).fetchall()
            deliverables = db.execute(
                "SELECT d.id, d.date, d.due, d.basis FROM deliverable d JOIN mandate m"
                " ON m.id = d.mandate_id WHERE m.document_id = ? ORDER BY d.id",
                (key,),
            ).fetchall()
            docs[key] = (tuple(paragraphs), tuple(mandates), tuple(deliverables))
        orphans = (
            db.execute(
                "SELECT count(*) FROM mandate WHERE document_id NOT IN (SELECT id FROM document)"
            ).fetchone()[0]
            + db.execute(
                "SELECT count(*) FROM deliverable WHERE mandate_id NOT IN (SELECT id FROM mandate)"
            ).fetchone()[0]
        )
    assert orphans == 0
    return docs


COPIES = 200


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 copies of the five seeds under other names, each with different bytes (enough for
    an ingest to last a few seconds, with its analysis processes)."""
    folder = tmp_path_factory.mktemp("copies")
    seeds = sorted(SAMPLES.glob("*.txt"))
    for i in range(COPIES):
        seed = seeds[i % len(seeds)]
        (folder / f"{i:02d}_{seed.name}").write_bytes(seed.read_bytes() + b"\n" * (i + 1))
    return folder


@pytest.fixture(scope="module")
def clean(copies: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, ...]]:
    """What an uninterrupted ingest of the copies stores."""
    url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:  # the same today as the killed runs
        patch.setenv("TRACKER_TODAY", TODAY.isoformat())
        result = CliRunner().invoke(app, ["ingest", "--db", url, str(copies)])
    assert result.exit_code == 0, result.stderr
    stored = snapshot(url)
    # every copy of the three seeds without a symbol, one document per symbol
    assert len(stored) == COPIES // 5 * 3 + 2
    return stored


def stored_count(database: Path) -> int:
    """How many documents an ingest running in another process has committed so far."""
    if not database.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(database, timeout=0.1)) as db:
            return int(db.execute("SELECT count(*) FROM document").fetchone()[0])
    except sqlite3.Error:  # the tables are not there yet
        return 0


def kill_after_progress(
    process: subprocess.Popen[str], database: Path, before: int, rng: random.Random
) -> bool:
    """Kill ``process`` a random moment after it has stored a document more than ``before``
    (waiting on progress, not on a clock: how long an ingest lasts depends on the machine);
    False if it ended first."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if stored_count(database) > before:
            break
        time.sleep(0.02)
    time.sleep(rng.uniform(0, 0.3))
    if process.poll() is not None:
        return False
    process.kill()
    return True


def test_killed_ingest_leaves_whole_documents_and_a_rerun_completes(
    copies: Path, clean: dict[str, tuple[Any, ...]], tmp_path: Path
) -> None:
    database = tmp_path / "killed.sqlite"
    url = f"sqlite:///{database}"
    rng = random.Random(10)
    kills = 0
    for _ in range(4):
        before = stored_count(database)
        process = tracker_process("ingest", "--db", url, str(copies))
        kills += kill_after_progress(process, database, before, rng)
        process.communicate()
        if database.exists():
            partial = snapshot(url)  # opening rolls back an interrupted transaction
            for key, rows in partial.items():
                assert rows == clean[key], f"{key} is stored half"
    assert kills >= 2
    process = tracker_process("ingest", "--db", url, str(copies))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert snapshot(url) == clean


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@contextlib.contextmanager
def read_only_view(source: Path, target: Path) -> Iterator[Path]:
    """``source`` mounted read-only at ``target`` (a bind mount: even root cannot write)."""
    target.mkdir()
    done = subprocess.run(["mount", "--bind", str(source), str(target)], check=False)
    if done.returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], check=True)
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_read_only_database_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "rw").mkdir()
    url = f"sqlite:///{tmp_path / 'rw' / 'tracker.sqlite'}"
    result = runner.invoke(app, ["ingest", "--db", url, str(BAD / "good_resolution.txt")])
    assert result.exit_code == 0
    with read_only_view(tmp_path / "rw", tmp_path / "ro") as folder:
        url = f"sqlite:///{folder / 'tracker.sqlite'}"
        process = tracker_process("ingest", "--db", url, str(BAD / "not_a_resolution.txt"))
        _, stderr = process.communicate(timeout=60)
        assert process.returncode in (1, 4)
        assert "not_a_resolution.txt" in stderr or "tracker.sqlite" in stderr
        assert "readonly" in stderr or "read-only" in stderr, stderr
        assert "Traceback" not in stderr
        new = f"sqlite:///{folder / 'new' / 'tracker.sqlite'}"  # in a read-only directory
        process = tracker_process("ingest", "--db", new, str(BAD / "good_resolution.txt"))
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 4, stderr
        assert "cannot open the database" in stderr and "Traceback" not in stderr, stderr


def test_a_full_disk_is_a_clear_error_and_leaves_whole_documents(
    copies: Path, clean: dict[str, tuple[Any, ...]], tmp_path: Path
) -> None:
    from tracker.store import connect

    empty = tmp_path / "empty.sqlite"  # room for the schema and some of the data
    connect(f"sqlite:///{empty}").dispose()
    # room for the schema, the write-ahead log index (32 KiB) and a few documents
    room = (empty.stat().st_size + 400_000) // 4096 * 4096
    with tmpfs(tmp_path / "full", str(room)) as folder:
        url = f"sqlite:///{folder / 'tracker.sqlite'}"
        process = tracker_process("ingest", "--db", url, str(copies))
        _, stderr = process.communicate(timeout=60)
        assert process.returncode in (1, 4), stderr
        assert "full" in stderr, stderr
        assert "Traceback" not in stderr
        partial = snapshot(url)
    assert 0 < len(partial) < len(clean)
    for key, rows in partial.items():
        assert rows == clean[key], f"{key} is stored half"


# --- 7. tracker doctor -------------------------------------------------------------------------


def test_doctor_on_a_good_set_up(sqlite_url: str) -> None:
    checks = diagnose(sqlite_url)
    assert exit_code(checks) == 0, report(checks)
    assert {c.area for c in checks} == {"settings", "database", "rules", "calendars"}
    text = report(checks)
    assert "rule examples give their output" in text and "GA:" in text
    assert "lifecycle rule examples give their links" in text
    assert text.endswith("0 error(s), 1 warning(s)\n")  # TRACKER_TODAY is frozen by the tests


def test_doctor_names_a_bad_yaml_in_the_rules(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "fr" / "kinds.yaml").write_text("kinds: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_RULES_DIR", str(rules))
    checks = diagnose(sqlite_url)
    assert exit_code(checks) == 3
    errors = [c for c in checks if c.level == "error"]
    assert [c.area for c in errors] == ["rules"]
    assert "kinds.yaml" in errors[0].message and "YAML" in errors[0].message
    assert all(c.level != "error" for c in checks if c.area == "calendars")


def test_doctor_reports_a_failing_rule_example_bad_settings_and_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    verbs = rules / "en" / "verbs.yaml"
    verbs.write_text(verbs.read_text(encoding="utf-8").replace("requests", "reqqqq"), "utf-8")
    monkeypatch.setenv("TRACKER_SMTP_PORT", "twenty-five")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from tracker.digests.settings import DigestSettings

    checks = diagnose(f"sqlite:///{blocker}/sub/tracker.sqlite", rules, [DigestSettings])
    levels = {c.area: c.level for c in checks if c.level == "error"}
    assert levels == {"settings": "error", "database": "error", "rules": "error"}, report(checks)
    text = report(checks)
    assert "TRACKER_SMTP_PORT" in text and "cannot open the database" in text
    assert "rule examples fail: en en.verb.request" in text
    assert exit_code(checks) == 2


def test_doctor_names_a_broken_session_table(tmp_path: Path, sqlite_url: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "sessions" / "ga.csv").write_text("nonsense,columns\n1,2\n", encoding="utf-8")
    checks = diagnose(sqlite_url, rules)
    failing = {c.area: c.message for c in checks if c.level == "error"}
    assert set(failing) == {"rules", "calendars"}  # the rules need the calendars too
    assert "ga.csv" in failing["calendars"]
    assert exit_code(checks) == 3


# --- 5. injection: CR/LF, escape sequences and markup in titles and paragraphs -----------------

EVIL = "\r\nX-INJECTED: 1 \x1b[31mRED\x1b]0;pwned\x07 <script>alert(1)</script> [bold]b[/]\r\n"


@pytest.fixture
def evil_engine(sqlite_url: str) -> Any:
    """Sample 000 with EVIL in its title and in paragraph 6 (the one with a mandate)."""
    import datetime as dt

    from tracker.analyse import analyse, load_toolkit
    from tracker.model import SourceText
    from tracker.schedule import Horizon
    from tracker.store import connect, store_analysis

    text = (SAMPLES / "000_dd84b8df17fb3417.txt").read_text(encoding="utf-8")
    text = text.replace("Renforcement de la", f"Renforcement{EVIL}de la", 1)
    text = text.replace("un rapport de suivi", f"un rapport{EVIL}de suivi", 1)
    source = SourceText(path="evil.txt", text=text, format="txt", sha256="e" * 64)
    analysis = analyse(source, load_toolkit(), Horizon(dt.date(2016, 1, 1)))
    assert "X-INJECTED" in (analysis.document.meta.title or "")
    assert any("X-INJECTED" in p.text for p in analysis.document.operative)
    engine = connect(sqlite_url)
    store_analysis(engine, analysis, dt.datetime(2016, 1, 1, tzinfo=dt.UTC))
    return engine


def test_injection_cannot_break_an_ics_line(evil_engine: Any) -> None:
    import icalendar

    from tracker.feeds.export import FeedSpec, build_feed
    from tracker.query import Schedule

    body = build_feed(Schedule(evil_engine), FeedSpec()).body
    assert b"\x1b" not in body and b"\x07" not in body
    lines = body.split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    assert not any(line.startswith(b"X-INJECTED") for line in lines)
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert events and all("X-INJECTED" not in event for event in events)
    assert any("X-INJECTED: 1" in str(event.get("DESCRIPTION", "")) for event in events)


def test_injection_cannot_break_an_email_header_and_html_is_escaped(evil_engine: Any) -> None:
    import datetime as dt
    import email
    import email.policy

    from tracker.digests import store
    from tracker.digests.service import DigestService
    from tracker.digests.settings import DigestSettings
    from tracker.digests.store import Subscription

    created = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    store.subscribe(evil_engine, Subscription(email="ana@example.org", lang="en"), created)
    settings = DigestSettings(mail_from="Tracker <t@example.org>", smtp_host="127.0.0.1")
    service = DigestService(evil_engine, settings, now=lambda: created)
    subscription = store.subscriptions(evil_engine)[0]
    raw = service.compose(subscription, dt.date(2016, 6, 27)).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["X-INJECTED"] is None
    assert all("\n" not in str(value) and "\r" not in str(value) for value in parsed.values())
    plain = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert plain is not None and html is not None
    text, markup = plain.get_content(), html.get_content()
    assert "X-INJECTED: 1" in text  # the item is there, as text
    assert "\x1b" not in text + markup and "\x07" not in text + markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup


def test_injection_cannot_reach_the_terminal(evil_engine: Any) -> None:
    import datetime as dt
    import io

    from rich.console import Console

    from tracker.query import Filters, Schedule
    from tracker.tui.detail import render_detail
    from tracker.tui.format import short_title

    schedule = Schedule(evil_engine)
    view = next(v for v in schedule.upcoming(Filters()) if "X-INJECTED" in (v.title or ""))
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system=None, width=200)
    console.print(render_detail(schedule, view, dt.date(2016, 1, 1)))
    shown = out.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown
    assert "[bold]b[/]" in shown  # markup in a title is shown, not interpreted
    assert "RED" in shown and "X-INJECTED: 1" in shown
    assert "\x1b" not in short_title(view) and "\x07" not in short_title(view)


# --- 6. digest delivery faults: SMTP down, slow, one recipient refused ---------------------------


class Faulty:
    """An aiosmtpd handler: slow greetings, a slow DATA, recipients it refuses."""

    def __init__(self, slow_ehlo: int = 0, ehlo_delay: float = 0.0, data_delay: float = 0.0):
        self.slow_ehlo = slow_ehlo
        self.ehlo_delay = ehlo_delay
        self.data_delay = data_delay
        self.refused: set[str] = set()
        self.received: list[str] = []
        self.ehlos = 0

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        import asyncio

        self.ehlos += 1
        session.host_name = hostname
        if self.slow_ehlo > 0:
            self.slow_ehlo -= 1
            await asyncio.sleep(self.ehlo_delay)
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        await asyncio.sleep(self.data_delay)
        self.received.extend(envelope.rcpt_tos)
        return "250 2.0.0 Accepted"


@pytest.fixture
def digest_engine(tmp_path: Path, toolkit: Any) -> Iterator[Any]:
    from tests.test_digests import INGESTED
    from tracker.pipeline import ingest
    from tracker.schedule import Horizon
    from tracker.store import connect

    engine = connect(f"sqlite:///{tmp_path / 'digests.sqlite'}")
    ingest([SAMPLES], engine, toolkit, Horizon(INGESTED.date()), INGESTED)
    yield engine
    engine.dispose()


def smtp_server(handler: Faulty, port: int) -> Any:
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def mailer_for(port: int, waits: list[float], timeout: float = 5.0) -> Any:
    from tracker.digests.mailer import Mailer, SmtpConfig

    return Mailer(SmtpConfig("127.0.0.1", port, timeout=timeout), 3, 1.0, waits.append)


def test_smtp_down_is_retried_reported_and_sent_once_when_back(
    digest_engine: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.test_digests import WEEK, free_port, service_for, subscribe_two
    from tracker.digests import store

    port = free_port()  # nothing listens there yet
    subscribe_two(digest_engine)
    waits: list[float] = []
    service = service_for(digest_engine, port)
    service.mailer = mailer_for(port, waits)
    down = service.deliver_week(WEEK)
    assert [o.status for o in down] == ["failed", "failed"]
    assert all("ConnectionRefusedError" in (o.error or "") for o in down)
    assert waits == [1.0, 2.0, 1.0, 2.0]  # three attempts each, with backoff
    assert "failed (attempt 3 of 3)" in caplog.text
    assert [r.status for r in store.send_log(digest_engine, WEEK)] == ["failed", "failed"]
    handler = Faulty()
    controller = smtp_server(handler, port)
    try:
        assert [o.status for o in service.deliver_week(WEEK)] == ["sent", "sent"]
        assert [o.status for o in service.deliver_week(WEEK)] == ["skipped", "skipped"]
    finally:
        controller.stop()
    assert sorted(handler.received) == ["ana@example.org", "bob@example.org"]


def test_a_slow_server_is_waited_for_or_retried_and_each_digest_arrives_once(
    digest_engine: Any,
) -> None:
    from tests.test_digests import WEEK, free_port, service_for, subscribe_two

    port = free_port()
    handler = Faulty(slow_ehlo=1, ehlo_delay=1.5, data_delay=0.3)
    controller = smtp_server(handler, port)
    try:
        subscribe_two(digest_engine)
        waits: list[float] = []
        service = service_for(digest_engine, port)
        service.mailer = mailer_for(port, waits, timeout=0.8)
        outcomes = service.deliver_week(WEEK)
        assert [o.status for o in outcomes] == ["sent", "sent"]
        assert waits == [1.0]  # the first greeting timed out once; slow DATA was waited for
        assert [o.status for o in service.deliver_week(WEEK)] == ["skipped", "skipped"]
    finally:
        controller.stop()
    assert sorted(handler.received) == ["ana@example.org", "bob@example.org"]


def test_one_refused_recipient_is_reported_and_the_others_are_sent_once(
    digest_engine: Any,
) -> None:
    from tests.test_digests import WEEK, free_port, service_for, subscribe_two
    from tracker.digests import store

    port = free_port()
    handler = Faulty()
    handler.refused.add("bob@example.org")
    controller = smtp_server(handler, port)
    try:
        subscribe_two(digest_engine)
        waits: list[float] = []
        service = service_for(digest_engine, port)
        service.mailer = mailer_for(port, waits)
        outcomes = {o.email: o for o in service.deliver_week(WEEK)}
        assert outcomes["ana@example.org"].status == "sent"
        assert outcomes["bob@example.org"].status == "failed"
        assert "550" in (outcomes["bob@example.org"].error or "")
        assert waits == []  # a permanent refusal is not retried
        again = {o.email: o.status for o in service.deliver_week(WEEK)}
        assert again["ana@example.org"] == "skipped"
        log = {r.email: r.status for r in store.send_log(digest_engine, WEEK)}
        assert log == {"ana@example.org": "sent", "bob@example.org": "failed"}
    finally:
        controller.stop()
    assert handler.received == ["ana@example.org"]
