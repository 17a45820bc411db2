"""Calendar feeds: the .ics export, the private tokens and the feed server (issue 6)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import recurring_ical_events  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.conftest import DATA, SAMPLES, TODAY
from tracker.analyse import Toolkit
from tracker.feeds.export import FeedSpec, build_feed
from tracker.feeds.ics import (
    CalendarOptions,
    _fold,
    plan_calendar,
    render_calendar,
    render_with_icalendar,
)
from tracker.feeds.server import RedactTokens, create_app, links
from tracker.feeds.tokens import create_token, hash_token, list_tokens, revoke_token
from tracker.pipeline import ingest
from tracker.query import Filters, Schedule
from tracker.schedule import Horizon
from tracker.store import FeedTokenRow, connect

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
GOLDEN = DATA / "ics"
OBSERVANCE = "16f2d613797d9f0b@mandate-tracker"  # A/RES/68/192 ¶5, 30 July from 2014
YEAR_ONLY = "77ee24690f519028"  # A/RES/68/192 ¶14, « en 2014 »
SEED_68_192 = SAMPLES / "004_e83cbdb27c7fb379.txt"


def _seed(url: str, toolkit: Toolkit, paths: list[Path] | None = None) -> Engine:
    engine = connect(url)
    outcomes = ingest(paths or [SAMPLES], engine, toolkit, Horizon(TODAY), NOW)
    assert not any(o.failed for o in outcomes)
    return engine


@pytest.fixture(scope="module")
def seeds(toolkit: Toolkit, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The five seeds, stored once for the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("seeds")
    return _seed(f"sqlite:///{folder / 'tracker.sqlite'}", toolkit)


def _export(engine: Engine, spec: FeedSpec | None = None) -> bytes:
    return build_feed(Schedule(engine), spec or FeedSpec()).body


def _events(body: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _blocks(body: bytes) -> dict[str, bytes]:
    """Each event's raw bytes, by UID (unfolded UID line)."""
    out = {}
    for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", body, re.S):
        uid = re.search(rb"^UID:(.*?)\r\n", block, re.M)
        assert uid is not None
        out[uid.group(1).decode()] = block
    return out


# --- the export --------------------------------------------------------------------------------


def test_export_parses_back_with_its_calendar_properties(seeds: Engine) -> None:
    body = _export(seeds)
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == "Mandate Tracker"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT12H"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT12H"
    events = calendar.walk("VEVENT")
    assert len(events) == len(_events(body)) > 10  # UIDs are unique
    for event in events:
        assert str(event["UID"]).endswith("@mandate-tracker")
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date and end > start
        assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED") == NOW
        assert event["STATUS"] in ("CONFIRMED", "TENTATIVE", "CANCELLED")
        assert event["SUMMARY"] and event["DESCRIPTION"] and event["CATEGORIES"]
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
    assert body.endswith(b"END:VCALENDAR\r\n") and b"\n" not in body.replace(b"\r\n", b"")


def test_fast_renderer_says_what_the_icalendar_api_says(seeds: Engine) -> None:
    options = CalendarOptions()
    plan = plan_calendar(Schedule(seeds).upcoming(FeedSpec().filters()), options)
    ours, reference = render_calendar(plan, options), render_with_icalendar(plan, options)
    mine, theirs = _events(ours), _events(reference)
    assert mine.keys() == theirs.keys()
    for uid, event in mine.items():
        other = theirs[uid]
        assert set(event.keys()) == set(other.keys()), uid
        for name in event.keys():
            assert event.decoded(name) == other.decoded(name), (uid, name)


def test_yearly_observance_is_one_rule_expanding_to_every_30_july(seeds: Engine) -> None:
    body = _export(seeds)
    assert body.count(b"UID:16f2d613797d9f0b") == 1
    event = _events(body)[OBSERVANCE]
    assert event["RRULE"].to_ical() in (
        b"FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30",
        b"FREQ=YEARLY;BYMONTHDAY=30;BYMONTH=7",
    )
    assert b"RRULE:FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30\r\n" in body
    occurrences = recurring_ical_events.of(Calendar.from_ical(body)).between(
        dt.date(2014, 1, 1), dt.date(2036, 1, 1)
    )
    days = sorted(e.decoded("DTSTART") for e in occurrences if str(e["UID"]) == OBSERVANCE)
    assert days == [dt.date(year, 7, 30) for year in range(2014, 2036)]


