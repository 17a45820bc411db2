"""Ordinals in words and figures: every French form from première to cent-cinquantième."""

from __future__ import annotations

import re

import pytest
from num2words import num2words

from tracker.numbers import parse_cardinal, parse_ordinal
from tracker.rulebook import Lexicon, load_language


@pytest.fixture(scope="module")
def french() -> Lexicon:
    return load_language("fr").lexicon


def _french_forms(n: int) -> set[str]:
    written = num2words(n, lang="fr", to="ordinal").replace("quatre-vingtsième", "quatre-vingtième")
    if n == 1:
        return {"premier", "première", "1er", "1re"}
    reformed = re.sub(r"[ -]", "-", written)  # 1990 spelling: hyphens everywhere
    return {written, reformed, f"{n}e", f"{n}ème"}


@pytest.mark.parametrize("n", range(1, 151))
def test_every_french_ordinal(n: int, french: Lexicon) -> None:
    pattern = re.compile(french.macros["ORD"], re.I)
    for form in _french_forms(n):
        assert pattern.fullmatch(form), form
        assert parse_ordinal(form, french) == n, form
    capitalised = sorted(_french_forms(n))[-1].capitalize()
    assert parse_ordinal(capitalised, french) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [("quatre", 4), ("deux", 2), ("cinq", 5), ("10", 10), ("vingt", 20)],
)
def test_french_cardinals(text: str, value: int, french: Lexicon) -> None:
    assert parse_cardinal(text, french) == value


def test_ordinal_inside_a_sentence(french: Lexicon) -> None:
    pattern = re.compile(rf"à sa ({french.macros['ORD']}) session", re.I)
    match = pattern.search("et de lui présenter, à sa soixante et onzième session, un rapport")
    assert match and parse_ordinal(match.group(1), french) == 71
    assert pattern.search("à sa session de 2027") is None
