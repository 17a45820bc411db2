"""Cleaning stage: turn extracted text (PDF, Word, web, markdown) into plain, regular lines.

Two steps, both pure:

* :func:`normalise` fixes characters and markup (apostrophes, non-breaking spaces and hyphens,
  markdown emphasis, footnote markers glued to words, stray spaces) and keeps every line;
* :func:`clean` also drops page furniture (running headers, job numbers, page numbers, URL
  lines), footnote blocks, and rejoins words hyphenated across a line break.

Paragraph joining is left to :mod:`tracker.segment`, which knows where paragraphs start.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from tracker.rulebook import CleaningRules

_REPLACEMENTS = (
    ("’", "'"),
    ("‘", "'"),
    ("ʼ", "'"),
    ("´", "'"),
    ("`", "'"),
    ("\u00a0", " "),
    ("\u202f", " "),
    ("\u2007", " "),
    ("\u2009", " "),
    ("\t", " "),
    ("\u2011", "-"),
    ("\u2010", "-"),
)
_INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARACTERS}]")
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# What a footnote line may open with besides a superscript digit (« <sup> », « \* », « [^1]: »).
_FOOTNOTE_MARKUP_CHARACTERS = "<\\["
_ESCAPED_STAR = "\ue000"

_FOOTNOTE_LINE_START = re.compile(
    rf"^\s*(?:[{_SUPERSCRIPT_DIGITS}]+|<sup>[^<]*</sup>|\\\*+|\[\^\w+\]:)"
)
_FOOTNOTE_LINE_START_ANYWHERE = re.compile(
    rf"^\s*(?:[{_SUPERSCRIPT_DIGITS}]+|<sup>[^<]*</sup>|\\\*+|\[\^\w+\]:)", re.M
)
_SEPARATOR = re.compile(r"^\s*(?:_{5,}|-{5,})\s*$")
# A lettered note ("a See A/78/1.") starts with a capital or a digit after its letter: "a list
# of the measures" after a page break is the body going on.
_FOOTNOTE_ENTRY = re.compile(r"^\s*(?:\d{1,3}|\*{1,4})(?:\s+\S|\s*$)|^\s*[a-z]\s+[A-Z0-9]")
_OPERATIVE_START = re.compile(r"^\s*\d{1,3}\.\s+[A-ZÀ-Ý]")
_ENTRY_COMPLETE = re.compile(r"[.)\]]\s*$")
_NUMBER_THEN_WORD = re.compile(r"\d+[ ,]+(\w)")
_SYMBOL_LINE = re.compile(r"^[A-Z]{1,4}(?:/[A-Z0-9.()\-]+){2,}(?:\*)?$")

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_MD_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,})\s*$", re.M)
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
# Emphasis may span wrapped lines (never a blank line): "*Accueille avec\nsatisfaction*".
_MD_STRONG = re.compile(r"\*\*([^*\n]+?(?:\n[^*\n]+?)*?)\*\*|__([^_\n]+?(?:\n[^_\n]+?)*?)__")
_MD_EMPHASIS = re.compile(
    r"(?<![\w*])\*([^*\n]+?(?:\n[^*\n]+?)*?)\*(?![\w*])"
    r"|(?<![\w_])_([^_\n]+?(?:\n[^_\n]+?)*?)_(?![\w_])"
)
_MD_SPANNING_EMPHASIS = re.compile(r"^[*_]{1,2}(?=\S)|(?<=\S)[*_]{1,2}$", re.M)
_MD_SUPERSCRIPT = re.compile(r"(\w)\^(\w{1,4})\^?")
_MD_FOOTNOTE_REF = re.compile(r"\[\^\w+\]")
_HTML_SUP = re.compile(r"<sup>\s*[\d*]+\s*</sup>")
_HTML_TAG = re.compile(r"</?(?:sup|sub|em|strong|b|i|span|br)\b[^>]*>")
_MD_LINE_BREAK = re.compile(r"(?<=\S) {2,}$", re.M)

# Each pattern below starts with the rare character it is about (a digit, a space before an
# apostrophe or hyphen) so the scan skips ahead to it; the letters before are checked after.
_GLUED_FOOTNOTE = re.compile(r"\d(?<=[a-zà-ÿœ)»”\"',;]\d)(?<!\d,\d)\d?(?=[\s,.;:)]|$)", re.M)
_SPACES_AFTER_APOSTROPHE = re.compile(r"' +(?=\w)")
_SPACES_AFTER_HYPHEN = re.compile(r"- +(?=(?:ci|là|même|t-il|t-elle)\b)")
# French words elided before an apostrophe (« l'», « qu'», « lorsqu'»); the short ones may also
# be followed by stray spaces after it.
_SHORT_ELISIONS = ("l", "d", "j", "n", "s", "c", "m", "t", "qu")
_ELISIONS = (*_SHORT_ELISIONS, "jusqu", "lorsqu", "puisqu", "quoiqu")
_ELIDED = frozenset(w for stem in _ELISIONS for w in (stem, stem.capitalize()))
_ELIDED_BEFORE_SPACE = frozenset(w for stem in _SHORT_ELISIONS for w in (stem, stem.capitalize()))
_LONGEST_ELIDED = max(map(len, _ELIDED))
_MULTI_SPACE = re.compile(r" {2,}")
# An underscore touching a letter or a mark: emphasis may follow (a rule of underscores may not).
_EMPHASIS_UNDERSCORE = re.compile(r"_(?:(?![_\s])|(?<![_\s]_))")
_SUPERSCRIPTS = re.compile(f"[{_SUPERSCRIPT_DIGITS}]+")
_LINE_END_HYPHEN = re.compile(r"\b(\w+)-$")
_GLUED_ORDINAL_GATE = re.compile(r"ty(?:fir|sec|thi|fou|fif|six|sev|eig|nin)")
_GLUED_ORDINAL = re.compile(
    r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b",
    re.I,
)


def normalise(text: str) -> str:
    """Normalise characters, markup and glued footnote digits; keep the line structure."""
    if "\r" in text:  # a one-character test is a memchr; longer ones scan much slower
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _any_of(_INVISIBLE_CHARACTERS, text):
        text = _INVISIBLE.sub("", text)
    for character, replacement in _REPLACEMENTS:
        if character in text:
            text = text.replace(character, replacement)
    if "\u00ad" in text:
        text = re.sub("\u00ad\n\\s*", "", text).replace("\u00ad", "")
    superscripts = _any_of(_SUPERSCRIPT_DIGITS, text)
    if (superscripts or _any_of(_FOOTNOTE_MARKUP_CHARACTERS, text)) and (
        _FOOTNOTE_LINE_START_ANYWHERE.search(text)
    ):
        lines = [line for line in text.split("\n") if not _FOOTNOTE_LINE_START.match(line)]
        text = "\n".join(lines)
    text = _strip_markup(text)
    if superscripts:  # markup never adds one
        text = _SUPERSCRIPTS.sub("", text)
    text = _GLUED_FOOTNOTE.sub("", text)
    if _GLUED_ORDINAL_GATE.search(text.lower()):
        text = _GLUED_ORDINAL.sub(r"\1-\2", text)
    text = _respace(text)
    if "  " in text:
        text = _MULTI_SPACE.sub(" ", text)
    return "\n".join([line.strip() for line in text.split("\n")])


def _any_of(characters: str, text: str) -> bool:
    """Whether any of ``characters`` occurs in ``text`` (one fast search per character)."""
    return any(character in text for character in characters)


def _respace(text: str) -> str:
    """Remove spaces wrongly put around apostrophes and hyphens (« l 'Assemblée », « quatre -
    vingt »)."""
    if " '" in text:
        text = _closed_up(text, "'", _ends_in_elided_word)
    if "' " in text:
        text = _SPACES_AFTER_APOSTROPHE.sub(lambda m: _joined(m, _ends_in_short_elided, "'"), text)
    if " -" in text:
        text = _closed_up(text, "-", _ends_in_word)
    if "- " in text:
        text = _SPACES_AFTER_HYPHEN.sub(lambda m: _joined(m, _ends_in_word, "-"), text)
    return text


def _closed_up(text: str, mark: str, joins: Callable[[str], bool]) -> str:
    """Remove the spaces before each ``mark`` that a word follows, where ``joins`` accepts the
    text before those spaces.

    The text is cut at each « {mark}» with ``str.split``: a regular expression would try every
    space of the text.
    """
    pieces = text.split(" " + mark)
    out = [pieces[0]]
    for piece in pieces[1:]:
        before = out[-1].rstrip(" ")
        if piece and _is_word_character(piece[0]) and joins(before):
            out[-1] = before + mark + piece
        else:
            out.append(piece)
    return (" " + mark).join(out)


def _ends_in_word(text: str) -> bool:
    return bool(text) and _is_word_character(text[-1])


def _ends_in_elided_word(text: str) -> bool:
    """Whether ``text`` ends with a word elided before an apostrophe (« l », « jusqu »)."""
    return _word_at_end(text) in _ELIDED


def _ends_in_short_elided(text: str) -> bool:
    """Whether ``text`` ends with a short elided word, which stray spaces may follow (« l »)."""
    return _word_at_end(text) in _ELIDED_BEFORE_SPACE


def _word_at_end(text: str) -> str:
    """The word ``text`` ends with, read back at most one character past the longest elided
    word (so a longer word never reads as an elided one)."""
    start = len(text)
    while (
        start > 0 and _is_word_character(text[start - 1]) and len(text) - start <= _LONGEST_ELIDED
    ):
        start -= 1
    return text[start:]


def _joined(match: re.Match[str], joins: Callable[[str], bool], mark: str) -> str:
    """``mark`` without its spaces when ``joins`` accepts the text just before the match (as
    far back as the longest elided word and one character); else the match unchanged."""
    start = match.start()
    before = match.string[max(0, start - _LONGEST_ELIDED - 1) : start]
    return mark if joins(before) else match.group()


def _is_word_character(character: str) -> bool:
    """Whether ``character`` is one ``\\w`` matches."""
    return character.isalnum() or character == "_"


def _strip_markup(text: str) -> str:
    """Remove markdown and inline HTML markup, keeping the words.

    Each pass runs only when the characters it looks for occur: most extracted text has none.
    """
    escaped_stars = "\\" in text and "\\*" in text
    if escaped_stars:
        text = text.replace("\\*", _ESCAPED_STAR)
    if "<" in text:
        text = _HTML_SUP.sub("", text)
        text = _HTML_TAG.sub("", text)
    if "[" in text:
        text = _MD_FOOTNOTE_REF.sub("", text)
        text = _MD_LINK.sub(r"\1", text)
    if "#" in text:
        text = _MD_HEADING.sub("", text)
    if "---" in text or ("*" in text and "***" in text):
        text = _MD_RULE.sub("", text)
    if "*" in text or ("_" in text and _EMPHASIS_UNDERSCORE.search(text)):
        text = _MD_STRONG.sub(lambda m: m.group(1) or m.group(2), text)
        text = _MD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
        text = _MD_SPANNING_EMPHASIS.sub("", text)
    if "^" in text:
        text = _MD_SUPERSCRIPT.sub(r"\1\2", text)
    if "  \n" in text or text.endswith("  "):
        text = _MD_LINE_BREAK.sub("", text)
    if "\\" in text:
        text = re.sub(r"\\([\[\]()#_.\-!>`])", r"\1", text)
    return text.replace(_ESCAPED_STAR, "*") if escaped_stars else text


def clean(text: str, rules: CleaningRules) -> str:
    """Return the text with furniture and footnotes removed and line-end hyphens resolved."""
    return tidy(normalise(text), rules)


def tidy(normalised: str, rules: CleaningRules) -> str:
    """Clean text that :func:`normalise` has already normalised."""
    lines = _drop_furniture(normalised.split("\n"), rules)
    lines = _drop_footnote_blocks(lines)
    return "\n".join(_join_hyphenated(lines, rules))


def _drop_furniture(lines: list[str], rules: CleaningRules) -> list[str]:
    """Drop page furniture and the running-header lines that sit next to it.

    A line repeated in the document is a running header when it sits next to furniture
    wherever it occurs, except in the title block before the first furniture line: a body
    line that merely recurs (« présenter, à sa trente- ») next to a page break is kept. A line
    that continues a sentence (see :func:`_continues`) is never a running header.
    """
    furniture = [m is not None for m in map(_dropped_line(rules.furniture).match, lines)]
    first = next((i for i, is_furniture in enumerate(furniture) if is_furniture), len(lines))
    places: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line:
            places.setdefault(line, []).append(i)
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if furniture[i] or not line or len(places[line]) < 2 or _continues(line):
                continue
            if _touches_furniture(i, lines, furniture) and all(
                j < first or furniture[j] or _touches_furniture(j, lines, furniture)
                for j in places[line]
            ):
                furniture[i] = changed = True
    return [line for line, drop in zip(lines, furniture, strict=True) if not drop]


@functools.lru_cache(maxsize=8)
def _dropped_line(furniture: re.Pattern[str]) -> re.Pattern[str]:
    """Page furniture or a document symbol alone on its (normalised, so stripped) line."""
    return re.compile(f"{furniture.pattern}|{_SYMBOL_LINE.pattern}")


def _continues(line: str) -> bool:
    """Whether a line goes on with a sentence: it starts in lower case, or with a number and a
    lower-case word (« 2022 un rapport … », "2030 a report …" after « présenter en »)."""
    after_number = _NUMBER_THEN_WORD.match(line)
    return line[0].islower() or bool(after_number and after_number.group(1).islower())


def _touches_furniture(i: int, lines: list[str], furniture: list[bool]) -> bool:
    """Whether the nearest non-blank line above or below ``i`` is furniture."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j]:
            j += step
        if 0 <= j < len(lines) and furniture[j]:
            return True
    return False


