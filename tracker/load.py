"""Loading stage: read resolution files (text, Markdown, PDF, DOCX, HTML) into ``SourceText``.

``discover`` turns the paths named by the user into a deterministic list of files; ``load_source``
reads one file into text. Oversized inputs, zip bombs, encrypted or damaged PDFs and binary junk
are refused with a ``LoadError`` naming the file and a short reason; no other exception escapes.
The ceilings are settings (:class:`LoadSettings`: ``TRACKER_MAX_FILE_BYTES``...); a file over
the size limit is refused on its size, before a byte of it is read.
Markup (Markdown, leftover HTML entities...) is kept as is: the cleaning stage strips it.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, overload

import docx
from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag
from docx.oxml.ns import nsmap, qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree  # type: ignore[import-untyped]
from pydantic import PositiveInt, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from pypdf import PdfReader

from tracker.errors import LoadError, UsageError
from tracker.model import SourceText

_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_FORMATS)
_NO_TEXT = {
    "pdf": "PDF has no extractable text (scanned image?)",
    "docx": "DOCX has no text",
    "html": "HTML has no visible text",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# cp1252 for the bytes it defines; the five it leaves undefined (0x81, 0x8D...) read as latin-1.
_CP1252 = "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(256))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w:.-]+)", re.IGNORECASE)
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "head", "template"})
_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 tr table ul ol blockquote section article header footer main"
    " nav aside dl dt dd pre hr address figure figcaption caption".split()
)
_RATIO_FLOOR = 1_000_000  # archives expanding to less than this are harmless whatever the ratio


class LoadSettings(BaseSettings):
    """The loading ceilings from the environment, with safe defaults.

    ``TRACKER_MAX_FILE_BYTES`` (50 MB), ``TRACKER_MAX_PDF_PAGES`` (500),
    ``TRACKER_MAX_DOCX_EXPANDED_BYTES`` (200 MB) and ``TRACKER_MAX_DOCX_RATIO`` (100).
    """

    model_config = SettingsConfigDict(env_prefix="TRACKER_", extra="ignore")

    max_file_bytes: PositiveInt = 50_000_000
    max_pdf_pages: PositiveInt = 500
    max_docx_expanded_bytes: PositiveInt = 200_000_000
    max_docx_ratio: PositiveInt = 100


def load_settings() -> LoadSettings:
    """Read :class:`LoadSettings`; a malformed value is a ``UsageError`` naming the variable."""
    try:
        return LoadSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"TRACKER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise UsageError(f"invalid setting: {problems}") from exc


@dataclass(frozen=True)
class Limits:
    """Ceilings that keep a hostile or broken file from exhausting memory or time.

    A field left at ``None`` takes its value from :class:`LoadSettings` (the environment) each
    time a file is loaded, so ``Limits()`` always means "the configured limits".
    """

    max_bytes: int | None = None
    max_pdf_pages: int | None = None
    max_docx_expanded_bytes: int | None = None
    max_docx_ratio: int | None = None

    def resolve(self) -> _Ceilings:
        """The limits with every unset field read from the environment."""
        env = load_settings()
        return _Ceilings(
            max_bytes=_pick(self.max_bytes, env.max_file_bytes),
            max_pdf_pages=_pick(self.max_pdf_pages, env.max_pdf_pages),
            max_docx_expanded_bytes=_pick(
                self.max_docx_expanded_bytes, env.max_docx_expanded_bytes
            ),
            max_docx_ratio=_pick(self.max_docx_ratio, env.max_docx_ratio),
        )


@dataclass(frozen=True)
class _Ceilings:
    """Resolved :class:`Limits`: every ceiling known."""

    max_bytes: int
    max_pdf_pages: int
    max_docx_expanded_bytes: int
    max_docx_ratio: int


def _pick(value: int | None, default: int) -> int:
    return default if value is None else value


_DEFAULT_LIMITS = Limits()


class FileList(Sequence[Path]):
    """The files :func:`discover` found, held as strings and handed out as paths: a ``Path``
    weighs five times its string, and an ingest keeps the list until its last file."""

    def __init__(self, paths: list[str]) -> None:
        self._paths = paths

    def __len__(self) -> int:
        return len(self._paths)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> list[Path]: ...

    def __getitem__(self, index: int | slice) -> Path | list[Path]:
        if isinstance(index, slice):
            return [Path(p) for p in self._paths[index]]
        return Path(self._paths[index])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FileList({self._paths!r})"


def discover(paths: Iterable[Path]) -> tuple[FileList, list[LoadError]]:
    """Expand ``paths`` into the files to load, plus an error for each path that cannot be used.

    Folders are walked recursively in sorted order, keeping supported suffixes and skipping
    hidden entries (``.git``...) and Word lock files (``~$...``). Files named explicitly are kept
    whatever their suffix, so that loading reports why they are refused. Symlinked folders are
    followed once (loops end), and files reached twice are returned once.
    """
    paths = list(paths)
    found: list[str] = []
    errors: list[LoadError] = []
    visited: set[str] = set()
    linked = False
    for path in paths:
        if path.is_dir():
            linked = _walk(str(path), visited, found, errors) or linked
        elif path.exists():
            found.append(str(path))
        else:
            reason = "broken symbolic link" if path.is_symlink() else "does not exist"
            errors.append(LoadError(path, reason))
    if len(paths) < 2 and not linked:  # one folder and no link in it: no file twice
        return FileList(found), errors
    unique: dict[str, str] = {}
    for file in found:
        unique.setdefault(os.path.realpath(file), file)
    return FileList(list(unique.values())), errors


def _walk(root: str, visited: set[str], found: list[str], errors: list[LoadError]) -> bool:
    """Append the supported files under ``root``: each folder's files, then its subfolders.
    Returns whether a symbolic link was met (through which a file may be reached twice)."""
    linked = False
    stack = [root]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in visited:
            continue
        visited.add(real)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(
                    (e for e in listing if not e.name.startswith((".", "~$"))),
                    key=lambda e: e.name,
                )
        except OSError as exc:
            errors.append(LoadError(folder, _os_reason(exc)))
            continue
        found.extend(e.path for e in entries if _is_file(e) and _suffix(e.name) in _FORMATS)
        stack.extend(reversed([e.path for e in entries if _is_dir(e)]))
        linked = linked or any(_is_link(e) for e in entries)
    return linked


def _is_link(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a symbolic link (True when that cannot be told)."""
    return _entry_is(entry.is_symlink, when_unknown=True)


