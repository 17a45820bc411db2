"""Tests of the loading stage on real files built at test time (or shipped in tests/data/load)."""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from tracker.errors import LoadError
from tracker.load import SUPPORTED_SUFFIXES, Limits, discover, load_source

DATA = Path(__file__).parent / "data" / "load"
FRENCH = (
    "L’Assemblée générale,\n« Prie le Secrétaire général de lui présenter, à sa soixante-dixième "
    "session, un rapport sur l’œuvre accomplie » ;\n"
)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def load_error(path: Path, limits: Limits | None = None) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_source(path, limits or Limits())
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    return caught.value


# -- discover -----------------------------------------------------------------------------------


def test_discover_walks_folders_sorted_skipping_hidden_and_unsupported(tmp_path: Path) -> None:
    for name in [
        "b.txt",
        "a.pdf",
        "Z.HTML",
        "sub/c.md",
        "sub/deeper/e.docx",
        "sub/d.png",
        ".hidden.txt",
        ".git/config.txt",
        "sub/.cache/x.md",
        "~$lock.docx",
        "notes",
    ]:
        write(tmp_path / name, b"x")
    files, errors = discover([tmp_path])
    assert errors == []
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "Z.HTML",
        "a.pdf",
        "b.txt",
        "sub/c.md",
        "sub/deeper/e.docx",
    ]


def test_discover_keeps_explicit_files_whatever_their_suffix(tmp_path: Path) -> None:
    odd = write(tmp_path / "scan.png", b"\x89PNG\r\n\x1a\n")
    hidden = write(tmp_path / ".draft.txt", b"texte")
    assert discover([odd, hidden]) == ([odd, hidden], [])
    error = load_error(odd)
    assert error.reason.startswith("unsupported file type '.png' (supported: .docx, .htm, .html")


def test_discover_reports_missing_paths_and_goes_on(tmp_path: Path) -> None:
    real = write(tmp_path / "a.txt", b"texte")
    missing = tmp_path / "absent.txt"
    files, errors = discover([missing, real])
    assert files == [real]
    assert [(e.path, e.reason) for e in errors] == [(str(missing), "does not exist")]
    assert str(missing) in str(errors[0])


def test_discover_reports_broken_symlink(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    files, errors = discover([link])
    assert files == [] and errors[0].reason == "broken symbolic link"


def test_discover_terminates_on_symlink_loop(tmp_path: Path) -> None:
    write(tmp_path / "a" / "r.txt", b"texte")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "up").symlink_to(tmp_path)
    files, errors = discover([tmp_path])
    assert files == [tmp_path / "a" / "r.txt"] and errors == []


def test_discover_deduplicates_files_reached_twice(tmp_path: Path) -> None:
    real = write(tmp_path / "docs" / "r.txt", b"texte")
    (tmp_path / "docs" / "s.txt").symlink_to(real)
    (tmp_path / "mirror").symlink_to(tmp_path / "docs")
    files, errors = discover([tmp_path, real, tmp_path / "docs"])
    assert files == [real] and errors == []


def test_discover_deduplicates_a_file_linked_inside_the_one_folder(tmp_path: Path) -> None:
    real = write(tmp_path / "docs" / "r.txt", b"texte")
    (tmp_path / "docs" / "s.txt").symlink_to(real)
    files, errors = discover([tmp_path / "docs"])
    assert files == [real] and errors == []


def test_discover_resolves_files_only_when_one_may_be_reached_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):
        write(tmp_path / "docs" / f"r{n}.txt", b"texte")
    resolved: list[str] = []
    realpath = os.path.realpath
    monkeypatch.setattr(os.path, "realpath", lambda p: resolved.append(p) or realpath(p))
    files, _ = discover([tmp_path / "docs"])
    assert len(files) == 5 and resolved == [str(tmp_path / "docs")]  # the folder, once
    resolved.clear()
    assert discover([tmp_path / "docs", tmp_path / "docs" / "r0.txt"])[0] == files
    assert len(resolved) == 1 + 6  # the folder, then each file found


