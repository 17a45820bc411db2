"""Lifecycle links: how reports and resolutions point at each other.

A pure stage that reads one segmented :class:`~tracker.model.Document` and finds

- in a report: the resolutions it answers (« présenté en application de la résolution
  68/145 », "submitted pursuant to Human Rights Council resolution 42/16"), its own symbol and
  the session it is issued for, and what kind of report it is;
- in a resolution: the earlier resolutions it recalls, the reports it takes note of, the
  mandates it renews and the questions or mandates it ends.

The words are data (``rules/lifecycle/<lang>.yaml``), validated on load like the other rules;
every rule carries examples that :func:`run_example` replays. Resolutions are joined by
:func:`resolution_key` ("GA 68/145", "HRC 42/16", "ECOSOC 2019/10").

Patterns are matched on a copy of each paragraph whose spaces and line breaks are squeezed to
one space and whose apostrophes are straight; quotes are cut from the original text, so
``quote == text[place.start:place.end]`` for the paragraph the place names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from tracker.errors import DataError
from tracker.literals import Gate, fold, guarded
from tracker.model import Document, DocumentMeta
from tracker.numbers import parse_cardinal
from tracker.rulebook import (
    RULES_DIR,
    Bodies,
    Lexicon,
    _read_yaml,
    _Strict,
    _validated,
    load_bodies,
    load_language,
)

LIFECYCLE_FOLDER = "lifecycle"
SELF = "self"
OTHER = "other"

ReportKind = Literal[
    "secretary_general_report",
    "secretary_general_note",
    "high_commissioner_report",
    "special_procedure_report",
    "committee_report",
]
Category = Literal["titles", "answers", "recalls", "noted_reports", "renewals", "terminations"]
Part = Literal["head", "preamble", "operative"]
Scope = Literal["document", "front", "opening"]

# A resolution number as printed after « résolution »: 68/145, 2019/10, S-30/1, ES-10/24,
# 49/75 K, or with its symbol prefix (A/RES/68/145). Drafts (42/…, 80/xx) are not numbers.
_NUMBER = (
    r"(?:(?:A/RES/|A/HRC/RES/|E/RES/)?(?:E?S-\d{1,2}/\d{1,4}|\d{1,4}/\d{1,4})(?![\d/])"
    r"(?:(?-i: [A-Z])(?![\w/]))?)"
)
_NUMBER_RE = re.compile(_NUMBER, re.I)
_PREFIX_BODY = {"A/RES/": "GA", "A/HRC/RES/": "HRC", "E/RES/": "ECOSOC"}
_RESOLUTION_SYMBOLS = (
    (re.compile(r"A/RES/(\d+/\d+)"), "GA"),
    (re.compile(r"A/HRC/RES/((?:S-)?\d+/\d+)"), "HRC"),
    (re.compile(r"E/RES/(\d{4}/\d+)"), "ECOSOC"),
    (re.compile(r"S/RES/(\d+ \(\d{4}\))"), "SC"),
)
# A report's own symbol, printed at the top of its front page.
_REPORT_SYMBOL = re.compile(
    r"\b(?:A/HRC/(?:S-)?\d+/\d+|A/(?:C\.\d/)?\d+/\d+|E/CN\.\d+/\d{4}/\d+|E/ICEF/\d{4}/\d+"
    r"|E/\d{4}/\d+)(?:/(?:Add|Rev|Corr)\.\d+)*(?![\w/])"
)
# Any document symbol (A/78/123, A/HRC/53/88/Add.1, E/CN.15/2024/5, S/2024/12).
_DOCUMENT_SYMBOL = re.compile(
    r"\b[AES]/(?:(?:[A-Z][A-Za-z]{0,4}\.\d+|[A-Z]{1,5}(?:-\d+)?|\d+)/)*"
    r"(?:[A-Z][A-Za-z]{0,4}\.\d+|\d+)(?:/(?:Add|Rev|Corr)\.\d+)*(?![\w/])"
)
_YEAR_NUMBER = re.compile(r"(?:19[4-9]\d|20\d\d)/")
_STRAIGHT = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'"}


# --- Rule files -------------------------------------------------------------------------------


class LinkExample(_Strict):
    """A text a rule must handle and what its category must yield from it.

    ``expect`` lists the links in order with the fields to compare (see the ``as_json`` of the
    result types); an empty list means nothing. ``body`` is the document's own body.
    """

    text: str
    body: str = "GA"
    expect: list[dict[str, Any]]


class BodyName(_Strict):
    """How a text names a body next to a resolution number.

    ``body: self`` names the document's own body when it is one of ``only_for``; ``body:
    other`` names a body the tracker does not know (its resolutions get no body).
    """

    body: str
    pattern: str
    only_for: list[str] = []


class ReferenceGrammar(_Strict):
    """The pieces a reference to resolutions is built from (see the YAML files)."""

    lead: str
    paragraph: str
    own: str
    before_link: str | None = None
    word: str
    mid_link: str | None = None
    after_link: str
    tail: str
    joiner: str
    possessor_link: str | None = None


class TitleRule(_Strict):
    """A report title on a front page (matched case-sensitively)."""

    id: str
    pattern: str
    kind: ReportKind
    examples: list[LinkExample] = Field(min_length=1)


class CueRule(_Strict):
    """Words that introduce references: an answer, a recall or a report taken note of.

    ``scope`` limits where the rule applies: the whole document, the front matter (head and
    preamble), or the opening (front matter and first numbered paragraphs). ``then`` must
    match right after an answer's references (« , l'Assemblée générale a prié … rapport »).
    """

    id: str
    pattern: str
    scope: Scope = "document"
    then: str | None = None
    examples: list[LinkExample] = Field(min_length=1)


class RenewalRule(_Strict):
    """A decision to extend a mandate; the pattern captures ``subject`` and ``years``."""

    id: str
    pattern: str
    examples: list[LinkExample] = Field(min_length=1)


class TerminationRule(_Strict):
    """A decision to end a question, a requirement or a mandate; captures ``what``."""

    id: str
    pattern: str
    examples: list[LinkExample] = Field(min_length=1)


class LifecycleFile(_Strict):
    """One ``rules/lifecycle/<lang>.yaml`` file."""

    lang: str
    opening_paragraphs: int = Field(default=3, ge=0)
    bodies: list[BodyName] = Field(min_length=1)
    reference: ReferenceGrammar
    recall_stop: str
    noted_stop: str
    answer_blockers: str
    report_titles: list[TitleRule]
    answers: list[CueRule]
    recalls: list[CueRule]
    noted_reports: list[CueRule]
    renewals: list[RenewalRule]
    terminations: list[TerminationRule]


@dataclass(frozen=True)
class LifecycleRules:
    """A validated lifecycle file of one language with its compiled patterns."""

    lang: str
    spec: LifecycleFile
    lexicon: Lexicon
    bodies: Bodies
    patterns: dict[str, re.Pattern[str]]
    body_names: tuple[tuple[BodyName, re.Pattern[str]], ...]

    def rules_of(self, category: Category) -> list[Any]:
        """The rules of one category, in file order."""
        return list(_CATEGORIES[category](self.spec))

    @functools.cached_property
    def gates(self) -> dict[str, Gate]:
        """Each compiled pattern's gate: the literal words it cannot match without."""
        return {name: Gate.of(pattern) for name, pattern in self.patterns.items()}

    def may_match(self, name: str, passage: _Passage) -> bool:
        """False only when pattern ``name`` cannot match the passage (see :class:`Gate`)."""
        return self.gates[name].may_match(passage.folded)


