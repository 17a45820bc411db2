"""Rules and word lists as data: the YAML files under ``rules/``, validated when loaded.

Every file is checked with pydantic; a mistake names the file and the field. Regular
expressions are compiled on load so that a bad pattern is reported before any text is read.
Patterns may use macros expanded from the language's lexicon: ``{ORD}`` (an ordinal in words
or figures), ``{NUM}`` (a cardinal in words or figures), ``{MONTH}``, ``{DAY}`` and ``{YEAR}``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tracker.errors import DataError
from tracker.literals import Gate, LiteralFinder, guarded

M = TypeVar("M", bound=BaseModel)

RULES_DIR = Path(
    os.environ.get("TRACKER_RULES_DIR") or Path(__file__).resolve().parent.parent / "rules"
)
LANGUAGES = ("fr", "en")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FurnitureRule(_Strict):
    """A line that is page furniture (job number, page number, URL...)."""

    id: str
    pattern: str
    examples: list[str]


class CleaningRules(_Strict):
    """Word lists and line patterns for the cleaning stage."""

    keep_hyphen_words: frozenset[str]
    furniture_lines: list[FurnitureRule]

    @functools.cached_property
    def furniture(self) -> re.Pattern[str]:
        """Every furniture line pattern in one (none matches an empty line: checked on load)."""
        return re.compile("|".join(f"(?:{r.pattern})" for r in self.furniture_lines))

    def is_furniture(self, line: str) -> bool:
        """Whether ``line`` (stripped) is page furniture."""
        return bool(line) and bool(self.furniture.match(line.strip()))

    def keeps_hyphen(self, left: str, right: str, vocabulary: Container[str]) -> bool:
        """Whether ``left-`` at a line end and ``right`` on the next line form a compound."""
        if right[:1].isupper() or right[:1].isdigit() or left[-1:].isdigit():
            return True
        low_left, low_right = left.lower(), right.lower()
        if low_left in self.keep_hyphen_words or low_right in self.keep_hyphen_words:
            return True
        if f"{low_left}-{low_right}" in vocabulary:
            return True
        return False


class Lexicon(_Strict):
    """Words of one language the rules are built from."""

    lang: str
    detect: list[str]
    months: dict[str, int]
    number_words: list[str]
    ordinal_words: list[str]
    ordinal_figures: str
    ordinal_joiners: str
    ordinal_rewrites: list[tuple[str, str]]
    cardinals: dict[str, int]
    day_words: dict[str, int]

    @field_validator("months")
    @classmethod
    def _twelve_months(cls, months: dict[str, int]) -> dict[str, int]:
        if sorted(set(months.values())) != list(range(1, 13)):
            raise ValueError("months must map names to each of 1..12")
        return months

    @functools.cached_property
    def macros(self) -> dict[str, str]:
        """Regular-expression fragments the rule patterns may use as ``{NAME}``."""
        numbers = "|".join(sorted(self.number_words, key=len, reverse=True))
        ordinal_word = "|".join(self.ordinal_words)
        ordinal = (
            rf"(?:(?:(?:{numbers}){self.ordinal_joiners})*(?:{ordinal_word})"
            rf"|{self.ordinal_figures})"
        )
        months = "|".join(sorted(self.months, key=len, reverse=True))
        day_words = "|".join(self.day_words)
        cardinal = rf"(?:\d{{1,3}}|(?:(?:{numbers})[\s-]+)*(?:{numbers}))"
        return {
            "ORD": rf"\b{ordinal}\b",
            "NUM": rf"\b{cardinal}\b",
            "MONTH": rf"(?:{months})",
            "DAY": rf"(?:{day_words + '|' if day_words else ''}[0-3]?\d)",
            "YEAR": r"(?:19|20)\d\d",
        }

    def expand(self, pattern: str) -> str:
        """Replace ``{MACRO}`` names in ``pattern`` by their regular expressions."""
        return re.sub(r"\{([A-Z]+)\}", lambda m: self.macros[m.group(1)], pattern)


class Example(_Strict):
    """A paragraph a rule must handle, and what extraction must yield from it.

    ``expect`` lists the mandates in order with the fields to compare; an empty list means the
    paragraph must yield nothing.
    """

    paragraph: str
    body: str = "GA"
    session: int | None = None
    year: int | None = None
    expect: list[dict[str, Any]]


class VerbRule(_Strict):
    """An operative verb that opens a clause."""

    id: str
    pattern: str
    creates: bool = True
    actor: Literal["object", "self", "agent"] = "object"
    confidence: float = Field(default=0.9, ge=0, le=1)
    examples: list[Example] = []


class ActorRule(_Strict):
    """A way of naming an actor, and its canonical name."""

    id: str
    pattern: str
    actor: str
    examples: list[str] = []


class BodyMention(_Strict):
    """A mention of a body as the receiver of a deliverable."""

    id: str
    pattern: str
    body: str
    self_if_council: bool = False


class KindRule(_Strict):
    """Words that tell what kind of deliverable a clause asks for."""

    id: str
    pattern: str
    kind: str
    complement_sensitive: bool = False
    examples: list[Example] = []


TimingYield = Literal[
    "session",
    "sessions",
    "next_session",
    "session_year",
    "year",
    "date",
    "observance",
    "event",
    "recurrence",
    "start",
    "ignore",
]


class TimingRule(_Strict):
    """A phrase that ties a clause to a time, or modifies or cancels such a tie."""

    id: str
    pattern: str
    yields: TimingYield
    every: int | None = None
    unit: Literal["year", "session"] | None = None
    needs_cue: bool = False
    part: str | None = None
    confidence: float = Field(default=0.95, ge=0, le=1)
    examples: list[Example] = []


class LinkRule(_Strict):
    """Words in a dated report's clause showing that an undated event feeds it."""

    id: str
    pattern: str
    kinds: list[str]


