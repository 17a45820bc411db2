"""What a regular expression cannot match without: literal words (a cheap gate before it runs)
and first characters (a guard that lets the engine skip every other position).

Most rules cannot match a clause that lacks some word (« session », "every", « Décennie »).
:func:`required_literals` reads a compiled pattern's syntax tree and returns a set of strings
one of which every match contains (case-folded), or None when it cannot tell; :class:`Gate`
then tests the set against a case-folded clause with ``in`` before the pattern is run. The
gate only skips work: when it says no, the pattern could not have matched (the rule examples
and a property test hold it to that).

:func:`guarded` reads the characters a match can start with and puts them in front of the
pattern as a lookahead, « (?=[cmps…])(?:…) »: CPython's engine tries every alternative of a
case-insensitive pattern at every position, and the one-character test fails most positions at
once. The guard never changes what matches (the tests compare every rule's matches with and
without it).

The tree is CPython's own parse of the pattern (``re._parser``); on a Python whose parser
differs, every pattern simply gets no gate.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

try:  # CPython 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Pythons: no gates
    sre_parse = sre_constants = None


def fold(text: str) -> str:
    """Case-fold ``text`` the way the gates compare it (dotless and dotted i count as i, since
    a case-insensitive pattern matches them as i)."""
    return text.casefold().replace("ı", "i").replace("\u0307", "")


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings (folded) one of which every match of ``pattern`` contains; None if unknown."""
    if sre_parse is None or pattern.flags & re.VERBOSE:
        return None
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
        found = _sequence(list(tree))
    except Exception:  # noqa: BLE001 - an unreadable tree only means no gate
        return None
    if not found or any(not literal.strip() for literal in found):
        return None
    return frozenset(fold(literal) for literal in found)


def _sequence(items: list[tuple[Any, Any]], depth: int = 0) -> set[str] | None:
    """The most selective requirement among the items of a sequence (all must match); the
    whole pattern and its top branches also try their items spelled out together."""
    options: list[set[str]] = []
    run = ""
    for op, value in items:
        if op is sre_constants.LITERAL:
            run += chr(value)
            continue
        if op is sre_constants.AT:  # a boundary: zero width, the run goes on
            continue
        if run:
            options.append({run})
            run = ""
        inner = _item(op, value, depth + 1)
        if inner:
            options.append(inner)
    if run:
        options.append({run})
    if depth <= _SPELLED_DEPTH:
        options.extend(_spelled_runs(items))
    return max(options, key=_selectivity) if options else None


_SPELLED_DEPTH = 1
"""How deep in a pattern's groups runs are spelled out (the pattern and its top branches: the
cost of loading the rules grows with it, the selectivity of their gates hardly)."""

_MAX_SPELLINGS = 4096
"""How many spellings of a stretch of pattern are listed at most (« in 2026 », "by March 20…")."""

_MAX_CLASS_SPELLINGS = 10
"""How many characters a class may hold to be spelled out one by one."""

_MAX_SHORTENED = 32
"""Up to this many spellings a set is rid of those that contain another (the test is
quadratic)."""

_Spellings = tuple[set[str], bool]
"""The strings a piece of pattern may match (or start with, when the flag says incomplete)."""


def _spelled_runs(items: list[tuple[Any, Any]]) -> list[set[str]]:
    """Requirements made of consecutive items spelled out together: « \\b(?:in|by) (?:19|20)\\d\\d »
    requires one of "in 19", "in 20", "by 19", "by 20", far rarer than "19" or "20" alone.

    Each run of items whose strings can be listed gives the set of their concatenations; an
    item that can only be partly listed ends the run with its known beginnings."""
    runs: list[set[str]] = []
    run = {""}
    for op, value in items:
        spelled, complete = _spellings(op, value)
        joined = _joined_spellings(run, spelled)
        if joined is None:
            runs.append(run)
            joined = spelled if len(spelled) <= _MAX_SPELLINGS else {""}
        run = joined
        if not complete:
            runs.append(run)
            run = {""}
    runs.append(run)
    return [_shortest_only(r) for r in runs if r and all(x.strip() for x in r)]


def _joined_spellings(heads: set[str], tails: set[str]) -> set[str] | None:
    """Every head followed by every tail; None when there would be too many."""
    if len(heads) * len(tails) > _MAX_SPELLINGS:
        return None
    return {head + tail for head in heads for tail in tails}