# -- text files ---------------------------------------------------------------------------------


def test_plain_utf8_text_has_unix_newlines_and_hash_of_raw_bytes(tmp_path: Path) -> None:
    raw = FRENCH.replace("\n", "\r\n").encode("utf-8") + b"old mac\rline"
    path = write(tmp_path / "r.txt", raw)
    source = load_source(path)
    assert source.text == FRENCH + "old mac\nline"
    assert (source.path, source.format) == (str(path), "txt")
    assert source.sha256 == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize(
    "bom, codec",
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_text_with_bom(tmp_path: Path, bom: bytes, codec: str) -> None:
    path = write(tmp_path / "r.txt", bom + FRENCH.encode(codec))
    assert load_source(path).text == FRENCH


def test_utf16_without_bom_le_fixture_and_be(tmp_path: Path) -> None:
    assert load_source(DATA / "utf16le-no-bom-french.txt").text == FRENCH
    path = write(tmp_path / "be.txt", FRENCH.encode("utf-16-be"))
    assert load_source(path).text == FRENCH


def test_cp1252_fixture_keeps_quotes_apostrophes_and_ligature() -> None:
    source = load_source(DATA / "cp1252-french-apostrophes.txt")
    assert source.text == FRENCH
    assert "’" in source.text and "«" in source.text and "œ" in source.text


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path) -> None:
    raw = "Rapport sur l’été 2024, « section » ".encode("cp1252") + b"\x81 fin"
    assert load_source(write(tmp_path / "r.txt", raw)).text == (
        "Rapport sur l’été 2024, « section » \x81 fin"
    )


def test_markdown_markup_is_kept(tmp_path: Path) -> None:
    text = "# Résolution 68/145\n\n1. **Prie** le _Secrétaire général_\n"
    source = load_source(write(tmp_path / "r.md", text.encode()))
    assert (source.text, source.format) == (text, "md")


@pytest.mark.parametrize(
    "raw", [b"", b"  \n\t\r\n", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")]
)
def test_empty_files(tmp_path: Path, raw: bytes) -> None:
    assert load_error(write(tmp_path / "r.txt", raw)).reason == "file is empty"


@pytest.mark.parametrize(
    "raw",
    [
        random.Random(7).randbytes(4096),
        bytes(range(1, 32)) * 50,
        b"%PDF-1.4 text\x00\x00\x01\x02\x00 followed by nothing",
    ],
)
def test_binary_junk_is_not_text(tmp_path: Path, raw: bytes) -> None:
    error = load_error(write(tmp_path / "junk.txt", raw))
    assert error.reason == "not a text file (binary content)"


# -- generic failures ---------------------------------------------------------------------------


def test_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", b"a" * 101)
    error = load_error(path, Limits(max_bytes=100))
    assert error.reason == "file is 101 bytes, over the 100 byte limit"


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    assert load_error(tmp_path / "folder.txt").reason == "is a directory"
    assert load_error(tmp_path).reason == "is a directory"


def test_missing_file_and_fifo(tmp_path: Path) -> None:
    assert load_error(tmp_path / "absent.pdf").reason == "does not exist"
    os.mkfifo(tmp_path / "pipe.txt")
    assert load_error(tmp_path / "pipe.txt").reason == "not a regular file"


def test_unreadable_file_gives_os_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "locked.txt", b"texte")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    assert load_error(path).reason == "cannot read: Permission denied"


def test_unsupported_suffix_lists_supported_ones(tmp_path: Path) -> None:
    error = load_error(write(tmp_path / "r.rtf", b"{\\rtf1 texte}"))
    assert error.reason == (
        "unsupported file type '.rtf' (supported: .docx, .htm, .html, .md, .pdf, .txt)"
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=600), suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)))
def test_any_bytes_give_source_text_or_load_error(tmp_path: Path, raw: bytes, suffix: str) -> None:
    path = write(tmp_path / f"fuzz{suffix}", raw)
    try:
        source = load_source(path)
    except LoadError as error:
        assert error.path == str(path) and error.reason
    else:
        assert source.text.strip() and "\r" not in source.text


