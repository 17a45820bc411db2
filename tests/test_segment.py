"""Segmentation and metadata on the seeds: paragraphs, numbers, symbols, bodies, sessions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tracker.analyse import Toolkit, read_document
from tracker.load import load_source
from tracker.metadata import OPENING, detect_language
from tracker.model import Document


def _read(name: str, toolkit: Toolkit) -> Document:
    return read_document(load_source(SAMPLES / name), toolkit)


@pytest.mark.parametrize(
    ("name", "symbol", "body", "status", "session", "adopted", "paragraphs"),
    [
        ("000_dd84b8df17fb3417.txt", "A/RES/68/145", "GA", "adopted", 68, dt.date(2013, 12, 18), 6),
        ("001_160052edff7269c7.txt", None, "HRC", "draft", 59, None, 5),
        ("002_ddca2822e8603dff.txt", None, "HRC", "draft", 42, None, 5),
        ("003_1cf46a902d02fd2b.txt", None, "CCPCJ", "draft", 27, None, 7),
        (
            "004_e83cbdb27c7fb379.txt",
            "A/RES/68/192",
            "GA",
            "adopted",
            68,
            dt.date(2013, 12, 18),
            18,
        ),
    ],
)
def test_seed_metadata(
    name: str,
    symbol: str | None,
    body: str,
    status: str,
    session: int,
    adopted: dt.date | None,
    paragraphs: int,
    toolkit: Toolkit,
) -> None:
    document = _read(name, toolkit)
    meta = document.meta
    assert (
        meta.symbol,
        meta.adopting_body,
        meta.status,
        meta.session,
        meta.adopted_on,
        meta.lang,
    ) == (symbol, body, status, session, adopted, "fr")
    assert [p.number for p in document.operative] == [str(i) for i in range(1, paragraphs + 1)]


def test_titles(toolkit: Toolkit) -> None:
    assert _read("000_dd84b8df17fb3417.txt", toolkit).meta.title == (
        "Renforcement de la collaboration en matière de protection de l'enfance "
        "au sein du système des Nations Unies"
    )
    assert _read("003_1cf46a902d02fd2b.txt", toolkit).meta.title == (
        "Améliorer la protection des enfants contre la traite des personnes, notamment en "
        "luttant contre le détournement des technologies numériques"
    )


def test_paragraph_across_a_page_break_and_footnotes_is_rejoined(toolkit: Toolkit) -> None:
    first = _read("004_e83cbdb27c7fb379.txt", toolkit).operative[0].text
    assert "criminalité transnationale organisée et le Protocole additionnel" in first
    assert "Recueil" not in first and "A/HRC/23/48" not in first
    assert first.endswith("de les appliquer pleinement et effectivement ;")


def test_glued_footnote_digit_and_closing_lines(toolkit: Toolkit) -> None:
    document = _read("000_dd84b8df17fb3417.txt", toolkit)
    assert (
        document.operative[0].text
        == "Prend note avec satisfaction du rapport du Secrétaire général ;"
    )
    assert "séance plénière" not in document.operative[-1].text
    assert "A/68/253" not in document.operative[-1].text


def test_preamble_is_kept_apart(toolkit: Toolkit) -> None:
    document = _read("002_ddca2822e8603dff.txt", toolkit)
    assert (
        document.preamble[0].text
        == "Guidé par les buts et principes énoncés dans la Charte des Nations Unies,"
    )
    assert document.preamble[1].text.startswith(
        "Rappelant les résolutions de l'Assemblée générale 48/141"
    )
    assert all(not p.operative for p in document.preamble)


def test_markdown_seed_has_no_markup(toolkit: Toolkit) -> None:
    document = _read("001_160052edff7269c7.txt", toolkit)
    for paragraph in document.operative:
        assert "*" not in paragraph.text and "<sup>" not in paragraph.text
    assert document.operative[3].text.endswith("du renforcement des capacités ;")


def test_number_on_its_own_line_opens_a_paragraph(toolkit: Toolkit) -> None:
    from tracker.segment import segment

    text = "\n\n".join(
        ["The General Assembly,", "Recalling its resolution 1/1,"]
        + ["1.\nRequests the Secretary-General to report;"]
        + ["2. Decides to remain seized of the matter.", "80th plenary meeting\n1 December 2025"]
    )
    segments = segment(text, toolkit.body_line)
    assert [(p.number, p.text) for p in segments.operative] == [
        ("1", "Requests the Secretary-General to report;"),
        ("2", "Decides to remain seized of the matter."),
    ]
    assert segments.tail == ("80th plenary meeting", "1 December 2025")


def test_next_session_counts_from_the_session_of_adoption(tmp_path: Path, toolkit: Toolkit) -> None:
    from tracker.analyse import analyse
    from tracker.schedule import Horizon

    text = (
        "Résolution adoptée par le Conseil des droits de l'homme le 4 avril 2023\n\n"
        "Coopération technique\n\nLe Conseil des droits de l'homme,\n\n"
        "1. Prie le Haut-Commissariat de lui présenter un rapport à sa prochaine session.\n"
    )
    path = tmp_path / "hrc-next.txt"
    path.write_text(text, encoding="utf-8")
    analysis = analyse(load_source(path), toolkit, Horizon(dt.date(2026, 11, 22)))
    assert analysis.document.meta.session == 52  # 27 February - 4 April 2023
    (mandate,) = analysis.mandates
    assert (mandate.session, mandate.target_body) == (53, "HRC")
    (deliverable,) = analysis.deliverables
    assert deliverable.date == dt.date(2023, 6, 19)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("the theatre, the theory of the session: de la", "en"),
        ("Thetheatre thereof theory; de la", "fr"),
        ("l'Assemblée générale, Prie le Secrétaire of the", "fr"),
        ("Requests_the de la de", "fr"),
    ],
    ids=["whole-words", "inside-words-not-counted", "after-an-apostrophe", "underscore-joins"],
)
def test_the_language_is_the_one_whose_marker_words_stand_alone_most(
    text: str, lang: str, toolkit: Toolkit
) -> None:
    lexicons = [rules.lexicon for rules in toolkit.languages.values()]
    assert detect_language(text, lexicons) == lang


def test_a_settled_opening_decides_the_language_without_reading_the_rest(
    toolkit: Toolkit,
) -> None:
    lexicons = [rules.lexicon for rules in toolkit.languages.values()]
    opening = "Prie le Secrétaire général de la présenter à sa session, et de la " * 60
    rest = "the report of the session and of the Assembly to the Council " * 400
    assert len(opening) > OPENING and detect_language(opening + rest, lexicons) == "fr"


def test_an_unsettled_opening_leaves_the_language_to_the_whole_text(toolkit: Toolkit) -> None:
    lexicons = [rules.lexicon for rules in toolkit.languages.values()]
    opening = "x " * OPENING  # no marker word at all in the opening
    rest = "the report of the session and of the Assembly to the Council " * 40
    assert detect_language(opening + rest, lexicons) == "en"
    mixed = "de la session of the report " * 100  # four to three: not settled
    assert detect_language(mixed + rest, lexicons) == "en"