def test_review_every_four_sessions_is_one_event_per_session(seeds: Engine) -> None:
    calendar = Calendar.from_ical(_export(seeds))
    occurrences = recurring_ical_events.of(calendar).between(
        dt.date(2016, 1, 1), dt.date(2031, 1, 1)
    )
    reviews = sorted(
        (e.decoded("DTSTART"), str(e["SUMMARY"]), str(e["STATUS"]))
        for e in occurrences
        if str(e["SUMMARY"]).startswith("Review")
    )
    assert [(d, s.split(" · ")[1], st) for d, s, st in reviews] == [
        (dt.date(2017, 9, 12), "GA 72nd session", "CONFIRMED"),
        (dt.date(2021, 9, 14), "GA 76th session", "CONFIRMED"),
        (dt.date(2025, 9, 9), "GA 80th session", "CONFIRMED"),
        (dt.date(2029, 9, 11), "GA 84th session", "TENTATIVE"),  # projected
    ]
    review_84 = next(e for e in calendar.walk("VEVENT") if "84th" in str(e["SUMMARY"]))
    assert review_84.decoded("DTEND") == dt.date(2030, 9, 10)  # the session window, exclusive
    assert "Every 4 sessions, from session 72" in str(review_84["DESCRIPTION"])


def test_days_unknown_are_not_events_and_bounds_are(seeds: Engine) -> None:
    feed = build_feed(Schedule(seeds), FeedSpec())
    assert YEAR_ONLY.encode() not in feed.body and feed.skipped == 1
    events = _events(feed.body)
    (consultation,) = [e for e in events.values() if str(e["SUMMARY"]).startswith("Consult")]
    assert consultation.decoded("DTSTART") == dt.date(2021, 6, 20)
    assert str(consultation["SUMMARY"]).endswith("before 2021-06-21")
    assert consultation["STATUS"] == "TENTATIVE"


def test_description_says_where_the_date_comes_from(seeds: Engine) -> None:
    events = _events(_export(seeds))
    report = next(e for u, e in events.items() if "¶18" in str(e["SUMMARY"]) and u[:4] != "due-")
    text = str(report["DESCRIPTION"])
    assert "« à sa soixante-neuvième session »" in text
    assert "A/RES/68/192, paragraph 18" in text
    assert "Date: official session dates (GA session 69:" in text
    assert "Documentation due: 2014-07-08" in text
    assert str(report["URL"]) == "https://undocs.org/fr/A/RES/68/192"
    assert report["CATEGORIES"].cats == ["Report", "GA"]


def test_deadlines_are_their_own_events_and_can_be_left_out(seeds: Engine) -> None:
    events = _events(_export(seeds))
    due = {u: e for u, e in events.items() if u.startswith("due-")}
    summaries = sorted(str(e["SUMMARY"]) for e in due.values())
    assert summaries and all(s.startswith("Submission due: ") for s in summaries)
    report = due["due-b822103c00d3b6fc@mandate-tracker"]
    assert report.decoded("DTSTART") == dt.date(2014, 7, 8)
    assert "Deadline" in report["CATEGORIES"].cats
    french = _events(_export(seeds, FeedSpec(lang="fr")))
    assert str(french["due-b822103c00d3b6fc@mandate-tracker"]["SUMMARY"]).startswith(
        "Dépôt du rapport : Rapport · GA 69e session"
    )
    without = _events(_export(seeds, FeedSpec(deadlines=False)))
    assert not [u for u in without if u.startswith("due-")]
    assert set(without) == set(events) - set(due)


def test_filters_select_the_events(seeds: Engine) -> None:
    hrc = _events(_export(seeds, FeedSpec(bodies=("HRC",))))
    assert hrc and all("HRC" in e["CATEGORIES"].cats for e in hrc.values())
    reports = _events(_export(seeds, FeedSpec(kinds=("report",), deadlines=False)))
    assert all(str(e["SUMMARY"]).startswith("Report") for e in reports.values())
    bounded = FeedSpec(start=dt.date(2025, 1, 1), until=dt.date(2030, 12, 31))
    body = _export(seeds, bounded)
    assert b"RRULE:FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=30;UNTIL=20301231\r\n" in body
    days = [
        e.decoded("DTSTART")
        for e in recurring_ical_events.of(Calendar.from_ical(body)).between(
            dt.date(2000, 1, 1), dt.date(2040, 1, 1)
        )
        if str(e["UID"]) == OBSERVANCE
    ]
    assert days == [dt.date(y, 7, 30) for y in range(2025, 2031)]
    assert "(2025-01-01–2030-12-31)" in str(Calendar.from_ical(body)["X-WR-CALNAME"])


