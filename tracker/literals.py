"""Which literal words a regular expression cannot match without: a cheap gate before it runs.

Most rules cannot match a clause that lacks some word (« session », "every", « Décennie »).
:func:`required_literals` reads a compiled pattern's syntax tree and returns a set of strings
one of which every match contains (case-folded), or None when it cannot tell; :class:`Gate`
then tests the set against a case-folded clause with ``in`` before the pattern is run. The
gate only skips work: when it says no, the pattern could not have matched (the rule examples
and a property test hold it to that).

The tree is CPython's own parse of the pattern (``re._parser``); on a Python whose parser
differs, every pattern simply gets no gate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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


def _sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The most selective requirement among the items of a sequence (all must match)."""
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
        inner = _item(op, value)
        if inner:
            options.append(inner)
    if run:
        options.append({run})
    return max(options, key=_selectivity) if options else None


def _item(op: Any, value: Any) -> set[str] | None:
    if op is sre_constants.SUBPATTERN:
        return _sequence(list(value[-1]))
    if op is sre_constants.ATOMIC_GROUP:
        return _sequence(list(value))
    if op in (
        sre_constants.MAX_REPEAT,
        sre_constants.MIN_REPEAT,
        sre_constants.POSSESSIVE_REPEAT,
    ):
        low, _, body = value
        return _sequence(list(body)) if low >= 1 else None
    if op is sre_constants.BRANCH:
        branches = [_sequence(list(branch)) for branch in value[1]]
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
        for literal in self.literals:  # a loop, not any(): this runs a million times a minute
            if literal in folded:
                return True
        return False