def _is_file(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a file or a link to one (False for a link that loops, like
    ``Path.is_file``)."""
    return _entry_is(entry.is_file, when_unknown=False)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a folder or a link to one (False for a link that loops)."""
    return _entry_is(entry.is_dir, when_unknown=False)


def _entry_is(test: Callable[[], bool], when_unknown: bool) -> bool:
    """``test()``, or ``when_unknown`` if the system cannot tell (a loop, no permission)."""
    try:
        return test()
    except OSError:
        return when_unknown


def _suffix(name: str) -> str:
    """The lower-cased suffix of a file name (« .pdf »), as ``Path.suffix`` reads it."""
    return PurePath(name).suffix.lower()


def load_source(path: Path, limits: Limits = _DEFAULT_LIMITS) -> SourceText:
    """Read one file into a ``SourceText``, or raise ``LoadError`` saying why it cannot be read."""
    ceilings = limits.resolve()
    data = _read(path, ceilings)
    fmt = _FORMATS[path.suffix.lower()]
    text = _EXTRACTORS[fmt](path, data, ceilings)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError(path, _NO_TEXT.get(fmt, "file is empty"))
    digest = hashlib.sha256(data).hexdigest()
    return SourceText(path=str(path), text=text, format=fmt, sha256=digest)


def _read(path: Path, limits: _Ceilings) -> bytes:
    """Return the raw bytes of a regular, supported, non-empty file within the size limit."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise LoadError(path, "is a directory")
        if path.suffix.lower() not in _FORMATS:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise LoadError(path, f"unsupported file type '{path.suffix}' (supported: {supported})")
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(path, "not a regular file")
        if info.st_size > limits.max_bytes:  # refused before a single byte is read
            raise LoadError(
                path, f"file is {info.st_size} bytes, over the {limits.max_bytes} byte limit"
            )
        with path.open("rb") as handle:  # never more than the limit, even if the file grows
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise LoadError(path, _os_reason(exc)) from exc
    if (size := max(info.st_size, len(data))) > limits.max_bytes:
        raise LoadError(path, f"file is {size} bytes, over the {limits.max_bytes} byte limit")
    if not data.strip():
        raise LoadError(path, "file is empty")
    return data


def _os_reason(exc: OSError) -> str:
    """Turn an OS error into a short reason."""
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    return f"cannot read: {exc.strerror or exc}"


def _short(exc: BaseException) -> str:
    """Return the first line of a library's error message, at most 120 characters."""
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:120]


