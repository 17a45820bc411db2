"""Lifecycle proposals end to end: a report fulfils a request, a later resolution supersedes
an earlier one; nothing changes before a person accepts, and every decision is audited.

Chains: seed 68/145 (French, real) with an invented French report « présenté en application
du paragraphe 6 de la résolution 68/145 » for the seventy-first session; seed 68/192 (French,
real) with an invented successor of the same title; the real English resolutions 79/116 and
80/160 of the development set (both ask for a report at the eighty-first session).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, delete, select
from typer.testing import CliRunner

from bench.corpus import write_corpus
from tests.conftest import DATA, ROOT, SAMPLES
from tracker.analyse import Toolkit
from tracker.cli import app
from tracker.pipeline import ingest
from tracker.proposals import REFRESH_BATCH, decide, listing, refresh
from tracker.query import Filters, Schedule
from tracker.schedule import Horizon
from tracker.store import LifecycleProposalRow, connect
from tracker.succession import Link, Occurrence, Questions, StoredDocument, propose
from tracker.users import add_user

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
LIFECYCLE = DATA / "lifecycle"
SEED_68_145 = SAMPLES / "000_dd84b8df17fb3417.txt"
SEED_68_192 = SAMPLES / "004_e83cbdb27c7fb379.txt"
REPORT_FR = LIFECYCLE / "report_fr_pursuant_68_145.txt"
SUCCESSOR_FR = LIFECYCLE / "resolution_fr_succeeds_68_192_same_question.txt"
EVERYTHING = Filters(start=dt.date(2000, 1, 1), until=dt.date(2040, 1, 1), include_undated=True)


def _folder(tmp_path: Path, *files: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for file in files:
        shutil.copy(file, folder / file.name)
    return folder


def _statuses(schedule: Schedule) -> dict[str, str]:
    return {v.id: v.status for v in schedule.upcoming(EVERYTHING)}


def test_a_report_proposes_submitted_and_only_acceptance_changes_the_status(
    db_url: str, toolkit: Toolkit, horizon: Horizon, tmp_path: Path
) -> None:
    engine = connect(db_url)
    ingest([_folder(tmp_path, SEED_68_145, REPORT_FR)], engine, toolkit, horizon, NOW)
    schedule = Schedule(engine)
    assert set(_statuses(schedule).values()) == {"open"}  # nothing changed by itself
    (proposal,) = listing(engine)
    assert (proposal.action, proposal.deliverable_symbol, proposal.deliverable_paragraph) == (
        "submitted",
        "A/RES/68/145",
        "6",
    )
    assert proposal.deliverable_session == 71 and proposal.evidence_symbol == "A/71/213"
    assert "en application du paragraphe 6 de la résolution 68/145" in proposal.evidence_quote
    add_user(engine, "ana", "OHCHR", None, NOW)
    decided = decide(engine, proposal.id, "accepted", "ana", NOW)
    assert (decided.state, decided.decided_by, decided.deliverable_status) == (
        "accepted",
        "ana",
        "submitted",
    )
    assert _statuses(schedule)[proposal.deliverable_id] == "submitted"
    trail = {(c.entity, c.field, c.old, c.new, c.actor) for c in schedule.history(proposal.id)}
    assert ("lifecycle", "state", "proposed", "accepted", "ana") in trail
    changes = schedule.history(proposal.deliverable_id)
    assert ("status", "open", "submitted", "ana") in {
        (c.field, c.old, c.new, c.actor) for c in changes
    }
    # a later ingest neither proposes it again nor undoes the decision
    ingest([tmp_path / "in"], engine, toolkit, horizon, NOW)
    assert listing(engine) == [] and len(listing(engine, ("accepted",))) == 1


def test_a_successor_supersedes_the_review_cycle_not_the_past_or_the_days(
    db_url: str, toolkit: Toolkit, horizon: Horizon, tmp_path: Path
) -> None:
    engine = connect(db_url)
    ingest([_folder(tmp_path, SEED_68_192, SUCCESSOR_FR)], engine, toolkit, horizon, NOW)
    proposals = listing(engine)
    assert {p.action for p in proposals} == {"superseded"}
    assert {(p.deliverable_paragraph, p.deliverable_session) for p in proposals} == {
        ("4", 72),
        ("4", 76),
        ("4", 80),
        ("4", 84),
        ("4", 88),
    }
    by_session = {p.deliverable_session: p for p in proposals}
    assert by_session[80].evidence_symbol == "A/RES/70/997"
    assert by_session[80].evidence_paragraph == "1"
    assert "session 80" in by_session[80].reason
    assert by_session[80].deliverable_quote and by_session[80].evidence_quote
    add_user(engine, "ana", None, None, NOW)
    rejected = decide(engine, by_session[72].id, "rejected", "ana", NOW)
    assert (rejected.state, rejected.deliverable_status) == ("rejected", "open")
    decide(engine, by_session[76].id, "accepted", "ana", NOW)
    statuses = _statuses(Schedule(engine))
    assert statuses[by_session[76].deliverable_id] == "superseded"
    assert statuses[by_session[72].deliverable_id] == "open"


def test_real_english_series_asking_twice_for_the_same_session(
    db_url: str, toolkit: Toolkit, horizon: Horizon, tmp_path: Path
) -> None:
    devset = ROOT / "bench" / "devset" / "en"
    folder = _folder(tmp_path, devset / "A_RES_79_116.txt", devset / "A_RES_80_160.txt")
    engine = connect(db_url)
    ingest([folder], engine, toolkit, horizon, NOW)
    (proposal,) = listing(engine)
    assert (proposal.action, proposal.deliverable_symbol, proposal.evidence_symbol) == (
        "superseded",
        "A/RES/79/116",
        "A/RES/80/160",
    )
    assert proposal.deliverable_session == 81


def test_review_and_history_commands(runner: CliRunner, tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path}/cli.sqlite"]
    folder = _folder(tmp_path, SEED_68_145, REPORT_FR, SEED_68_192, SUCCESSOR_FR)
    assert runner.invoke(app, ["ingest", *db, str(folder)]).exit_code == 0
    listed = runner.invoke(app, ["review", "--json", *db])
    proposals = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {p["type"] for p in proposals} == {"lifecycle"} and len(proposals) == 6
    submitted = next(p for p in proposals if p["action"] == "submitted")
    assert runner.invoke(app, ["user", "add", "ana", *db]).exit_code == 0
    accepted = runner.invoke(app, ["review", "accept", submitted["id"], "--as", "ana", *db])
    assert accepted.exit_code == 0 and "now submitted" in accepted.stderr
    again = runner.invoke(app, ["review", "accept", submitted["id"], "--as", "ana", *db])
    assert again.exit_code != 0 and "already accepted" in " ".join(again.stderr.split())
    typed = runner.invoke(app, ["history", "-q", "Protection de l’enfance", "--json", *db])
    assert json.loads(typed.stdout)["chain"][0]["symbol"] == "A/RES/68/145"
    shown = runner.invoke(app, ["history", "--question", "68/145", "--json", *db])
    (history,) = [json.loads(line) for line in shown.stdout.splitlines()]
    (link,) = history["chain"]
    assert link["symbol"] == "A/RES/68/145"
    assert [r["symbol"] for r in link["reports"]] == ["A/71/213"]
    assert [(p["action"], p["state"]) for p in link["proposals"]] == [("submitted", "accepted")]
    chain = runner.invoke(app, ["history", "-q", "traite des personnes", *db])
    assert chain.exit_code == 0
    assert chain.stdout.index("A/RES/68/192") < chain.stdout.index("A/RES/70/997")
    assert "proposed superseded" in chain.stdout
    nothing = runner.invoke(app, ["history", "-q", "no such question", *db])
    assert nothing.exit_code == 1 and "no resolution matches" in nothing.stderr


# --- the matcher alone ------------------------------------------------------------------------


def _doc(id_: str, **fields: object) -> StoredDocument:
    base: dict[str, object] = {
        "symbol": id_,
        "key": None,
        "body": "GA",
        "title": "Question",
        "adopted_on": dt.date(2015, 12, 17),
        "session": 70,
    }
    return StoredDocument(id=id_, **{**base, **fields})  # type: ignore[arg-type]


def _occ(id_: str, doc: str, **fields: object) -> Occurrence:
    base: dict[str, object] = {
        "paragraph": "4",
        "kind": "report",
        "target_body": "GA",
        "session": 72,
        "year": 2017,
        "start": dt.date(2017, 9, 12),
        "status": "open",
        "quote": "q",
    }
    return Occurrence(id=id_, document_id=doc, **{**base, **fields})  # type: ignore[arg-type]


def _report(**fields: object) -> StoredDocument:
    answer = Link("answers", "GA 68/1", None, "présenté en application de la résolution 68/1")
    base: dict[str, object] = {
        "key": None,
        "title": None,
        "body": None,
        "adopted_on": None,
        "report": True,
        "issued_body": "GA",
        "issued_session": 72,
        "links": (answer,),
    }
    return _doc("A/72/1", **{**base, **fields})


@pytest.mark.parametrize(
    ("change", "proposed"),
    [
        ({}, True),
        ({"issued_session": 73}, False),  # another session
        ({"issued_body": "HRC"}, False),  # another body
    ],
    ids=["same-session", "other-session", "other-body"],
)
def test_fulfilment_needs_the_session_and_body(change: dict[str, object], proposed: bool) -> None:
    resolution = _doc("res", key="GA 68/1", adopted_on=dt.date(2013, 12, 18), session=68)
    made = propose([resolution, _report(**change)], [_occ("d1", "res")])
    assert [p.action for p in made] == (["submitted"] if proposed else [])


def test_fulfilment_keeps_to_the_paragraphs_the_report_names() -> None:
    resolution = _doc("res", key="GA 68/1", adopted_on=dt.date(2013, 12, 18), session=68)
    answer = Link("answers", "GA 68/1", None, "en application du paragraphe 6", "6")
    made = propose(
        [resolution, _report(links=(answer,))],
        [_occ("d4", "res", paragraph="4"), _occ("d6", "res", paragraph="6")],
    )
    assert [p.deliverable_id for p in made] == ["d6"]


def test_a_translation_never_supersedes_its_original() -> None:
    french = _doc("fr", key="GA 70/1", adopted_on=dt.date(2015, 12, 17))
    english = _doc("en", key="GA 70/1", adopted_on=dt.date(2015, 12, 18))
    made = propose(
        [french, english],
        [_occ("f", "fr", start=dt.date(2017, 9, 12)), _occ("e", "en", start=dt.date(2017, 9, 12))],
    )
    assert made == []


def test_a_termination_ends_the_named_paragraph_only() -> None:
    older = _doc("old", key="GA 70/137", title="Other", adopted_on=dt.date(2015, 12, 1))
    end = Link(
        "terminations",
        "GA 70/137",
        "2",
        "Decides to discontinue the reporting requirement set out in paragraph 12 of its "
        "resolution 70/137",
        "12",
    )
    newer = _doc(
        "new", key="GA 80/9", title="Outdated", adopted_on=dt.date(2025, 12, 15), links=(end,)
    )
    occurrences = [
        _occ("p12", "old", paragraph="12", start=dt.date(2026, 9, 8)),
        _occ("p13", "old", paragraph="13", start=dt.date(2026, 9, 8)),
        _occ("past", "old", paragraph="12", start=dt.date(2024, 9, 10)),
    ]
    made = propose([older, newer], occurrences)
    assert [(p.deliverable_id, p.action) for p in made] == [("p12", "cancelled")]


def test_a_renewal_bounds_its_mandate_holder_requests() -> None:
    renewal = Link(
        "renewals", None, "1", "Decides to extend the mandate", "Special Rapporteur on X", 3
    )
    resolution = _doc("hrc", body="HRC", adopted_on=dt.date(2023, 7, 12), links=(renewal,))
    occurrences = [
        _occ(f"y{year}", "hrc", start=dt.date(year, 6, 15), actor="Special Rapporteur on X")
        for year in range(2024, 2029)
    ]
    made = propose([resolution], occurrences)
    assert [p.deliverable_id for p in made] == ["y2027", "y2028"]
    assert "until 2026-07-12" in made[0].reason


def test_a_discontinued_requirement_is_proposed_cancelled_end_to_end(
    toolkit: Toolkit, horizon: Horizon, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, LIFECYCLE / "resolution_en_ga_concludes_consideration.txt")
    (folder / "older.txt").write_text(
        "General Assembly\n\nResolution adopted by the General Assembly on 17 December 2015\n\n"
        "70/137. Invented question for the test\n\nThe General Assembly,\n\n"
        + "".join(f"{n}. Takes note of the report;\n\n" for n in range(1, 12))
        + "12. Requests the Secretary-General to submit to it at its eighty-first session a "
        "report on the implementation of the present resolution;\n",
        encoding="utf-8",
    )
    engine = connect(f"sqlite:///{tmp_path}/end.sqlite")
    ingest([folder], engine, toolkit, horizon, NOW)
    (proposal,) = listing(engine)
    assert (proposal.action, proposal.deliverable_symbol, proposal.deliverable_paragraph) == (
        "cancelled",
        "A/RES/70/137",
        "12",
    )
    assert proposal.evidence_symbol == "A/RES/80/998" and proposal.evidence_paragraph == "2"


def _proposal_rows(engine: Engine) -> list[tuple[str, ...]]:
    with Session(engine) as session:
        rows = session.exec(select(LifecycleProposalRow)).all()
        return sorted(
            (r.id, r.deliverable_id, r.action, r.evidence_id, r.evidence_quote, r.reason)
            for r in rows
        )


def test_matching_in_batches_proposes_what_matching_everything_proposes(
    toolkit: Toolkit, horizon: Horizon, tmp_path: Path
) -> None:
    # a synthetic corpus with series of same-title resolutions, reports and terminations: the
    # refresh after a large ingest matches its documents a batch at a time (memory stays
    # bounded) and must find exactly what one pass over everything finds
    folder = _folder(tmp_path, SEED_68_145, SEED_68_192, *sorted(LIFECYCLE.glob("*.txt")))
    write_corpus(folder / "generated", 240, seed=5)
    engine = connect(f"sqlite:///{tmp_path}/batches.sqlite")
    assert len(list(folder.rglob("*.txt"))) < REFRESH_BATCH  # so the ingest matches all at once
    ingest([folder], engine, toolkit, horizon, NOW)
    whole = _proposal_rows(engine)
    assert len(whole) > 30 and {row[2] for row in whole} >= {"submitted", "superseded"}
    for batch in (1, 17):
        with Session(engine) as session, session.begin():
            session.exec(delete(LifecycleProposalRow))  # type: ignore[call-overload]
        assert refresh(engine, NOW, batch=batch) == len(whole)
        assert _proposal_rows(engine) == whole


def test_a_resolution_is_superseded_only_by_its_direct_successor_when_matched_in_part() -> None:
    # 70/1 ← 71/1 ← 72/1 on one question, each asking for a report at the 74th session: 72/1
    # takes over from 71/1 only. Matched without 71/1 (a batch of the refresh), 72/1 must not
    # be taken for 70/1's successor: the predecessors are read in the index of every document.
    first, middle, last = (
        _doc(f"{n}/1", key=f"GA {n}/1", adopted_on=dt.date(2000 + n - 55, 12, 10), session=n)
        for n in (70, 71, 72)
    )
    occurrences = [
        _occ(f"{d.id}-r", d.id, session=74, start=dt.date(2019, 9, 17)) for d in (first, last)
    ]
    everything = Questions([first, middle, last])
    made = propose([first, last], occurrences, everything)
    assert made == []
    alone = propose([first, last], occurrences)  # what a partial index would wrongly conclude
    assert [(p.deliverable_id, p.evidence_id) for p in alone] == [("70/1-r", "72/1")]
