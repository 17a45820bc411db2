"""Cleaning: the artefacts of PDF, Word, web and markdown extractions, case by case."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.clean import _respace, clean, normalise
from tracker.rulebook import CleaningRules, load_cleaning


@pytest.fixture(scope="module")
def rules() -> CleaningRules:
    return load_cleaning()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("à sa soixante-\ndouzième session", "à sa soixante-douzième session"),
        ("à sa quatre-vingt-\nunième session", "à sa quatre-vingt-unième session"),
        ("la coordi-\nnation des activités", "la coordination des activités"),
        ("le Haut-\nCommissariat aux droits", "le Haut-Commissariat aux droits"),
        ("the follow-\nup to the follow-up process", "the follow-up to the follow-up process"),
        ("la coordi\u00ad\nnation", "la coordination"),
        ("celle-\nci", "celle-ci"),
    ],
    ids=[
        "number-word",
        "quatre-vingt",
        "typesetting-break",
        "capital-compound",
        "known-compound",
        "soft-hyphen",
        "clitic",
    ],
)
def test_line_end_hyphens(raw: str, expected: str, rules: CleaningRules) -> None:
    assert clean(raw, rules) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("soixante\u2011douzième", "soixante-douzième"),
        ("article\u00a05 et\u202f;", "article 5 et ;"),
        ("l ’Assemblée et l’Office", "l'Assemblée et l'Office"),
        ("ceux qui s ’y livraient", "ceux qui s'y livraient"),
        ("celle -ci les touchait", "celle-ci les touchait"),
        ("at its seventy -fifth session", "at its seventy-fifth session"),
        ("at its seventyfourth session", "at its seventy-fourth session"),
        ("d ’enfants", "d'enfants"),
        ("pour  la   protection", "pour la protection"),
        ("jusqu ’à sa session et lorsqu ’il", "jusqu'à sa session et lorsqu'il"),
        ("l’ Assemblée, qu’ elle", "l'Assemblée, qu'elle"),
        ("le mot ’ici et ' là", "le mot 'ici et ' là"),
        ("dont ’ici", "dont 'ici"),
        ("elle-  même et celle- ci", "elle-même et celle-ci"),
        ("2020 - 2030 et ( -5)", "2020 - 2030 et ( -5)"),
        ("droits2, et Convention12.", "droits, et Convention."),
        ("  marge  \n  suite ", "marge\nsuite"),
    ],
    ids=[
        "nb-hyphen",
        "nb-spaces",
        "apostrophe-space",
        "clitic-space",
        "space-before-hyphen",
        "english-stray-space",
        "glued-ordinal",
        "d-apostrophe",
        "runs-of-spaces",
        "long-elisions",
        "space-after-apostrophe",
        "quote-mark-kept",
        "not-an-elision",
        "space-after-hyphen",
        "spaced-dash-kept",
        "glued-footnote-digits",
        "line-edges",
    ],
)
def test_characters_and_stray_spaces(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


_SHORT = {"l", "d", "j", "n", "s", "c", "m", "t", "qu"}
_ELIDED = _SHORT | {"jusqu", "lorsqu", "puisqu", "quoiqu"}


def _respaced_by_regex(text: str) -> str:
    """The stray-space rules around apostrophes and hyphens written as plain regular
    expressions: the oracle for the split-based implementation."""

    def after_word(words: set[str] | None, mark: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            before = match.string[: match.start()]
            if words is None:
                joined = bool(re.search(r"\w\Z", before))
            else:
                word = re.search(r"\w+\Z", before)
                joined = word is not None and word.group() in words | {
                    w.capitalize() for w in words
                }
            return mark if joined else match.group()

        return replace

    text = re.sub(r" +'(?=\w)", after_word(_ELIDED, "'"), text)
    text = re.sub(r"' +(?=\w)", after_word(_SHORT, "'"), text)
    text = re.sub(r" +-(?=\w)", after_word(None, "-"), text)
    return re.sub(r"- +(?=(?:ci|là|même|t-il|t-elle)\b)", after_word(None, "-"), text)


_PIECES = ["l", "jusqu", "xjusqu", "Qu", "lorsqu", "mot", "ci", "é", "1", "_", " ", "  ", "'", "-"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_stray_spaces_around_apostrophes_and_hyphens_follow_the_regex_rules(text: str) -> None:
    assert _respace(text) == _respaced_by_regex(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("du rapport du Secrétaire général4 ;", "du rapport du Secrétaire général ;"),
        ("la Convention organisée⁴ et le Protocole⁵,", "la Convention organisée et le Protocole,"),
        ("in All Its Aspects,1 and recognizing", "in All Its Aspects, and recognizing"),
        ("voir A/68/253 et E/CN.15/2018/1.", "voir A/68/253 et E/CN.15/2018/1."),
        ("la COVID-19 et le G20", "la COVID-19 et le G20"),
        ("resolution 70/1, 1,000 people", "resolution 70/1, 1,000 people"),
    ],
    ids=["digit-glued", "superscript", "after-comma", "symbols-kept", "names-kept", "numbers-kept"],
)
def test_footnote_markers(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1. *Exhorte* les États", "1. Exhorte les États"),
        ("**59/... Améliorer la coopération**", "59/... Améliorer la coopération"),
        ("### Cinquante-neuvième session", "Cinquante-neuvième session"),
        ("*70^e séance plénière*", "70e séance plénière"),
        ("¹² [A/HRC/23/48](#).", ""),
        ("texte\n\\* État non membre du Conseil.\nsuite", "texte\nsuite"),
        ("<sup>1</sup> Voir la résolution 79/243.", ""),
        ("la Convention<sup>1</sup> et", "la Convention et"),
        ("Distr. limitée  \n3 juillet 2025", "Distr. limitée\n3 juillet 2025"),
        ("1. _Prie_ le Secrétaire général", "1. Prie le Secrétaire général"),
        ("fin\n_______________\n1 A/78/1.", "fin\n_______________\n1 A/78/1."),
    ],
    ids=[
        "emphasis",
        "strong",
        "heading",
        "md-superscript",
        "footnote-line",
        "escaped-star-footnote",
        "sup-footnote-line",
        "sup-ref",
        "md-hard-break",
        "underscore-emphasis",
        "separator-rule-kept",
    ],
)
def test_markdown(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_furniture_lines_and_running_headers(rules: CleaningRules) -> None:
    page = "\n".join(
        [
            "Recalling further the applicable provisions of Economic and Social Council",
            "resolution 1996/31 of 25 July 1996,",
            "",
            "A/RES/79/186",
            "Follow-up to the Fourteenth United Nations Congress on Crime",
            "Prevention and Criminal Justice",
            "",
            "24-24146",
            "2/5",
            "",
            "Recalling its resolution 76/181 of 16 December 2021,",
            "Follow-up to the Fourteenth United Nations Congress on Crime",
            "Prevention and Criminal Justice",
            "A/RES/79/186",
            "3/5",
            "24-24146 ",
            "http://undocs.org/fr/A/RES/72/1",
            "*2424146*",
            "when formulating legislation",
        ]
    )
    assert [line for line in clean(page, rules).split("\n") if line] == [
        "Recalling further the applicable provisions of Economic and Social Council",
        "resolution 1996/31 of 25 July 1996,",
        "Recalling its resolution 76/181 of 16 December 2021,",
        "when formulating legislation",
    ]


def test_footnote_block_between_pages(rules: CleaningRules) -> None:
    text = "\n".join(
        [
            "à l'appui des efforts nationaux dans le cadre de l'action en faveur de la",
            "_______________",
            "1 Résolution 217 A (III).",
            "2 Nations Unies, Recueil des Traités, vol. 1577,",
            "no 27531.",
            "3 Ibid., vol. 2171 et 2173, no 27531 ; et résolution 66/138, annexe.",
            "protection de l'enfance,",
        ]
    )
    cleaned = clean(text, rules)
    assert "Recueil" not in cleaned and "27531" not in cleaned
    assert cleaned.endswith("en faveur de la\nprotection de l'enfance,")


def test_footnote_number_on_its_own_line(rules: CleaningRules) -> None:
    text = "\n\n".join(
        ["to continue", "__________________\n1", "18-17962 (E)", "See A/AC.105/1137.", "021118"]
        + ["*1817962*", "A/RES/73/6", "to shape the governance,"]
    )
    assert [line for line in clean(text, rules).split("\n") if line] == [
        "to continue",
        "to shape the governance,",
    ]


def test_a_recurring_body_line_next_to_a_page_break_is_kept(rules: CleaningRules) -> None:
    text = "\n".join(
        [
            "5. Prie l'Office de lui",
            "_______________",
            "1 A/29/156.",
            "",
            "E/CN.15/2021/L.18",
            "12-92920",
            "2/2",
            "présenter, à sa trente-",
            "troisième session, un rapport ;",
            "6. Prie l'Office de lui",
            "présenter, à sa trente-",
            "deuxième session, un rapport.",
        ]
    )
    cleaned = clean(text, rules)
    assert "de lui\nprésenter, à sa trente-troisième session" in cleaned
    assert cleaned.count("présenter, à sa trente-") == 2


def test_a_body_line_repeated_on_page_one_and_after_a_page_break_is_kept(
    rules: CleaningRules,
) -> None:
    # the line « second session a report … » occurs in ¶6 on the first page and again right
    # after the page break in ¶7: a sentence's continuation, not a running header
    text = "\n".join(
        [
            "6. Requests the Office to submit to it at its thirty-",
            "second session a report on the implementation of the present resolution;",
            "",
            "7. Requests the Office to submit to it at its thirty-",
            "_______________",
            "1 A/28/179.",
            "",
            "E/CN.15/2020/L.13",
            "21-80933",
            "2/2",
            "second session a report on the implementation of the present resolution;",
        ]
    )
    cleaned = clean(text, rules)
    assert cleaned.count("thirty-second session a report") == 2, cleaned


def test_a_repeated_line_that_opens_with_a_year_is_kept(rules: CleaningRules) -> None:
    # « 2022 un rapport … » continues « présenter en » on page one and after the page break
    # (found by a 10,000-document bench run); a running header never reads like that
    repeated = "2022 un rapport sur la traite des personnes, en tenant compte des renseignements"
    text = "\n".join(
        [
            "Résolution 27/3",
            "2. Prie l'Office de lui présenter en",
            repeated,
            "fournis ;",
            "",
            "5. Prie l'Office de lui présenter en",
            "_______________",
            "1 A/26/256.",
            "",
            "E/CN.15/2018/L.20",
            "18-20197",
            "2/2",
            repeated,
            "fournis ;",
            "",
            "18-20197",
            "Résolution 27/3",
        ]
    )
    cleaned = clean(text, rules)
    assert cleaned.count(repeated) == 2, cleaned
    assert cleaned.count("Résolution 27/3") == 1, cleaned


def test_footnotes_end_where_the_body_goes_on_after_a_page_break(rules: CleaningRules) -> None:
    # « a list of … » is not a lettered note, and an open note never swallows « 5. … »
    text = "\n".join(
        [
            "4. Encourages Member States to strengthen cooperation and to draw up",
            "_______________",
            "",
            "1 A/28/291.",
            "2 Resolution 217 A (III).",
            "",
            "E/CN.15/2020/L.10",
            "15-14395",
            "2/2",
            "",
            "a list of the concrete measures that they plan to take until 2013;",
            "",
            "5. Requests the Office to submit to it at its thirty-third session a report;",
        ]
    )
    cleaned = clean(text, rules)
    assert "A/28/291" not in cleaned
    assert "draw up\na list of the concrete measures" in cleaned or "draw up a list" in cleaned
    assert cleaned.rstrip().endswith(
        "5. Requests the Office to submit to it at its thirty-third session a report;"
    )