def _drop_footnote_blocks(lines: list[str]) -> list[str]:
    """Drop each footnote block: a separator rule and the numbered notes under it."""
    kept: list[str] = []
    i = 0
    while i < len(lines):
        if not _SEPARATOR.match(lines[i]):
            kept.append(lines[i])
            i += 1
            continue
        i = _skip_footnotes(lines, i + 1)
    return kept


def _skip_footnotes(lines: list[str], i: int) -> int:
    """Return the index of the first line after the footnotes that start at ``i``."""
    open_entry = False
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        if _FOOTNOTE_ENTRY.match(line):
            open_entry = not _ENTRY_COMPLETE.search(line)
        elif open_entry and not _OPERATIVE_START.match(line):
            open_entry = not _ENTRY_COMPLETE.search(line)
        else:
            break
        i += 1
    return i


def _join_hyphenated(lines: list[str], rules: CleaningRules) -> list[str]:
    """Merge each line ending in a hyphen with the next non-blank line.

    The hyphen is kept for real compounds (see :meth:`CleaningRules.keeps_hyphen`) and
    removed where it only split a word at the margin.
    """
    vocabulary = _Vocabulary(lines)
    lines = list(lines)
    merged: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _LINE_END_HYPHEN.search(line) if line.endswith("-") else None
        j = i + 1
        while match and j < len(lines) and not lines[j]:
            j += 1
        if match and j < len(lines):
            first = re.match(r"\w+", lines[j])
            keep = first is None or rules.keeps_hyphen(match.group(1), first.group(0), vocabulary)
            lines[j] = line[:-1] + ("-" if keep else "") + lines[j]
            i = j
            continue
        merged.append(line)
        i += 1
    return merged


class _Vocabulary:
    """The document's lower-cased words and compounds, read on the first question: most
    documents have no word split at a line end."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._words: set[str] | None = None

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            self._words = set(re.findall(r"\w+(?:-\w+)*", "\n".join(self._lines).lower()))
        return word in self._words