def test_two_exports_are_byte_identical(seeds: Engine, toolkit: Toolkit) -> None:
    first = _export(seeds)
    assert _export(seeds) == first
    ingest([SAMPLES], seeds, toolkit, Horizon(TODAY), NOW + dt.timedelta(days=3))  # unchanged
    assert _export(seeds) == first


def test_golden_seeds_default(seeds: Engine) -> None:
    """The seeds' default export, byte for byte (TRACKER_UPDATE_GOLDEN=1 rewrites it)."""
    golden = GOLDEN / "seeds-default.ics"
    body = _export(seeds)
    if os.environ.get("TRACKER_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(body)
    assert body == golden.read_bytes()


def test_uids_and_events_stay_when_unrelated_data_changes(
    tmp_path: Path, toolkit: Toolkit, sqlite_url: str
) -> None:
    others = sorted(p for p in SAMPLES.iterdir() if not p.name.startswith("000_"))
    engine = _seed(sqlite_url, toolkit, others)
    before = _blocks(_export(engine))
    ingest([SAMPLES / "000_dd84b8df17fb3417.txt"], engine, toolkit, Horizon(TODAY), NOW)
    after = _blocks(_export(engine))
    assert set(before) < set(after)
    for uid, block in before.items():
        assert after[uid] == block, uid
    # and on another machine (another database, another folder): the same UIDs
    copy = tmp_path / "elsewhere"
    shutil.copytree(SAMPLES, copy)
    elsewhere = _seed(f"sqlite:///{tmp_path / 'other.sqlite'}", toolkit, [copy])
    assert set(_blocks(_export(elsewhere))) == set(after)
    assert _export(elsewhere) == _export(engine)


def test_sequence_grows_when_a_date_changes(
    tmp_path: Path, toolkit: Toolkit, sqlite_url: str
) -> None:
    engine = _seed(sqlite_url, toolkit)
    before = _events(_export(engine))
    original = SEED_68_192.read_text(encoding="utf-8")
    assert "le 30 juillet" in original
    moved = tmp_path / SEED_68_192.name
    moved.write_text(original.replace("le 30 juillet", "le 31 juillet"), encoding="utf-8")
    later = NOW + dt.timedelta(days=1)
    (outcome,) = ingest([moved], engine, toolkit, Horizon(TODAY), later)
    assert outcome.status == "replaced"
    after = _events(_export(engine))
    assert set(after) == set(before)
    observance = after[OBSERVANCE]
    assert before[OBSERVANCE]["SEQUENCE"] == 0
    assert observance["SEQUENCE"] == 1
    assert observance.decoded("DTSTART") == dt.date(2014, 7, 31)
    assert observance["RRULE"]["BYMONTHDAY"] == [31]
    assert observance.decoded("LAST-MODIFIED") == later
    unmoved = [u for u in after if u != OBSERVANCE]
    assert all(after[u]["SEQUENCE"] == before[u]["SEQUENCE"] for u in unmoved)


def test_cancelled_items_are_cancelled_events(toolkit: Toolkit, sqlite_url: str) -> None:
    engine = _seed(sqlite_url, toolkit)
    schedule = Schedule(engine)
    everything = schedule.upcoming(Filters(include_undated=True))
    report = next(v for v in everything if v.paragraph == "18")
    schedule.set_status(report.id, "cancelled", now=NOW + dt.timedelta(hours=1))
    observance_2020 = next(v for v in everything if v.kind == "observance" and v.year == 2020)
    schedule.set_status(observance_2020.id, "cancelled", now=NOW + dt.timedelta(hours=1))
    events = _events(_export(engine))
    assert events[f"{report.id}@mandate-tracker"]["STATUS"] == "CANCELLED"
    assert events[f"due-{report.id}@mandate-tracker"]["STATUS"] == "CANCELLED"
    observance = events[OBSERVANCE]
    assert observance["STATUS"] == "CONFIRMED"
    days = [
        e.decoded("DTSTART")
        for e in recurring_ical_events.of(Calendar.from_ical(_export(engine))).between(
            dt.date(2019, 1, 1), dt.date(2022, 1, 1)
        )
        if str(e["UID"]) == OBSERVANCE
    ]
    assert days == [dt.date(2019, 7, 30), dt.date(2021, 7, 30)]


def test_feed_views_read_what_upcoming_reads(seeds: Engine) -> None:
    schedule = Schedule(seeds)
    for filters in (
        Filters(include_undated=True),
        Filters(),
        Filters(bodies=("HRC",), start=dt.date(2021, 1, 1)),
        Filters(kinds=("review", "observance"), until=dt.date(2030, 1, 1)),
        Filters(actors=("unodc",), include_undated=True),
    ):
        assert schedule.feed_views(filters) == schedule.upcoming(filters)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=400))