class LanguageRules(_Strict):
    """All extraction rules of one language, with compiled patterns."""

    lexicon: Lexicon
    verbs: list[VerbRule]
    actors: list[ActorRule]
    bodies: list[BodyMention]
    kinds: list[KindRule]
    cues: list[str]
    timing: list[TimingRule]
    links: list[LinkRule]
    object_end: str
    body_joiner: str
    recipient: str
    segment_break: str
    complement: str
    agent: str
    celebrants: str
    pronouns: list[str]
    self_pronouns: str

    def compile(self, pattern: str, flags: int = re.I) -> re.Pattern[str]:
        """Compile a rule pattern after macro expansion (cached per language)."""
        key = (id(self), pattern, flags)
        compiled = _COMPILED.get(key)
        if compiled is None:
            compiled = _COMPILED[key] = _compile(self.lexicon.expand(pattern), flags)
        return compiled

    @functools.cached_property
    def timing_gates(self) -> tuple[tuple[TimingRule, Gate], ...]:
        """Each timing rule with its compiled pattern and the words it needs, in rule order."""
        return tuple((rule, Gate.of(self.compile(rule.pattern))) for rule in self.timing)

    @functools.cached_property
    def kind_gates(self) -> tuple[tuple[KindRule, Gate], ...]:
        """Each kind rule with its compiled pattern and the words it needs, in rule order."""
        return tuple((rule, Gate.of(self.compile(rule.pattern))) for rule in self.kinds)

    @functools.cached_property
    def actor_gates(self) -> tuple[tuple[ActorRule, Gate], ...]:
        """Each actor rule with its compiled pattern and the words it needs, in rule order."""
        return tuple((rule, Gate.of(self.compile(rule.pattern))) for rule in self.actors)

    @functools.cached_property
    def mention_gates(self) -> tuple[tuple[BodyMention, Gate], ...]:
        """Each body mention with its compiled pattern and the words it needs, in rule order."""
        return tuple((rule, Gate.of(self.compile(rule.pattern))) for rule in self.bodies)

    def actors_in(self, folded: str) -> list[tuple[ActorRule, Gate]]:
        """The actor rules whose gates let in a text (``folded``), in rule order, told by one
        scan of it."""
        gates = self.actor_gates
        return [gates[i] for i in self._actor_literals.open_gates(folded)]

    def mentions_in(self, folded: str) -> list[tuple[BodyMention, Gate]]:
        """The body mentions whose gates let in a text (``folded``), in rule order, told by one
        scan of it."""
        gates = self.mention_gates
        return [gates[i] for i in self._mention_literals.open_gates(folded)]

    @functools.cached_property
    def _actor_literals(self) -> LiteralFinder:
        return LiteralFinder(gate for _, gate in self.actor_gates)

    @functools.cached_property
    def _mention_literals(self) -> LiteralFinder:
        return LiteralFinder(gate for _, gate in self.mention_gates)

    @functools.cached_property
    def trailing_mention_gates(self) -> tuple[tuple[BodyMention, Gate], ...]:
        """Each body mention as named right after a time (« … session de l'Assemblée »), with
        the words it needs, in rule order."""
        return tuple(
            (
                rule,
                Gate(
                    self.compile(rf"^\s*(?:(?:de|du|des|of)\s+(?:the\s+)?)?(?:{rule.pattern})"),
                    gate.literals,
                ),
            )
            for rule, gate in self.mention_gates
        )

    @functools.cached_property
    def verb_gates(self) -> tuple[tuple[VerbRule, Gate], ...]:
        """Each verb rule's pattern (the verb as group ``verb``, then a word end), with its
        gate, in rule order."""
        return tuple(
            (rule, Gate.of(self.compile(rf"(?P<verb>{rule.pattern})\b"))) for rule in self.verbs
        )

    def paragraph_rules(self, folded: str) -> ParagraphRules:
        """The verb, timing and kind rules whose gates let in a paragraph (``folded``, see
        :func:`~tracker.literals.fold`), found with one scan of it.

        Which rules open depends only on the literals found, and paragraphs share those sets:
        each set's answer is kept (up to :data:`PARAGRAPH_RULES_KEPT` sets).
        """
        found = self.paragraph_literals.found(folded)
        kept = self._paragraph_rules_kept
        rules = kept.get(found)
        if rules is None:
            if len(kept) >= PARAGRAPH_RULES_KEPT:
                kept.clear()
            rules = kept[found] = self._rules_opened(self.paragraph_literals.opened_by(found))
        return rules

    @functools.cached_property
    def _paragraph_rules_kept(self) -> dict[frozenset[str], ParagraphRules]:
        return {}

    def _rules_opened(self, opened: list[int]) -> ParagraphRules:
        """The rules of the gates at positions ``opened`` (verbs, then timing, then kinds)."""
        verbs, timing, kinds = self.verb_gates, self.timing_gates, self.kind_gates
        first_timing, first_kind = len(verbs), len(verbs) + len(timing)
        return ParagraphRules(
            verbs=tuple(verbs[i] for i in opened if i < first_timing),
            timing=tuple(
                timing[i - first_timing] for i in opened if first_timing <= i < first_kind
            ),
            kinds=tuple(
                (i - first_kind, *kinds[i - first_kind]) for i in opened if i >= first_kind
            ),
        )

    @functools.cached_property
    def paragraph_literals(self) -> LiteralFinder:
        """The literals of every verb, timing and kind rule: one scan of a paragraph answers all
        their gates."""
        gates = [*self.verb_gates, *self.timing_gates, *self.kind_gates]
        return LiteralFinder(gate for _, gate in gates)


