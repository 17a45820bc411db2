"""Extraction stage: find the time-bound mandates in a segmented resolution.

An operative paragraph is cut into clauses at its operative verbs (« Prie », « et les
invite », "Decides"). In each clause that can create a mandate, the timing rules find what ties
it to a time (a session, a year, a date, an observance day), the kind rules say what it asks
for, the actor rules who must act, and the body mentions who receives it. Everything comes from
the language's rule files; this module only applies them. Preambular paragraphs are never read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from tracker.literals import Gate, fold, guarded
from tracker.model import Document, Kind, Mandate, Paragraph, Recurrence, evolve
from tracker.numbers import parse_cardinal, parse_ordinal
from tracker.rulebook import (
    Bodies,
    KindRule,
    LanguageRules,
    ParagraphRules,
    TimingRule,
    VerbRule,
)

_ANCHORS = {
    "session",
    "sessions",
    "next_session",
    "session_year",
    "year",
    "date",
    "observance",
    "event",
}
_LEADS = guarded(
    re.compile(r"(?P<punctuation>[,;:]\s+)(?:(?:et|and)\s+)?|(?<=\s)(?:et|and)\s+", re.I)
)
"""What may come before an operative verb, besides the paragraph's start: a comma, semicolon
or colon, with or without « et »/"and", or a bare « et »/"and" between spaces."""


@dataclass(frozen=True)
class Clause:
    """A stretch of a paragraph governed by one operative verb."""

    rule: VerbRule
    verb: str
    start: int
    verb_end: int
    end: int
    pronoun: str | None


class Hit(NamedTuple):
    """One match of a timing rule in a paragraph, with where it starts and ends."""

    rule: TimingRule
    match: re.Match[str]
    start: int
    end: int

    @classmethod
    def of(cls, rule: TimingRule, match: re.Match[str]) -> Hit:
        """The hit of ``rule`` that ``match`` found."""
        return cls(rule, match, match.start(), match.end())

    def group(self, name: str) -> str | None:
        """A named group of the match, or None."""
        return self.match.groupdict().get(name)


@dataclass(frozen=True)
class Context:
    """What extraction needs to know about the document and the language."""

    document: Document
    rules: LanguageRules
    bodies: Bodies

    @property
    def body(self) -> str | None:
        """The adopting body's code."""
        return self.document.meta.adopting_body


def extract(document: Document, rules: LanguageRules, bodies: Bodies) -> list[Mandate]:
    """Return every time-bound mandate of the document's operative paragraphs, in order."""
    context = Context(document, rules, bodies)
    found: list[Mandate] = []
    candidates: list[tuple[Mandate, Clause, Paragraph]] = []
    clauses_by_paragraph: dict[str, list[tuple[Mandate, Clause]]] = {}
    for paragraph in document.operative:
        dated, undated = _paragraph_mandates(paragraph, context)
        found.extend(mandate for mandate, _ in dated)
        clauses_by_paragraph[paragraph.number or ""] = dated
        candidates.extend((mandate, clause, paragraph) for mandate, clause in undated)
    found.extend(_linked_candidates(candidates, clauses_by_paragraph, document, context))
    return _numbered(found, document)


def _numbered(mandates: list[Mandate], document: Document) -> list[Mandate]:
    """Order by paragraph and position and number occurrences within each paragraph."""
    order = {p.number: i for i, p in enumerate(document.operative)}
    mandates.sort(key=lambda m: (order.get(m.paragraph, 0), m.quote_start))
    counts: dict[str, int] = {}
    numbered = []
    for mandate in mandates:
        counts[mandate.paragraph] = counts.get(mandate.paragraph, 0) + 1
        numbered.append(evolve(mandate, occurrence=counts[mandate.paragraph]))
    return numbered