def test_folding_keeps_every_character(text: str) -> None:
    line = "DESCRIPTION:" + text.replace("\r", "").replace("\n", "")
    folded = _fold(line).encode("utf-8")
    assert all(len(part) <= 75 for part in folded.split(b"\r\n"))
    assert folded.replace(b"\r\n ", b"").decode("utf-8") == line


# --- tokens ------------------------------------------------------------------------------------


def test_tokens_are_random_stored_hashed_and_revocable(sqlite_url: str) -> None:
    engine = connect(sqlite_url)
    spec = FeedSpec(bodies=("HRC",), lang="fr")
    new = create_token(engine, "OHCHR desk", spec)
    other = create_token(engine, "GA desk", FeedSpec())
    assert len(new.token) >= 43 and new.token != other.token  # 256 bits, URL-safe base64
    from sqlmodel import Session, select

    with Session(engine) as session:
        rows = session.exec(select(FeedTokenRow)).all()
    dumped = repr([r.model_dump() for r in rows])
    assert new.token not in dumped and hash_token(new.token) in dumped
    listed = list_tokens(engine)
    assert [(t.name, t.spec, t.active) for t in listed] == [
        ("OHCHR desk", spec, True),
        ("GA desk", FeedSpec(), True),
    ]
    revoke_token(engine, new.info.id)
    assert [t.name for t in list_tokens(engine, include_revoked=False)] == ["GA desk"]


# --- the server --------------------------------------------------------------------------------


@pytest.fixture
def served(toolkit: Toolkit, sqlite_url: str) -> Iterator[tuple[TestClient, Engine]]:
    engine = _seed(sqlite_url, toolkit)
    with TestClient(create_app(engine, recheck_seconds=0)) as client:
        yield client, engine


