"""What later documents do to earlier deliverables: a pure stage over stored read models.

Given the stored documents with their links (:mod:`tracker.lifecycle`) and the pending
occurrences of their mandates, :func:`propose` returns status changes for a person to review:

* **submitted**: a report answers a resolution (« présenté en application de la résolution
  68/145 ») and is issued for the session (or year) of one of its requested reports, to the
  body that receives it (and, when the report names them, from the paragraphs it answers);
* **superseded**: a later resolution of the same body on the same question (same title, or it
  recalls the earlier one and its title contains the earlier title) asks for the same kind of
  deliverable from the same receiving body, for the same session or year, or on a cycle of its
  own that replaces a recurring request; the earlier occurrences after the later resolution's
  adoption are replaced;
* **cancelled**: a later resolution on the question concludes its consideration (its earlier
  resolutions' occurrences after its adoption end), or a resolution renews a mandate for a
  period (its own occurrences after the period end: the recurrence stops there unless renewed
  again).

Nothing here writes: :mod:`tracker.proposals` stores the proposals and applies the accepted
ones through the workflow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

PENDING = ("open", "in_progress")
"""Statuses a proposal may change: nothing already submitted, done or closed."""

PROPOSAL_PREFIX = "lc-"
"""Lifecycle proposal ids start with it (the review queue tells them from mandate ids)."""

REPLACEABLE = ("report", "oral_update", "consultation", "meeting", "review")
"""Kinds a later request replaces: observances are days that stay, and "other" deliverables
are too loosely described to tell that two requests are the same."""


@dataclass(frozen=True)
class Link:
    """One stored link of a document (see :class:`tracker.store.DocumentLinkRow`)."""

    category: str
    target: str | None
    paragraph: str | None
    quote: str
    detail: str | None = None
    years: int | None = None


@dataclass(frozen=True)
class StoredDocument:
    """A stored document as the matcher sees it."""

    id: str
    symbol: str | None
    key: str | None
    body: str | None
    title: str | None
    adopted_on: dt.date | None
    session: int | None
    report: bool = False
    report_kind: str | None = None
    issued_body: str | None = None
    issued_session: int | None = None
    issued_year: int | None = None
    links: tuple[Link, ...] = ()

    @property
    def name(self) -> str:
        """How a person refers to it: its symbol, else its file."""
        return self.symbol or self.id

    def targets(self, category: str) -> set[str]:
        """The targets of its links of one category."""
        return {link.target for link in self.links if link.category == category and link.target}


@dataclass(frozen=True)
class Occurrence:
    """One stored occurrence of a requested deliverable."""

    id: str
    document_id: str
    paragraph: str
    kind: str
    target_body: str | None
    session: int | None
    year: int | None
    start: dt.date | None
    status: str
    quote: str
    actor: str = ""
    recurring: bool = False


@dataclass(frozen=True)
class Proposal:
    """A proposed status for one deliverable, with the evidence and the reason."""

    id: str
    deliverable_id: str
    action: str
    evidence_id: str
    evidence_paragraph: str | None
    evidence_quote: str
    reason: str


def propose(
    documents: Iterable[StoredDocument],
    occurrences: Iterable[Occurrence],
    questions: Questions | None = None,
) -> list[Proposal]:
    """Every status change the documents justify, once per deliverable and action.

    ``questions`` indexes every stored document (by default, these): a document's
    predecessors are read there, so that matching some documents with their neighbours gives
    what matching all of them would give for those.
    """
    docs = {d.id: d for d in documents}
    questions = questions or Questions(docs.values())
    by_document: dict[str, list[Occurrence]] = {}
    for occurrence in occurrences:
        by_document.setdefault(occurrence.document_id, []).append(occurrence)
    found: dict[str, Proposal] = {}
    for proposal in (
        *_fulfilments(docs, questions, by_document),
        *_supersessions(docs, questions, by_document),
        *_terminations(docs, questions, by_document),
        *_renewals(docs, by_document),
    ):
        found.setdefault(proposal.id, proposal)
    return sorted(found.values(), key=lambda p: (p.deliverable_id, p.action, p.evidence_id))


class Questions:
    """The stored documents indexed by resolution key, by body and title (in adoption order)
    and by what they recall and answer, so that a resolution's neighbours on its question are
    found without comparing every pair."""

    def __init__(self, documents: Iterable[StoredDocument]) -> None:
        self.by_key: dict[str, list[StoredDocument]] = {}
        self.by_title: dict[tuple[str | None, str], list[StoredDocument]] = {}
        self.recalling: dict[str, list[StoredDocument]] = {}
        self.answering: dict[str, list[StoredDocument]] = {}
        self.ending: dict[str, list[StoredDocument]] = {}
        for doc in sorted(documents, key=_adoption):
            if doc.key:
                self.by_key.setdefault(doc.key, []).append(doc)
            title = _title(doc)
            if title:
                self.by_title.setdefault((doc.body, title), []).append(doc)
            for key in doc.targets("recalls"):
                self.recalling.setdefault(key, []).append(doc)
            for key in doc.targets("answers"):
                self.answering.setdefault(key, []).append(doc)
            for key in doc.targets("terminations"):
                self.ending.setdefault(key, []).append(doc)

    def resolutions(self, key: str | None) -> list[StoredDocument]:
        """The stored documents of one resolution (one per language)."""
        return self.by_key.get(key, []) if key else []

    def earlier(self, newer: StoredDocument) -> list[StoredDocument]:
        """Every earlier resolution of ``newer``'s body on its question, oldest first."""
        title = _title(newer)
        candidates = list(self.by_title.get((newer.body, title), [])) if title else []
        for key in sorted(newer.targets("recalls")):
            candidates.extend(self.by_key.get(key, []))
        unique = {d.id: d for d in candidates if _same_question(newer, d)}
        return sorted(unique.values(), key=_adoption)

    def predecessors(self, newer: StoredDocument) -> list[StoredDocument]:
        """The latest earlier resolution on the question (each of its languages): the one a
        new resolution of a series takes over from (older ones were taken over before)."""
        title = _title(newer)
        group = self.by_title.get((newer.body, title), []) if title else []
        found = [d for d in reversed(group[: bisect_left(group, _adoption(newer), key=_adoption)])]
        candidates = [d for d in found[:8] if _same_question(newer, d)]
        for key in sorted(newer.targets("recalls")):
            candidates.extend(d for d in self.by_key.get(key, []) if _same_question(newer, d))
        if not candidates:
            return []
        latest = max(_adoption(d)[0] for d in candidates)
        return [d for d in candidates if _adoption(d)[0] == latest]

    def related(self, fresh: Iterable[StoredDocument]) -> set[str]:
        """The ``fresh`` documents and every document a proposal may join them to."""
        found: set[str] = set()
        for doc in fresh:
            found.add(doc.id)
            found |= self.neighbours(doc)
        return found

    def neighbours(self, doc: StoredDocument) -> set[str]:
        """Documents a proposal may join ``doc`` to: what it answers, its predecessors, the
        resolutions that take over from it, the reports that answer it, and the resolutions it
        ends or that end it."""
        if doc.report:
            return {d.id for key in doc.targets("answers") for d in self.resolutions(key)}
        near = {d.id for d in self.predecessors(doc)}
        title = _title(doc)
        group = self.by_title.get((doc.body, title), []) if title else []
        later = group[bisect_right(group, _adoption(doc), key=_adoption) :][:8]
        later += self.recalling.get(doc.key, []) if doc.key else []
        near |= {d.id for d in later if doc in self.predecessors(d)}
        near |= {d.id for key in doc.targets("terminations") for d in self.resolutions(key)}
        if doc.key:
            near |= {
                d.id for d in (*self.answering.get(doc.key, []), *self.ending.get(doc.key, []))
            }
        return near