def _paragraph_mandates(
    paragraph: Paragraph, context: Context
) -> tuple[list[tuple[Mandate, Clause]], list[tuple[Mandate, Clause]]]:
    """Mandates with a time, and undated candidates, of one operative paragraph."""
    text = paragraph.text
    gated = context.rules.paragraph_rules(fold(text))
    dated: list[tuple[Mandate, Clause]] = []
    undated: list[tuple[Mandate, Clause]] = []
    may_keep_undated = any(rule.kind in _UNDATED_KINDS for _, rule, _ in gated.kinds)
    if not gated.anchoring and not may_keep_undated:
        return dated, undated  # nothing can be dated, and no consultation or meeting to keep
    clauses = split_clauses(text, gated)
    if not any(clause.rule.creates for clause in clauses):
        return dated, undated
    spans = _merged([(c.start, c.end) for c in clauses if c.rule.creates])
    hits = _timing_hits(text, gated, spans)
    if not hits and not may_keep_undated:
        return dated, undated
    kinds = index_kinds(text, context.rules, gated)
    actors = _ClauseActors(clauses, text, context)
    for i, clause in enumerate(clauses):
        if not clause.rule.creates:
            continue
        mine = [h for h in hits if clause.start <= h.start < clause.end]
        # without a time or an undated consultation or meeting, nothing is made: no actor needed
        undated_kind = kinds.first(clause.verb_end, clause.end)
        needed = mine or (undated_kind and undated_kind[0] in _UNDATED_KINDS)
        actor = actors.of(i) if needed else ""
        made = list(_clause_mandates(clause, mine, kinds, actor, paragraph, context))
        if made:
            dated.extend((m, clause) for m in made)
        else:
            candidate = _undated_candidate(clause, undated_kind, actor, paragraph, context)
            if candidate:
                undated.append((candidate, clause))
    return dated, undated


def split_clauses(text: str, rules: ParagraphRules) -> list[Clause]:
    """Cut a paragraph at its operative verbs; text before the first verb is ignored.

    A verb counts where a clause may start (:func:`clause_starts`); where several verb rules
    match, the earliest and then longest wins. ``rules`` are the rules that may match the
    paragraph (:meth:`LanguageRules.paragraph_rules`).
    """
    gated = rules.verbs
    if not gated:
        return []
    found: list[tuple[int, int, int, VerbRule, re.Match[str]]] = []
    for start in clause_starts(text):
        if start > 0 and not text[start].islower():
            continue
        for order, (rule, gate) in enumerate(gated):
            match = gate.pattern.match(text, start)
            if match:
                found.append((start, -(match.end() - start), order, rule, match))
    found.sort(key=lambda item: item[:3])
    kept: list[tuple[int, VerbRule, re.Match[str]]] = []
    last_end = -1
    for start, _, _, rule, match in found:
        if start >= last_end:
            kept.append((start, rule, match))
            last_end = match.end()
    ends = [start for start, _, _ in kept[1:]] + [len(text)] if kept else []
    clauses: list[Clause] = []
    for (start, rule, match), end in zip(kept, ends, strict=True):
        pronoun = match.groupdict().get("pronoun")
        verb = match.group("verb")
        if pronoun and verb.lower().startswith(pronoun.lower()):
            verb = verb[len(pronoun) :].lstrip()
        clauses.append(Clause(rule, verb, start, match.end(), end, pronoun))
    return clauses


def clause_starts(text: str) -> list[int]:
    """Where an operative verb may start, in order: after the paragraph's leading spaces, after
    a comma, semicolon or colon and its spaces (and after an « et »/"and" that follows them),
    and after an « et »/"and" that stands between spaces."""
    starts = [len(text) - len(text.lstrip())]
    for lead in _LEADS.finditer(text):
        if lead.group("punctuation") and lead.end() > lead.end("punctuation"):
            starts.append(lead.end("punctuation"))
        starts.append(lead.end())
    return [start for start in starts if start < len(text)]