# -- PDF ----------------------------------------------------------------------------------------


def make_pdf(*pages: str) -> bytes:
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text, align="L")
        else:
            pdf.rect(20, 20, 50, 50)
    return bytes(pdf.output())


def encrypt(data: bytes, user: str, owner: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user, owner)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


needs_font = pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans.ttf not installed")


@needs_font
def test_pdf_french_text_comes_back_page_by_page(tmp_path: Path) -> None:
    pdf = make_pdf(FRENCH.replace("\n", " "), "Page 2 : œuvre")
    source = load_source(write(tmp_path / "r.pdf", pdf))
    assert source.format == "pdf"
    first, second = source.text.split("\n\n")
    assert "L’Assemblée générale, « Prie le Secrétaire général" in first
    assert "l’œuvre accomplie » ;" in first
    assert second == "Page 2 : œuvre"


@needs_font
def test_pdf_encrypted_with_user_password(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.pdf", encrypt(make_pdf("secret"), "secret", "owner"))
    assert load_error(path).reason == "PDF is encrypted"


@needs_font
def test_pdf_with_owner_password_only_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "restricted.pdf", encrypt(make_pdf("Prie le Secrétaire"), "", "owner"))
    assert load_source(path).text == "Prie le Secrétaire"


@needs_font
def test_truncated_pdf_is_damaged(tmp_path: Path) -> None:
    data = make_pdf(FRENCH)
    path = write(tmp_path / "cut.pdf", data[: len(data) // 2])
    assert load_error(path).reason.startswith("PDF is damaged: ")


def test_text_named_pdf_is_damaged(tmp_path: Path) -> None:
    path = write(tmp_path / "fake.pdf", b"this is not a PDF at all")
    assert load_error(path).reason.startswith("PDF is damaged: ")


@needs_font
def test_pdf_page_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "long.pdf", make_pdf("un", "deux", "trois"))
    error = load_error(path, Limits(max_pdf_pages=2))
    assert error.reason == "PDF has 3 pages, over the 2 page limit"


@needs_font
def test_pdf_without_text(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.pdf", make_pdf(""))
    assert load_error(path).reason == "PDF has no extractable text (scanned image?)"


# -- DOCX ---------------------------------------------------------------------------------------


def docx_bytes(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def add_list(document: object, list_id: int, fmt: str) -> None:
    """Declare a one-level list (abstractNum + num, both with id ``list_id``) in numbering.xml."""
    numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
    abstract = OxmlElement("w:abstractNum", {qn("w:abstractNumId"): str(list_id)})
    level = OxmlElement("w:lvl", {qn("w:ilvl"): "0"})
    level.append(OxmlElement("w:start", {qn("w:val"): "1"}))
    level.append(OxmlElement("w:numFmt", {qn("w:val"): fmt}))
    abstract.append(level)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num", {qn("w:numId"): str(list_id)})
    num.append(OxmlElement("w:abstractNumId", {qn("w:val"): str(list_id)}))
    numbering.append(num)


def numbered(document: object, text: str, list_id: int, level: int = 0) -> None:
    paragraph = document.add_paragraph(text)  # type: ignore[attr-defined]
    num_pr = OxmlElement("w:numPr")
    num_pr.append(OxmlElement("w:ilvl", {qn("w:val"): str(level)}))
    num_pr.append(OxmlElement("w:numId", {qn("w:val"): str(list_id)}))
    paragraph._p.get_or_add_pPr().append(num_pr)


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("L’Assemblée générale,")
    document.add_paragraph("")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "« Annexe »"
    table.cell(0, 1).text = "Secrétaire général"
    document.add_paragraph("Prie le Secrétaire général ; l’œuvre.")
    source = load_source(write(tmp_path / "r.docx", docx_bytes(document)))
    assert source.format == "docx"
    assert source.text == (
        "L’Assemblée générale,\n\n« Annexe »\n\nSecrétaire général\n\n"
        "Prie le Secrétaire général ; l’œuvre."
    )


def test_docx_auto_numbered_paragraphs_get_their_numbers(tmp_path: Path) -> None:
    document = docx.Document()
    add_list(document, 90, "decimal")
    add_list(document, 91, "bullet")
    document.add_paragraph("L’Assemblée générale,")
    numbered(document, "Prie le Secrétaire général de présenter un rapport ;", 90)
    numbered(document, "sous-alinéa sans numéro", 90, level=1)
    numbered(document, "une puce", 91)
    numbered(document, "Décide de rester saisie de la question.", 90)
    document.add_paragraph("Par style", style="List Number")
    text = load_source(write(tmp_path / "ops.docx", docx_bytes(document))).text
    assert text.split("\n\n") == [
        "L’Assemblée générale,",
        "1. Prie le Secrétaire général de présenter un rapport ;",
        "sous-alinéa sans numéro",
        "une puce",
        "2. Décide de rester saisie de la question.",
        "1. Par style",
    ]


def test_docx_zip_bomb_ratio(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * 20_000_000)
    error = load_error(write(tmp_path / "bomb.docx", out.getvalue()))
    assert re.fullmatch(r"DOCX expands \d+x, over the 100x limit", error.reason)


def test_docx_expanded_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "r.docx", docx_bytes(docx.Document()))
    error = load_error(path, Limits(max_docx_expanded_bytes=1000))
    assert error.reason.startswith("DOCX expands to ")
    assert error.reason.endswith("bytes, over the 1000 byte limit")


@pytest.mark.parametrize(
    "make",
    [
        lambda: b"plain text, not a zip",
        lambda: docx_bytes(docx.Document())[:3000],
    ],
)
def test_corrupt_docx(tmp_path: Path, make: object) -> None:
    error = load_error(write(tmp_path / "bad.docx", make()))  # type: ignore[operator]
    assert error.reason.startswith("not a valid DOCX file: ")


def test_zip_that_is_not_a_document(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "bonjour")
    error = load_error(write(tmp_path / "other.docx", out.getvalue()))
    assert error.reason.startswith("not a valid DOCX file: ")


def test_docx_without_text(tmp_path: Path) -> None:
    path = write(tmp_path / "blank.docx", docx_bytes(docx.Document()))
    assert load_error(path).reason == "DOCX has no text"


# -- HTML ---------------------------------------------------------------------------------------


def test_html_fixture_drops_scripts_and_separates_blocks() -> None:
    source = load_source(DATA / "html-with-script-cp1252.html")
    assert source.format == "html"
    assert source.text == (
        "Résolution 68/145\n\n"
        "L’Assemblée générale,\nRéaffirmant les buts\n\n"
        "1. Prie le Secrétaire général « de présenter » un rapport ;\n\n"
        "premier\n\nsecond"
    )
    for hidden in ("INJECTED", "SECOND SCRIPT", "NOSCRIPT", "color", "comment", "A/RES/68/145"):
        assert hidden not in source.text


def test_html_utf8_meta_charset_and_htm_suffix(tmp_path: Path) -> None:
    page = '<html><head><meta charset="utf-8"></head><body><div>L’œuvre  «\tà »</div></body></html>'
    source = load_source(write(tmp_path / "r.htm", page.encode("utf-8")))
    assert (source.text, source.format) == ("L’œuvre « à »", "html")


def test_html_with_only_script(tmp_path: Path) -> None:
    path = write(tmp_path / "r.html", b"<html><script>alert('x')</script></html>")
    assert load_error(path).reason == "HTML has no visible text"


def test_the_discovered_files_read_as_a_list_of_paths(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "c.md"):
        write(tmp_path / name, b"texte")
    files, _ = discover([tmp_path])
    expected = [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.md"]
    assert len(files) == 3 and files == expected and list(files) == expected
    assert files[1] == expected[1] and files[-1] == expected[-1] and files[1:] == expected[1:]
    assert files != expected[:2]
