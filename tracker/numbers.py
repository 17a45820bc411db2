"""Numbers written in words or figures: ordinals (« soixante et onzième », "eighty-first",
« 71e », "81st") and small cardinals (« quatre », "three"), read with text2num."""

from __future__ import annotations

import re

from text_to_num import text2num

from tracker.rulebook import Lexicon


def parse_ordinal(text: str, lexicon: Lexicon) -> int | None:
    """Return the number an ordinal phrase stands for, or None if it is not one."""
    phrase = re.sub(r"\s*-\s*", "-", " ".join(text.lower().split()))
    figures = re.fullmatch(r"(\d{1,3})\D*", phrase)
    if figures:
        return int(figures.group(1))
    for ending, replacement in lexicon.ordinal_rewrites:
        if phrase.endswith(ending):
            return _cardinal_words(phrase[: len(phrase) - len(ending)] + replacement, lexicon)
    return None


def parse_cardinal(text: str, lexicon: Lexicon) -> int | None:
    """Return the value of a cardinal in figures or words, or None."""
    phrase = " ".join(text.lower().split())
    if phrase.isdigit():
        return int(phrase)
    if phrase in lexicon.cardinals:
        return lexicon.cardinals[phrase]
    return _cardinal_words(phrase, lexicon)


def _cardinal_words(phrase: str, lexicon: Lexicon) -> int | None:
    phrase = phrase.strip(" -")
    if phrase in lexicon.cardinals:
        return lexicon.cardinals[phrase]
    try:
        value = text2num(phrase, lexicon.lang)
    except ValueError:
        return None
    return int(value)
