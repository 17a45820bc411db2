"""The benchmark's quick mode runs, and every mandate planted in the synthetic corpus is found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import fr_ordinal, generate  # noqa: E402


def test_corpus_is_deterministic_and_has_pdf_artefacts() -> None:
    docs = [generate(i, seed=3) for i in range(40)]
    assert [d.text for d in docs[:5]] == [generate(i, seed=3).text for i in range(5)]
    assert generate(0, seed=4).text != docs[0].text
    text = "".join(d.text for d in docs)
    assert "_______________" in text
    assert "\u00a0" in text and "\u2011" in text
    assert "l ’" in text or "Organization ’s" in text
    assert any(line.rstrip().endswith("-") for line in text.splitlines())
    assert all(d.planted for d in docs)
    assert fr_ordinal(72) == "soixante-douzième"
    assert fr_ordinal(71) == "soixante et onzième"
    assert fr_ordinal(80) == "quatre-vingtième"


def test_quick_mode(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert result["ok"] and result["mode"] == "quick"
    extraction = result["extraction"]
    assert extraction["planted"] > 0
    assert extraction["found"] == extraction["planted"], extraction["missing"]
    for entry in result["growth"]:
        assert entry["analyse"]["found"] == entry["analyse"]["planted"]
        assert entry["sqlite"]["failed"] == 0
    assert result["query"]["p95_s"] > 0
    assert "| extraction" in done.stdout
    assert (tmp_path / "latest.md").read_text(encoding="utf-8").startswith("## Benchmark")


def test_heap_readings_run() -> None:
    done = subprocess.run(
        [sys.executable, "bench/heap.py", "--docs", "30", "--cache-kib", "1024"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "SQLite page cache cap: 1,024 KiB"
    assert [line.split(":")[0] for line in lines[1:3]] == ["document      10", "document      30"]
