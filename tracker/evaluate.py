"""Score extracted mandates against a hand-annotated gold set.

The gold format is one JSON object per line (``gold/mandates.jsonl``): ``doc`` (a file name),
``para`` (the operative number as printed), ``kind``, ``session``, ``year``, ``quote`` and
``notes`` among others. A prediction matches a gold row when it comes from the same document
and paragraph, states the same session and the same year (a null matches only a null; a
predicted date counts by its year) and asks for the same family of deliverable: reports and
oral updates together, meetings and consultations together, then reviews, observances and
other deliverables each on their own. Matching is one to one and greedy, exact kinds first.

Tempting non-mandates (``gold/negatives.jsonl``: ``doc``, ``para``, ``quote``) are checked
too: a negative is *extracted* when a prediction of the same document and paragraph quotes
words overlapping its quote. A negative in the preamble (``para`` ``"preamble"``) can only be
hit by a prediction whose quote lies inside the negative's quote, since preambles are never
read. Quotes are compared after collapsing whitespace.

Nothing here reads the corpus or runs the extractor: callers pass the predictions in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.model import Mandate

FAMILIES: dict[str, str] = {
    "report": "report",
    "oral_update": "report",
    "meeting": "meeting",
    "consultation": "meeting",
    "review": "review",
    "observance": "observance",
    "other_deliverable": "other_deliverable",
}
"""Kinds scored as the same deliverable."""

TAGS = ("agenda_inclusion", "borderline")
"""Tags the gold puts in ``notes`` that a score may leave out."""

_TAG = re.compile(r"\b(" + "|".join(TAGS) + r")\b")


@dataclass(frozen=True)
class GoldMandate:
    """One annotated time-bound mandate."""

    doc: str
    para: str
    kind: str
    session: int | None
    year: int | None
    quote: str
    lang: str = "en"
    verb: str = ""
    actor: str = ""
    body: str | None = None
    recurrence: str | None = None
    notes: str = ""

    @property
    def tags(self) -> frozenset[str]:
        """The tags (``agenda_inclusion``, ``borderline``) found in ``notes``."""
        return frozenset(_TAG.findall(self.notes))

    def as_json(self) -> dict[str, Any]:
        """Return the row in the gold file's form."""
        return {
            "doc": self.doc,
            "lang": self.lang,
            "para": self.para,
            "verb": self.verb,
            "actor": self.actor,
            "kind": self.kind,
            "body": self.body,
            "session": self.session,
            "year": self.year,
            "recurrence": self.recurrence,
            "quote": self.quote,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Negative:
    """A tempting date or session that creates no mandate."""

    doc: str
    para: str
    quote: str
    why: str = ""

    def as_json(self) -> dict[str, Any]:
        """Return the row in the negatives file's form."""
        return {"doc": self.doc, "para": self.para, "quote": self.quote, "why": self.why}


@dataclass(frozen=True)
class Predicted:
    """The fields of an extracted mandate that scoring looks at."""

    doc: str
    para: str
    kind: str
    session: int | None
    year: int | None
    quote: str
    verb: str = ""
    actor: str = ""

    @classmethod
    def of(cls, mandate: Mandate) -> Predicted:
        """Take what scoring needs from a mandate (a set date counts by its year)."""
        return cls(
            doc=Path(mandate.source).name,
            para=mandate.paragraph,
            kind=str(mandate.kind),
            session=mandate.session,
            year=mandate.date.year if mandate.date is not None else mandate.year,
            quote=mandate.quote,
            verb=mandate.verb,
            actor=mandate.actor,
        )

    def as_json(self) -> dict[str, Any]:
        """Return the prediction as a plain mapping."""
        return {
            "doc": self.doc,
            "para": self.para,
            "kind": self.kind,
            "session": self.session,
            "year": self.year,
            "verb": self.verb,
            "actor": self.actor,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with the rates they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of predictions that match a gold row (1.0 when nothing was predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of gold rows matched (1.0 when there is no gold row)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> dict[str, Any]:
        """Return counts and rates (rounded to four places)."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class NegativeHit:
    """A negative that a prediction extracted."""

    negative: Negative
    predicted: Predicted


@dataclass(frozen=True)
class Report:
    """The outcome of :func:`score`."""

    overall: Counts
    per_kind: dict[str, Counts]
    matches: list[tuple[GoldMandate, Predicted]]
    misses: list[GoldMandate]
    false_positives: list[Predicted]
    negatives_checked: int = 0
    negatives_hit: list[NegativeHit] = field(default_factory=list)
    excluded_gold: int = 0
    ignored_predictions: list[Predicted] = field(default_factory=list)
    documents: int = 0

    @property
    def precision(self) -> float:
        """Overall precision."""
        return self.overall.precision

    @property
    def recall(self) -> float:
        """Overall recall."""
        return self.overall.recall

    @property
    def f1(self) -> float:
        """Overall F1."""
        return self.overall.f1

    def as_json(self) -> dict[str, Any]:
        """Return the whole report as JSON-ready values."""
        return {
            "documents": self.documents,
            "overall": self.overall.as_json(),
            "per_kind": {kind: counts.as_json() for kind, counts in sorted(self.per_kind.items())},
            "misses": [gold.as_json() for gold in self.misses],
            "false_positives": [pred.as_json() for pred in self.false_positives],
            "negatives": {
                "checked": self.negatives_checked,
                "extracted": len(self.negatives_hit),
                "hits": [
                    {"negative": hit.negative.as_json(), "predicted": hit.predicted.as_json()}
                    for hit in self.negatives_hit
                ],
            },
            "excluded_gold": self.excluded_gold,
            "ignored_predictions": [pred.as_json() for pred in self.ignored_predictions],
        }

    def summary(self) -> str:
        """Return a plain-text account: scores, then every miss, false positive and negative."""
        o = self.overall
        lines = [
            f"documents: {self.documents}  gold: {o.tp + o.fn}  predicted: {o.tp + o.fp}"
            + (f"  (excluded gold: {self.excluded_gold}," if self.excluded_gold else "")
            + (
                f" ignored predictions: {len(self.ignored_predictions)})"
                if self.excluded_gold
                else ""
            ),
            f"overall  P {o.precision:.3f}  R {o.recall:.3f}  F1 {o.f1:.3f}"
            f"  (tp {o.tp}, fp {o.fp}, fn {o.fn})",
        ]
        for kind, c in sorted(self.per_kind.items()):
            lines.append(
                f"  {kind:<18} P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}"
                f"  (tp {c.tp}, fp {c.fp}, fn {c.fn})"
            )
        lines.append(f"negatives extracted: {len(self.negatives_hit)} of {self.negatives_checked}")
        if self.misses:
            lines.append("misses:")
            lines.extend(
                f"  {g.doc} ¶{g.para} {g.kind} s={g.session} y={g.year} {_flat(g.quote)!r}"
                for g in self.misses
            )
        if self.false_positives:
            lines.append("false positives:")
            lines.extend(
                f"  {p.doc} ¶{p.para} {p.kind} s={p.session} y={p.year} {_flat(p.quote)!r}"
                for p in self.false_positives
            )
        if self.negatives_hit:
            lines.append("negatives extracted:")
            lines.extend(
                f"  {h.negative.doc} ¶{h.negative.para} {_flat(h.negative.quote)!r}"
                f" <- {_flat(h.predicted.quote)!r}"
                for h in self.negatives_hit
            )
        return "\n".join(lines)


def load_gold(path: Path) -> list[GoldMandate]:
    """Read a gold mandates file (JSON lines; blank lines are skipped)."""
    rows: list[GoldMandate] = []
    for data in _json_lines(path):
        rows.append(
            GoldMandate(
                doc=str(data["doc"]),
                para=str(data["para"]),
                kind=str(data["kind"]),
                session=_optional_int(data.get("session")),
                year=_optional_int(data.get("year")),
                quote=str(data.get("quote") or ""),
                lang=str(data.get("lang") or "en"),
                verb=str(data.get("verb") or ""),
                actor=str(data.get("actor") or ""),
                body=None if data.get("body") is None else str(data["body"]),
                recurrence=None if data.get("recurrence") is None else str(data["recurrence"]),
                notes=str(data.get("notes") or ""),
            )
        )
    return rows


def load_negatives(path: Path) -> list[Negative]:
    """Read a negatives file (JSON lines with ``doc``, ``para``, ``quote`` and ``why``)."""
    return [
        Negative(
            doc=str(data["doc"]),
            para=str(data["para"]),
            quote=str(data["quote"]),
            why=str(data.get("why") or ""),
        )
        for data in _json_lines(path)
    ]


def family(kind: str) -> str:
    """The family a kind is scored in (an unknown kind is its own family)."""
    return FAMILIES.get(kind, kind)


def matches(gold: GoldMandate, predicted: Predicted) -> bool:
    """Whether a prediction states the gold row's mandate (see the module docstring)."""
    return (
        gold.doc == predicted.doc
        and gold.para == predicted.para
        and gold.session == predicted.session
        and gold.year == predicted.year
        and family(gold.kind) == family(predicted.kind)
    )


def score(
    gold: list[GoldMandate],
    predicted_mandates: list[Mandate],
    documents: set[str],
    negatives: Iterable[Negative] = (),
    exclude_agenda: bool = False,
    exclude_borderline: bool = False,
) -> Report:
    """Match predictions to gold rows within ``documents`` (file names) and count.

    ``exclude_agenda`` and ``exclude_borderline`` leave out gold rows tagged
    ``agenda_inclusion`` or ``borderline``; a prediction that matches such a row is then
    neither a true nor a false positive (it is listed in ``ignored_predictions``).
    """
    wanted = {"agenda_inclusion": exclude_agenda, "borderline": exclude_borderline}
    excluded_tags = {tag for tag, leave_out in wanted.items() if leave_out}
    in_scope = [g for g in gold if g.doc in documents]
    kept = [g for g in in_scope if not (g.tags & excluded_tags)]
    left_out = [g for g in in_scope if g.tags & excluded_tags]
    predictions = [p for p in map(Predicted.of, predicted_mandates) if p.doc in documents]

    pairs, unmatched_gold, unmatched = _greedy(kept, predictions)
    ignored_pairs, _, false_positives = _greedy(left_out, unmatched)

    per_kind: dict[str, Counts] = {}
    for g, _ in pairs:
        per_kind[g.kind] = _add(per_kind.get(g.kind), tp=1)
    for g in unmatched_gold:
        per_kind[g.kind] = _add(per_kind.get(g.kind), fn=1)
    for p in false_positives:
        per_kind[p.kind] = _add(per_kind.get(p.kind), fp=1)

    negative_list = [n for n in negatives if n.doc in documents]
    hits = [
        NegativeHit(n, p)
        for n in negative_list
        for p in predictions
        if p.doc == n.doc and _hits_negative(n, p)
    ]
    return Report(
        overall=Counts(tp=len(pairs), fp=len(false_positives), fn=len(unmatched_gold)),
        per_kind=per_kind,
        matches=pairs,
        misses=unmatched_gold,
        false_positives=false_positives,
        negatives_checked=len(negative_list),
        negatives_hit=hits,
        excluded_gold=len(left_out),
        ignored_predictions=[p for _, p in ignored_pairs],
        documents=len(documents),
    )


def _greedy(
    gold: list[GoldMandate], predictions: list[Predicted]
) -> tuple[list[tuple[GoldMandate, Predicted]], list[GoldMandate], list[Predicted]]:
    """One-to-one greedy matching in file order: same kind first, then same family."""
    taken: set[int] = set()
    paired: dict[int, int] = {}
    for exact in (True, False):
        for gi, g in enumerate(gold):
            if gi in paired:
                continue
            for pi, p in enumerate(predictions):
                if pi in taken or not matches(g, p):
                    continue
                if exact and g.kind != p.kind:
                    continue
                paired[gi] = pi
                taken.add(pi)
                break
    pairs = [(gold[gi], predictions[pi]) for gi, pi in sorted(paired.items())]
    missed = [g for gi, g in enumerate(gold) if gi not in paired]
    extra = [p for pi, p in enumerate(predictions) if pi not in taken]
    return pairs, missed, extra


def _hits_negative(negative: Negative, predicted: Predicted) -> bool:
    quote, neg = _flat(predicted.quote), _flat(negative.quote)
    if not quote or not neg:
        return False
    if negative.para == "preamble":
        return quote in neg
    if negative.para != predicted.para:
        return False
    return _words_overlap(quote, neg)


def _words_overlap(a: str, b: str) -> bool:
    """Whether the two quotes share a run of words longer than half the shorter quote."""
    left, right = a.lower().split(), b.lower().split()
    if a in b or b in a:
        return True
    longest = 0
    for i in range(len(left)):
        for j in range(len(right)):
            k = 0
            while i + k < len(left) and j + k < len(right) and left[i + k] == right[j + k]:
                k += 1
            longest = max(longest, k)
    return longest * 2 > min(len(left), len(right))


def _flat(text: str) -> str:
    return " ".join(text.split())


def _add(counts: Counts | None, tp: int = 0, fp: int = 0, fn: int = 0) -> Counts:
    base = counts or Counts()
    return Counts(tp=base.tp + tp, fp=base.fp + fp, fn=base.fn + fn)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _json_lines(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            rows.append(data)
    return rows