def _adoption(doc: StoredDocument) -> tuple[dt.date, str]:
    return (doc.adopted_on or dt.date.min, doc.id)


def _fulfilments(
    docs: dict[str, StoredDocument],
    questions: Questions,
    by_document: dict[str, list[Occurrence]],
) -> Iterator[Proposal]:
    for report in docs.values():
        if not report.report:
            continue
        for answer in (link for link in report.links if link.category == "answers"):
            paragraphs = set(filter(None, (answer.detail or "").split(",")))
            for resolution in questions.resolutions(answer.target):
                for occurrence in by_document.get(resolution.id, []):
                    if _answers(report, resolution, occurrence, paragraphs):
                        yield _proposal(
                            occurrence,
                            "submitted",
                            report,
                            answer,
                            f"{report.name} answers {answer.target}"
                            + (f" ¶{answer.detail}" if answer.detail else "")
                            + f" and is issued for {_issue(report)}",
                        )


def _answers(
    report: StoredDocument,
    resolution: StoredDocument,
    occurrence: Occurrence,
    paragraphs: set[str],
) -> bool:
    """Whether ``report`` is the report ``occurrence`` asks for."""
    if occurrence.kind != "report" or occurrence.status not in PENDING:
        return False
    if paragraphs and occurrence.paragraph not in paragraphs:
        return False
    receiver = occurrence.target_body or resolution.body
    if report.issued_body and receiver and receiver != report.issued_body:
        return False
    if report.issued_session is not None:
        return occurrence.session == report.issued_session
    return report.issued_year is not None and occurrence.year == report.issued_year