def _decode(path: Path, data: bytes, declared: str | None = None) -> str:
    """Decode text bytes, refusing binary content."""
    text = _guess_decoding(data, declared)
    if text is None or "\x00" in text or _mostly_control(text):
        raise LoadError(path, "not a text file (binary content)")
    return text


def _guess_decoding(data: bytes, declared: str | None) -> str | None:
    """Try a BOM, the declared charset, BOM-less UTF-16, UTF-8, then cp1252; None if binary."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    for guess in (declared, _utf16_without_bom(data)):
        if guess:
            try:
                return data.decode(guess)
            except UnicodeDecodeError:
                pass
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return codecs.charmap_decode(data, "strict", _CP1252)[0]


def _utf16_without_bom(data: bytes) -> str | None:
    """Name the UTF-16 byte order when zero bytes sit at one parity only (Latin text)."""
    sample = data[:4096]
    half = len(sample) // 2
    if half == 0:
        return None
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    if odd >= 0.2 and even <= 0.02:
        return "utf-16-le"
    if even >= 0.2 and odd <= 0.02:
        return "utf-16-be"
    return None


def _mostly_control(text: str) -> bool:
    """Whether more than 5% of the start of ``text`` are control characters."""
    sample = text[:100_000]
    return len(_CONTROL.findall(sample)) > 0.05 * len(sample)


def _pdf(path: Path, data: bytes, limits: _Ceilings) -> str:
    """Extract the text of each page of a PDF, pages separated by a blank line."""
    try:
        reader = PdfReader(io.BytesIO(data))
        _unlock(path, reader)
        count, cap = len(reader.pages), limits.max_pdf_pages
        if count > cap:
            raise LoadError(path, f"PDF has {count} pages, over the {cap} page limit")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises many types (PdfReadError, KeyError...) on bad input
        raise LoadError(path, f"PDF is damaged: {_short(exc)}") from exc


def _unlock(path: Path, reader: PdfReader) -> None:
    """Open an encrypted PDF with the empty user password (owner-only locks), else refuse it."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # e.g. AES without the optional cryptography package
        raise LoadError(path, f"PDF is encrypted ({_short(exc)})") from exc
    if not opened:
        raise LoadError(path, "PDF is encrypted")


