"""The ``tracker`` command line (typer): ingest, extract, upcoming, session, sessions."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from tracker.analyse import load_toolkit
from tracker.calendars import Calendar
from tracker.clock import Clock, SystemClock
from tracker.errors import TrackerError, UsageError
from tracker.evaluate import load_gold, load_negatives, score
from tracker.load import discover
from tracker.model import SessionWindow
from tracker.pipeline import Outcome, analyse_paths, count_files, ingest
from tracker.query import Filters, Schedule
from tracker.render import (
    json_lines,
    mandates_table,
    outcomes_table,
    print_table,
    sessions_table,
    upcoming_table,
)
from tracker.schedule import Horizon
from tracker.settings import Settings
from tracker.store import connect

app = typer.Typer(
    help="Mandate Tracker: what UN resolutions ask, of whom, and by when.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)
clock: Clock = SystemClock()

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: TRACKER_DATABASE_URL or db/tracker.sqlite)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON Lines, one object per line.")]
Paths = Annotated[list[Path], typer.Argument(help="Files or folders of resolution texts.")]


def reports_errors(command: F) -> F:
    """Turn a TrackerError into its message on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TrackerError as exc:
            err.print(f"[red]error:[/red] {exc.message}", highlight=False)
            raise typer.Exit(exc.exit_code) from exc

    return wrapper  # type: ignore[return-value]


def _horizon(settings: Settings) -> Horizon:
    return Horizon(clock.today(), settings.horizon_years)


@app.command("ingest")
@reports_errors
def ingest_command(paths: Paths, db: DbOption = None, json: JsonOption = False) -> None:
    """Read resolutions, extract their mandates and store the dated schedule."""
    settings = Settings()
    engine = connect(db or settings.database_url)
    toolkit = load_toolkit()
    total = count_files(paths)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("ingesting", total=total)

        def advance(outcome: Outcome) -> None:
            progress.update(task, advance=1, description=Path(outcome.path).name)
            if outcome.failed:
                err.print(f"[red]error:[/red] {outcome.path}: {outcome.error}", highlight=False)

        now = dt.datetime.now(dt.UTC)
        outcomes = ingest(paths, engine, toolkit, _horizon(settings), now, advance)
    if json:
        sys.stdout.write(json_lines(o.__dict__ for o in outcomes))
    else:
        print_table(outcomes_table(outcomes))
        failed = sum(o.failed for o in outcomes)
        err.print(f"{len(outcomes) - failed} file(s) ingested, {failed} failed", highlight=False)
    if any(o.failed for o in outcomes):
        raise typer.Exit(1)


@app.command("extract")
@reports_errors
def extract_command(paths: Paths, json: JsonOption = False) -> None:
    """Print the mandates found in the files, without touching the database."""
    toolkit = load_toolkit()
    failed = False
    mandates = []
    for result in analyse_paths(paths, toolkit, _horizon(Settings())):
        if isinstance(result, Outcome):
            err.print(f"[red]error:[/red] {result.path}: {result.error}", highlight=False)
            failed = True
            continue
        if json:
            sys.stdout.write(json_lines(m.as_json() for m in result.mandates))
        mandates.extend(result.mandates)
    if not json:
        print_table(mandates_table(mandates))
    if failed:
        raise typer.Exit(1)


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{name}: '{value}' is not a date (YYYY-MM-DD)") from exc


