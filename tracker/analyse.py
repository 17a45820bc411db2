"""The pure part of the pipeline: load → clean → segment → extract → date, as values.

:class:`Toolkit` gathers the validated rules and calendars once; :func:`analyse` runs every
stage on one :class:`~tracker.model.SourceText` and returns an :class:`Analysis`. Nothing here
writes anywhere; :mod:`tracker.pipeline` stores the results.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from tracker.calendars import Calendars, load_calendars
from tracker.clean import normalise, tidy
from tracker.extract import extract
from tracker.lifecycle import DocumentLinks, LifecycleRules, find_links, load_lifecycle_rules
from tracker.metadata import describe, detect_language
from tracker.model import Deliverable, Document, DocumentMeta, Mandate, Paragraph, SourceText
from tracker.rulebook import (
    LANGUAGES,
    RULES_DIR,
    Bodies,
    CleaningRules,
    Example,
    LanguageRules,
    load_bodies,
    load_cleaning,
    load_language,
)
from tracker.schedule import Horizon, schedule
from tracker.segment import body_code, body_line_pattern, segment


@dataclass(frozen=True)
class Toolkit:
    """Everything the stages read: rules per language, bodies, cleaning rules, calendars."""

    languages: dict[str, LanguageRules]
    bodies: Bodies
    cleaning: CleaningRules
    calendars: Calendars
    lifecycle: dict[str, LifecycleRules]

    @functools.cached_property
    def body_line(self) -> re.Pattern[str]:
        """The pattern of « L'Assemblée générale, » lines of every known body."""
        return body_line_pattern(self.bodies)


def load_toolkit(rules_dir: Path = RULES_DIR) -> Toolkit:
    """Load and validate every rule and calendar file (raises DataError naming the file)."""
    languages = {
        lang: load_language(lang, rules_dir) for lang in LANGUAGES if (rules_dir / lang).is_dir()
    }
    return Toolkit(
        languages=languages,
        bodies=load_bodies(rules_dir),
        cleaning=load_cleaning(rules_dir),
        calendars=load_calendars(rules_dir),
        lifecycle={lang: load_lifecycle_rules(lang, rules_dir) for lang in languages},
    )


@dataclass(frozen=True)
class Analysis:
    """What one file yields."""

    document: Document
    mandates: list[Mandate]
    deliverables: list[Deliverable]
    links: DocumentLinks


def read_document(source: SourceText, toolkit: Toolkit) -> Document:
    """Clean and segment a source text and describe it."""
    normalised = normalise(source.text)
    cleaned = tidy(normalised, toolkit.cleaning)
    lang = detect_language(normalised, [rules.lexicon for rules in toolkit.languages.values()])
    segments = segment(cleaned, toolkit.body_line)
    match = toolkit.body_line.match(segments.body_line or "")
    meta = describe(
        normalised,
        segments,
        body_code(match) if match else None,
        toolkit.languages[lang].lexicon,
        toolkit.calendars.session_year,
        toolkit.calendars.year_session,
        toolkit.calendars.session_on,
    )
    return Document(
        source=source.path,
        sha256=source.sha256,
        meta=meta,
        preamble=segments.preamble,
        operative=segments.operative,
        head="\n".join(segments.head),
    )


def analyse(source: SourceText, toolkit: Toolkit, horizon: Horizon) -> Analysis:
    """Run every pure stage on one source text.

    A report (what it answers is in its links) asks nothing of anyone: its numbered paragraphs
    are not searched for mandates.
    """
    document = read_document(source, toolkit)
    links = find_links(document, toolkit.lifecycle[document.meta.lang])
    if links.is_report:
        return Analysis(document, [], [], links)
    return Analysis(document, *extract_and_date(document, toolkit, horizon), links)


def extract_and_date(
    document: Document, toolkit: Toolkit, horizon: Horizon
) -> tuple[list[Mandate], list[Deliverable]]:
    """The mandates of a read document and their deliverables dated within ``horizon``."""
    mandates = extract(document, toolkit.languages[document.meta.lang], toolkit.bodies)
    return mandates, schedule(mandates, toolkit.calendars, horizon)


def example_document(example: Example, lang: str, toolkit: Toolkit) -> Document:
    """A one-paragraph document built from a rule example, for running it through extraction."""
    match = re.match(r"\s*(\d+)\.\s+(.*)", example.paragraph, re.S)
    number, text = (match.group(1), match.group(2)) if match else ("1", example.paragraph)
    year = example.year
    if year is None and example.session is not None:
        year = toolkit.calendars.session_year(example.body, example.session)
    meta = DocumentMeta(
        symbol=None,
        lang=lang,
        adopting_body=example.body,
        title="example",
        status="adopted",
        adopted_on=None,
        session=example.session,
        year=year,
    )
    return Document("example.txt", "0", meta, (), (Paragraph(index=0, text=text, number=number),))