def _docx(path: Path, data: bytes, limits: _Ceilings) -> str:
    """Extract the paragraphs (body and tables, in order) of a DOCX, numbering Word lists."""
    _check_zip(path, data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        formats = _list_formats(document)
        counters: dict[str, int] = {}
        texts = (_numbered(p, formats, counters) for p in _docx_paragraphs(document))
        return "\n\n".join(t for t in texts if t.strip())
    except Exception as exc:  # python-docx and lxml raise many types on bad input
        raise LoadError(path, f"not a valid DOCX file: {_short(exc)}") from exc


def _check_zip(path: Path, data: bytes, limits: _Ceilings) -> None:
    """Refuse a non-zip file, or a zip whose members would expand too much (zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, but also EOFError, ValueError on mangled headers
        raise LoadError(path, f"not a valid DOCX file: {_short(exc)}") from exc
    expanded = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if expanded > (cap := limits.max_docx_expanded_bytes):
        raise LoadError(path, f"DOCX expands to {expanded} bytes, over the {cap} byte limit")
    if expanded > _RATIO_FLOOR and expanded > (ratio := limits.max_docx_ratio) * packed:
        raise LoadError(path, f"DOCX expands {expanded // packed}x, over the {ratio}x limit")


def _docx_paragraphs(document: Any) -> Iterator[Paragraph]:
    """Yield body paragraphs in order, with the paragraphs of each table where it stands."""
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            yield from (Paragraph(p, item) for p in item._tbl.iter(qn("w:p")))
        else:
            yield item


def _list_formats(document: Any) -> dict[str, str]:
    """Map each list ``numId`` to the number format of its first level ("decimal", "bullet")."""
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):  # no numbering part in the package
        return {}
    abstract = {
        _val(node, "@w:abstractNumId"): _val(node, "w:lvl[@w:ilvl='0']/w:numFmt/@w:val")
        for node in root.iterfind(qn("w:abstractNum"))
    }
    return {
        _val(num, "@w:numId"): abstract.get(_val(num, "w:abstractNumId/@w:val"), "")
        for num in root.iterfind(qn("w:num"))
    }


def _numbered(paragraph: Paragraph, formats: dict[str, str], counters: dict[str, int]) -> str:
    """Return the paragraph's text, prefixed "N. " when Word numbers it at list level 0."""
    key = _list_key(paragraph)
    if key is None or key[1] != "0" or formats.get(key[0]) in ("bullet", "none"):
        return paragraph.text
    counters[key[0]] = counters.get(key[0], 0) + 1
    return f"{counters[key[0]]}. {paragraph.text}"


def _list_key(paragraph: Paragraph) -> tuple[str, str] | None:
    """Return ``(numId, ilvl)`` from the paragraph's own or its style's ``w:numPr``, if any."""
    elements: list[Any] = [paragraph._p]
    style = paragraph.style
    while style is not None and len(elements) < 10:  # base-style chains may loop
        elements.append(style.element)
        style = style.base_style
    num_id = level = ""
    for element in elements:
        num_id = num_id or _val(element, "w:pPr/w:numPr/w:numId/@w:val")
        level = level or _val(element, "w:pPr/w:numPr/w:ilvl/@w:val")
    return (num_id, level or "0") if num_id not in ("", "0") else None


@functools.cache
def _xpath(path: str) -> Any:
    """Compile ``string(path)`` with the WordprocessingML prefix ``w``."""
    return etree.XPath(f"string({path})", namespaces={"w": nsmap["w"]})


def _val(element: Any, path: str) -> str:
    """Return the text at ``path`` (an XPath from ``element``), or "" when absent."""
    return str(_xpath(path)(element))


def _html(path: Path, data: bytes, limits: _Ceilings) -> str:
    """Extract the visible text of an HTML page, blocks separated by blank lines."""
    text = _decode(path, data, _declared_charset(data))
    try:
        return _visible_text(BeautifulSoup(text, "lxml"))
    except Exception as exc:  # lxml / bs4 failures on pathological markup
        raise LoadError(path, f"not a valid HTML file: {_short(exc)}") from exc


def _declared_charset(data: bytes) -> str | None:
    """Return the codec named by a ``<meta charset>``, unless unknown or cp1252-like."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    # Browsers read latin-1/ASCII as cp1252, and a page readable as ASCII cannot be UTF-16.
    return None if codec in ("ascii", "iso8859-1", "cp1252") or "16" in codec else codec


def _visible_text(soup: BeautifulSoup) -> str:
    """Flatten the parsed page: hidden parts dropped, blocks on their own lines."""
    parts: list[str] = []
    stack: list[PageElement | str] = [soup]
    while stack:  # depth-first, without recursion (deeply nested pages) or tree edits (slow)
        node = stack.pop()
        if isinstance(node, Tag) and node.name not in _HIDDEN_TAGS:
            if node.name == "br":
                parts.append("\n")
                continue
            edge = "\n\n" if node.name in _BLOCK_TAGS else " " if node.name in ("td", "th") else ""
            parts.append(edge)
            stack.append(edge)
            stack.extend(reversed(node.contents))
        elif type(node) is NavigableString:  # not comments, doctype, CDATA, script text...
            parts.append(re.sub(r"\s+", " ", node))
        elif type(node) is str:  # a block edge pushed above
            parts.append(node)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_EXTRACTORS: dict[str, Callable[[Path, bytes, _Ceilings], str]] = {
    "txt": lambda path, data, _: _decode(path, data),
    "md": lambda path, data, _: _decode(path, data),
    "pdf": _pdf,
    "docx": _docx,
    "html": _html,
}
