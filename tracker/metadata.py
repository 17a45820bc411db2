"""Document metadata: language, symbol, adopting body, title, status, adoption date, session.

Read from the head of the normalised text (the part before « L'Assemblée générale, »), where
UN documents print their symbol, session and adoption line, and from the closing meeting line.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

from tracker.model import DocumentMeta
from tracker.numbers import parse_ordinal
from tracker.rulebook import Lexicon
from tracker.segment import Segments

SessionYear = Callable[[str, int], int | None]
YearSession = Callable[[str, int], int | None]
SessionOn = Callable[[str, dt.date], int | None]

_SYMBOL = re.compile(
    r"\b(A/RES/\d+/\d+|A/HRC/RES/\d+/\d+|A/(?:C\.\d/)?\d+/L\.\d+(?:/Rev\.\d+)?(?:/Add\.\d+)?"
    r"|A/HRC/\d+/L\.\d+(?:/Rev\.\d+)?|E/CN\.\d+/\d{4}/L\.\d+(?:/Rev\.\d+)?|E/RES/\d{4}/\d+"
    r"|E/\d{4}/L\.\d+|E/ICEF/\d{4}/L\.\d+|S/RES/\d+ \(\d{4}\))"
)
_NUMBERED_TITLE = re.compile(r"^(\d{1,4})/(\d{1,4}|…|\.{3}|[A-Z]?\.?\.\.)\s*\.?\s*(.*)$")
_DRAFT = re.compile(r"projet\s+de\s+résolution|draft\s+resolution|/L\.\d", re.I)
_ADOPTED = re.compile(
    r"résolution adoptée|resolution adopted|/RES/|séance plénière|plenary meeting", re.I
)
_RES_PREFIX = {"GA": "A/RES/{n}/{m}", "HRC": "A/HRC/RES/{n}/{m}", "ECOSOC": "E/RES/{n}/{m}"}


OPENING = 1_000
"""Characters at the start of a text that usually settle its language."""

SETTLED = (20, 3)
"""The opening settles the language when its marker words count at least 20 there and at
least three times those of any other language."""


def detect_language(text: str, lexicons: list[Lexicon]) -> str:
    """The language whose marker words are most frequent (as whole words) in the opening of
    ``text`` when the opening settles it (:data:`SETTLED`), else in the whole text."""
    cut = text.rfind(" ", 0, OPENING) if len(text) > OPENING else -1
    scores = _marker_counts(text[:cut], lexicons) if cut > 0 else {}
    if not _settled(scores):
        scores = _marker_counts(text, lexicons)
    return max(scores, key=lambda lang: scores[lang])


def _marker_counts(text: str, lexicons: list[Lexicon]) -> dict[str, int]:
    """How often each language's marker words stand alone in ``text``."""
    words = {word for lex in lexicons for word in lex.detect}
    counts = {word: len(_whole_word(word).findall(text)) for word in words}
    return {lex.lang: sum(counts[w] for w in lex.detect) for lex in lexicons}


def _settled(scores: dict[str, int]) -> bool:
    """Whether one language leads ``scores`` by the margin of :data:`SETTLED`."""
    if not scores:
        return False
    first, *others = sorted(scores.values(), reverse=True)
    least, factor = SETTLED
    return first >= least and all(first >= factor * other for other in others)


@functools.lru_cache(maxsize=256)
def _whole_word(word: str) -> re.Pattern[str]:
    """``word`` with no word character on either side; the word comes first in the pattern so
    the scan jumps from one occurrence to the next."""
    escaped = re.escape(word)
    return re.compile(rf"{escaped}(?<!\w{escaped})(?!\w)")


