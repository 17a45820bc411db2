"""The same resolution read from every supported format gives the same mandate."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from tests.conftest import SAMPLES
from tracker.analyse import Toolkit, analyse
from tracker.load import load_source
from tracker.schedule import Horizon

SEED = (SAMPLES / "000_dd84b8df17fb3417.txt").read_text(encoding="utf-8")
LINES = [line.rstrip() for line in SEED.splitlines()]


def _pdf(path: Path) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    for i, line in enumerate(LINES):
        if i == len(LINES) // 2:
            pdf.add_page()
        safe = line.replace("’", "'").replace("œ", "oe")
        pdf.cell(0, 5, safe, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _docx(path: Path) -> None:
    document = docx.Document()
    for block in SEED.split("\n\n"):
        document.add_paragraph(" ".join(block.split()))
    document.save(str(path))


def _html(path: Path) -> None:
    body = "".join(f"<p>{html.escape(' '.join(b.split()))}</p>\n" for b in SEED.split("\n\n"))
    path.write_text(
        "<html><head><title>A/RES/68/145</title>"
        "<script>var x = 'à sa soixante-dixième session';</script>"
        f"</head><body>{body}</body></html>",
        encoding="utf-8",
    )


WRITERS = {
    "seed.pdf": _pdf,
    "seed.docx": _docx,
    "seed.html": _html,
    "seed.md": lambda p: p.write_text(SEED.replace("Prie le", "*Prie* le"), encoding="utf-8"),
    "seed-utf16.txt": lambda p: p.write_text(SEED, encoding="utf-16"),
    "seed-cp1252.txt": lambda p: p.write_bytes(SEED.encode("cp1252")),
    "seed-bom.txt": lambda p: p.write_text(SEED, encoding="utf-8-sig"),
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_format_gives_the_report_to_the_71st_session(
    name: str, tmp_path: Path, toolkit: Toolkit
) -> None:
    path = tmp_path / name
    WRITERS[name](path)
    analysis = analyse(load_source(path), toolkit, Horizon(dt.date(2026, 11, 22)))
    assert analysis.document.meta.adopting_body == "GA"
    assert analysis.document.meta.symbol == "A/RES/68/145"
    assert [
        (m.paragraph, m.kind, m.actor, m.target_body, m.session) for m in analysis.mandates
    ] == [("6", "report", "Secretary-General", "GA", 71)]
    (deliverable,) = analysis.deliverables
    assert (deliverable.date, deliverable.due) == (dt.date(2016, 9, 13), dt.date(2016, 7, 5))
