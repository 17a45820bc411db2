"""Segmentation stage: split a cleaned resolution into head, preamble and operative paragraphs.

The adopting body's line (« L'Assemblée générale, », "The Human Rights Council,") ends the
head. Operative paragraphs are found by their printed numbers, which must follow each other
(1, 2, 3…), so a wrapped line that happens to start with a number does not open a paragraph.
Each paragraph's lines are joined into one line of text; quotes are offsets into that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.model import Paragraph
from tracker.rulebook import Bodies

_NUMBERED = re.compile(r"^(\d{1,3})\s*\.(?:\s+(\S.*))?$")
_TAIL = re.compile(
    r"^[*_\s]*(?:\d+\s*(?:e|re|ème|st|nd|rd|th)?\s+"
    r"(?:séance plénière|plenary meeting|séance|meeting)\b"
    r"|Annexe?s?\b|Annex(?:es)?\b|\[?Adopt(?:ée|ed)\b)",
    re.I,
)
_PREAMBLE_BREAKS = (",", ";", ":")
_BULLET = re.compile(r"^(?:\(?[a-z]{1,4}\)|[-•])\s")


@dataclass(frozen=True)
class Segments:
    """The three parts of a resolution, plus the body line that separates head and preamble."""

    head: tuple[str, ...]
    body_line: str | None
    preamble: tuple[Paragraph, ...]
    operative: tuple[Paragraph, ...]
    tail: tuple[str, ...]


def body_line_pattern(bodies: Bodies) -> re.Pattern[str]:
    """A pattern matching any body's « L'Assemblée générale, » line, capturing the body code."""
    names: list[tuple[str, str]] = []
    for body in bodies.bodies:
        for forms in body.adopting.values():
            names.extend((form, body.code) for form in forms)
    names.sort(key=lambda item: len(item[0]), reverse=True)
    alternatives = "|".join(
        f"(?P<{_group(code, i)}>{re.escape(form)})" for i, (form, code) in enumerate(names)
    )
    return re.compile(rf"^(?:{alternatives})\s*,?$", re.I)


def _group(code: str, index: int) -> str:
    return f"b{index}_{re.sub(r'[^A-Za-z]', '', code)}"


def body_code(match: re.Match[str]) -> str:
    """The body code captured by :func:`body_line_pattern`."""
    group = next(name for name, value in match.groupdict().items() if value)
    return group.split("_", 1)[1]


def segment(text: str, body_line: re.Pattern[str]) -> Segments:
    """Split cleaned ``text`` into head, preamble, operative paragraphs and tail."""
    lines = [line.strip() for line in text.split("\n")]
    start, span = _body_line(lines, body_line)
    head = tuple(lines[:start]) if start is not None else ()
    body = lines[start + span :] if start is not None else lines
    first_op, numbered = _operative_lines(body)
    preamble_lines = body[:first_op] if first_op is not None else body
    preamble = _preamble_paragraphs(preamble_lines)
    operative = tuple(
        Paragraph(index=len(preamble) + i, text=_join(chunk), number=number)
        for i, (number, chunk) in enumerate(numbered)
    )
    tail = tuple(_tail_lines(body, first_op))
    return Segments(
        head=head,
        body_line=" ".join(lines[start : start + span]) if start is not None else None,
        preamble=preamble,
        operative=operative,
        tail=tail,
    )


def _body_line(lines: list[str], body_line: re.Pattern[str]) -> tuple[int | None, int]:
    """Where the body's line is and how many lines it takes: a narrow column may wrap it
    (« Le Conseil des droits de / l'homme, »), so one line, else two or three joined."""
    for i in range(len(lines)):
        for span in (1, 2, 3):
            if span > 1 and not lines[i + span - 1 : i + span]:
                break
            if span > 1 and not all(lines[i : i + span]):
                break
            if body_line.match(" ".join(lines[i : i + span])):
                return i, span
    return None, 1


def _operative_lines(lines: list[str]) -> tuple[int | None, list[tuple[str, list[str]]]]:
    """Find the numbered paragraphs: (index of paragraph 1, [(number, lines)])."""
    paragraphs: list[tuple[str, list[str]]] = []
    first: int | None = None
    expected = 1
    for i, line in enumerate(lines):
        match = _NUMBERED.match(line)
        if match and int(match.group(1)) == expected and _opens_paragraph(match, lines, i):
            first = i if first is None else first
            paragraphs.append((match.group(1), [match.group(2) or ""]))
            expected += 1
        elif paragraphs:
            if _TAIL.match(line):
                break
            paragraphs[-1][1].append(line)
    return first, paragraphs


def _opens_paragraph(match: re.Match[str], lines: list[str], i: int) -> bool:
    """A number opens a paragraph when a capitalised word follows it."""
    rest = match.group(2) or next((line for line in lines[i + 1 :] if line), "")
    return rest[:1].isupper()


def _tail_lines(lines: list[str], first_op: int | None) -> list[str]:
    if first_op is None:
        return []
    for i in range(first_op, len(lines)):
        if _TAIL.match(lines[i]):
            return [line for line in lines[i:] if line]
    return []


def _preamble_paragraphs(lines: list[str]) -> tuple[Paragraph, ...]:
    """Group preamble lines into paragraphs: a capitalised line after , ; or : opens one."""
    chunks: list[list[str]] = []
    previous = ""
    for line in lines:
        if not line:
            continue
        opens = not chunks or (
            (line[:1].isupper() or _BULLET.match(line)) and previous.endswith(_PREAMBLE_BREAKS)
        )
        if opens:
            chunks.append([line])
        else:
            chunks[-1].append(line)
        previous = line
    return tuple(Paragraph(index=i, text=_join(chunk)) for i, chunk in enumerate(chunks))


def _join(lines: list[str]) -> str:
    """Join wrapped lines into one line of text, every run of whitespace made one space."""
    joined = " ".join([line for line in lines if line])
    # the usual case, checked in C: no whitespace but single spaces between words
    if joined.isprintable() and "  " not in joined and joined[:1] != " " and joined[-1:] != " ":
        return joined
    return " ".join(joined.split())
