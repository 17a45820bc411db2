"""The literal gates never hide a match: whatever a rule's pattern matches, its gate lets in."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import draw_language
from tracker.analyse import Toolkit
from tracker.lifecycle import all_examples
from tracker.literals import (
    Gate,
    LiteralFinder,
    fold,
    guarded,
    leading_characters,
    required_literals,
    starts_at_word_boundary,
)
from tracker.rulebook import LanguageRules, load_language


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bsession\b", {"session"}),
        (
            r"(?:every|each) (?:two|three) years",
            {"every two years", "every three years", "each two years", "each three years"},
        ),
        (r"\b(?:in|by) (?:19|20)\d\d", {"in 19", "in 20", "by 19", "by 20"}),
        (r"(?<=\bin \d{4} )\band (?:19|20)\d\d", {"and 19", "and 20"}),
        (r"(?:early |late )?(?:May|June) (?:19|20)", {"may 19", "may 20", "june 19", "june 20"}),
        (r"sessions? \d+", {"session"}),
        (r"(?:ab){2,} x", {"abab"}),
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
        *(g for _, g in rules.verb_gates),
        *(g for _, g in rules.mention_gates),
        *(g for _, g in rules.trailing_mention_gates),
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
    rules = draw_language(toolkit, data)
    pieces = [w for text in _examples(rules) for w in text.split()]
    words = data.draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=40))
    noise = data.draw(st.sampled_from(["", " İ", " ı", "\u00a0", " ß", " K"]))
    text = " ".join(words) + noise
    folded = fold(text)
    for gate in _gates(rules):
        if gate.pattern.search(text):
            assert gate.may_match(folded), (gate.pattern.pattern, text)


@pytest.mark.parametrize(
    ("literals", "text", "expected"),
    [
        ({"ab", "abcd", "cd"}, "xabcdx", {"ab", "abcd", "cd"}),
        ({"session", "sessions", "ions"}, "à ses sessions", {"session", "sessions", "ions"}),
        (
            {"tous les ", "les deux", "deux ans"},
            "tous les deux ans",
            {"tous les ", "les deux", "deux ans"},
        ),
        ({"19", "20"}, "en 2019", {"20", "19"}),
        ({"rapport"}, "rappor t", set()),
        (set(), "anything", set()),
    ],
    ids=[
        "prefix-and-overlap",
        "word-and-plural",
        "overlapping-words",
        "digits",
        "none",
        "no-literal",
    ],
)
def test_the_literal_finder_finds_overlapping_and_nested_literals(
    literals: set[str], text: str, expected: set[str]
) -> None:
    one_each = sorted(literals)
    finder = LiteralFinder([Gate(re.compile("x"), frozenset({lit})) for lit in one_each])
    assert {one_each[i] for i in finder.open_gates(text)} == expected


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_one_literal_scan_answers_every_gate_as_the_gate_itself(
    toolkit: Toolkit, data: st.DataObject
) -> None:
    rules = draw_language(toolkit, data)
    pieces = [w for text in _examples(rules) for w in text.split()]
    words = data.draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=40))
    folded = fold(" ".join(words))
    gates = [g for _, g in (*rules.verb_gates, *rules.timing_gates, *rules.kind_gates)]
    opened = rules.paragraph_literals.open_gates(folded)
    assert opened == [i for i, gate in enumerate(gates) if gate.may_match(folded)]
    by_rules = rules.paragraph_rules(folded)
    assert [r.id for r, _ in by_rules.verbs] == [
        r.id for r, g in rules.verb_gates if g.may_match(folded)
    ]
    assert [r.id for r, _ in by_rules.timing] == [
        r.id for r, g in rules.timing_gates if g.may_match(folded)
    ]
    assert [(i, r.id) for i, r, _ in by_rules.kinds] == [
        (i, r.id) for i, (r, g) in enumerate(rules.kind_gates) if g.may_match(folded)
    ]
    assert [r.id for r, _ in rules.actors_in(folded)] == [
        r.id for r, g in rules.actor_gates if g.may_match(folded)
    ]
    assert [r.id for r, _ in rules.mentions_in(folded)] == [
        r.id for r, g in rules.mention_gates if g.may_match(folded)
    ]


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


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bsession", {"s"}),
        (r"(?:a|b)?c", {"a", "b", "c"}),
        (r"(?<!\bat )meetings?", {"m"}),
        (r"(?:every|each) year", {"e"}),
        (r"(?:19|20)\d\d", {"1", "2"}),
        (r"\d+", None),
        (r"x*", None),
        (r"(?:x|[a-c])", {"x", "a", "b", "c"}),
        (r"(?:x|\w)", None),
        (r"[^a]b", None),
    ],
)
def test_first_characters(pattern: str, expected: set[str] | None) -> None:
    found = leading_characters(re.compile(pattern, re.I), 1)
    assert (set(found[0]) if found is not None else None) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bsession|\bmeeting", True),
        (r"(?<!\bat )\bmeetings?", True),
        (r"(?P<verb>\bPrie)", True),
        (r"^\bx", True),
        (r"\bsession|meeting", False),
        (r"(?:\bx)?y", False),
        (r"\s*\bx", False),
        (r"x\b", False),
    ],
    ids=[
        "every-branch",
        "after-a-lookbehind",
        "inside-a-group",
        "after-an-anchor",
        "one-branch-without",
        "optional-group",
        "after-a-repeat",
        "only-after-a-character",
    ],
)
def test_a_match_starts_at_a_word_boundary_only_where_every_way_tests_it_first(
    pattern: str, expected: bool
) -> None:
    assert starts_at_word_boundary(re.compile(pattern, re.I)) is expected


def test_a_guard_tests_the_boundary_first_unless_few_characters_may_start_a_match() -> None:
    many = re.compile(r"\b(?:in|by|before|during|from|as|no later than|early in) 20\d\d", re.I)
    assert guarded(many).pattern.startswith("(?=\\b[abdefin][aenorsuy]")
    few = re.compile(r"\band 20\d\d", re.I)
    assert guarded(few).pattern.startswith("(?=[a][n][d])")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bsession", [{"s"}, {"e"}]),
        (r"(?:19|20)\d\d", [{"1", "2"}, {"9", "0"}]),
        (r"\b(?:in|by) (?:early )?\d", [{"i", "b"}, {"n", "y"}]),
        (r"(?:a|b)?c", [{"a", "b", "c"}]),  # "c" alone: no second character
        (r"(?:ab)+", [{"a"}, {"b"}]),
        (r"a(?=b)c", [{"a"}, {"c"}]),  # a lookahead takes no place
        (r"[a-c]x{0,2}d", [{"a", "b", "c"}, {"x", "d"}]),
        (r"a\w", [{"a"}]),  # a category: the second cannot be told
        (r"[,;]\s+(?:and\s+)?|(?<=\s)and\s+", [{",", ";", "a"}]),  # …nor after a branch's
        (r"x*", None),
    ],
)
def test_leading_characters(pattern: str, expected: list[set[str]] | None) -> None:
    found = leading_characters(re.compile(pattern, re.I), 2)
    assert ([set(s) for s in found] if found is not None else None) == expected


_GUARD = re.compile(r"\(\?=(?:\\b)?(?:\[(?:\\.|[^\]\\])*\]){0,3}\)\(\?:(.*)\)", re.S)


def _guarded_patterns(toolkit: Toolkit) -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """Every rule pattern in use (guarded) with the same pattern compiled without its guard."""
    patterns = [g.pattern for rules in toolkit.languages.values() for g in _gates(rules)] + [
        p for rules in toolkit.lifecycle.values() for p in rules.patterns.values()
    ]
    pairs = []
    for pattern in patterns:
        bare = _GUARD.fullmatch(pattern.pattern)
        if bare:
            pairs.append((pattern, re.compile(bare.group(1), pattern.flags)))
    return pairs


def _same_matches(guarded_pattern: re.Pattern[str], bare: re.Pattern[str], text: str) -> None:
    def matches(p: re.Pattern[str]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
        return [(m.span(), m.groupdict()) for m in p.finditer(text)]

    assert matches(guarded_pattern) == matches(bare), (bare.pattern, text)


def test_guards_change_no_match_of_any_rule_example(toolkit: Toolkit) -> None:
    pairs = _guarded_patterns(toolkit)
    assert len(pairs) > 150  # most rules are guarded
    texts = [text for rules in toolkit.languages.values() for text in _examples(rules)]
    texts += [e.text for rules in toolkit.lifecycle.values() for _, _, e in all_examples(rules)]
    for guarded_pattern, bare in pairs:
        for text in texts:
            _same_matches(guarded_pattern, bare, text)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_guards_change_no_match_in_mixed_text(toolkit: Toolkit, data: st.DataObject) -> None:
    texts = [text for rules in toolkit.languages.values() for text in _examples(rules)]
    pieces = [w for text in texts for w in text.split()]
    words = data.draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=30))
    noise = data.draw(st.lists(st.sampled_from(["İ", "ı", "K", "ſ", "\u00a0", "ß", "É"])))
    text = " ".join(words + noise)
    for guarded_pattern, bare in _guarded_patterns(toolkit):
        _same_matches(guarded_pattern, bare, text)


def test_a_pattern_with_inline_flags_keeps_no_guard() -> None:
    pattern = re.compile(r"(?i)session")
    assert guarded(pattern) is pattern


def test_paragraph_rules_are_kept_per_literal_set_within_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = load_language("fr")  # its own cache, whatever other tests left in theirs
    same = [fold("Prie le Secrétaire général à sa session"), fold("prie X à sa session")]
    assert rules.paragraph_rules(same[0]) is rules.paragraph_rules(same[1])
    monkeypatch.setitem(LanguageRules.paragraph_rules.__globals__, "PARAGRAPH_RULES_KEPT", 2)
    texts = [fold(t) for t in ("Décide en 2030", "Prie le rapport", "Invite les tous les ans")]
    for text in texts:
        opened = rules.paragraph_rules(text)
        assert [r.id for r, _ in opened.timing] == [
            r.id for r, g in rules.timing_gates if g.may_match(text)
        ]
        assert len(rules._paragraph_rules_kept) <= 2