_CATEGORIES: dict[Category, Callable[[LifecycleFile], list[Any]]] = {
    "titles": lambda spec: list(spec.report_titles),
    "answers": lambda spec: list(spec.answers),
    "recalls": lambda spec: list(spec.recalls),
    "noted_reports": lambda spec: list(spec.noted_reports),
    "renewals": lambda spec: list(spec.renewals),
    "terminations": lambda spec: list(spec.terminations),
}


def load_lifecycle_rules(lang: str, rules_dir: Path = RULES_DIR) -> LifecycleRules:
    """Load and validate ``rules/lifecycle/<lang>.yaml`` (raises DataError naming the file)."""
    path = rules_dir / LIFECYCLE_FOLDER / f"{lang}.yaml"
    if not path.is_file():
        raise DataError(path, f"no lifecycle rules for language '{lang}'")
    spec = _validated(LifecycleFile, path, _read_yaml(path))
    if spec.lang != lang:
        raise DataError(path, f"lang: says '{spec.lang}' in the file of '{lang}'")
    bodies = load_bodies(rules_dir)
    lexicon = load_language(lang, rules_dir).lexicon
    _check_bodies(path, spec, bodies)
    _check_unique_ids(path, spec)
    patterns = _compile_all(path, spec, lexicon)
    names = tuple((b, _compile(path, f"body {b.body}", lexicon, b.pattern)) for b in spec.bodies)
    return LifecycleRules(lang, spec, lexicon, bodies, patterns, names)


def _check_bodies(path: Path, spec: LifecycleFile, bodies: Bodies) -> None:
    for name in spec.bodies:
        for code in [name.body, *name.only_for]:
            if code not in (SELF, OTHER) and bodies.get(code) is None:
                raise DataError(path, f"bodies: unknown body code '{code}' (see bodies.yaml)")
        if (name.body == SELF) != bool(name.only_for):
            raise DataError(path, f"bodies: '{name.pattern}': only_for goes with body self")


def _check_unique_ids(path: Path, spec: LifecycleFile) -> None:
    seen: set[str] = set()
    for category in _CATEGORIES.values():
        for rule in category(spec):
            if rule.id in seen:
                raise DataError(path, f"rule id '{rule.id}' is used twice")
            seen.add(rule.id)


def _compile(
    path: Path, name: str, lexicon: Lexicon, pattern: str, flags: int = re.I
) -> re.Pattern[str]:
    try:
        return guarded(re.compile(lexicon.expand(pattern), flags))
    except KeyError as exc:
        raise DataError(path, f"{name}: unknown macro {exc}") from exc
    except re.error as exc:
        raise DataError(path, f"{name}: bad pattern: {exc}") from exc


