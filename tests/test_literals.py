"""The literal gates never hide a match: whatever a rule's pattern matches, its gate lets in."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.analyse import Toolkit
from tracker.lifecycle import all_examples
from tracker.literals import Gate, fold, required_literals
from tracker.rulebook import LanguageRules

LEAD = r"(?:^\s*|[,;:]\s+(?:et\s+|and\s+)?|\s+(?:et|and)\s+)"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bsession\b", {"session"}),
        (r"(?:every|each) (?:two|three) years", {" years"}),
        (r"(?:Décennie|Année internationale)", {"décennie", "année internationale"}),
        (r"rapport(?: annuel)?", {"rapport"}),
        (r"\d{4}", None),
        (r"(?:a|b)?c", {"c"}),
        (r"(?:prie|(?:demande)+)", {"prie", "demande"}),
        (r"(?:x|\d)", None),
    ],
)
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    found = required_literals(re.compile(pattern, re.I))
    assert (set(found) if found is not None else None) == expected


def test_dotless_and_dotted_i_are_let_in() -> None:
    gate = Gate.of(re.compile("session", re.I))
    for text in ("SESSİON", "sessıon", "Session"):
        assert gate.pattern.search(text) and gate.may_match(fold(text))


def _gates(rules: LanguageRules) -> list[Gate]:
    return [
        *(g for _, g in rules.timing_gates),
        *(g for _, g in rules.kind_gates),
        *(g for _, g in rules.actor_gates),
        *(g for _, g in rules.verb_gates(LEAD)),
    ]


def _examples(rules: LanguageRules) -> list[str]:
    every = [*rules.verbs, *rules.kinds, *rules.timing]
    return [example.paragraph for rule in every for example in rule.examples]


def test_every_gate_lets_every_rule_example_in(toolkit: Toolkit) -> None:
    checked = 0
    for rules in toolkit.languages.values():
        folded_examples = [(text, fold(text)) for text in _examples(rules)]
        for gate in _gates(rules):
            for text, folded in folded_examples:
                if gate.pattern.search(text):
                    checked += 1
                    assert gate.may_match(folded), (gate.pattern.pattern, text)
    assert checked > 200


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_gates_never_hide_a_match_in_mixed_text(toolkit: Toolkit, data: st.DataObject) -> None:
    lang = data.draw(st.sampled_from(sorted(toolkit.languages)))
    rules = toolkit.languages[lang]
    pieces = [w for text in _examples(rules) for w in text.split()]
    words = data.draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=40))
    noise = data.draw(st.sampled_from(["", " İ", " ı", "\u00a0", " ß", " K"]))
    text = " ".join(words) + noise
    folded = fold(text)
    for gate in _gates(rules):
        if gate.pattern.search(text):
            assert gate.may_match(folded), (gate.pattern.pattern, text)


def test_every_lifecycle_gate_lets_every_lifecycle_example_in(toolkit: Toolkit) -> None:
    checked = 0
    for rules in toolkit.lifecycle.values():
        texts = [example.text for _, _, example in all_examples(rules)]
        for name, gate in rules.gates.items():
            for text in texts:
                if gate.pattern.search(text):
                    checked += 1
                    assert gate.may_match(fold(text)), (name, text)
        assert sum(g.literals is not None for g in rules.gates.values()) > 10
    assert checked > 100