PARAGRAPH_RULES_KEPT = 4096
"""Sets of paragraph literals whose rules a language keeps (a paragraph holds a handful of the
rules' literals, so real texts repeat a few hundred sets)."""

_COMPILED: dict[tuple[int, str, int], re.Pattern[str]] = {}


@functools.lru_cache(maxsize=1024)
def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    return guarded(re.compile(pattern, flags))


@dataclass(frozen=True)
class ParagraphRules:
    """The rules that may match one paragraph, each with its gate, in rule order (a kind rule
    with its position among the kind rules)."""

    verbs: tuple[tuple[VerbRule, Gate], ...]
    timing: tuple[tuple[TimingRule, Gate], ...]
    kinds: tuple[tuple[int, KindRule, Gate], ...]

    @functools.cached_property
    def anchoring(self) -> tuple[tuple[int, TimingRule, Gate], ...]:
        """The timing rules that give a time (all but ``ignore``), each with its position among
        :attr:`timing`."""
        return tuple((i, r, g) for i, (r, g) in enumerate(self.timing) if r.yields != "ignore")

    @functools.cached_property
    def ignoring(self) -> tuple[tuple[int, TimingRule, Gate], ...]:
        """The ``ignore`` timing rules, each with its position among :attr:`timing`."""
        return tuple((i, r, g) for i, (r, g) in enumerate(self.timing) if r.yields == "ignore")


