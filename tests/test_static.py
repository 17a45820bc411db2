"""The code's own checks, run with the suite: mypy --strict, ruff, and the import contracts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_mypy_strict() -> None:
    done = _run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff() -> None:
    done = _run(sys.executable, "-m", "ruff", "check", "tracker", "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_core_never_imports_the_interfaces() -> None:
    beside_python = Path(sys.executable).parent / "lint-imports"
    lint_imports = str(beside_python) if beside_python.exists() else shutil.which("lint-imports")
    if lint_imports is None:
        pytest.fail("lint-imports (import-linter) is not installed: install the [test] extra")
    done = _run(lint_imports)
    assert done.returncode == 0, done.stdout + done.stderr