def test_public_feed_with_etag_and_304(served: tuple[TestClient, Engine]) -> None:
    client, engine = served
    answer = client.get("/calendar.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.content == _export(engine)
    etag, modified = answer.headers["etag"], answer.headers["last-modified"]
    assert modified == "Sun, 22 Nov 2026 09:00:00 GMT"
    again = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get("/calendar.ics", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/calendar.ics", headers={"If-None-Match": '"other"'}).status_code == 200
    hrc = client.get("/calendar.ics?body=HRC&deadlines=0&lang=fr")
    assert hrc.content == _export(engine, FeedSpec(bodies=("HRC",), deadlines=False, lang="fr"))
    assert hrc.headers["etag"] != etag
    assert client.get("/calendar.ics?from=tomorrow").status_code == 400
    assert client.get("/healthz").text == "ok\n"


def test_cache_is_rebuilt_only_when_the_data_changes(served: tuple[TestClient, Engine]) -> None:
    client, engine = served
    cache = client.app.state.cache  # type: ignore[attr-defined]
    first = client.get("/calendar.ics")
    for _ in range(5):
        assert client.get("/calendar.ics").content == first.content
    assert cache.builds == 1
    schedule = Schedule(engine)
    report = next(v for v in schedule.upcoming(Filters()) if v.paragraph == "18")
    schedule.set_status(report.id, "cancelled", now=NOW + dt.timedelta(hours=2))
    changed = client.get("/calendar.ics", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and cache.builds == 2
    assert changed.headers["last-modified"] == "Sun, 22 Nov 2026 11:00:00 GMT"


def test_private_feeds_by_token(served: tuple[TestClient, Engine]) -> None:
    client, engine = served
    new = create_token(engine, "HRC desk", FeedSpec(bodies=("HRC",)))
    answer = client.get(new.path())
    assert answer.status_code == 200
    assert answer.content == _export(engine, FeedSpec(bodies=("HRC",)))
    assert answer.headers["cache-control"].startswith("private")
    etag = answer.headers["etag"]
    assert client.get(new.path(), headers={"If-None-Match": etag}).status_code == 304
    wrong = new.token[:-1] + ("A" if new.token[-1] != "A" else "B")
    for path in (f"/feeds/{wrong}.ics", f"/feeds/{'x' * 43}.ics", "/feeds/short.ics"):
        assert client.get(path).status_code == 404, path
    revoke_token(engine, new.info.id)
    assert client.get(new.path()).status_code == 404


def test_tokens_never_reach_the_logs() -> None:
    token = "A" * 43
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/feeds/{token}.ics", "1.1", 200), None,
    )  # fmt: skip
    RedactTokens().filter(record)
    assert token not in record.getMessage() and "/feeds/<token>.ics" in record.getMessage()
    printed = dict(links("127.0.0.1", 8080))
    assert printed["https"] == "https://127.0.0.1:8080/calendar.ics"
    assert printed["webcal"] == "webcal://127.0.0.1:8080/calendar.ics"
    public = dict(links("127.0.0.1", 8080, "https://cal.example.org/"))
    assert public["webcal"] == "webcal://cal.example.org/calendar.ics"


# --- a real CalDAV server ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def radicale() -> Iterator[str]:
    """A Radicale CalDAV server on a free loopback port, no auth, storage in a temp folder."""
    pytest.importorskip("radicale", reason="Radicale is not installed (pip install radicale)")
    import httpx

    port = _free_port()
    with tempfile.TemporaryDirectory() as storage:
        process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
             "--storage-filesystem-folder", storage, "--auth-type", "none",
             "--rights-type", "owner_only", "--web-type", "none", "--logging-level", "error"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(base + "/.well-known/caldav", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            else:
                pytest.fail("Radicale did not start")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_a_caldav_server_takes_every_event_back(seeds: Engine, radicale: str) -> None:
    import httpx

    body = _export(seeds)
    exported = Calendar.from_ical(body)
    with httpx.Client(base_url=radicale, auth=("desk", "x"), timeout=10) as dav:
        assert dav.request("MKCALENDAR", "/desk/mandates/").status_code == 201
        for event in exported.walk("VEVENT"):
            one = Calendar()
            for name in ("VERSION", "PRODID"):
                one.add(name, exported[name])
            one.add_component(event)
            name = str(event["UID"]).replace("@", "_")
            put = dav.put(
                f"/desk/mandates/{name}.ics",
                content=one.to_ical(),
                headers={"Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"},
            )
            assert put.status_code == 201, (name, put.text)
        query = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            "<D:prop><C:calendar-data/></D:prop><C:filter>"
            '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">{range}'
            "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
        )
        headers = {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}
        everything = dav.request("REPORT", "/desk/mandates/", headers=headers,
                                 content=query.format(range=""))  # fmt: skip
        in_2029 = dav.request(
            "REPORT", "/desk/mandates/", headers=headers,
            content=query.format(range='<C:time-range start="20290101T000000Z" '
                                 'end="20300101T000000Z"/>'),
        )  # fmt: skip
    assert everything.status_code == in_2029.status_code == 207
    stored = {}
    for data in re.findall(r"BEGIN:VCALENDAR.*?END:VCALENDAR", everything.text, re.S):
        for event in Calendar.from_ical(data.replace("&#13;", "")).walk("VEVENT"):
            stored[str(event["UID"])] = event
    assert stored.keys() == _events(body).keys()
    for uid, event in _events(body).items():
        for name in ("DTSTART", "DTEND", "SEQUENCE", "SUMMARY", "STATUS"):
            assert stored[uid].decoded(name) == event.decoded(name), (uid, name)
    assert "RRULE" in stored[OBSERVANCE]
    assert OBSERVANCE in in_2029.text and "GA 84th session" in in_2029.text.replace("\r\n ", "")


# --- the architecture --------------------------------------------------------------------------


def test_the_core_never_imports_the_feeds() -> None:
    core = "tracker.model tracker.store tracker.query tracker.pipeline tracker.schedule"
    code = (
        f"import sys\nfor m in {core.split()!r}: __import__(m)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tracker.feeds', 'starlette', "
        "'uvicorn'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