def _reference_pattern(spec: LifecycleFile) -> str:
    """The regular expression of one reference: paragraph, owner, word, numbers."""
    grammar = spec.reference
    body = "(?:" + "|".join(f"(?:{b.pattern})" for b in spec.bodies) + ")"
    after = f"(?:{grammar.after_link}){body}"
    item = f"{_NUMBER}(?:{after})?(?:{grammar.tail})?(?:{after})?"
    owner = rf"\b(?P<own>{grammar.own}) "
    if grammar.before_link is not None:
        owner += f"|(?P<before>{body}){grammar.before_link}"
    mid = f"(?:{grammar.mid_link}(?P<mid>{body}))?" if grammar.mid_link else ""
    return (
        f"(?:{grammar.paragraph})?(?:{owner})?\\b(?:{grammar.word}){mid} "
        f"(?P<list>{item}(?:(?:{grammar.joiner}){item})*)"
    )


def _compile_all(path: Path, spec: LifecycleFile, lexicon: Lexicon) -> dict[str, re.Pattern[str]]:
    reference = _reference_pattern(spec)
    lead = spec.reference.lead
    grammar = {
        "reference": reference,
        "chain": f"(?:{spec.reference.joiner}){lead}{reference}",
        "recall_stop": spec.recall_stop,
        "noted_stop": spec.noted_stop,
        "answer_blockers": spec.answer_blockers,
    }
    if spec.reference.possessor_link is not None:
        body = "(?:" + "|".join(f"(?:{b.pattern})" for b in spec.bodies) + ")"
        grammar["possessor"] = f"(?P<possessor>{body})(?:{spec.reference.possessor_link})$"
    patterns = {name: _compile(path, name, lexicon, p) for name, p in grammar.items()}
    if "paragraphs" not in patterns["reference"].groupindex:
        raise DataError(path, "reference.paragraph: must capture (?P<paragraphs>…)")
    for title in spec.report_titles:
        patterns[title.id] = _compile(path, f"rule {title.id}", lexicon, title.pattern, 0)
    for answer in spec.answers:
        cue_and_reference = f"(?:{answer.pattern}) {lead}{reference}"
        patterns[answer.id] = _compile(path, f"rule {answer.id}", lexicon, cue_and_reference)
        if answer.then is not None:
            then = _compile(path, f"rule {answer.id}", lexicon, answer.then)
            patterns[f"{answer.id}.then"] = then
    for cue in [*spec.recalls, *spec.noted_reports]:
        patterns[cue.id] = _compile(path, f"rule {cue.id}", lexicon, cue.pattern)
    _compile_groups(path, spec.renewals, lexicon, patterns, {"subject", "years"})
    _compile_groups(path, spec.terminations, lexicon, patterns, {"what"})
    return patterns