def _timing_hits(text: str, rules: ParagraphRules, spans: list[tuple[int, int]]) -> list[Hit]:
    """Timing matches within ``spans`` (the creating clauses), overlaps resolved (earliest,
    then longest), ignores removed."""
    found = _matches(text, rules.anchoring, spans)
    if not found:  # what an ignore rule matches only ever removes hits
        return []
    found.extend(_matches(text, rules.ignoring, spans))
    found.sort(key=lambda item: (item[1].start, -(item[1].end - item[1].start), item[0]))
    hits = [hit for _, hit in found]
    kept: list[Hit] = []
    for hit in hits:
        if hit.rule.yields != "recurrence" and any(
            _overlap(hit, k) for k in kept if k.rule.yields != "recurrence"
        ):
            continue
        if hit.rule.yields == "recurrence" and any(
            _overlap(hit, k) for k in kept if k.rule.yields == "recurrence"
        ):
            continue
        kept.append(hit)
    ignored = [h for h in kept if h.rule.yields == "ignore"]
    return [
        h for h in kept if h.rule.yields != "ignore" and not any(_overlap(h, i) for i in ignored)
    ]


def _matches(
    text: str, rules: tuple[tuple[int, TimingRule, Gate], ...], spans: list[tuple[int, int]]
) -> list[tuple[int, Hit]]:
    """Every match of ``rules`` within ``spans``, each with its rule's position."""
    return [
        (order, Hit.of(rule, match))
        for start, end in spans
        for order, rule, gate in rules
        for match in gate.pattern.finditer(text, start, end)
    ]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent or overlapping spans joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _overlap(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end


def _clause_mandates(
    clause: Clause,
    hits: list[Hit],
    kinds: KindIndex,
    actor: str,
    paragraph: Paragraph,
    context: Context,
) -> Iterator[Mandate]:
    """The mandates one clause creates, segment by coordinated segment.

    Recurrences and starts (« tous les quatre ans … à compter de … ») belong to the whole
    clause; each anchor takes the kind of its own segment, else the clause's.
    """
    if not hits:
        return
    text = paragraph.text
    clause_kind = kinds.first(clause.verb_end, clause.end)
    has_cue = clause_kind is not None or _has_cue(text[clause.verb_end : clause.end], context.rules)
    modifiers = [h for h in hits if h.rule.yields in ("recurrence", "start")]
    anchors = [h for h in hits if h.rule.yields in _ANCHORS or _start_session(h)]
    anchors = [h for h in anchors if has_cue or not h.rule.needs_cue]
    if not anchors:
        if clause_kind is not None:
            yield from _recurring_only(clause, modifiers, actor, paragraph, context, clause_kind)
        return
    previous_kind: tuple[Kind, KindRule] | None = None
    for start, end in _segments(clause, text, context.rules):
        mine = [h for h in anchors if start <= h.start < end]
        segment_kind = kinds.first(start, end)
        region_start = start
        for anchor in sorted(mine, key=lambda h: h.start):
            kind_match = _kind_near(kinds, region_start, end, anchor)
            yield from _segment_mandates(
                clause,
                [anchor],
                mine,
                modifiers,
                actor,
                paragraph,
                context,
                kind_match or segment_kind or previous_kind,
            )
            region_start = anchor.end
        previous_kind = segment_kind or previous_kind


def _recurring_only(
    clause: Clause,
    modifiers: list[Hit],
    actor: str,
    paragraph: Paragraph,
    context: Context,
    kind_match: tuple[Kind, KindRule],
) -> Iterator[Mandate]:
    """A clause with only a recurrence (« un rapport annuel »): one mandate per recurrence."""
    starts = [h for h in modifiers if h.rule.yields == "start"]
    for recurrence in (h for h in modifiers if h.rule.yields == "recurrence"):
        for mandate in _anchor_mandates(recurrence, clause, actor, paragraph, context, kind_match):
            mandate = _with_recurrence(mandate, recurrence, [recurrence], starts, context)
            yield _with_quote(mandate, paragraph, [recurrence, *starts])


def _segments(clause: Clause, text: str, rules: LanguageRules) -> list[tuple[int, int]]:
    """Cut a clause at its coordinated infinitives (« et de présenter », "and to submit")."""
    cuts = [clause.start]
    pattern = rules.compile(rules.segment_break)
    for match in pattern.finditer(text, clause.verb_end, clause.end):
        cuts.append(match.start())
    cuts.append(clause.end)
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _segment_mandates(
    clause: Clause,
    anchors: list[Hit],
    segment: list[Hit],
    modifiers: list[Hit],
    actor: str,
    paragraph: Paragraph,
    context: Context,
    kind_match: tuple[Kind, KindRule] | None,
) -> Iterator[Mandate]:
    """The mandates of anchors of one segment.

    A session and a day stated side by side (« à sa 81e session, le 26 octobre 2026 ») make one
    mandate with both.
    """
    recurrences = [h for h in modifiers if h.rule.yields == "recurrence"]
    starts = [h for h in modifiers if h.rule.yields == "start"]
    for anchor in anchors:
        partner = _day_beside(anchor, segment, paragraph.text)
        if anchor.rule.yields in ("year", "date") and any(
            _day_beside(other, segment, paragraph.text) is anchor for other in segment
        ):
            continue
        for mandate in _anchor_mandates(anchor, clause, actor, paragraph, context, kind_match):
            quoted = [anchor, *recurrences, *starts]
            if partner is not None:
                mandate = _with_day(mandate, partner, context)
                quoted.append(partner)
            mandate = _with_recurrence(mandate, anchor, recurrences, starts, context)
            if not _is_past(mandate, context):
                yield _with_quote(mandate, paragraph, quoted)


def _day_beside(anchor: Hit, segment: list[Hit], text: str) -> Hit | None:
    """The one year or date stated right after a session anchor in the same segment."""
    if anchor.rule.yields not in ("session", "start"):
        return None
    sessions = [h for h in segment if h.rule.yields in ("session", "start")]
    days = [h for h in segment if h.rule.yields in ("year", "date")]
    if len(sessions) != 1 or len(days) != 1:
        return None
    day = days[0]
    gap = text[anchor.end : day.start] if day.start >= anchor.end else text[day.end : anchor.start]
    return day if len(gap) <= 60 and not re.search(r"[;]", gap) else None


def _with_day(mandate: Mandate, hit: Hit, context: Context) -> Mandate:
    """Add the year or date stated beside a session (« … session, le 26 octobre 2026 »)."""
    if hit.rule.yields == "date":
        date = _date(hit, context)
        return evolve(mandate, date=date, year=date.year) if date else mandate
    return evolve(mandate, year=int(hit.group("year") or 0) or None)


def _start_session(hit: Hit) -> bool:
    return hit.rule.yields == "start" and hit.rule.unit == "session"


def _anchor_mandates(
    anchor: Hit,
    clause: Clause,
    actor: str,
    paragraph: Paragraph,
    context: Context,
    kind_match: tuple[Kind, KindRule] | None,
) -> Iterator[Mandate]:
    """One mandate per deliverable the anchor names.

    Several for « à ses 85e et 90e sessions », and one per receiving body for « au Conseil
    et à l'Assemblée générale » when the anchor names no session.
    """
    target = _target_body(clause, anchor, paragraph.text, context)
    kind = kind_match[0] if kind_match else Kind.OTHER
    base = _mandate(clause, actor, kind, target, anchor, paragraph, context, kind_match)
    targets = [target]
    if anchor.rule.yields in ("recurrence", "year", "date", "event"):
        targets = (
            _conjoined_bodies(paragraph.text[clause.verb_end : clause.end], context) or targets
        )
    for body in targets:
        yield from _timed(evolve(base, target_body=body), anchor, context)


def _timed(base: Mandate, anchor: Hit, context: Context) -> Iterator[Mandate]:
    """The mandate with what its anchor says of time."""
    lexicon = context.rules.lexicon
    yields = anchor.rule.yields
    if yields == "observance":
        yield _observance(base, anchor, context)
    elif yields == "sessions":
        ordinal = context.rules.compile("{ORD}")
        for match in ordinal.finditer(anchor.match.group(0)):
            yield evolve(base, session=parse_ordinal(match.group(0), lexicon))
    elif yields in ("session", "start"):
        yield evolve(base, session=parse_ordinal(anchor.group("ord") or "", lexicon))
    elif yields == "next_session":
        session = context.document.meta.session
        same = base.target_body == context.body
        yield evolve(base, session=session + 1 if session and same else None)
    elif yields == "session_year":
        year = int(anchor.group("year") or 0) or None
        body = context.bodies.get(base.target_body or "")
        named = body is not None and body.sessions_named_by_year
        yield evolve(base, year=year, session=year if named else None)
    elif yields == "year":
        yield evolve(base, year=int(anchor.group("year") or 0) or None)
    elif yields == "date":
        date = _date(anchor, context)
        if date:
            yield evolve(base, date=date, year=date.year)
    elif yields in ("recurrence", "event"):
        yield base


def _conjoined_bodies(text: str, context: Context) -> list[str | None]:
    """Two or more bodies named side by side as receivers (« au Conseil et à l'Assemblée »)."""
    rules = context.rules
    mentions: list[tuple[int, int, str | None]] = []
    folded = fold(text)
    for mention, gate in rules.mentions_in(folded):
        for match in gate.pattern.finditer(text):
            body = _mention_body(mention.body, mention.self_if_council, context)
            mentions.append((match.start(), match.end(), body))
    mentions.sort()
    joiner = rules.compile(rules.body_joiner)
    recipient = rules.compile(rules.recipient)
    pairs = zip(mentions, mentions[1:], strict=False)
    for (head, end, first), (start, _, second) in pairs:
        if not (first and second and first != second and joiner.fullmatch(text[end:start])):
            continue
        lead = text[max(0, head - 12) : head]
        first_word = text[head:].split(" ", 1)[0]
        if recipient.search(lead) or recipient.search(lead + first_word):
            return [first, second]
    return []


def _mandate(
    clause: Clause,
    actor: str,
    kind: Kind,
    target: str | None,
    anchor: Hit,
    paragraph: Paragraph,
    context: Context,
    kind_match: tuple[Kind, KindRule] | None,
) -> Mandate:
    part = {"partie principale": "main", "main part": "main", "reprise": "resumed"}.get(
        (anchor.group("part") or "").lower(), anchor.rule.part
    )
    confidence = min(clause.rule.confidence, anchor.rule.confidence) - (0 if kind_match else 0.1)
    kind_rule = kind_match[1].id if kind_match else "default"
    return evolve(
        _blank_mandate(clause, actor, kind, target, paragraph, context, anchor.start, anchor.end),
        rule=anchor.rule.id,
        confidence=round(confidence, 2),
        reason=f"{clause.rule.id} '{clause.verb}' + {anchor.rule.id} + {kind_rule}",
        part=part,
    )


def _blank_mandate(
    clause: Clause,
    actor: str,
    kind: Kind,
    target: str | None,
    paragraph: Paragraph,
    context: Context,
    quote_start: int,
    quote_end: int,
) -> Mandate:
    """A mandate of the clause with no time yet, quoting ``quote_start:quote_end``."""
    meta = context.document.meta
    return Mandate(
        source=context.document.source,
        symbol=meta.symbol,
        lang=meta.lang,
        adopting_body=meta.adopting_body,
        paragraph=paragraph.number or "",
        occurrence=0,
        verb=clause.verb,
        actor=actor,
        kind=kind,
        target_body=target,
        session=None,
        year=None,
        date=None,
        recurrence=None,
        quote=paragraph.text[quote_start:quote_end],
        quote_start=quote_start,
        quote_end=quote_end,
        rule="",
        confidence=clause.rule.confidence,
        reason="",
        title=meta.title or "",
    )


def _observance(base: Mandate, anchor: Hit, context: Context) -> Mandate:
    """An observance: a yearly day (with its month and day) or a single year."""
    text = anchor.match.string
    celebrants = context.rules.compile(context.rules.celebrants).search(text)
    actor = _canonical_actors(celebrants.group("who"), context) if celebrants else context.body
    month_name = anchor.group("month")
    common = {"kind": Kind.OBSERVANCE, "target_body": None, "actor": actor or base.actor}
    if month_name:
        day = _day(anchor.group("day") or "", context)
        month = context.rules.lexicon.months[month_name.lower()]
        recurrence = Recurrence(every=1, unit="year", month=month, day=day)
        start = anchor.match.start("day")
        return evolve(base, recurrence=recurrence, quote_start=start, **common)
    return evolve(base, year=int(anchor.group("year") or 0) or None, **common)


def _with_recurrence(
    mandate: Mandate, anchor: Hit, recurrences: list[Hit], starts: list[Hit], context: Context
) -> Mandate:
    """Attach « tous les quatre ans … à compter de … » to the mandate."""
    start_year = next((int(h.group("year") or 0) for h in starts if h.rule.unit == "year"), None)
    if mandate.kind == Kind.OBSERVANCE:
        if mandate.recurrence is None:
            return mandate
        every = _every(recurrences[0], context) if recurrences else 1
        return evolve(mandate, recurrence=evolve(mandate.recurrence, every=every, start=start_year))
    if not recurrences:
        return mandate
    every = _every(recurrences[0], context)
    unit = recurrences[0].rule.unit or "year"
    if mandate.session is not None or (mandate.year is None and start_year is None):
        body = context.bodies.get(mandate.target_body or "")
        per_year = body.sessions_per_year if body else 1
        sessions = every * per_year if unit == "year" else every
        return evolve(
            mandate, recurrence=Recurrence(every=sessions, unit="session", start=mandate.session)
        )
    start = mandate.year or start_year
    return evolve(mandate, year=start, recurrence=Recurrence(every=every, unit="year", start=start))


def _every(hit: Hit, context: Context) -> int:
    if hit.rule.every:
        return hit.rule.every
    number = hit.group("n") or hit.group("n2")
    if number is None:
        return 1
    return parse_cardinal(number, context.rules.lexicon) or 1


def _is_past(mandate: Mandate, context: Context) -> bool:
    """A year, date or own session before the document's own time is history, not a mandate."""
    meta = context.document.meta
    if mandate.recurrence is not None and mandate.kind == Kind.OBSERVANCE:
        return False
    if mandate.year is not None and meta.year is not None and mandate.year < meta.year:
        return True
    same_body = mandate.target_body == meta.adopting_body
    if mandate.session is not None and meta.session is not None and same_body:
        return mandate.session < meta.session
    return False


def _with_quote(mandate: Mandate, paragraph: Paragraph, hits: list[Hit]) -> Mandate:
    """Quote the words stating the deadline: the anchor and its recurrence, start or day."""
    end = max(h.end for h in hits)
    start = min([mandate.quote_start, *(h.start for h in hits[1:])])
    return evolve(mandate, quote=paragraph.text[start:end], quote_start=start, quote_end=end)


def _date(anchor: Hit, context: Context) -> dt.date | None:
    lexicon = context.rules.lexicon
    month = anchor.group("month") or anchor.group("month2") or ""
    try:
        return dt.date(
            int(anchor.group("year") or 0),
            lexicon.months[month.lower()],
            _day(anchor.group("day") or "", context),
        )
    except (ValueError, KeyError):
        return None


def _day(text: str, context: Context) -> int:
    words = context.rules.lexicon.day_words
    return words.get(text.lower()) or int(re.sub(r"\D", "", text) or 0)


@dataclass(frozen=True)
class KindIndex:
    """Every kind word of a paragraph, found once, in order: (start, rule order, rule)."""

    matches: tuple[tuple[int, int, KindRule], ...]

    def first(self, start: int, end: int) -> tuple[Kind, KindRule] | None:
        """The kind whose words come first between ``start`` and ``end``."""
        found = next((m for m in self.matches if start <= m[0] < end), None)
        return (Kind(found[2].kind), found[2]) if found else None


def index_kinds(text: str, rules: LanguageRules, gated: ParagraphRules) -> KindIndex:
    """Find the kind words of a paragraph.

    A match inside an earlier one is dropped (« l'examen de la question » is an agenda item,
    not also a review). A kind word that completes another noun (« préparatifs du Congrès »,
    "preparations for the Congress") does not say what is asked, for the rules marked
    complement_sensitive. ``gated`` holds the kind rules that may match (see
    :meth:`LanguageRules.paragraph_rules`).
    """
    complement = rules.compile(rules.complement)
    found: list[tuple[int, int, int, KindRule]] = []
    for order, rule, gate in gated.kinds:
        for match in gate.pattern.finditer(text):
            start = match.start()
            if not (
                rule.complement_sensitive and complement.search(text[max(0, start - 60) : start])
            ):
                found.append((start, order, match.end(), rule))
    kept: list[tuple[int, int, KindRule]] = []
    covered = -1
    for start, order, end, rule in sorted(found, key=lambda item: (item[0], item[1])):
        if start < covered:
            continue
        kept.append((start, order, rule))
        covered = max(covered, end)
    return KindIndex(tuple(kept))


def _kind_near(kinds: KindIndex, start: int, end: int, anchor: Hit) -> tuple[Kind, KindRule] | None:
    """The kind of one anchor: the first kind word from ``start`` up to the anchor's end, else
    the first in the rest of the segment up to ``end``.

    ``start`` is the end of the previous anchor of the segment, so that "a review conference
    in 2030, preceded by a preparatory meeting in early 2030" gives a review and a meeting.
    """
    return kinds.first(start, anchor.end) or kinds.first(start, end)


def _has_cue(text: str, rules: LanguageRules) -> bool:
    return any(rules.compile(cue).search(text) for cue in rules.cues)


class _ClauseActors:
    """Who acts in each clause of a paragraph, worked out only for the clauses that ask.

    A clause's actor may be the previous clause's (« et l'invite à … », "and requests it to"),
    so each is remembered once found.
    """

    def __init__(self, clauses: list[Clause], text: str, context: Context) -> None:
        self._clauses, self._text, self._context = clauses, text, context
        self._found: dict[int, str] = {}

    def of(self, i: int) -> str:
        """The actor of clause ``i``."""
        if i not in self._found:
            previous = (lambda: self.of(i - 1)) if i > 0 else (lambda: None)
            self._found[i] = _actor(self._clauses[i], self._text, self._context, previous)
        return self._found[i]


def _actor(clause: Clause, text: str, context: Context, previous: Callable[[], str | None]) -> str:
    """Who must act in a clause: its object, the adopting body, or a passive agent
    (``previous`` gives the actor of the clause before)."""
    body = context.body or "unspecified"
    if clause.rule.actor == "self":
        return body
    span = text[clause.verb_end : clause.end]
    if clause.rule.actor == "agent":
        agent = context.rules.compile(context.rules.agent).search(span)
        return _canonical_actors(agent.group("agent"), context) if agent else body
    if clause.pronoun and (before := previous()):
        return before
    end = context.rules.compile(context.rules.object_end).search(span)
    obj = span[: end.start()] if end else span.split(",")[0]
    return _canonical_actors(obj, context) or previous() or body


def _canonical_actors(text: str, context: Context) -> str:
    """Canonical names of the actors named in ``text``, joined by commas."""
    found: list[tuple[int, int, str]] = []
    folded = fold(text)
    for rule, gate in context.rules.actors_in(folded):
        for match in gate.pattern.finditer(text):
            name = rule.actor.format(**{k: v.strip() for k, v in match.groupdict().items() if v})
            found.append((match.start(), -(match.end() - match.start()), name))
    found.sort()
    names: list[str] = []
    last_end = -1
    for start, negative_length, name in found:
        if start >= last_end and name not in names:
            names.append(name)
        last_end = max(last_end, start - negative_length)
    if names:
        return ", ".join(names)
    return re.sub(r"^(?:(?:le|la|les|l'|au|aux|à|the|to)\s*)+", "", text.strip(" ,;"), flags=re.I)[
        :80
    ]


def _target_body(clause: Clause, anchor: Hit, text: str, context: Context) -> str | None:
    """The body that receives the deliverable."""
    rules = context.rules
    before = text[clause.verb_end : anchor.start]
    candidates: list[tuple[int, str | None]] = []
    folded = fold(before)
    for mention, gate in rules.mentions_in(folded):
        for match in gate.pattern.finditer(before):
            candidates.append(
                (match.end(), _mention_body(mention.body, mention.self_if_council, context))
            )
    for match in rules.compile(rules.self_pronouns).finditer(before):
        candidates.append((match.end(), context.body))
    candidates = [c for c in candidates if c[1]]
    if candidates:
        return max(candidates, key=lambda c: c[0])[1]
    if rules.compile(rules.self_pronouns).search(anchor.match.group(0)):
        return context.body
    trailing = _trailing_body(text[anchor.end : anchor.end + 80], context)
    if trailing:
        return trailing
    if clause.rule.actor == "self" and anchor.rule.yields != "observance":
        return context.body
    return None


def _trailing_body(after: str, context: Context) -> str | None:
    """« … session de l'Assemblée générale »: a body named right after the anchor."""
    folded = fold(after)
    for mention, gate in context.rules.trailing_mention_gates:
        if gate.may_match(folded) and gate.pattern.search(after):
            return _mention_body(mention.body, mention.self_if_council, context)
    return None


def _mention_body(body: str, self_if_council: bool, context: Context) -> str | None:
    if body != "self":
        return body
    adopting = context.bodies.get(context.body or "")
    if adopting is None:
        return None
    if self_if_council and not adopting.council:
        return None
    return adopting.code


_UNDATED_KINDS = (Kind.CONSULTATION, Kind.MEETING)
"""The kinds a clause may ask for without a date, kept when a dated report builds on them."""


def _undated_candidate(
    clause: Clause,
    kind_match: tuple[Kind, KindRule] | None,
    actor: str,
    paragraph: Paragraph,
    context: Context,
) -> Mandate | None:
    """A consultation or meeting with no date (``kind_match``, the clause's first kind word):
    kept only if a dated report builds on it."""
    text = paragraph.text
    span = text[clause.verb_end : clause.end]
    if kind_match is None or kind_match[0] not in _UNDATED_KINDS:
        return None
    cue = next(
        (m for c in context.rules.cues if (m := context.rules.compile(c).search(span))), None
    )
    kind_word = context.rules.compile(kind_match[1].pattern).search(span)
    if cue is None or kind_word is None or cue.start() > kind_word.start():
        return None
    start, end = clause.verb_end + cue.start(), clause.verb_end + kind_word.end()
    blank = _blank_mandate(
        clause, actor, kind_match[0], context.body, paragraph, context, start, end
    )
    return evolve(
        blank,
        rule=kind_match[1].id,
        confidence=round(clause.rule.confidence * 0.7, 2),
        reason=f"{clause.rule.id} '{clause.verb}' + {kind_match[1].id}, no date in the text",
    )


def _linked_candidates(
    candidates: list[tuple[Mandate, Clause, Paragraph]],
    dated: dict[str, list[tuple[Mandate, Clause]]],
    document: Document,
    context: Context,
) -> Iterator[Mandate]:
    """Keep undated events that a later dated report of the same resolution builds on."""
    order = [p.number for p in document.operative]
    for candidate, _, paragraph in candidates:
        later = order[order.index(paragraph.number) + 1 :] if paragraph.number in order else []
        for number in later:
            report = _feeding_report(candidate, dated.get(number or "", []), document, context)
            if report:
                yield evolve(
                    candidate,
                    precedes=report.paragraph,
                    reason=f"{candidate.reason}; feeds the report of paragraph {report.paragraph}",
                )
                break


def _feeding_report(
    candidate: Mandate,
    dated: list[tuple[Mandate, Clause]],
    document: Document,
    context: Context,
) -> Mandate | None:
    for mandate, clause in dated:
        if mandate.kind != Kind.REPORT:
            continue
        paragraph = document.paragraph(mandate.paragraph)
        clause_text = paragraph.text[clause.start : clause.end] if paragraph else ""
        for link in context.rules.links:
            if candidate.kind in link.kinds and context.rules.compile(link.pattern).search(
                clause_text
            ):
                return mandate
    return None
