"""``tracker doctor``: check the set-up and say what is wrong.

:func:`diagnose` runs every check and returns one :class:`Check` per item, each ``ok``,
``warning`` or ``error`` with a message naming what was checked; :func:`exit_code` is 0 when
no check is an error, else the exit code of the first failing area (3 for invalid rules or
calendars, 4 for the database, 2 for the settings). No check raises: a failure becomes a
message.

- **settings**: the ``TRACKER_*`` environment parses (core, loading limits, and whatever
  settings classes the caller adds, e.g. the digests');
- **database**: :func:`tracker.store.connect` opens (and creates) the database and its tables;
- **rules**: every language loads and every rule example gives its expected mandates (and
  every lifecycle rule example its links);
- **calendars**: every session table and holiday list loads and parses.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from tracker.errors import TrackerError

Level = Literal["ok", "warning", "error"]
_EXIT = {"settings": 2, "rules": 3, "calendars": 3, "database": 4}


@dataclass(frozen=True)
class Check:
    """The result of one check."""

    area: str
    name: str
    level: Level
    message: str

    def as_json(self) -> dict[str, str]:
        """The check as a JSON object."""
        return {"area": self.area, "name": self.name, "level": self.level, "message": self.message}


def diagnose(
    database_url: str | None = None,
    rules_dir: Path | None = None,
    extra_settings: Sequence[type[BaseSettings]] = (),
) -> list[Check]:
    """Run every check; ``database_url`` and ``rules_dir`` default to the settings.

    ``extra_settings`` are more settings classes to parse (the command line passes the
    digests' ``DigestSettings``: the core does not import the user interfaces).
    """
    checks, url = _settings(extra_settings)
    folder = rules_dir or _rules_dir()
    checks.append(Check("rules", "folder", "ok", f"rules folder {folder}"))
    checks += _guard("database", lambda: _database(database_url or url))
    checks += _guard("rules", lambda: _rules(folder))
    checks += _guard("calendars", lambda: _calendars(folder))
    return checks


def exit_code(checks: list[Check]) -> int:
    """0 without errors, else the exit code of the first failing area."""
    return next((_EXIT.get(c.area, 1) for c in checks if c.level == "error"), 0)


def report(checks: list[Check]) -> str:
    """The checks as text, one line each, and a summary line."""
    marks = {"ok": "ok  ", "warning": "WARN", "error": "FAIL"}
    lines = [f"{marks[c.level]} {c.area}: {c.message}" for c in checks]
    errors = sum(c.level == "error" for c in checks)
    warnings = sum(c.level == "warning" for c in checks)
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"


def _rules_dir() -> Path:
    from tracker.rulebook import RULES_DIR

    configured = os.environ.get("TRACKER_RULES_DIR")
    return Path(configured) if configured else RULES_DIR


def _guard(area: str, check: Callable[[], list[Check]]) -> list[Check]:
    """Run ``check``; any exception becomes an error of ``area`` (never a traceback)."""
    try:
        return check()
    except TrackerError as exc:
        return [Check(area, area, "error", exc.message)]
    except Exception as exc:  # a doctor reports, whatever broke
        return [Check(area, area, "error", f"{type(exc).__name__}: {_first_line(exc)}")]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _settings(extra: Sequence[type[BaseSettings]]) -> tuple[list[Check], str]:
    from tracker.load import LoadSettings
    from tracker.settings import DEFAULT_DATABASE_URL, Settings

    checks: list[Check] = []
    url = DEFAULT_DATABASE_URL
    models: list[tuple[str, type[BaseSettings]]] = [
        ("core", Settings),
        ("loading limits", LoadSettings),
        *((model.__name__, model) for model in extra),
    ]
    for label, model in models:
        try:
            settings: Any = model()
        except ValidationError as exc:
            problems = "; ".join(
                f"TRACKER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
            )
            checks.append(Check("settings", label, "error", f"{label} settings: {problems}"))
            continue
        if label == "core":
            url = settings.database_url
        checks.append(Check("settings", label, "ok", f"{label} settings parse"))
    today = os.environ.get("TRACKER_TODAY")
    if today:
        try:
            dt.date.fromisoformat(today)
            checks.append(Check("settings", "today", "warning", f"today is frozen at {today}"))
        except ValueError:
            message = f"TRACKER_TODAY: '{today}' is not a date (YYYY-MM-DD)"
            checks.append(Check("settings", "today", "error", message))
    return checks, url


def _database(url: str) -> list[Check]:
    from sqlalchemy import inspect

    from tracker import store

    engine = store.connect(url)  # its StoreError says what is wrong (revision, permissions...)
    revision: Any = None
    try:
        tables = set(inspect(engine).get_table_names())
        read_revision = getattr(store, "schema_revision", None)  # with migrations only
        if read_revision is not None:
            with engine.connect() as connection:
                revision = read_revision(connection)
    finally:
        engine.dispose()
    missing = sorted({"document", "paragraph", "mandate", "deliverable"} - tables)
    where = store._safe_url(url)
    if missing:
        return [Check("database", "tables", "error", f"{where}: missing tables {missing}")]
    at = f", schema revision {revision}" if revision else ""
    return [Check("database", "connect", "ok", f"{where}: {len(tables)} tables{at}")]


def _rules(folder: Path) -> list[Check]:
    from tracker.analyse import load_toolkit

    toolkit = load_toolkit(folder)
    if not toolkit.languages:
        return [Check("rules", "languages", "error", f"{folder}: no language folder (fr, en)")]
    checks = [
        Check("rules", "languages", "ok", f"languages loaded: {', '.join(toolkit.languages)}")
    ]
    failures: list[str] = []
    count = 0
    for lang, rules in toolkit.languages.items():
        every: list[Any] = [*rules.verbs, *rules.kinds, *rules.timing]
        for rule in every:
            for index, example in enumerate(rule.examples):
                count += 1
                problem = _example_problem(toolkit, lang, example)
                if problem:
                    failures.append(f"{lang} {rule.id}[{index}]: {problem}")
    if failures:
        shown = "; ".join(failures[:5]) + (f" (and {len(failures) - 5} more)" * (len(failures) > 5))
        message = f"{len(failures)} of {count} rule examples fail: {shown}"
        checks.append(Check("rules", "examples", "error", message))
    else:
        checks.append(Check("rules", "examples", "ok", f"{count} rule examples give their output"))
    return checks + _lifecycle_examples(toolkit)


def _lifecycle_examples(toolkit: Any) -> list[Check]:
    """The lifecycle rules' examples (rules/lifecycle), each language."""
    from tracker.lifecycle import all_examples, example_failures

    failures = [f for rules in toolkit.lifecycle.values() for f in example_failures(rules)]
    count = sum(len(list(all_examples(rules))) for rules in toolkit.lifecycle.values())
    if failures:
        shown = "; ".join(failures[:5])
        message = f"{len(failures)} of {count} lifecycle examples fail: {shown}"
        return [Check("rules", "lifecycle", "error", message)]
    return [Check("rules", "lifecycle", "ok", f"{count} lifecycle rule examples give their links")]


def _example_problem(toolkit: Any, lang: str, example: Any) -> str | None:
    """What is wrong with one rule example's output, or None."""
    from tracker.analyse import example_document
    from tracker.extract import extract

    document = example_document(example, lang, toolkit)
    try:
        mandates = extract(document, toolkit.languages[lang], toolkit.bodies)
    except Exception as exc:  # a broken rule must not stop the other checks
        return f"extraction crashed: {type(exc).__name__}: {_first_line(exc)}"
    if len(mandates) != len(example.expect):
        return f"{len(mandates)} mandate(s), expected {len(example.expect)}"
    for mandate, expected in zip(mandates, example.expect, strict=True):
        for name, value in expected.items():
            got = _field(mandate, name)
            if got != value:
                return f"{name} is {got!r}, expected {value!r}"
    return None


def _field(mandate: Any, name: str) -> Any:
    value = getattr(mandate, name, None)
    if name == "recurrence":
        return value.as_json() if value else None
    if name == "date":
        return value.isoformat() if value else None
    if name == "kind":
        return str(value)
    return value


def _calendars(folder: Path) -> list[Check]:
    from tracker.calendars import load_calendars

    calendars = load_calendars(folder)
    checks: list[Check] = []
    used = set()
    for body, calendar in sorted(calendars.by_body.items()):
        spec = calendar.spec
        if spec.file:
            used.add(spec.file)
            if not calendar.rows:
                message = f"{body}: {spec.file} has no session rows"
                checks.append(Check("calendars", body, "warning", message))
                continue
        rows = f"{len(calendar.rows)} session rows in {spec.file}" if spec.file else "rule only"
        checks.append(Check("calendars", body, "ok", f"{body}: {rows}"))
    for table in sorted((folder / "sessions").glob("*.csv")):
        if table.name not in used:
            message = f"{table.name} is not used by any calendar in calendars.yaml"
            checks.append(Check("calendars", table.name, "warning", message))
    return checks