def _compile_groups(
    path: Path,
    rules: list[RenewalRule] | list[TerminationRule],
    lexicon: Lexicon,
    patterns: dict[str, re.Pattern[str]],
    groups: set[str],
) -> None:
    for rule in rules:
        compiled = _compile(path, f"rule {rule.id}", lexicon, rule.pattern)
        missing = groups - set(compiled.groupindex)
        if missing:
            raise DataError(path, f"rule {rule.id}: pattern must capture {sorted(missing)}")
        patterns[rule.id] = compiled


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a quote was found: the head, or a paragraph (by index), and its offsets there."""

    part: Part
    index: int | None
    number: str | None
    start: int
    end: int

    def as_json(self) -> dict[str, Any]:
        """Return the place as a plain mapping."""
        return {
            "part": self.part,
            "index": self.index,
            "number": self.number,
            "span": [self.start, self.end],
        }


@dataclass(frozen=True)
class Reference:
    """A resolution a document points at: answered by a report, or recalled.

    ``body`` is the body the resolution belongs to: None when it cannot be told, or when the
    text names a body the tracker does not know (« la Commission des droits de l'homme »).
    ``body_stated`` says whether the reference itself names the body (« du Conseil », « sa
    résolution ») rather than the body coming from the clause or the document.
    ``paragraphs`` are the paragraphs of that resolution the text cites.
    """

    number: str
    body: str | None
    body_stated: bool
    paragraphs: tuple[str, ...]
    quote: str
    place: Place
    rule: str

    @property
    def key(self) -> str:
        """The resolution's join key, e.g. "GA 68/145"."""
        return resolution_key(self.number, self.body)

    def as_json(self) -> dict[str, Any]:
        """Return the reference as a plain mapping."""
        return {
            "number": self.number,
            "body": self.body,
            "body_stated": self.body_stated,
            "paragraphs": list(self.paragraphs),
            "key": self.key,
            "quote": self.quote,
            "place": self.place.as_json(),
            "rule": self.rule,
        }


@dataclass(frozen=True)
class NotedReport:
    """A report a resolution takes note of: symbols printed in the clause, and the resolutions
    the clause says the report was submitted under or is about."""

    symbols: tuple[str, ...]
    resolutions: tuple[Reference, ...]
    quote: str
    place: Place
    rule: str

    def as_json(self) -> dict[str, Any]:
        """Return the noted report as a plain mapping."""
        return {
            "symbols": list(self.symbols),
            "resolutions": [r.key for r in self.resolutions],
            "quote": self.quote,
            "place": self.place.as_json(),
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Renewal:
    """A decision to extend or renew a mandate for a number of years."""

    subject: str
    years: int
    quote: str
    place: Place
    rule: str

    def as_json(self) -> dict[str, Any]:
        """Return the renewal as a plain mapping."""
        return {
            "subject": self.subject,
            "years": self.years,
            "quote": self.quote,
            "place": self.place.as_json(),
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Termination:
    """A decision to conclude a question, discontinue a requirement or end a mandate;
    ``ends`` are the resolutions (and paragraphs) its ``what`` names, if any."""

    what: str
    quote: str
    place: Place
    rule: str
    ends: tuple[Reference, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Return the termination as a plain mapping."""
        return {
            "what": self.what,
            "quote": self.quote,
            "place": self.place.as_json(),
            "rule": self.rule,
        }


@dataclass(frozen=True)
class ReportTitle:
    """The kind of report a front page announces, and the words that say it."""

    kind: ReportKind
    quote: str
    place: Place
    rule: str

    def as_json(self) -> dict[str, Any]:
        """Return the title as a plain mapping."""
        return {
            "kind": self.kind,
            "quote": self.quote,
            "place": self.place.as_json(),
            "rule": self.rule,
        }


@dataclass(frozen=True)
class IssuedFor:
    """A document's symbol and the body and session (or year) it is issued for."""

    symbol: str
    body: str
    session: int | None
    year: int | None


@dataclass(frozen=True)
class DocumentLinks:
    """Everything :func:`find_links` finds in one document.

    A report has ``answers`` (and no resolution links); a resolution has ``recalls``,
    ``noted_reports``, ``renewals`` and ``terminations`` (and no answers). ``resolution`` is a
    resolution's own join key.
    """

    is_report: bool
    title: ReportTitle | None
    issued_for: IssuedFor | None
    resolution: str | None
    answers: tuple[Reference, ...]
    recalls: tuple[Reference, ...]
    noted_reports: tuple[NotedReport, ...]
    renewals: tuple[Renewal, ...]
    terminations: tuple[Termination, ...]

    @property
    def report_kind(self) -> ReportKind | None:
        """What kind of report the title says this is."""
        return self.title.kind if self.title else None

    @property
    def answered_keys(self) -> tuple[str, ...]:
        """The resolutions answered, once each, in order of first mention."""
        return tuple(dict.fromkeys(a.key for a in self.answers))

    @property
    def recalled_keys(self) -> tuple[str, ...]:
        """The resolutions recalled, once each, in order of first mention."""
        return tuple(dict.fromkeys(r.key for r in self.recalls))


# --- Keys and symbols -------------------------------------------------------------------------


def resolution_key(number: str, body: str | None) -> str:
    """The canonical join key of a resolution: "GA 68/145", "HRC 42/16", "ECOSOC 2019/10".

    A symbol prefix (A/RES/, A/HRC/RES/, E/RES/) gives the body when none is given; without a
    body the key is the bare number.
    """
    text = " ".join(number.split())
    for prefix, code in _PREFIX_BODY.items():
        if text.upper().startswith(prefix):
            text = text[len(prefix) :]
            body = body or code
    return f"{body} {text}" if body else text


def document_resolution_key(meta: DocumentMeta) -> str | None:
    """A resolution's own join key from its symbol ("A/RES/68/192" → "GA 68/192"); None for
    drafts ("A/HRC/59/L.12") and documents without a resolution symbol."""
    if meta.symbol is None:
        return None
    for pattern, body in _RESOLUTION_SYMBOLS:
        match = pattern.fullmatch(meta.symbol.strip())
        if match:
            return resolution_key(match.group(1), body)
    return None


def symbol_issued_for(symbol: str, bodies: Bodies) -> IssuedFor | None:
    """The body and session or year a symbol is issued for.

    "A/71/175" → GA session 71; "A/HRC/47/23" → HRC 47; "E/CN.15/2024/5" → CCPCJ year 2024
    (from the ``documents`` prefixes of bodies.yaml); "E/2023/50" → ECOSOC year 2023.
    """
    for body in bodies.bodies:
        for prefix in body.documents:
            by_year = re.match(rf"{re.escape(prefix)}/(?:RES/)?(\d{{4}})/", symbol)
            if by_year:
                return IssuedFor(symbol, body.code, None, int(by_year.group(1)))
    hrc = re.match(r"A/HRC/(?:RES/)?(\d+)/", symbol)
    if hrc:
        return IssuedFor(symbol, "HRC", int(hrc.group(1)), None)
    ga = re.match(r"A/(?:RES/)?(?:C\.\d/)?(\d+)/", symbol)
    if ga:
        return IssuedFor(symbol, "GA", int(ga.group(1)), None)
    ecosoc = re.match(r"E/(?:RES/)?(\d{4})/", symbol)
    if ecosoc:
        return IssuedFor(symbol, "ECOSOC", None, int(ecosoc.group(1)))
    return None


# --- Passages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Passage:
    """One text searched: squeezed for matching, with the offsets back into the original."""

    part: Part
    index: int | None
    number: str | None
    original: str
    text: str
    offsets: Sequence[int]
    front: bool
    opening: bool
    folded: str  # the squeezed text case-folded, for the rules' gates

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the squeezed span [start, end)."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1

    def quote(self, start: int, end: int) -> str:
        """The original text of the squeezed span [start, end)."""
        first, last = self.span(start, end)
        return self.original[first:last]

    def place(self, start: int, end: int) -> Place:
        """Where the squeezed span [start, end) is."""
        first, last = self.span(start, end)
        return Place(self.part, self.index, self.number, first, last)


_STRAIGHT_TABLE = str.maketrans(_STRAIGHT)
_NOT_ONE_SPACE = re.compile(r"^\s|\s\s")
_WHITESPACE = re.compile(r"\s")
_WHITESPACE_RUN = re.compile(r"\s+")
_OTHER_WHITESPACE = re.compile(r"[^\S ]")


def _squeeze(original: str) -> tuple[str, Sequence[int]]:
    """The text with curly apostrophes straightened and each run of whitespace one space (none
    at the start), with each character's offset in ``original`` (and one past the end)."""
    curly = any(c in original for c in _STRAIGHT)
    if not curly and " ".join(original.split()) == original:
        return original, range(len(original) + 1)  # a segmented paragraph: nothing to do
    squeezed = original.translate(_STRAIGHT_TABLE) if curly else original  # same offsets
    if not _NOT_ONE_SPACE.search(squeezed):  # the usual case: same length, same offsets
        if _OTHER_WHITESPACE.search(squeezed):
            squeezed = _WHITESPACE.sub(" ", squeezed)
        return squeezed, range(len(original) + 1)
    pieces: list[str] = []
    offsets: list[int] = []
    kept = 0
    for run in _WHITESPACE_RUN.finditer(squeezed):
        start, end = run.span()
        pieces.append(squeezed[kept:start])
        offsets.extend(range(kept, start))
        if offsets:
            pieces.append(" ")
            offsets.append(start)
        kept = end
    pieces.append(squeezed[kept:])
    offsets.extend(range(kept, len(squeezed)))
    offsets.append(len(original))
    return "".join(pieces), tuple(offsets)


def _passage(
    part: Part, index: int | None, number: str | None, text: str, front: bool, opening: bool
) -> _Passage:
    squeezed, offsets = _squeeze(text)
    return _Passage(part, index, number, text, squeezed, offsets, front, opening, fold(squeezed))


def _passages(document: Document, opening_paragraphs: int) -> list[_Passage]:
    passages = [_passage("head", None, None, document.head, True, True)] if document.head else []
    passages += [_passage("preamble", p.index, None, p.text, True, True) for p in document.preamble]
    passages += [
        _passage("operative", p.index, p.number, p.text, False, i < opening_paragraphs)
        for i, p in enumerate(document.operative)
    ]
    return passages


def passage_text(document: Document, place: Place) -> str:
    """The original text a :class:`Place` points into (the head or one paragraph)."""
    if place.part == "head":
        return document.head
    paragraphs = document.preamble if place.part == "preamble" else document.operative
    return next(p.text for p in paragraphs if p.index == place.index)


# --- References -------------------------------------------------------------------------------


def _code(name: BodyName, own: str | None) -> str | None:
    """The body code a name stands for: ``self`` is the document's own body where it applies,
    and None where it does not."""
    if name.body != SELF:
        return name.body
    return own if own is not None and own in name.only_for else None


def _mentions(
    text: str, start: int, end: int, rules: LifecycleRules
) -> list[tuple[int, int, BodyName]]:
    """Every body name in ``text[start:end]`` as (start, end, name): earliest first, and the
    longest first at one start ("Human Rights Council" before "Council")."""
    found = [
        (m.start(), m.end(), name)
        for name, pattern in rules.body_names
        for m in pattern.finditer(text, start, end)
    ]
    outer = [
        item
        for item in found
        if not any(o[0] <= item[0] and item[1] <= o[1] and o[:2] != item[:2] for o in found)
    ]
    return sorted(outer, key=lambda item: (item[0], -item[1]))


def _first_body(
    text: str, start: int, end: int, own: str | None, rules: LifecycleRules
) -> str | None:
    """The body of the first name mentioned in ``text[start:end]``, if any."""
    found = _mentions(text, start, end, rules)
    return (_code(found[0][2], own) or OTHER) if found else None


def _last_body(
    text: str, start: int, end: int, own: str | None, rules: LifecycleRules, among: list[str]
) -> str | None:
    """The body of the last name in ``text[start:end]`` that tells one (one of ``among`` if
    given): « Council » that is not the document's own tells nothing."""
    for _, _, name in reversed(_mentions(text, start, end, rules)):
        code = _code(name, own)
        if code and (not among or code in among):
            return code
    return None


def _fits(number: str, body: str | None, rules: LifecycleRules) -> bool:
    """Whether a number has the shape of that body's resolutions (2019/10 vs 68/145)."""
    known = rules.bodies.get(body) if body else None
    if known is None:
        return False
    return bool(_YEAR_NUMBER.match(number)) == known.sessions_named_by_year


def _split_number(printed: str) -> tuple[str, str | None]:
    """The normalised number and the body its symbol prefix gives (A/RES/68/145 → GA)."""
    text = " ".join(printed.split())
    for prefix, code in _PREFIX_BODY.items():
        if text.upper().startswith(prefix):
            return text[len(prefix) :], code
    return text, None


@dataclass(frozen=True)
class _Item:
    """One number of a reference's list and the body it was found to belong to."""

    number: str
    body: str | None
    stated: bool
    at: int


@dataclass(frozen=True)
class _Reader:
    """Reads references in one passage of a document of body ``own``.

    ``clause`` is where the clause of a recall or a noted report starts: a body named in it
    governs the bare numbers after it ("Human Rights Council resolutions on the subject,
    including resolution 60/5").
    """

    passage: _Passage
    own: str | None
    rules: LifecycleRules
    clause: int | None = None

    def located(
        self, match: re.Match[str], rule: str, quote_start: int
    ) -> list[tuple[int, Reference]]:
        """The references of one match, each with where its number is in the squeezed text."""
        paragraphs = tuple(re.findall(r"\d+(?: ?\(?[a-z]\))?", match.group("paragraphs") or ""))
        quote = self.passage.quote(quote_start, match.end())
        place = self.passage.place(quote_start, match.end())
        return [
            (i.at, Reference(i.number, i.body, i.stated, paragraphs, quote, place, rule))
            for i in self.items(match)
        ]

    def references(self, match: re.Match[str], rule: str) -> list[Reference]:
        """The references of one match, quoted from the match's start."""
        return [ref for _, ref in self.located(match, rule, match.start())]

    def items(self, match: re.Match[str]) -> list[_Item]:
        """The numbers of a reference's list, each with the body it belongs to."""
        start, end = match.span("list")
        text = self.passage.text
        found = list(_NUMBER_RE.finditer(text, start, end))
        stops = [m.start() for m in found[1:]] + [end]
        named = [
            _first_body(text, m.end(), stop, self.own, self.rules)
            for m, stop in zip(found, stops, strict=True)
        ]
        level, level_stated = self.level_body(match)
        shared = named[-1] if named and not level_stated else None
        context = None if level_stated else self.context_body(match.start())
        items = []
        for m, body in zip(found, named, strict=True):
            number, prefixed = _split_number(m.group(0))
            said = prefixed or body or (level if level_stated else shared)
            items.append(self.item(number, said, level_stated, context, m.start()))
        return items

    def item(
        self, number: str, said: str | None, level_stated: bool, context: str | None, at: int
    ) -> _Item:
        """One number's body: the one said, else the clause's, else the document's own."""
        if said == OTHER:
            return _Item(number, None, True, at)
        if said and (said != self.own or _fits(number, said, self.rules)):
            return _Item(number, said, True, at)
        if level_stated:
            return _Item(number, None, False, at)
        if context == OTHER:
            return _Item(number, None, False, at)
        if context and _fits(number, context, self.rules):
            return _Item(number, context, False, at)
        if number.upper().startswith("ES-"):
            return _Item(number, "GA", False, at)
        return _Item(number, self.own if _fits(number, self.own, self.rules) else None, False, at)

    def level_body(self, match: re.Match[str]) -> tuple[str | None, bool]:
        """The body named before the numbers ("Human Rights Council", « de l'Assemblée »,
        « sa »), and whether one is."""
        for group in ("before", "mid"):
            if match.groupdict().get(group):
                return self.named(*match.span(group)), True
        if match.groupdict().get("own"):
            return self.possessor(match.start("own")), True
        return None, False

    def named(self, start: int, end: int) -> str:
        """The body named at ``text[start:end]``; « Council » in a text of another body is the
        last council named before it in the clause, else one the tracker cannot tell."""
        found = _mentions(self.passage.text, start, end, self.rules)
        if not found:
            return OTHER
        name = found[0][2]
        code = _code(name, self.own)
        if code is None and self.clause is not None and self.clause < start:
            code = _last_body(
                self.passage.text, self.clause, start, self.own, self.rules, name.only_for
            )
        return code or OTHER

    def possessor(self, at: int) -> str | None:
        """Whose « sa » / "its" this is: the body just named (« que l'Assemblée générale a
        adoptée dans sa résolution », "adopted by the General Assembly in its resolution"),
        else the document's own body."""
        pattern = self.rules.patterns.get("possessor")
        found = pattern.search(self.passage.text, max(0, at - 160), at) if pattern else None
        if found is None:
            return self.own
        start, end = found.span("possessor")
        return _first_body(self.passage.text, start, end, self.own, self.rules)

    def context_body(self, at: int) -> str | None:
        """The last body named in the clause before ``at``, if the reader has a clause."""
        if self.clause is None or at <= self.clause:
            return None
        return _last_body(self.passage.text, self.clause, at, self.own, self.rules, [])


# --- Answers ----------------------------------------------------------------------------------


def _in_scope(passage: _Passage, scope: Scope) -> bool:
    return scope == "document" or (passage.front if scope == "front" else passage.opening)


def _blocked(passage: _Passage, start: int, rules: LifecycleRules) -> bool:
    """Whether the sentence before ``start`` is a resolution taking note (not an answer)."""
    sentence = max(passage.text.rfind(". ", 0, start), passage.text.rfind(";", 0, start)) + 1
    return bool(rules.patterns["answer_blockers"].search(passage.text, sentence, start))


def _answers(passages: list[_Passage], own: str | None, rules: LifecycleRules) -> list[Reference]:
    """Every answer, once per printed number (the first rule that reads it wins)."""
    found: list[Reference] = []
    for passage in passages:
        seen: dict[int, Reference] = {}
        for rule in rules.spec.answers:
            if _in_scope(passage, rule.scope):
                for at, ref in _answers_of_rule(passage, rule, own, rules):
                    seen.setdefault(at, ref)
        found += [seen[at] for at in sorted(seen)]
    return found


def _answers_of_rule(
    passage: _Passage, rule: CueRule, own: str | None, rules: LifecycleRules
) -> list[tuple[int, Reference]]:
    found: list[tuple[int, Reference]] = []
    if not rules.may_match(rule.id, passage):
        return found
    for match in rules.patterns[rule.id].finditer(passage.text):
        if _blocked(passage, match.start(), rules):
            continue
        chain = list(_chain(match, passage, rules))
        then = rules.patterns.get(f"{rule.id}.then")
        after = then.match(passage.text, chain[-1].end()) if then else None
        if then and after is None:
            continue
        # « Dans sa résolution 27/3, la Commission … a prié »: « sa » is the body named after.
        subject = (
            _first_body(passage.text, after.start(), after.start() + 40, own, rules)
            if after
            else None
        )
        reader = _Reader(passage, subject or own, rules)
        found += [ref for m in chain for ref in reader.located(m, rule.id, match.start())]
    return found


def _chain(
    first: re.Match[str], passage: _Passage, rules: LifecycleRules
) -> Iterator[re.Match[str]]:
    """The reference after a cue, then the ones joined to it (« … et la résolution 42/16 »)."""
    match: re.Match[str] | None = first
    while match is not None:
        yield match
        match = rules.patterns["chain"].match(passage.text, match.end())


# --- Recalls and reports taken note of --------------------------------------------------------


def _cues(
    passage: _Passage, cues: list[CueRule], rules: LifecycleRules
) -> list[tuple[int, int, str]]:
    found = [
        (m.start(), m.end(), cue.id)
        for cue in cues
        if rules.may_match(cue.id, passage)
        for m in rules.patterns[cue.id].finditer(passage.text)
    ]
    return sorted(found)


def _scope_end(passage: _Passage, start: int, limit: int, stop: re.Pattern[str]) -> int:
    """Where a clause opened at ``start`` ends: at ``stop`` or ``limit``, without end spaces."""
    found = stop.search(passage.text, start, limit)
    end = found.start() if found else limit
    while end > start and passage.text[end - 1] == " ":
        end -= 1
    return end


def _recalls(passages: list[_Passage], own: str | None, rules: LifecycleRules) -> list[Reference]:
    found: list[Reference] = []
    reference = rules.patterns["reference"]
    for passage in passages:
        if passage.part == "head" or not rules.may_match("reference", passage):
            continue  # a recall is read from the references after its cue
        cues = _cues(passage, rules.spec.recalls, rules)
        for i, (_, cue_end, rule_id) in enumerate(cues):
            limit = cues[i + 1][0] if i + 1 < len(cues) else len(passage.text)
            end = _scope_end(passage, cue_end, limit, rules.patterns["recall_stop"])
            reader = _Reader(passage, own, rules, clause=cue_end)
            for match in reference.finditer(passage.text, cue_end, end):
                found += reader.references(match, rule_id)
    return found


def _noted(passages: list[_Passage], own: str | None, rules: LifecycleRules) -> list[NotedReport]:
    found: list[NotedReport] = []
    for passage in passages:
        if passage.part == "head":
            continue
        for start, cue_end, rule_id in _cues(passage, rules.spec.noted_reports, rules):
            end = _scope_end(passage, cue_end, len(passage.text), rules.patterns["noted_stop"])
            found.append(_noted_report(passage, start, cue_end, end, rule_id, own, rules))
    return found


def _noted_report(
    passage: _Passage,
    start: int,
    cue_end: int,
    end: int,
    rule_id: str,
    own: str | None,
    rules: LifecycleRules,
) -> NotedReport:
    clause = passage.text[cue_end:end]
    symbols = tuple(s for s in _DOCUMENT_SYMBOL.findall(clause) if "/RES/" not in s)
    reader = _Reader(passage, own, rules, clause=cue_end)
    resolutions = tuple(
        ref
        for match in rules.patterns["reference"].finditer(passage.text, cue_end, end)
        for ref in reader.references(match, rule_id)
    )
    return NotedReport(
        symbols, resolutions, passage.quote(start, end), passage.place(start, end), rule_id
    )


# --- Renewals and terminations ----------------------------------------------------------------


def _renewals(passages: list[_Passage], rules: LifecycleRules) -> list[Renewal]:
    found: list[Renewal] = []
    for passage in passages:
        if passage.part != "operative":
            continue
        for rule in rules.spec.renewals:
            if not rules.may_match(rule.id, passage):
                continue
            for match in rules.patterns[rule.id].finditer(passage.text):
                years = parse_cardinal(match.group("years"), rules.lexicon)
                if years is None:
                    continue
                subject = passage.quote(*match.span("subject"))
                quote, place = passage.quote(*match.span()), passage.place(*match.span())
                found.append(Renewal(subject, years, quote, place, rule.id))
    return found


def _terminations(
    passages: list[_Passage], own: str | None, rules: LifecycleRules
) -> list[Termination]:
    found: list[Termination] = []
    for passage in passages:
        if passage.part != "operative":
            continue
        for rule in rules.spec.terminations:
            if not rules.may_match(rule.id, passage):
                continue
            for match in rules.patterns[rule.id].finditer(passage.text):
                what = passage.quote(*match.span("what"))
                quote, place = passage.quote(*match.span()), passage.place(*match.span())
                start, end = match.span("what")
                reader = _Reader(passage, own, rules, clause=start)
                ends = tuple(
                    ref
                    for named in rules.patterns["reference"].finditer(passage.text, start, end)
                    for ref in reader.references(named, rule.id)
                )
                found.append(Termination(what, quote, place, rule.id, ends))
    return found


# --- Reports ----------------------------------------------------------------------------------


def _title(passages: list[_Passage], rules: LifecycleRules) -> ReportTitle | None:
    """The first report title of the front matter (« Rapport du Secrétaire général »)."""
    found: list[tuple[int, int, ReportTitle]] = []
    for order, passage in enumerate(p for p in passages if p.front):
        for rule in rules.spec.report_titles:
            match = rules.patterns[rule.id].search(passage.text)
            if match:
                title = ReportTitle(
                    rule.kind, passage.quote(*match.span()), passage.place(*match.span()), rule.id
                )
                found.append((order, match.start(), title))
    return min(found, key=lambda item: item[:2])[2] if found else None


def _titles(passages: list[_Passage], rules: LifecycleRules) -> list[ReportTitle]:
    title = _title(passages, rules)
    return [title] if title else []


def _report_symbol(passages: list[_Passage]) -> str | None:
    """The first report symbol of the head or the first paragraphs (the front page's own)."""
    for passage in passages[:3]:
        match = _REPORT_SYMBOL.search(passage.text)
        if match:
            return match.group(0)
    return None


def _issued_for(
    document: Document, passages: list[_Passage], rules: LifecycleRules, report: bool
) -> IssuedFor | None:
    symbol = _report_symbol(passages) if report else document.meta.symbol
    return symbol_issued_for(symbol, rules.bodies) if symbol else None


# --- The stage --------------------------------------------------------------------------------


def find_links(document: Document, rules: LifecycleRules) -> DocumentLinks:
    """Find a document's lifecycle links: what a report answers, what a resolution recalls,
    takes note of, renews and ends.

    A document is a report when no adopting body's line (« L'Assemblée générale, ») opens a
    resolution and its front matter has a report title or it says which resolution it
    answers; reports have numbered paragraphs too, so numbering decides nothing.
    """
    passages = _passages(document, rules.spec.opening_paragraphs)
    if document.meta.adopting_body is None:
        title = _title(passages, rules)
        guess = _issued_for(document, passages, rules, report=True)
        answers = _answers(passages, guess.body if guess else None, rules)
        if title or answers:
            return DocumentLinks(True, title, guess, None, tuple(answers), (), (), (), ())
    own = document.meta.adopting_body
    return DocumentLinks(
        is_report=False,
        title=None,
        issued_for=_issued_for(document, passages, rules, report=False),
        resolution=document_resolution_key(document.meta),
        answers=(),
        recalls=tuple(_recalls(passages, own, rules)),
        noted_reports=tuple(_noted(passages, own, rules)),
        renewals=tuple(_renewals(passages, rules)),
        terminations=tuple(_terminations(passages, own, rules)),
    )


# --- Rule examples ----------------------------------------------------------------------------


def _example_finders() -> dict[
    Category, Callable[[list[_Passage], str, LifecycleRules], list[Any]]
]:
    return {
        "titles": lambda passages, own, rules: _titles(passages, rules),
        "answers": _answers,
        "recalls": _recalls,
        "noted_reports": _noted,
        "renewals": lambda passages, own, rules: _renewals(passages, rules),
        "terminations": _terminations,
    }


def all_examples(rules: LifecycleRules) -> list[tuple[Category, str, LinkExample]]:
    """Every rule example of one language: (category, rule id, example)."""
    return [
        (category, rule.id, example)
        for category in _CATEGORIES
        for rule in rules.rules_of(category)
        for example in rule.examples
    ]


def run_example(
    rules: LifecycleRules, category: Category, example: LinkExample
) -> list[dict[str, Any]]:
    """Run one category's rules on an example's text (a one-paragraph document of
    ``example.body``) and return what they yield, as plain mappings."""
    passage = _passage("operative", 0, "1", example.text, True, True)
    found = _example_finders()[category]([passage], example.body, rules)
    return [item.as_json() for item in found]


def example_failures(rules: LifecycleRules) -> list[str]:
    """Every example whose yield differs from what it expects, explained (empty when all pass)."""
    failures: list[str] = []
    for category, rule_id, example in all_examples(rules):
        got = run_example(rules, category, example)
        problem = _compare(rule_id, got, example.expect)
        if problem:
            failures.append(f"{rules.lang} {rule_id}: {problem} in {example.text!r}")
    return failures


def _compare(rule_id: str, got: list[dict[str, Any]], expect: list[dict[str, Any]]) -> str | None:
    if len(got) != len(expect):
        return f"expected {len(expect)} links, got {len(got)}: {got}"
    for found, wanted in zip(got, expect, strict=True):
        seen = {name: found.get(name) for name in wanted}
        if seen != wanted:
            return f"expected {wanted}, got {seen}"
    if expect and rule_id not in {found["rule"] for found in got}:
        return "its example is handled by another rule"
    return None