def _issue(report: StoredDocument) -> str:
    if report.issued_session is not None:
        return f"{report.issued_body} session {report.issued_session}"
    return f"{report.issued_body} {report.issued_year}"


def _supersessions(
    docs: dict[str, StoredDocument],
    questions: Questions,
    by_document: dict[str, list[Occurrence]],
) -> Iterator[Proposal]:
    """An earlier occurrence is replaced by a later resolution's request of the same kind to
    the same body, for the same session (or year), or by its cycle when both recur."""
    for newer in docs.values():
        requests = by_document.get(newer.id, [])
        if newer.report or newer.adopted_on is None or not requests:
            continue
        for older in questions.predecessors(newer):
            for occurrence in by_document.get(older.id, []):
                if not _after(occurrence, newer.adopted_on):
                    continue
                request = _replacing(occurrence, requests, docs)
                if request is None:
                    continue
                evidence = Link("requests", None, request.paragraph, request.quote)
                yield _proposal(
                    occurrence,
                    "superseded",
                    newer,
                    evidence,
                    f"{newer.name} ¶{request.paragraph} asks again for a {request.kind} to "
                    f"{_receiver(request, newer)} ({_when(request)}), after {older.name} "
                    f"¶{occurrence.paragraph} ({_when(occurrence)})",
                )


def _replacing(
    old: Occurrence, requests: list[Occurrence], docs: dict[str, StoredDocument]
) -> Occurrence | None:
    """The later request that replaces ``old``: one for the same session (or year), else,
    when both recur, the first of the later cycle."""
    if old.status not in PENDING or old.kind not in REPLACEABLE:
        return None
    receiver = _receiver(old, docs[old.document_id])
    same = sorted(
        (
            r
            for r in requests
            if r.kind == old.kind and _receiver(r, docs[r.document_id]) == receiver
        ),
        key=_reading_order,
    )
    for request in same:
        if (old.session is not None and request.session == old.session) or (
            old.session is None and old.year is not None and request.year == old.year
        ):
            return request
    cycle = [r for r in same if r.recurring]
    return cycle[0] if old.recurring and cycle else None


def _reading_order(occurrence: Occurrence) -> tuple[int, str, dt.date, str]:
    """Paragraph by paragraph, then earliest first (undated last), then by identifier: the
    order never depends on how the occurrences were read."""
    digits = re.match(r"\d+", occurrence.paragraph)
    number = int(digits.group(0)) if digits else 10**6
    return (number, occurrence.paragraph, occurrence.start or dt.date.max, occurrence.id)


def _when(occurrence: Occurrence) -> str:
    if occurrence.session is not None:
        return f"session {occurrence.session}"
    return str(occurrence.year) if occurrence.year is not None else "undated"


def _receiver(occurrence: Occurrence, document: StoredDocument) -> str | None:
    return occurrence.target_body or document.body


