"""Clause splitting: where operative verbs open clauses in a paragraph.

:func:`tracker.extract.split_clauses` tries each verb rule only where a clause may start. The
property test holds it to the plain reading it replaces: every verb rule's pattern, preceded
by what may come before a verb, scanned over the whole paragraph.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import draw_language
from tracker.analyse import Toolkit
from tracker.extract import Clause, clause_starts, split_clauses
from tracker.literals import fold
from tracker.rulebook import LanguageRules

_LEAD = r"(?:^\s*|[,;:]\s+(?:et\s+|and\s+)?|\s+(?:et|and)\s+)"


def _scanned(text: str, rules: LanguageRules) -> list[tuple[str, int, int, int, str | None]]:
    """The clauses the whole-paragraph scan of every verb rule finds (the oracle)."""
    found = []
    for order, rule in enumerate(rules.verbs):
        pattern = re.compile(rf"{_LEAD}(?P<verb>{rules.lexicon.expand(rule.pattern)})\b", re.I)
        for match in pattern.finditer(text):
            start = match.start("verb")
            if start == 0 or text[start].islower():
                found.append((start, -(match.end() - start), order, rule.id, match))
    found.sort(key=lambda item: item[:3])
    kept, last_end = [], -1
    for start, _, _, rule_id, match in found:
        if start >= last_end:
            kept.append((rule_id, start, match.end(), match.groupdict().get("pronoun")))
            last_end = match.end()
    ends = [start for _, start, _, _ in kept[1:]] + [len(text)]
    return [(r, s, v, e, p) for (r, s, v, p), e in zip(kept, ends, strict=False)]


def _split(text: str, rules: LanguageRules) -> list[Clause]:
    return split_clauses(text, rules.paragraph_rules(fold(text)))


def _summary(clauses: list[Clause]) -> list[tuple[str, int, int, int, str | None]]:
    return [(c.rule.id, c.start, c.verb_end, c.end, c.pronoun) for c in clauses]


@pytest.mark.parametrize(
    ("lang", "text", "verbs"),
    [
        ("fr", "Prie le Secrétaire général de lui présenter un rapport ;", ["Prie"]),
        (
            "fr",
            "Engage les États à agir, et les invite à lui faire rapport ;",
            ["Engage", "invite"],
        ),
        (
            "fr",
            "Note le rapport ; prie également le Secrétaire général de …",
            ["Note", "prie également"],
        ),
        ("fr", "Engage les États et Invite les donateurs à verser des fonds", ["Engage"]),
        ("en", "Requests the Secretary-General to report, and decides to", ["Requests", "decides"]),
        ("fr", "Décide ce qui suit : prie le Secrétaire général", ["Décide", "prie"]),
        ("fr", "Prend note du projet invite les États", ["Prend note"]),
        ("en", "Decides to consider the question and", ["Decides"]),
        ("en", "Notes the demand urges nothing; and urges States", ["Notes", "urges"]),
        ("en", "Welcomes the report, and", ["Welcomes"]),
        ("en", "", []),
    ],
)
def test_verbs_open_clauses_where_a_clause_may_start(
    toolkit: Toolkit, lang: str, text: str, verbs: list[str]
) -> None:
    clauses = _split(text, toolkit.languages[lang])
    assert [c.verb for c in clauses] == verbs
    assert _summary(clauses) == _scanned(text, toolkit.languages[lang])


def test_clause_starts_follow_leading_space_punctuation_and_conjunctions() -> None:
    text = " Prie X, et invite Y; engage Z and urges W et"
    assert [text[i : i + 4] for i in clause_starts(text)] == [
        "Prie",
        "et i",
        "invi",
        "enga",
        "urge",
    ]


_SEPARATORS = [
    ",",
    ";",
    ":",
    ", ",
    "; ",
    ": ",
    " et ",
    " and ",
    " Et ",
    " ",
    "  ",
    "\n",
    " , ",
    ", et ",
    "; and ",
]
_WORDS = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)?")
"""A word or two of a verb pattern (« prie », « prie également », "calls upon")."""
_GLUED = ["projet", "demand", "Brand", "l'", "les ", "x"]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_split_clauses_finds_what_scanning_every_verb_rule_finds(
    toolkit: Toolkit, data: st.DataObject
) -> None:
    rules = draw_language(toolkit, data)
    words = [w for rule in rules.verbs for e in rule.examples for w in e.paragraph.split()]
    verbs = [
        w for rule in rules.verbs for w in re.findall(r"[^\W\d_]+(?: [^\W\d_]+)?", rule.pattern)
    ]
    filler = st.sampled_from(words + _GLUED)
    triple = st.tuples(filler, st.sampled_from(_SEPARATORS), st.sampled_from(verbs))
    text = "".join("".join(t) for t in data.draw(st.lists(triple, max_size=10)))
    assert _summary(_split(text, rules)) == _scanned(text, rules)
