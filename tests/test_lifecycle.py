"""Lifecycle links: what reports answer, what resolutions recall, note, renew and end.

Every rule example of both languages is replayed; invented front pages in the UN layout
(tests/data/lifecycle) and the real resolutions of samples/ and bench/devset/en are read end
to end through load → clean → segment.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import DATA, ROOT, SAMPLES
from tracker.analyse import Toolkit, read_document
from tracker.errors import DataError
from tracker.lifecycle import (
    DocumentLinks,
    LifecycleRules,
    LinkExample,
    Place,
    all_examples,
    document_resolution_key,
    find_links,
    load_lifecycle_rules,
    passage_text,
    resolution_key,
    run_example,
    symbol_issued_for,
)
from tracker.load import load_source
from tracker.model import Document, DocumentMeta, Paragraph
from tracker.rulebook import RULES_DIR, load_bodies

FIXTURES = DATA / "lifecycle"
DEVSET = ROOT / "bench" / "devset" / "en"
SEED_000 = SAMPLES / "000_dd84b8df17fb3417.txt"
SEED_002 = SAMPLES / "002_ddca2822e8603dff.txt"
SEED_003 = SAMPLES / "003_1cf46a902d02fd2b.txt"
SEED_004 = SAMPLES / "004_e83cbdb27c7fb379.txt"
LANGS = ("fr", "en")


@pytest.fixture(scope="module")
def rules() -> dict[str, LifecycleRules]:
    return {lang: load_lifecycle_rules(lang) for lang in LANGS}


def _read(path: Path, toolkit: Toolkit) -> Document:
    return read_document(load_source(path), toolkit)


def _links(path: Path, toolkit: Toolkit, rules: dict[str, LifecycleRules]) -> DocumentLinks:
    document = _read(path, toolkit)
    return find_links(document, rules[document.meta.lang])


def _quoted(links: DocumentLinks) -> list[tuple[str, Place]]:
    items: list[Any] = [
        *links.answers,
        *links.recalls,
        *links.noted_reports,
        *links.renewals,
        *links.terminations,
    ]
    if links.title:
        items.append(links.title)
    return [(item.quote, item.place) for item in items]


def _assert_quotes_are_the_text(document: Document, links: DocumentLinks) -> None:
    for quote, place in _quoted(links):
        assert passage_text(document, place)[place.start : place.end] == quote


# --- Rule examples ----------------------------------------------------------------------------


def _example_cases() -> list[tuple[str, str, str, LinkExample]]:
    cases = []
    for lang in LANGS:
        for category, rule_id, example in all_examples(load_lifecycle_rules(lang)):
            cases.append((lang, category, rule_id, example))
    return cases


def _case_id(value: object) -> str:
    return value if isinstance(value, str) else ""


@pytest.mark.parametrize(("lang", "category", "rule_id", "example"), _example_cases(), ids=_case_id)
def test_rule_example(
    lang: str, category: Any, rule_id: str, example: LinkExample, rules: dict[str, LifecycleRules]
) -> None:
    got = run_example(rules[lang], category, example)
    assert len(got) == len(example.expect), got
    for found, wanted in zip(got, example.expect, strict=True):
        assert {name: found.get(name) for name in wanted} == wanted, found
        assert example.text[found["place"]["span"][0] : found["place"]["span"][1]] == found["quote"]
    if example.expect:
        assert rule_id in {found["rule"] for found in got}, "another rule handles this example"


def test_every_rule_of_both_languages_is_exercised(rules: dict[str, LifecycleRules]) -> None:
    for lang in LANGS:
        cases = all_examples(rules[lang])
        assert len(cases) >= 40
        positive = {rule_id for _, rule_id, example in cases if example.expect}
        every = {
            rule.id
            for c in ("titles", "answers", "recalls", "noted_reports", "renewals", "terminations")
            for rule in rules[lang].rules_of(c)
        }
        assert every == positive, every - positive


def test_languages_cover_the_same_report_kinds(rules: dict[str, LifecycleRules]) -> None:
    kinds = [{rule.kind for rule in rules[lang].spec.report_titles} for lang in LANGS]
    assert kinds[0] == kinds[1] and len(kinds[0]) == 5
    scopes = [{rule.scope for rule in rules[lang].spec.answers} for lang in LANGS]
    assert scopes[0] == scopes[1] == {"document", "front", "opening"}


# --- Loading the rule files -------------------------------------------------------------------


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _edit(rules_dir: Path, lang: str, change: Any) -> Path:
    path = rules_dir / "lifecycle" / f"{lang}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_broken_yaml_file_is_named(rules_copy: Path) -> None:
    path = rules_copy / "lifecycle" / "fr.yaml"
    path.write_text("answers: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_lifecycle_rules("fr", rules_copy)
    assert error.value.path == str(path) and "invalid YAML" in error.value.reason


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d.update(surprise=1), "surprise: Extra inputs are not permitted"),
        (lambda d: d["answers"][0].update(examples=[]), "answers.0.examples"),
        (lambda d: d["recalls"][0].update(colour="red"), "recalls.0.colour"),
        (lambda d: d["bodies"].append({"body": "UNESCO", "pattern": "x"}), "unknown body code"),
        (lambda d: d["bodies"].append({"body": "self", "pattern": "x"}), "only_for"),
        (lambda d: d["answers"][0].update(pattern="(unclosed"), "fr.answer.present_report"),
        (lambda d: d["renewals"][0].update(pattern="décide de proroger"), "must capture"),
        (lambda d: d["recalls"][0].update(pattern="{NOPE}"), "unknown macro"),
        (lambda d: d["recalls"].append(d["recalls"][0]), "used twice"),
        (lambda d: d["reference"].update(paragraph="paragraphe \\d+ de "), "paragraphs"),
        (lambda d: d.update(lang="en"), "lang"),
    ],
)
def test_invalid_rules_are_refused_naming_the_file(
    rules_copy: Path, change: Any, says: str
) -> None:
    path = _edit(rules_copy, "fr", change)
    with pytest.raises(DataError) as error:
        load_lifecycle_rules("fr", rules_copy)
    assert error.value.path == str(path)
    assert says in error.value.reason


def test_a_language_without_lifecycle_rules_is_refused(rules_copy: Path) -> None:
    (rules_copy / "lifecycle" / "en.yaml").unlink()
    with pytest.raises(DataError, match="no lifecycle rules for language 'en'"):
        load_lifecycle_rules("en", rules_copy)


# --- Reports ----------------------------------------------------------------------------------


def test_french_secretary_general_report_answers_68_145(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    document = _read(FIXTURES / "report_fr_pursuant_68_145.txt", toolkit)
    links = find_links(document, rules["fr"])
    assert links.is_report and links.report_kind == "secretary_general_report"
    assert links.title is not None and links.title.quote == "Rapport du Secrétaire général"
    assert links.issued_for is not None
    assert (links.issued_for.symbol, links.issued_for.body, links.issued_for.session) == (
        "A/71/213",
        "GA",
        71,
    )
    assert links.answered_keys == ("GA 68/145",)
    summary, opening = links.answers
    assert summary.paragraphs == ("6",) and summary.body_stated
    assert summary.quote.startswith("présent rapport est présenté en application du paragraphe 6")
    assert summary.place.part == "preamble"
    assert opening.rule == "fr.answer.requested_in" and opening.place.number == "1"
    # The previous report (66/139), the Council's founding resolution and a resolution the
    # entities acted under are not what this report answers.
    assert not {"GA 66/139", "GA 60/251", "HRC 42/16"} & set(links.answered_keys)
    assert links.recalls == links.noted_reports == links.renewals == ()
    _assert_quotes_are_the_text(document, links)


def test_english_high_commissioner_report_answers_hrc_42_16(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    document = _read(FIXTURES / "report_en_hrc_submitted_pursuant_42_16.txt", toolkit)
    links = find_links(document, rules["en"])
    assert links.is_report and links.report_kind == "high_commissioner_report"
    assert links.issued_for is not None
    assert (links.issued_for.body, links.issued_for.session) == ("HRC", 47)
    assert links.answered_keys == ("HRC 42/16", "GA 68/145", "GA 70/137")
    assert [a.paragraphs for a in links.answers if a.key == "HRC 42/16"] == [(), ("4",)]
    assert all(a.body_stated for a in links.answers)
    assert "GA 60/251" not in links.answered_keys and "HRC 36/29" not in links.answered_keys
    _assert_quotes_are_the_text(document, links)


def test_commission_report_answers_ecosoc_and_its_own_resolution(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    document = _read(FIXTURES / "report_en_ccpcj_prepared_pursuant_2019_10.txt", toolkit)
    links = find_links(document, rules["en"])
    assert links.is_report and links.report_kind == "secretary_general_report"
    assert links.issued_for is not None
    assert (links.issued_for.body, links.issued_for.session, links.issued_for.year) == (
        "CCPCJ",
        None,
        2024,
    )
    # « Commission resolution 27/3 » in a Commission report is the Commission's; "In its
    # resolution 2019/10, the Economic and Social Council requested": « its » is the Council's.
    assert links.answered_keys == ("ECOSOC 2019/10", "CCPCJ 27/3")
    assert links.answers[-1].rule == "en.answer.requested_in"
    _assert_quotes_are_the_text(document, links)


def test_a_report_answers_the_resolution_that_a_seed_is(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    report = _links(FIXTURES / "report_fr_pursuant_68_145.txt", toolkit, rules)
    resolution = _links(SEED_000, toolkit, rules)
    assert resolution.resolution == "GA 68/145"
    assert resolution.resolution in report.answered_keys


# --- Resolutions: renewals, terminations, notes -----------------------------------------------


def test_hrc_resolution_renews_two_mandates_and_ends_one_question(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    document = _read(FIXTURES / "resolution_en_hrc_extends_mandate.txt", toolkit)
    links = find_links(document, rules["en"])
    assert not links.is_report and links.answers == ()
    assert links.resolution == "HRC 53/99"
    renewals = [(r.place.number, r.years, r.subject) for r in links.renewals]
    assert renewals == [
        ("1", 3, "Special Rapporteur on the rights of persons living in remote islands"),
        ("3", 1, "Independent Expert on the follow-up to the islands conference"),
    ]
    assert [(t.place.number, t.what) for t in links.terminations] == [
        ("5", "its consideration of the question of the Working Group on outdated procedures")
    ]
    assert links.recalled_keys == ("HRC 44/7", "GA 60/251", "HRC 5/1", "HRC 5/2")
    noted = [(n.place.part, n.symbols, [r.key for r in n.resolutions]) for n in links.noted_reports]
    assert noted == [
        ("preamble", ("A/HRC/53/88",), []),
        ("operative", ("A/HRC/53/88",), ["HRC 44/7"]),
    ]
    _assert_quotes_are_the_text(document, links)


def test_french_hrc_resolution_prorogation_and_ends(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    document = _read(FIXTURES / "resolution_fr_hrc_proroge_mandat.txt", toolkit)
    links = find_links(document, rules["fr"])
    assert [(r.place.number, r.years) for r in links.renewals] == [("1", 3), ("3", 1)]
    assert links.renewals[0].subject == (
        "Rapporteur spécial sur les droits des personnes vivant dans les îles éloignées"
    )
    assert [(t.place.number, t.rule) for t in links.terminations] == [
        ("4", "fr.end.clore_examen"),
        ("5", "fr.end.mettre_fin"),
    ]
    assert links.recalled_keys == ("HRC 44/7", "GA 60/251", "2005/69")
    chr_resolution = links.recalls[-1]
    assert chr_resolution.body is None and chr_resolution.body_stated
    assert links.noted_reports[0].symbols == ("A/HRC/53/87",)
    _assert_quotes_are_the_text(document, links)


def test_ga_resolution_ends_a_requirement_a_mandate_and_an_item(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    document = _read(FIXTURES / "resolution_en_ga_concludes_consideration.txt", toolkit)
    links = find_links(document, rules["en"])
    assert [(t.place.number, t.rule) for t in links.terminations] == [
        ("2", "en.end.discontinue"),
        ("3", "en.end.shall_end"),
        ("4", "en.end.conclude_consideration"),
    ]
    assert links.terminations[1].what == "the mandate of the Ad Hoc Committee on outdated reporting"
    assert links.recalled_keys == ("GA 64/293", "GA 68/192", "GA 70/179", "HRC 42/16")
    (noted,) = links.noted_reports
    assert noted.place.number == "1" and noted.symbols == ("A/80/123",)
    assert [(r.key, r.paragraphs) for r in noted.resolutions] == [("GA 70/137", ("12",))]
    assert links.renewals == () and links.answers == ()
    _assert_quotes_are_the_text(document, links)


# --- Real resolutions -------------------------------------------------------------------------


def test_seed_68_145_recalls_66_139_and_notes_the_report(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    document = _read(SEED_000, toolkit)
    links = find_links(document, rules["fr"])
    assert links.resolution == "GA 68/145" and not links.is_report
    assert links.issued_for is not None and links.issued_for.session == 68
    (recall,) = links.recalls
    assert (recall.key, recall.body_stated, recall.place.part) == ("GA 66/139", True, "preamble")
    assert recall.quote == "sa résolution 66/139, adoptée le 19 décembre 2011"
    (noted,) = links.noted_reports
    assert noted.place.number == "1" and noted.symbols == ()  # the symbol is in a footnote
    _assert_quotes_are_the_text(document, links)


def test_seed_68_192_recalls_the_earlier_resolutions_of_three_bodies(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    document = _read(SEED_004, toolkit)
    links = find_links(document, rules["fr"])
    assert links.resolution == "GA 68/192"
    assert links.recalled_keys == (
        "GA 61/180",
        "GA 64/178",
        "GA 67/190",
        "ECOSOC 2013/41",
        "HRC 23/5",
        "GA 59/156",
        "GA 53/199",
        "GA 61/185",
        "ECOSOC 1980/67",
    )
    # « qu'elle a adopté dans sa résolution 64/293 » affirms, it does not recall.
    assert "GA 64/293" not in links.recalled_keys
    hrc = next(r for r in links.recalls if r.key == "HRC 23/5")
    assert (
        hrc.quote == "résolution 23/5 adoptée le 13 juin 2013 par le Conseil des droits de l'homme"
    )
    assert links.renewals == links.terminations == ()
    _assert_quotes_are_the_text(document, links)


def test_seed_drafts_have_no_key_and_possessives_follow_their_body(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    hrc_draft = _links(SEED_002, toolkit, rules)
    assert hrc_draft.resolution is None
    assert hrc_draft.recalled_keys == (
        "GA 48/141",
        "GA 60/251",
        "GA 65/281",
        "HRC 5/1",
        "HRC 16/21",
        "HRC 30/25",
        "HRC 36/29",
    )
    ccpcj_draft = _links(SEED_003, toolkit, rules)
    # « que l'Assemblée générale a adoptée dans sa résolution 72/1 »: the Assembly's, not the
    # Commission's; « ses résolutions 20/3 » in the Commission's own text: the Commission's.
    assert ccpcj_draft.recalled_keys[0] == "GA 72/1"
    assert "CCPCJ 20/3" in ccpcj_draft.recalled_keys
    assert "CCPCJ 72/1" not in ccpcj_draft.recalled_keys


@pytest.mark.parametrize(
    ("name", "key", "stated", "quote"),
    [
        ("A_RES_79_286.txt", "GA 68/192", False, "resolution 68/192 of 18 December 2013"),
        (
            "A_RES_78_211.txt",
            "HRC 52/5",
            True,
            "Human Rights Council resolutions 52/5 of 3 April 2023",
        ),
        ("A_RES_79_162.txt", "HRC 57/8", False, "resolution 57/8 of 9 October 2024"),
        ("A_RES_80_155.txt", "ECOSOC 2019/15", True, None),
        ("A_80_L.1.txt", "GA ES-10/24", True, "its resolution ES-10/24 of 18 September 2024"),
        ("A_C.1_80_L.25.txt", "GA 49/75 K", True, None),
        ("A_RES_78_91.txt", "GA 71/120", True, None),
    ],
)
def test_real_general_assembly_recalls(
    name: str,
    key: str,
    stated: bool,
    quote: str | None,
    toolkit: Toolkit,
    rules: dict[str, LifecycleRules],
) -> None:
    document = _read(DEVSET / name, toolkit)
    links = find_links(document, rules["en"])
    found = [r for r in links.recalls if r.key == key]
    assert found, links.recalled_keys
    assert found[0].body_stated is stated
    if quote is not None:
        assert found[0].quote == quote
    _assert_quotes_are_the_text(document, links)


def test_cited_paragraph_and_unknown_bodies_in_real_recalls(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    links = _links(DEVSET / "A_RES_78_91.txt", toolkit, rules)
    cited = next(r for r in links.recalls if r.key == "GA 71/120")
    assert cited.paragraphs == ("7",)
    environment = _links(DEVSET / "A_C.2_80_L.39.txt", toolkit, rules)
    unep = next(r for r in environment.recalls if r.number == "1/7")
    assert unep.body is None and unep.key == "1/7"  # a United Nations Environment Assembly's


def test_a_resolution_taking_note_of_a_report_answers_nothing(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    links = _links(DEVSET / "A_RES_78_44.txt", toolkit, rules)
    assert not links.is_report and links.answers == ()
    (noted,) = links.noted_reports
    assert noted.place.number == "4"
    assert [(r.key, r.paragraphs) for r in noted.resolutions] == [("GA 77/74", ("5",))]


def _real_documents() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt")) + sorted(DEVSET.glob("*.txt"))


def test_no_real_resolution_is_a_report_and_every_quote_is_its_text(
    toolkit: Toolkit, rules: dict[str, LifecycleRules]
) -> None:
    codes = {body.code for body in load_bodies().bodies}
    recalls = 0
    for path in _real_documents():
        document = _read(path, toolkit)
        links = find_links(document, rules[document.meta.lang])
        assert not links.is_report and links.answers == (), path.name
        # The development set renews no mandate and ends nothing: whatever is found is wrong.
        assert links.renewals == links.terminations == (), path.name
        for ref in links.recalls:
            assert ref.body is None or ref.body in codes
            assert ref.number[0].isdigit() or ref.number.startswith(("S-", "ES-"))
        recalls += len(links.recalls)
        _assert_quotes_are_the_text(document, links)
    assert recalls > 1000


# --- Text as segmentation leaves it -----------------------------------------------------------


def _document(*paragraphs: str, body: str | None = "GA", symbol: str | None = None) -> Document:
    meta = DocumentMeta(symbol, "fr", body, None, "adopted", None, None)
    preamble = tuple(Paragraph(index=i, text=t) for i, t in enumerate(paragraphs[:-1]))
    operative = (Paragraph(index=len(preamble), text=paragraphs[-1], number="1"),)
    return Document("x.txt", "0", meta, preamble, operative)


def test_line_breaks_and_curly_apostrophes_inside_a_reference(
    rules: dict[str, LifecycleRules],
) -> None:
    text = (
        "Rappelant sa\nrésolution   68/192 du 18\ndécembre 2013 et la résolution 2013/41"
        " du Conseil\néconomique et social,"
    )
    document = _document(text, "Décide de rester saisie de la question.")
    links = find_links(document, rules["fr"])
    assert links.recalled_keys == ("GA 68/192", "ECOSOC 2013/41")
    assert links.recalls[0].quote == "sa\nrésolution   68/192 du 18\ndécembre 2013"
    curly = _document(
        "Rappelant la résolution 60/251 de l’Assemblée générale,",
        "Décide de clore l’examen de la question.",
    )
    curly_links = find_links(curly, rules["fr"])
    assert curly_links.recalls[0].quote == "résolution 60/251 de l’Assemblée générale"
    assert curly_links.recalls[0].body_stated
    assert curly_links.terminations[0].what == "l’examen de la question"
    _assert_quotes_are_the_text(document, links)
    _assert_quotes_are_the_text(curly, curly_links)


def test_numbering_alone_does_not_make_a_report(rules: dict[str, LifecycleRules]) -> None:
    untitled = _document("Distr. générale 3 mars 2024", "Les États ont été consultés.", body=None)
    assert not find_links(untitled, rules["fr"]).is_report
    resolution = _document(
        "Rapport du Secrétaire général",
        "Le présent rapport est présenté en application de la résolution 68/145.",
    )
    links = find_links(resolution, rules["fr"])
    assert not links.is_report and links.answers == ()  # it has an adopting body's line


def test_a_draft_number_is_not_a_reference(rules: dict[str, LifecycleRules]) -> None:
    document = _document(
        "Rappelant la résolution 42/… du Conseil des droits de l'homme et la résolution 80/xx,",
        "Décide de rester saisi de la question.",
        body="HRC",
    )
    assert find_links(document, rules["fr"]).recalls == ()


# --- Keys and symbols -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "body", "key"),
    [
        ("68/145", "GA", "GA 68/145"),
        ("A/RES/68/145", None, "GA 68/145"),
        ("A/HRC/RES/42/16", None, "HRC 42/16"),
        ("E/RES/2019/10", None, "ECOSOC 2019/10"),
        ("2019/10", None, "2019/10"),
        (" 49/75   K", "GA", "GA 49/75 K"),
        ("S-30/1", "HRC", "HRC S-30/1"),
    ],
)
def test_resolution_key(number: str, body: str | None, key: str) -> None:
    assert resolution_key(number, body) == key


@pytest.mark.parametrize(
    ("symbol", "key"),
    [
        ("A/RES/68/192", "GA 68/192"),
        ("A/HRC/RES/42/16", "HRC 42/16"),
        ("E/RES/2019/10", "ECOSOC 2019/10"),
        ("S/RES/2334 (2016)", "SC 2334 (2016)"),
        ("A/HRC/59/L.12", None),
        ("A/C.3/80/L.14", None),
        ("E/CN.15/2018/L.3/Rev.1", None),
        (None, None),
    ],
)
def test_document_resolution_key(symbol: str | None, key: str | None) -> None:
    meta = DocumentMeta(symbol, "en", "GA", None, "adopted", None, None)
    assert document_resolution_key(meta) == key


@pytest.mark.parametrize(
    ("symbol", "body", "session", "year"),
    [
        ("A/71/175", "GA", 71, None),
        ("A/HRC/47/23", "HRC", 47, None),
        ("A/HRC/RES/42/16", "HRC", 42, None),
        ("A/C.3/80/L.14", "GA", 80, None),
        ("E/CN.15/2024/5", "CCPCJ", None, 2024),
        ("E/CN.7/2020/3", "CND", None, 2020),
        ("E/ICEF/2024/5", "UNICEF-EB", None, 2024),
        ("E/2023/50", "ECOSOC", None, 2023),
    ],
)
def test_symbol_issued_for(symbol: str, body: str, session: int | None, year: int | None) -> None:
    issued = symbol_issued_for(symbol, load_bodies())
    assert issued is not None
    assert (issued.symbol, issued.body, issued.session, issued.year) == (
        symbol,
        body,
        session,
        year,
    )


def test_a_symbol_of_an_unknown_series_is_issued_for_nothing() -> None:
    assert symbol_issued_for("S/2024/123", load_bodies()) is None