def _shortest_only(spellings: set[str]) -> set[str]:
    """The set without the strings that contain another of it (they add nothing to a gate);
    left as it is when large."""
    if len(spellings) > _MAX_SHORTENED:
        return spellings
    ordered = sorted(spellings, key=len)
    kept: list[str] = []
    for candidate in ordered:
        if not any(shorter in candidate for shorter in kept):
            kept.append(candidate)
    return set(kept)


def _spellings(op: Any, value: Any) -> _Spellings:
    """The strings one item matches, and whether that is all of them (else only how its
    matches begin)."""
    if op is sre_constants.LITERAL:
        return {chr(value)}, True
    if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return {""}, True  # zero width
    group = _group_items(op, value)
    if group is not None:
        return _sequence_spellings(group)
    if op is sre_constants.BRANCH:
        found: set[str] = set()
        complete = True
        for branch in value[1]:
            spelled, whole = _sequence_spellings(list(branch))
            found |= spelled
            complete = complete and whole
        return (found, complete) if len(found) <= _MAX_SPELLINGS else ({""}, False)
    if op is sre_constants.IN:
        characters = _class_characters(value)
        if characters is not None and len(characters) <= _MAX_CLASS_SPELLINGS:
            return characters, True
        return {""}, False
    if _is_repeat(op):
        return _repeat_spellings(value)
    return {""}, False  # any character, a category, a back-reference…


def _sequence_spellings(items: list[tuple[Any, Any]]) -> _Spellings:
    found = {""}
    for op, value in items:
        spelled, complete = _spellings(op, value)
        joined = _joined_spellings(found, spelled)
        if joined is None:
            return found, False
        found = joined
        if not complete:
            return found, False
    return found, True


def _repeat_spellings(value: Any) -> _Spellings:
    """A repeat spelled out up to three times; beyond, only its first ``low`` times."""
    low, high, body = value
    spelled, complete = _sequence_spellings(list(body))
    if not complete:
        return (spelled, False) if low >= 1 else ({""}, False)
    found: set[str] = set()
    repeated = {""}
    for times in range(min(high, 3) + 1):
        if times >= low:
            found |= repeated
        joined = _joined_spellings(repeated, spelled)
        if joined is None:  # each match is one listed or starts with the longest listed
            return (found if times >= low else {""}), False
        repeated = joined
    if high > 3:
        return (repeated if low > 3 else found), False
    return found, True


def _group_items(op: Any, value: Any) -> list[tuple[Any, Any]] | None:
    """The items inside a group (capturing, non-capturing or atomic); None for other items."""
    if op is sre_constants.SUBPATTERN:
        return list(value[-1])
    if op is sre_constants.ATOMIC_GROUP:
        return list(value)
    return None


def _is_repeat(op: Any) -> bool:
    return op in (
        sre_constants.MAX_REPEAT,
        sre_constants.MIN_REPEAT,
        sre_constants.POSSESSIVE_REPEAT,
    )


def _item(op: Any, value: Any, depth: int = 0) -> set[str] | None:
    group = _group_items(op, value)
    if group is not None:
        return _sequence(group, depth)
    if _is_repeat(op):
        low, _, body = value
        return _sequence(list(body), depth) if low >= 1 else None
    if op is sre_constants.BRANCH:
        branches = [_sequence(list(branch), depth) for branch in value[1]]
        if any(not b for b in branches):
            return None
        return set().union(*(b for b in branches if b))
    return None


def _selectivity(literals: set[str]) -> tuple[int, int]:
    """Longer shortest literal first, then fewer alternatives."""
    return (min(len(x.strip()) for x in literals), -len(literals))


@dataclass(frozen=True)
class Gate:
    """A pattern with the literals it needs: :meth:`may_match` is a cheap pre-test."""

    pattern: re.Pattern[str]
    literals: frozenset[str] | None

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Gate:
        """The gate of one compiled pattern."""
        return cls(pattern, required_literals(pattern))

    def may_match(self, folded: str) -> bool:
        """False only if the pattern cannot match the text ``folded`` was folded from."""
        if self.literals is None:
            return True
        if len(self.literals) > _FEW_LITERALS:
            return next(self._automaton.iter(folded), None) is not None
        for literal in self.literals:  # a loop, not any(): this runs a million times a minute
            if literal in folded:
                return True
        return False

    @functools.cached_property
    def _automaton(self) -> ahocorasick.Automaton:
        return _automaton(sorted(self.literals or ()))


