"""The scorer: matching rules (kind families, nulls, dates, one-to-one), tags, negatives."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tracker.evaluate import (
    GoldMandate,
    Predicted,
    Report,
    family,
    load_gold,
    load_negatives,
    matches,
    score,
)
from tracker.model import Kind, Mandate

DATA = Path(__file__).parent / "data" / "eval"
DOCS = {"A_RES_1.txt", "A_RES_2.txt"}


def _mandate(row: dict[str, object]) -> Mandate:
    date = dt.date.fromisoformat(str(row["date"])) if row.get("date") else None
    quote = str(row["quote"])
    return Mandate(
        source=str(row["source"]),
        symbol=None,
        lang="en",
        adopting_body="GA",
        paragraph=str(row["paragraph"]),
        occurrence=1,
        verb="Requests",
        actor="Secretary-General",
        kind=Kind(str(row["kind"])),
        target_body="GA",
        session=row["session"],  # type: ignore[arg-type]
        year=row["year"],  # type: ignore[arg-type]
        date=date,
        recurrence=None,
        quote=quote,
        quote_start=0,
        quote_end=len(quote),
        rule="test",
        confidence=0.9,
        reason="test",
    )


def _predictions() -> list[Mandate]:
    lines = (DATA / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    return [_mandate(json.loads(line)) for line in lines if line.strip()]


@pytest.fixture()
def report() -> Report:
    gold = load_gold(DATA / "gold.jsonl")
    return score(gold, _predictions(), DOCS, load_negatives(DATA / "negatives.jsonl"))


def test_load_gold_reads_every_field_and_tags() -> None:
    gold = load_gold(DATA / "gold.jsonl")
    assert len(gold) == 8
    first = gold[0]
    assert (first.doc, first.para, first.kind, first.session, first.year) == (
        "A_RES_1.txt",
        "3",
        "report",
        81,
        None,
    )
    assert gold[4].tags == frozenset({"agenda_inclusion"})
    assert gold[5].tags == frozenset({"borderline"})
    assert gold[0].tags == frozenset()
    assert gold[2].quote == "at its \neighty-fifth and ninetieth sessions"


def test_kind_families() -> None:
    assert family("report") == family("oral_update")
    assert family("meeting") == family("consultation")
    assert len({family(k) for k in ("report", "meeting", "review", "observance")}) == 4
    assert family("other_deliverable") != family("report")


def _gold(**changes: object) -> GoldMandate:
    base: dict[str, object] = {
        "doc": "A.txt",
        "para": "1",
        "kind": "report",
        "session": None,
        "year": None,
        "quote": "q",
    }
    base.update(changes)
    return GoldMandate(**base)  # type: ignore[arg-type]


def _pred(**changes: object) -> Predicted:
    base: dict[str, object] = {
        "doc": "A.txt",
        "para": "1",
        "kind": "report",
        "session": None,
        "year": None,
        "quote": "q",
    }
    base.update(changes)
    return Predicted(**base)  # type: ignore[arg-type]


def test_null_session_matches_only_null() -> None:
    assert matches(_gold(session=None), _pred(session=None))
    assert not matches(_gold(session=None), _pred(session=81))
    assert not matches(_gold(session=81), _pred(session=None))
    assert matches(_gold(session=81), _pred(session=81))
    assert not matches(_gold(year=2026), _pred(year=None))


def test_other_fields_must_agree() -> None:
    assert not matches(_gold(para="2"), _pred(para="1"))
    assert not matches(_gold(doc="B.txt"), _pred())
    assert not matches(_gold(kind="review"), _pred(kind="report"))
    assert matches(_gold(kind="consultation"), _pred(kind="meeting"))


def test_predicted_date_counts_by_its_year() -> None:
    mandate = _mandate(
        {
            "source": "/x/A.txt",
            "paragraph": "1",
            "kind": "meeting",
            "session": None,
            "year": None,
            "date": "2026-04-24",
            "quote": "on 24 April 2026",
        }
    )
    predicted = Predicted.of(mandate)
    assert predicted.doc == "A.txt"
    assert predicted.year == 2026
    assert matches(_gold(kind="consultation", year=2026), predicted)


def test_scores_and_one_to_one(report: Report) -> None:
    # Gold in scope: 7 rows (A_RES_OTHER is not a scored document).
    # Matched: ¶3 (oral_update ~ report), ¶4 (meeting ~ consultation, by the date's year),
    # ¶5 once (the second gold row of ¶5 wants session 85 again: one-to-one leaves it missed),
    # ¶6 (agenda item). Missed: ¶5 duplicate, ¶7, A_RES_2 ¶1 (year 2026 against null).
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (4, 4, 3)
    assert report.precision == pytest.approx(4 / 8)
    assert report.recall == pytest.approx(4 / 7)
    assert report.f1 == pytest.approx(2 * (4 / 8) * (4 / 7) / (4 / 8 + 4 / 7))
    missed = sorted((g.doc, g.para) for g in report.misses)
    assert missed == [("A_RES_1.txt", "5"), ("A_RES_1.txt", "7"), ("A_RES_2.txt", "1")]
    extra = sorted((p.doc, p.para, p.session, p.year) for p in report.false_positives)
    assert extra == [
        ("A_RES_1.txt", "2", None, 2024),
        ("A_RES_1.txt", "5", 90, None),
        ("A_RES_2.txt", "1", None, 2026),
        ("A_RES_2.txt", "4", 44, None),
    ]
    assert report.per_kind["report"].tp == 2
    assert report.per_kind["report"].fn == 1
    assert report.per_kind["consultation"].tp == 1
    assert report.per_kind["observance"].fn == 1
    assert report.per_kind["review"].fp == 1


def test_negatives(report: Report) -> None:
    assert report.negatives_checked == 4
    hit = sorted((h.negative.doc, h.negative.para) for h in report.negatives_hit)
    # ¶2 quote overlaps the past event; the preamble "at its forty-fourth session" contains
    # the ¶4 quote; the citation and "on a regular basis" are not quoted by any prediction.
    assert hit == [("A_RES_1.txt", "2"), ("A_RES_2.txt", "preamble")]


def test_excluding_tagged_rows_ignores_their_predictions() -> None:
    gold = load_gold(DATA / "gold.jsonl")
    plain = score(gold, _predictions(), DOCS)
    strict = score(gold, _predictions(), DOCS, exclude_agenda=True, exclude_borderline=True)
    assert plain.excluded_gold == 0
    assert strict.excluded_gold == 2
    assert [p.para for p in strict.ignored_predictions] == ["6"]
    assert (strict.overall.tp, strict.overall.fp, strict.overall.fn) == (3, 4, 2)
    only_agenda = score(gold, _predictions(), DOCS, exclude_agenda=True)
    assert (only_agenda.overall.tp, only_agenda.overall.fn) == (3, 3)


def test_report_outputs(report: Report) -> None:
    data = report.as_json()
    assert data["overall"]["tp"] == 4
    assert data["negatives"]["extracted"] == 2
    assert len(data["misses"]) == 3
    assert json.loads(json.dumps(data)) == data
    text = report.summary()
    assert "P 0.500" in text
    assert "misses:" in text and "false positives:" in text
    assert "negatives extracted: 2 of 4" in text


def test_empty_inputs_score_one() -> None:
    empty = score([], [], set())
    assert (empty.precision, empty.recall) == (1.0, 1.0)
    assert empty.summary().startswith("documents: 0")
