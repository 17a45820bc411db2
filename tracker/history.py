"""The history of a question: its chain of resolutions, what each asked, and what answered.

A question is found by words of a title, a symbol or a resolution key ("traite", "68/192").
The chain holds the matching resolutions and every resolution of the same body on the same
question before or after them (same title, or a recall whose title contains the earlier one,
as :class:`tracker.succession.Questions` decides), oldest first; each comes with its requests
(the stored deliverables), the reports that answer it, its renewals and terminations, and the
lifecycle proposals about its deliverables. Read-only: the TUI, ``tracker history --question``
and ``--json`` render the same :class:`QuestionHistory`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from tracker.proposals import ProposalView, documents, for_deliverables
from tracker.succession import Questions, StoredDocument

if TYPE_CHECKING:
    from tracker.query import DeliverableView, Schedule


@dataclass(frozen=True)
class ReportView:
    """A report that answers a resolution of the chain."""

    document_id: str
    symbol: str | None
    kind: str
    issued_body: str | None
    issued_session: int | None
    issued_year: int | None
    quote: str

    def as_json(self) -> dict[str, Any]:
        """The JSON form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class ChainLink:
    """One resolution of the chain with what it asked and what answered it."""

    document_id: str
    symbol: str | None
    key: str | None
    title: str | None
    body: str | None
    adopted_on: dt.date | None
    session: int | None
    requests: tuple[DeliverableView, ...]
    reports: tuple[ReportView, ...]
    renewals: tuple[str, ...]
    terminations: tuple[str, ...]
    proposals: tuple[ProposalView, ...]

    def as_json(self) -> dict[str, Any]:
        """The JSON form (dates as ISO strings)."""
        return {
            "document_id": self.document_id,
            "symbol": self.symbol,
            "key": self.key,
            "title": self.title,
            "body": self.body,
            "adopted_on": self.adopted_on.isoformat() if self.adopted_on else None,
            "session": self.session,
            "requests": [r.as_json() for r in self.requests],
            "reports": [r.as_json() for r in self.reports],
            "renewals": list(self.renewals),
            "terminations": list(self.terminations),
            "proposals": [p.as_json() for p in self.proposals],
        }


@dataclass(frozen=True)
class QuestionHistory:
    """The chain of one question, oldest resolution first."""

    question: str
    chain: tuple[ChainLink, ...]

    def as_json(self) -> dict[str, Any]:
        """The ``history --question --json`` object."""
        return {"question": self.question, "chain": [link.as_json() for link in self.chain]}


def question_history(schedule: Schedule, question: str) -> QuestionHistory:
    """The history of the question whose resolutions match ``question`` (case ignored)."""
    with Session(schedule.engine) as session:
        stored = documents(session)
    questions = Questions(stored)
    chain = _chain(stored, questions, question)
    views = schedule.deliverables_of([d.id for d in chain])
    proposals = for_deliverables(schedule.engine, [v.id for v in views])
    return QuestionHistory(question, tuple(_link(d, questions, views, proposals) for d in chain))


def _chain(
    stored: list[StoredDocument], questions: Questions, question: str
) -> list[StoredDocument]:
    needle = _searchable(question)
    resolutions = [d for d in stored if not d.report]
    found = {
        d.id: d
        for d in resolutions
        if needle and needle in _searchable(" ".join(filter(None, (d.title, d.symbol, d.key))))
    }
    for doc in list(found.values()):
        found.update((e.id, e) for e in questions.earlier(doc))
    for doc in resolutions:
        if any(e.id in found for e in questions.earlier(doc)):
            found[doc.id] = doc
    return sorted(found.values(), key=lambda d: (d.adopted_on or dt.date.max, d.id))


def _link(
    doc: StoredDocument,
    questions: Questions,
    views: list[DeliverableView],
    proposals: list[ProposalView],
) -> ChainLink:
    mine = tuple(v for v in views if v.document_id == doc.id)
    ids = {v.id for v in mine}
    return ChainLink(
        document_id=doc.id,
        symbol=doc.symbol,
        key=doc.key,
        title=doc.title,
        body=doc.body,
        adopted_on=doc.adopted_on,
        session=doc.session,
        requests=mine,
        reports=tuple(_reports(doc, questions)),
        renewals=tuple(link.quote for link in doc.links if link.category == "renewals"),
        terminations=tuple(link.quote for link in doc.links if link.category == "terminations"),
        proposals=tuple(p for p in proposals if p.deliverable_id in ids),
    )


def _reports(resolution: StoredDocument, questions: Questions) -> list[ReportView]:
    found = []
    for report in questions.answering.get(resolution.key, []) if resolution.key else []:
        if not report.report:
            continue
        answer = next(
            a for a in report.links if a.category == "answers" and a.target == resolution.key
        )
        found.append(
            ReportView(
                report.id,
                report.symbol,
                report.report_kind or "report",
                report.issued_body,
                report.issued_session,
                report.issued_year,
                answer.quote,
            )
        )
    return sorted(found, key=lambda r: (r.issued_session or 0, r.issued_year or 0, r.document_id))


def _searchable(text: str) -> str:
    """Case, spacing and apostrophes (’ ‘ ʼ) ignored, as stored titles are normalised."""
    for curly in "’‘ʼ":
        text = text.replace(curly, "'")
    return " ".join(text.casefold().split())