@app.command("upcoming")
@reports_errors
def upcoming_command(
    start: Annotated[
        str | None, typer.Option("--from", help="First date (default: today).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last date (default: 12 months on).")
    ] = None,
    body: Annotated[
        list[str] | None, typer.Option("--body", help="Receiving or adopting body (GA, HRC…).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="report, oral_update, meeting…")
    ] = None,
    actor: Annotated[
        list[str] | None, typer.Option("--actor", help="Part of the actor's name.")
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="open, in_progress, done…")
    ] = None,
    undated: Annotated[bool, typer.Option("--undated", help="Also list what has no date.")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List the deliverables due in a period (default: the next 12 months)."""
    today = clock.today()
    first = _date(start, "--from") or today
    last = _date(until, "--until") or first + dt.timedelta(days=365)
    if last < first:
        raise UsageError("--until is before --from")
    filters = Filters(
        start=first,
        until=last,
        bodies=tuple(body or ()),
        kinds=tuple(kind or ()),
        actors=tuple(actor or ()),
        statuses=tuple(status or ()),
        include_undated=undated,
    )
    views = Schedule(connect(db or Settings().database_url)).upcoming(filters)
    if json:
        sys.stdout.write(json_lines(v.as_json() for v in views))
    else:
        print_table(upcoming_table(views, today))


def _window_json(window: SessionWindow) -> dict[str, Any]:
    return {
        "body": window.body,
        "session": window.session,
        "start": window.start,
        "end": window.end,
        "basis": str(window.basis),
        "source": window.source,
        "year": window.year,
        "earliest": window.earliest,
        "latest": window.latest,
        "part": window.part,
    }


def _calendar_of(body: str) -> Calendar:
    calendars = load_toolkit().calendars
    calendar = calendars.by_body.get(body) or next(
        (c for code, c in calendars.by_body.items() if code.lower() == body.lower()), None
    )
    if calendar is None:
        known = ", ".join(sorted(calendars.by_body))
        raise UsageError(f"no session calendar for '{body}' (known: {known})")
    return calendar


@app.command("session")
@reports_errors
def session_command(
    body: Annotated[str, typer.Argument(help="GA, HRC, CCPCJ, CND, CSW, CSocD, ECOSOC…")],
    session: Annotated[
        int, typer.Argument(help="Session number (a year for ECOSOC and the UNICEF Board).")
    ],
    json: JsonOption = False,
) -> None:
    """When a body's session meets, and whether that date is official or projected.

    For a body whose sessions are named by year and type (the UNICEF Executive Board), N is
    the year and every session of that year is shown.
    """
    calendar = _calendar_of(body)
    parts = calendar.spec.parts
    numbers = [calendar.spec.number(session, part) for part in parts] if parts else [session]
    windows = [calendar.window(number) for number in numbers]
    if json:
        sys.stdout.write(json_lines(_window_json(w) for w in windows))
    else:
        print_table(sessions_table(windows))


@app.command("sessions")
@reports_errors
def sessions_command(
    body: Annotated[str, typer.Argument(help="GA, HRC, CCPCJ, CND, CSW, CSocD, ECOSOC…")],
    first: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    last: Annotated[int | None, typer.Option("--until", help="Last year.")] = None,
    json: JsonOption = False,
) -> None:
    """List a body's sessions over a span of years (default: this year and the next five)."""
    calendar = _calendar_of(body)
    this_year = clock.today().year
    first_year = first if first is not None else this_year
    last_year = last if last is not None else first_year + 5
    if last_year < first_year:
        raise UsageError("--until is before --from")
    windows = [calendar.window(s) for s in calendar.sessions_between(first_year, last_year)]
    if json:
        sys.stdout.write(json_lines(_window_json(w) for w in windows))
    else:
        print_table(sessions_table(windows))


@app.command("eval")
@reports_errors
def eval_command(
    gold: Annotated[Path, typer.Argument(help="Gold file (JSON Lines, one mandate a line).")],
    paths: Paths,
    negatives: Annotated[
        Path | None,
        typer.Option(help="Tempting non-mandates (default: negatives.jsonl beside the gold)."),
    ] = None,
    exclude_agenda: Annotated[bool, typer.Option(help="Leave out agenda inclusions.")] = False,
    exclude_borderline: Annotated[bool, typer.Option(help="Leave out borderline rows.")] = False,
    json: JsonOption = False,
) -> None:
    """Compare extraction with a gold annotation: precision, recall, F1, misses, false hits."""
    gold_rows = load_gold(gold)
    negatives = negatives or gold.with_name("negatives.jsonl")
    negative_rows = load_negatives(negatives) if negatives.exists() else []
    annotated = {row.doc for row in gold_rows}
    toolkit = load_toolkit()
    files, errors = discover(paths)
    wanted = [f for f in files if f.name in annotated]
    mandates = []
    for result in analyse_paths(wanted, toolkit, _horizon(Settings())):
        if isinstance(result, Outcome):
            err.print(f"[red]error:[/red] {result.path}: {result.error}", highlight=False)
            continue
        mandates.extend(result.mandates)
    documents = {f.name for f in wanted}
    report = score(
        gold_rows, mandates, documents, negative_rows, exclude_agenda, exclude_borderline
    )
    if json:
        sys.stdout.write(json_lines([report.as_json()]))
    else:
        sys.stdout.write(report.summary() + "\n")
    if errors or len(documents) < len(annotated):
        missing = len(annotated) - len(documents)
        err.print(f"{missing} annotated document(s) not found among the paths", highlight=False)


def main() -> None:
    """Entry point of the ``tracker`` console script."""
    app()