def describe(
    normalised: str,
    segments: Segments,
    body: str | None,
    lexicon: Lexicon,
    session_year: SessionYear,
    year_session: YearSession,
    session_on: SessionOn,
) -> DocumentMeta:
    """Build the metadata of one document.

    The body's session is the one printed in the head, else the one a year-stamped symbol
    gives, else the one in progress on the adoption date.
    """
    head_text = _head_text(normalised, segments.body_line)
    head = [line for line in segments.head if line]
    number = _numbered_title(head)
    session = _session(head, number, body, lexicon) or _session_from_symbols(
        normalised, body, year_session
    )
    adopted_on = _adoption_date(head_text, segments.tail, lexicon)
    if session is None and body and adopted_on:
        session = session_on(body, adopted_on)
    status = (
        "draft"
        if _DRAFT.search(head_text)
        else "adopted"
        if (_ADOPTED.search(head_text + "\n".join(segments.tail)) or _is_final_number(number))
        else "unknown"
    )
    year = adopted_on.year if adopted_on else None
    if year is None and body and session:
        year = session_year(body, session)
    return DocumentMeta(
        symbol=_symbol(head_text, number, body),
        lang=lexicon.lang,
        adopting_body=body,
        title=_title(head, number),
        status=status,
        adopted_on=adopted_on,
        session=session,
        year=year or _any_year(head_text),
    )


def _head_text(normalised: str, body_line: str | None) -> str:
    if body_line is None:
        return normalised[:1500]
    index = normalised.find(body_line)
    return normalised[: index if index >= 0 else 1500]


def _numbered_title(head: list[str]) -> re.Match[str] | None:
    return next((m for line in head if (m := _NUMBERED_TITLE.match(line))), None)


def _is_final_number(number: re.Match[str] | None) -> bool:
    return number is not None and number.group(2).isdigit()


def _symbol(head_text: str, number: re.Match[str] | None, body: str | None) -> str | None:
    printed = _SYMBOL.search(head_text)
    if printed:
        return printed.group(1)
    if number and _is_final_number(number) and body in _RES_PREFIX:
        return _RES_PREFIX[body].format(n=number.group(1), m=number.group(2))
    return None


def _title(head: list[str], number: re.Match[str] | None) -> str | None:
    start = None
    for i, line in enumerate(head):
        if number and line == number.group(0):
            start = i
        elif _DRAFT.search(line) and re.search(r"résolution|resolution\s*$", line, re.I):
            start = i
    if start is None:
        return None
    first = number.group(3) if number and head[start] == number.group(0) else ""
    lines = [first, *head[start + 1 : start + 6]]
    title = " ".join(line for line in lines if line).strip()
    return title or None


def _session(
    head: list[str], number: re.Match[str] | None, body: str | None, lexicon: Lexicon
) -> int | None:
    ordinal = re.compile(rf"^({lexicon.macros['ORD']})\s+session\b", re.I)
    for line in head:
        match = ordinal.match(line)
        if match:
            return parse_ordinal(match.group(1), lexicon)
    if number and body in ("GA", "HRC") and len(number.group(1)) <= 3:
        return int(number.group(1))
    return None


def _session_from_symbols(
    normalised: str, body: str | None, year_session: YearSession
) -> int | None:
    """The session told by a symbol with a year, such as the agenda E/CN.15/2018/1."""
    if body is None:
        return None
    match = re.search(r"\bE/CN\.\d+/(\d{4})/|\bE/ICEF/(\d{4})/", normalised)
    if not match:
        return None
    return year_session(body, int(match.group(1) or match.group(2)))


def _adoption_date(head_text: str, tail: tuple[str, ...], lexicon: Lexicon) -> dt.date | None:
    date = _date_pattern(lexicon)
    adopted = re.search(
        rf"(?:adoptée? par .{{0,80}}? le|adopted by .{{0,80}}? on)\s+{date.pattern}",
        head_text,
        re.I | re.S,
    )
    if adopted:
        return _to_date(adopted, lexicon)
    tail_text = "\n".join(tail[:4])
    if re.search(r"séance plénière|plenary meeting", tail_text, re.I):
        found = date.search(tail_text)
        if found:
            return _to_date(found, lexicon)
    return None


def _date_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<day>{lexicon.macros['DAY']})\s+(?P<month>{lexicon.macros['MONTH']})\s+(?P<year>\d{{4}})",
        re.I,
    )


def _to_date(match: re.Match[str], lexicon: Lexicon) -> dt.date | None:
    day_text = match.group("day").lower()
    day = lexicon.day_words.get(day_text) or int(re.sub(r"\D", "", day_text) or 0)
    try:
        return dt.date(int(match.group("year")), lexicon.months[match.group("month").lower()], day)
    except (ValueError, KeyError):
        return None


def _any_year(head_text: str) -> int | None:
    years = [int(y) for y in re.findall(r"\b(19[4-9]\d|20\d\d)\b", head_text)]
    return max(years) if years else None