def _terminations(
    docs: dict[str, StoredDocument],
    questions: Questions,
    by_document: dict[str, list[Occurrence]],
) -> Iterator[Proposal]:
    """A termination that names a resolution (« … le paragraphe 12 de sa résolution 70/137 »)
    ends that resolution's requests (that paragraph's, when named); one that does not (« de
    clore l'examen de la question ») ends the requests of the earlier resolutions with the
    same title. Observances are days, not requests: they never end this way."""
    for newer in docs.values():
        if newer.adopted_on is None:
            continue
        for end in (link for link in newer.links if link.category == "terminations"):
            ended: list[tuple[StoredDocument, str | None]]
            if end.target:
                named: list[str | None] = [p for p in (end.detail or "").split(",") if p]
                paragraphs = named or [None]
                ended = [
                    (d, paragraph)
                    for d in questions.resolutions(end.target)
                    for paragraph in paragraphs
                ]
            else:
                ended = [
                    (d, None) for d in questions.predecessors(newer) if _title(d) == _title(newer)
                ]
            for older, paragraph in ended:
                for occurrence in by_document.get(older.id, []):
                    if (
                        occurrence.status in PENDING
                        and occurrence.kind != "observance"
                        and paragraph in (None, occurrence.paragraph)
                        and _after(occurrence, newer.adopted_on)
                    ):
                        yield _proposal(
                            occurrence,
                            "cancelled",
                            newer,
                            end,
                            f"{newer.name} ¶{end.paragraph} ends it: « {end.quote} »",
                        )


def _renewals(
    docs: dict[str, StoredDocument], by_document: dict[str, list[Occurrence]]
) -> Iterator[Proposal]:
    """A renewed mandate runs for its period: the resolution's own requests of that mandate
    (its holder is the actor) after the period end, unless renewed again."""
    for resolution in docs.values():
        renewals = [r for r in resolution.links if r.category == "renewals" and r.years]
        if not renewals or resolution.adopted_on is None:
            continue
        for occurrence in by_document.get(resolution.id, []):
            renewal = _renewal_of(occurrence, renewals)
            if renewal is None or renewal.years is None or occurrence.status not in PENDING:
                continue
            until = _years_after(resolution.adopted_on, renewal.years)
            if _after(occurrence, until):
                yield _proposal(
                    occurrence,
                    "cancelled",
                    resolution,
                    renewal,
                    f"{resolution.name} ¶{renewal.paragraph} renews the mandate for "
                    f"{renewal.years} year(s), until {until.isoformat()}: this occurrence falls "
                    "after it",
                )


def _renewal_of(occurrence: Occurrence, renewals: list[Link]) -> Link | None:
    """The renewal whose mandate holder asks for ``occurrence``; the only one if the actor
    names none of them."""
    actor = occurrence.actor.casefold()
    for renewal in renewals:
        subject = (renewal.detail or "").casefold()
        if actor and subject and (actor in subject or subject in actor):
            return renewal
    return renewals[0] if len(renewals) == 1 else None


def _same_question(newer: StoredDocument, older: StoredDocument) -> bool:
    """Whether ``older`` is an earlier resolution of the same body on ``newer``'s question."""
    if older.id == newer.id or older.report or newer.report:
        return False
    if older.key is not None and older.key == newer.key:
        return False  # the same resolution in another language
    if newer.body is None or older.body != newer.body or not _earlier(older, newer):
        return False
    old_title, new_title = _title(older), _title(newer)
    if old_title is None or new_title is None:
        return False
    if old_title == new_title:
        return True
    # a recalled resolution is on the question when the newer title contains its title
    # ("Follow-up to …"): resolutions recall many others only for context
    recalled = older.key is not None and older.key in newer.targets("recalls")
    return recalled and set(old_title.split()) <= set(new_title.split())


def _earlier(older: StoredDocument, newer: StoredDocument) -> bool:
    if older.adopted_on and newer.adopted_on:
        return older.adopted_on < newer.adopted_on
    if older.session is not None and newer.session is not None:
        return older.session < newer.session
    return False


def _title(document: StoredDocument) -> str | None:
    """The title reduced to its words (case, punctuation and spacing ignored)."""
    if not document.title:
        return None
    words = re.findall(r"\w+", document.title.casefold())
    return " ".join(words) or None


def _after(occurrence: Occurrence, day: dt.date) -> bool:
    return occurrence.start is not None and occurrence.start > day


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _proposal(
    occurrence: Occurrence, action: str, evidence: StoredDocument, link: Link, reason: str
) -> Proposal:
    digest = hashlib.sha256(f"{action}|{occurrence.id}|{evidence.id}".encode()).hexdigest()
    return Proposal(
        id=f"{PROPOSAL_PREFIX}{digest[:12]}",
        deliverable_id=occurrence.id,
        action=action,
        evidence_id=evidence.id,
        evidence_paragraph=link.paragraph,
        evidence_quote=link.quote,
        reason=reason,
    )
