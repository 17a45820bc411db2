"""Extraction quality on the development set: the targets the scorer must report."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.conftest import ROOT
from tracker.cli import app

DEVSET = ROOT / "bench" / "devset"


def test_development_set_meets_the_targets(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["eval", str(DEVSET / "gold" / "mandates.jsonl"), str(DEVSET / "en"), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 20
    assert report["overall"]["precision"] >= 0.95, report["false_positives"]
    assert report["overall"]["recall"] >= 0.95, report["misses"]
    assert report["negatives"]["checked"] == 63
    assert report["negatives"]["hits"] == []