_FEW_LITERALS = 16
"""Up to this many literals a gate tests one by one; beyond, with one automaton scan."""


class LiteralFinder:
    """Which of the literals of many gates occur in a folded text, found in one scan.

    Checking forty gates one literal at a time costs more than one pass of an Aho-Corasick
    automaton (pyahocorasick) that holds every literal and reports each occurrence, nested and
    overlapping ones included, in time linear in the text.
    """

    def __init__(self, gates: Iterable[Gate]) -> None:
        gates = tuple(gates)
        literals = sorted({lit for gate in gates for lit in gate.literals or ()})
        self._automaton = _automaton(literals) if literals else None
        self._always = frozenset(i for i, gate in enumerate(gates) if gate.literals is None)
        opened: dict[str, set[int]] = {literal: set() for literal in literals}
        for i, gate in enumerate(gates):
            for literal in gate.literals or ():
                opened[literal].add(i)
        self._opened = {literal: frozenset(indices) for literal, indices in opened.items()}

    def found(self, folded: str) -> frozenset[str]:
        """The literals that occur in ``folded``: all that :meth:`opened_by` needs, and a small
        set that many paragraphs share."""
        if self._automaton is None:
            return frozenset()
        return frozenset([literal for _, literal in self._automaton.iter(folded)])

    def open_gates(self, folded: str) -> list[int]:
        """The positions (in the order they were given) of the gates that let ``folded`` in:
        those with a literal that occurs in it, and those with no literals."""
        return self.opened_by(self.found(folded))

    def opened_by(self, found: frozenset[str]) -> list[int]:
        """:meth:`open_gates` of a text whose :meth:`found` literals are ``found``."""
        return sorted(self._always.union(*(self._opened[literal] for literal in found)))


def _automaton(literals: list[str]) -> ahocorasick.Automaton:
    """An automaton that reports each of ``literals`` (as its value) wherever it occurs."""
    automaton = ahocorasick.Automaton()
    for literal in literals:
        automaton.add_word(literal, literal)
    automaton.make_automaton()
    return automaton


_MAX_FIRST_CHARACTERS = 40
_FEW_FIRST_CHARACTERS = 3
"""Up to this many first characters, a guard does not test the word boundary: the character
class alone turns away most positions, more cheaply."""
_MAX_PREFIXES = 4096


def guarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with a lookahead on the characters its matches start with, or ``pattern``
    itself when they cannot be told (a class, a category, a match that may be empty).

    Where every match's next characters come from sets that can be told, the lookahead tests
    them too, « (?=[ib…][ny…][ , …]) », up to :data:`GUARD_WIDTH` characters: most positions
    whose character may start a match are followed by one that may not. Where every match
    starts at a word boundary (:func:`starts_at_word_boundary`), the lookahead tests that
    first, « (?=\\b[ib…]…) », which turns away the middle of every word."""
    classes = _guard_classes(pattern)
    # a boundary test costs more than one character class that turns most positions away
    few = classes and len(classes[0]) <= _FEW_FIRST_CHARACTERS
    boundary = r"\b" if starts_at_word_boundary(pattern) and not few else ""
    if not classes and not boundary:
        return pattern
    lookahead = boundary + "".join(
        "[" + "".join(re.escape(c) for c in sorted(s)) + "]" for s in classes
    )
    try:
        return re.compile(f"(?={lookahead})(?:{pattern.pattern})", pattern.flags)
    except re.error:  # inline global flags must stay at the start: no guard
        return pattern


GUARD_WIDTH = 3
"""How many leading characters a guard tests at most."""


def _guard_classes(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """The character sets of :func:`guarded`'s lookahead: the widest reading of the leading
    characters that can be told (a wider one may list too many prefixes), cut before the first
    set too large to test."""
    for width in range(GUARD_WIDTH, 0, -1):
        leading = leading_characters(pattern, width)
        if leading:
            break
    else:
        return ()
    small = [len(s) <= _MAX_FIRST_CHARACTERS for s in leading]
    return leading[: small.index(False)] if False in small else leading


def starts_at_word_boundary(pattern: re.Pattern[str]) -> bool:
    """Whether every match of ``pattern`` starts where ``\\b`` holds: each way through it
    tests ``\\b`` before it reads a character (False when that cannot be told)."""
    if sre_parse is None or pattern.flags & re.VERBOSE:
        return False
    try:
        return _tests_boundary_first(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 - an unreadable tree only means no boundary test
        return False


def _tests_boundary_first(items: list[tuple[Any, Any]]) -> bool:
    for op, value in items:
        if op is sre_constants.AT:
            if value is sre_constants.AT_BOUNDARY:
                return True
            continue  # another zero-width anchor
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue  # a lookaround reads nothing
        group = _group_items(op, value)
        if group is not None:
            return _tests_boundary_first(group)
        if op is sre_constants.BRANCH:
            return all(_tests_boundary_first(list(branch)) for branch in value[1])
        return False
    return False


def leading_characters(pattern: re.Pattern[str], width: int) -> tuple[frozenset[str], ...] | None:
    """The characters (as written; the pattern's flags apply) a match may have at each of its
    first ``width`` positions, one set per position, up to the first position that cannot be
    told or that a match may not reach; None when not even the first can."""
    if sre_parse is None or pattern.flags & re.VERBOSE:
        return None
    try:
        prefixes = _prefixes(list(sre_parse.parse(pattern.pattern, pattern.flags)), width)
    except Exception:  # noqa: BLE001 - an unreadable tree only means no guard
        return None
    classes: list[frozenset[str]] = []
    for i in range(width):
        if prefixes is None or any(len(p) <= i or p[i] == _UNKNOWN for p in prefixes):
            break
        classes.append(frozenset(p[i] for p in prefixes))
    return tuple(classes) or None


_UNKNOWN = "\uffff"
"""Stands for a character that cannot be told (a category, any character…) in a prefix; a
prefix is padded with it to the full width, so nothing is joined after it."""


def _prefixes(items: list[tuple[Any, Any]], width: int) -> set[str] | None:
    """The first ``width`` characters of every string a sequence matches (the whole string when
    shorter, :data:`_UNKNOWN` where a character cannot be told); None when there are too many
    to list."""
    found = {""}
    for op, value in items:
        if all(len(prefix) >= width for prefix in found):
            break
        item = _item_prefixes(op, value, width)
        if item is None:
            return None
        found = _joined(found, item, width)
        if len(found) > _MAX_PREFIXES:
            return None
    return found


def _joined(heads: set[str], tails: set[str], width: int) -> set[str]:
    """Each head followed by each tail, cut at ``width`` (a head that long stays as it is)."""
    return {h if len(h) >= width else (h + t)[:width] for h in heads for t in tails}


def _item_prefixes(op: Any, value: Any, width: int) -> set[str] | None:
    if op is sre_constants.LITERAL:
        return {chr(value)}
    if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return {""}  # zero width
    group = _group_items(op, value)
    if group is not None:
        return _prefixes(group, width)
    if _is_repeat(op):
        return _repeat_prefixes(value, width)
    if op is sre_constants.IN:
        characters = _class_characters(value)
        return set(characters) if characters is not None else {_UNKNOWN * width}
    if op is sre_constants.BRANCH:
        found: set[str] = set()
        for branch in value[1]:
            prefixes = _prefixes(list(branch), width)
            if prefixes is None:
                return None
            found |= prefixes
        return found
    return {_UNKNOWN * width}  # any character, a category, a back-reference…


def _repeat_prefixes(value: Any, width: int) -> set[str] | None:
    """Prefixes of a repeat: ``low`` to ``high`` times the body (beyond ``low + width`` times,
    no new prefix can appear)."""
    low, high, body = value
    inner = _prefixes(list(body), width)
    if inner is None:
        return None
    found: set[str] = set()
    repeated = {""}
    for times in range(min(high, low + width) + 1):
        if times >= low:
            found |= repeated
        repeated = _joined(repeated, inner, width)
        if len(repeated) > _MAX_PREFIXES:
            return None
    return found


def _class_characters(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The characters of a class of literals and short ranges (« [ab] », « [0-9] »)."""
    found: set[str] = set()
    for op, value in items:
        if op is sre_constants.LITERAL:
            found.add(chr(value))
        elif op is sre_constants.RANGE and value[1] - value[0] < _MAX_FIRST_CHARACTERS:
            found.update(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return found