class Body(_Strict):
    """An intergovernmental body: names, how it introduces itself, and its calendar."""

    code: str
    names: dict[str, str]
    adopting: dict[str, list[str]]
    sessions_per_year: int = 1
    sessions_named_by_year: bool = False
    council: bool = False
    documents: list[str] = []
    duty_station: str | None = None


class Bodies(_Strict):
    """The bodies the tracker knows."""

    bodies: list[Body]

    def get(self, code: str) -> Body | None:
        """Return the body with ``code``."""
        return next((b for b in self.bodies if b.code == code), None)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(path, f"cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise DataError(path, f"invalid YAML: {exc}") from exc


def _validated(model: type[M], path: Path, data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DataError(path, f"{where}: {first['msg']}") from exc


def _check_patterns(path: Path, patterns: dict[str, str]) -> None:
    for rule_id, pattern in patterns.items():
        try:
            re.compile(pattern)
        except re.error as exc:
            raise DataError(path, f"rule {rule_id}: bad pattern: {exc}") from exc


@functools.lru_cache(maxsize=8)
def load_cleaning(rules_dir: Path = RULES_DIR) -> CleaningRules:
    """Load ``cleaning.yaml``."""
    path = rules_dir / "cleaning.yaml"
    rules = _validated(CleaningRules, path, _read_yaml(path))
    _check_patterns(path, {r.id: r.pattern for r in rules.furniture_lines})
    for rule in rules.furniture_lines:
        if re.match(rule.pattern, ""):
            raise DataError(path, f"rule {rule.id}: matches an empty line")
    return rules


@functools.lru_cache(maxsize=8)
def load_bodies(rules_dir: Path = RULES_DIR) -> Bodies:
    """Load ``bodies.yaml``."""
    path = rules_dir / "bodies.yaml"
    return _validated(Bodies, path, _read_yaml(path))


@functools.lru_cache(maxsize=8)
def load_language(lang: str, rules_dir: Path = RULES_DIR) -> LanguageRules:
    """Load and validate every rule file of one language (``rules/<lang>/*.yaml``)."""
    folder = rules_dir / lang
    if not folder.is_dir():
        raise DataError(folder, f"no rules for language '{lang}'")
    merged: dict[str, Any] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = _read_yaml(path)
        if path.stem == "lexicon":
            merged["lexicon"] = data
        elif isinstance(data, dict):
            merged.update(data)
        else:
            raise DataError(path, "expected a mapping at the top level")
    rules = _validated(LanguageRules, folder, merged)
    patterns = {r.id: rules.lexicon.expand(r.pattern) for r in _all_rules(rules)}
    _check_patterns(folder, patterns)
    _check_unique_ids(folder, rules)
    return rules


def _all_rules(
    rules: LanguageRules,
) -> list[VerbRule | ActorRule | BodyMention | KindRule | TimingRule | LinkRule]:
    return [*rules.verbs, *rules.actors, *rules.bodies, *rules.kinds, *rules.timing, *rules.links]


def _check_unique_ids(folder: Path, rules: LanguageRules) -> None:
    seen: set[str] = set()
    for rule in _all_rules(rules):
        if rule.id in seen:
            raise DataError(folder, f"rule id '{rule.id}' is used twice")
        seen.add(rule.id)
