"""Every rule that carries examples is run on them: the rules are data, the examples their tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tracker.analyse import Toolkit, example_document, load_toolkit
from tracker.errors import DataError
from tracker.extract import extract
from tracker.model import Mandate
from tracker.rulebook import LANGUAGES, RULES_DIR, Example, load_cleaning


def _examples() -> list[tuple[str, str, Example]]:
    toolkit = load_toolkit()
    cases = []
    for lang, rules in toolkit.languages.items():
        for rule in [*rules.verbs, *rules.kinds, *rules.timing]:
            for i, example in enumerate(rule.examples):
                cases.append((lang, f"{rule.id}[{i}]", example))
    return cases


def _field(mandate: Mandate, name: str) -> Any:
    value = getattr(mandate, name)
    if name == "recurrence":
        return value.as_json() if value else None
    if name == "date":
        return value.isoformat() if value else None
    if name == "kind":
        return str(value)
    return value


@pytest.mark.parametrize(
    ("lang", "rule_id", "example"), _examples(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_rule_example(lang: str, rule_id: str, example: Example, toolkit: Toolkit) -> None:
    document = example_document(example, lang, toolkit)
    mandates = extract(document, toolkit.languages[lang], toolkit.bodies)
    assert len(mandates) == len(example.expect), [m.as_json() for m in mandates]
    for mandate, expected in zip(mandates, example.expect, strict=True):
        got = {name: _field(mandate, name) for name in expected}
        assert got == expected
        text = document.operative[0].text
        assert text[mandate.quote_start : mandate.quote_end] == mandate.quote


def test_every_language_has_examples_for_its_timing_rules(toolkit: Toolkit) -> None:
    for lang in LANGUAGES:
        if lang not in toolkit.languages:
            continue
        yields = {r.yields for r in toolkit.languages[lang].timing if r.examples}
        assert {"session", "sessions", "next_session", "year", "date", "observance"} <= yields


def test_furniture_examples_are_furniture() -> None:
    rules = load_cleaning(RULES_DIR)
    for rule in rules.furniture_lines:
        for example in rule.examples:
            assert rules.is_furniture(example), (rule.id, example)
    assert not rules.is_furniture("6. Prie le Secrétaire général de lui présenter un rapport")


def test_languages_do_not_drift_apart(toolkit: Toolkit) -> None:
    """French and English cover the same kinds, timing yields and lexicon fields."""
    french, english = toolkit.languages["fr"], toolkit.languages["en"]
    assert {r.kind for r in french.kinds} == {r.kind for r in english.kinds}
    assert {r.yields for r in french.timing} - {"event"} <= {r.yields for r in english.timing}
    assert {r.yields for r in english.timing} - {"event"} <= {r.yields for r in french.timing}
    assert {r.actor for r in french.verbs} == {r.actor for r in english.verbs}
    assert french.lexicon.months.values() and sorted(french.lexicon.months.values()) == sorted(
        english.lexicon.months.values()
    )


def test_a_furniture_rule_that_matches_an_empty_line_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (RULES_DIR / "cleaning.yaml").read_text(encoding="utf-8")
    (rules / "cleaning.yaml").write_text(
        text.replace(
            "furniture_lines:\n",
            "furniture_lines:\n  - {id: blank, pattern: '^\\s*$', examples: []}\n",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="blank: matches an empty line"):
        load_cleaning(rules)
