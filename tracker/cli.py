"""The ``tracker`` command line (typer): ingest, extract, upcoming, session, sessions, and the
team-mode commands (db upgrade, user, assign, status, override, note, history, review, export,
import)."""

from __future__ import annotations

import dataclasses
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
from tracker.feeds.export import FeedSpec, build_feed
from tracker.feeds.tokens import create_token, list_tokens, revoke_token
from tracker.load import discover
from tracker.model import SessionWindow
from tracker.pipeline import Outcome, Tally, analyse_paths, count_files, ingest_stream
from tracker.query import Filters, Schedule
from tracker.render import (
    json_lines,
    mandates_table,
    outcomes_table,
    print_table,
    render_proposal,
    render_question_history,
    sessions_table,
    upcoming_table,
)
from tracker.schedule import Horizon
from tracker.settings import Settings
from tracker.store import connect
from tracker.succession import PROPOSAL_PREFIX

app = typer.Typer(
    help="Mandate Tracker: what UN resolutions ask, of whom, and by when.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True, soft_wrap=True)  # messages name files: never cut them into lines
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

        tally = Tally()
        stream = ingest_stream(
            paths,
            engine,
            toolkit,
            _horizon(settings),
            dt.datetime.now(dt.UTC),
            threshold=settings.review_threshold,
            workers=settings.workers,
        )
        for outcome in stream:  # one at a time: memory stays flat however many files
            advance(outcome)
            tally.add(outcome)
            if json:
                sys.stdout.write(json_lines([dataclasses.asdict(outcome)]))
    if not json:
        print_table(outcomes_table(tally.shown))
        if tally.unlisted:
            err.print(
                f"{tally.unlisted} more file(s) ingested without error are not listed"
                " (--json lists every file)",
                highlight=False,
            )
        ingested = tally.files - tally.failed
        err.print(f"{ingested} file(s) ingested, {tally.failed} failed", highlight=False)
    if tally.failed:
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
    owner: Annotated[
        list[str] | None, typer.Option("--owner", help="Owner: a user or an office.")
    ] = None,
    proposed: Annotated[
        bool, typer.Option("--proposed", help="Also list mandates waiting for review.")
    ] = False,
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
        owners=tuple(owner or ()),
        include_proposed=proposed,
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


@app.command("tui")
@reports_errors
def tui_command(db: DbOption = None) -> None:
    """Open the terminal UI for desk officers: agenda, filters, detail, calendar, export."""
    from tracker.tui import run

    run(db or Settings().database_url, clock.today())


@app.command("doctor")
@reports_errors
def doctor_command(db: DbOption = None, json: JsonOption = False) -> None:
    """Check the settings, the database, the rules and the calendars; say what is wrong."""
    from tracker.digests.settings import DigestSettings
    from tracker.doctor import diagnose, exit_code, report

    checks = diagnose(db, extra_settings=[DigestSettings])
    if json:
        sys.stdout.write(json_lines(c.as_json() for c in checks))
    else:
        sys.stdout.write(report(checks))
    if code := exit_code(checks):
        raise typer.Exit(code)


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


# --- calendar feeds: .ics export, private feed tokens, the feed server ---------------------

feed_app = typer.Typer(help="Private calendar feeds: one secret address per subscriber.")
app.add_typer(feed_app, name="feed")

FeedBodyOption = Annotated[
    list[str] | None, typer.Option("--body", help="Receiving or adopting body (GA, HRC…).")
]
FeedKindOption = Annotated[
    list[str] | None, typer.Option("--kind", help="report, oral_update, meeting…")
]
FeedActorOption = Annotated[
    list[str] | None, typer.Option("--actor", help="Part of the actor's name.")
]
FeedFromOption = Annotated[
    str | None, typer.Option("--from", help="First date (default: the whole schedule).")
]
FeedUntilOption = Annotated[
    str | None, typer.Option("--until", help="Last date (default: the whole schedule).")
]
DeadlinesOption = Annotated[
    bool,
    typer.Option("--deadlines/--no-deadlines", help="Documentation deadlines as events."),
]
LangOption = Annotated[str, typer.Option("--lang", help="Labels of the events: en or fr.")]


def _feed_spec(
    body: list[str] | None,
    kind: list[str] | None,
    actor: list[str] | None,
    start: str | None,
    until: str | None,
    deadlines: bool,
    lang: str,
    name: str | None = None,
) -> FeedSpec:
    try:
        return FeedSpec(
            bodies=tuple(body or ()),
            kinds=tuple(kind or ()),
            actors=tuple(actor or ()),
            start=_date(start, "--from"),
            until=_date(until, "--until"),
            deadlines=deadlines,
            lang=lang,
            name=name,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


@app.command("ics")
@reports_errors
def ics_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    body: FeedBodyOption = None,
    kind: FeedKindOption = None,
    actor: FeedActorOption = None,
    owner: Annotated[
        list[str] | None, typer.Option("--owner", help="Owner: a user or an office.")
    ] = None,
    start: FeedFromOption = None,
    until: FeedUntilOption = None,
    deadlines: DeadlinesOption = True,
    lang: LangOption = "en",
    name: Annotated[str | None, typer.Option("--name", help="The calendar's name.")] = None,
    db: DbOption = None,
) -> None:
    """Write the schedule as an iCalendar (.ics) file for calendar applications."""
    spec = _feed_spec(body, kind, actor, start, until, deadlines, lang, name)
    spec = dataclasses.replace(spec, owners=tuple(owner or ()))
    feed = build_feed(Schedule(connect(db or Settings().database_url)), spec)
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(feed.body)
        sys.stdout.buffer.flush()
    else:
        try:
            out.write_bytes(feed.body)
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror}") from exc
        err.print(f"{feed.events} event(s) written to {out}", highlight=False)
    if feed.skipped:
        err.print(
            f"{feed.skipped} deliverable(s) with no known day are not in the calendar "
            "(tracker upcoming --undated lists them)",
            highlight=False,
        )


@app.command("serve")
@reports_errors
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8080,
    public_url: Annotated[
        str | None,
        typer.Option("--public-url", help="The https address a TLS proxy serves it at."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Serve the calendar feeds (public and private) to calendar clients."""
    from tracker.feeds.server import serve

    serve(connect(db or Settings().database_url), host, port, public_url, echo=print)


@feed_app.command("create")
@reports_errors
def feed_create_command(
    name: Annotated[str, typer.Argument(help="Who or what the feed is for.")],
    body: FeedBodyOption = None,
    kind: FeedKindOption = None,
    actor: FeedActorOption = None,
    start: FeedFromOption = None,
    until: FeedUntilOption = None,
    deadlines: DeadlinesOption = True,
    lang: LangOption = "en",
    base_url: Annotated[
        str, typer.Option("--base-url", help="The server's address, for the printed link.")
    ] = "http://127.0.0.1:8080",
    db: DbOption = None,
) -> None:
    """Create a private feed; prints its secret address once (only its hash is stored)."""
    spec = _feed_spec(body, kind, actor, start, until, deadlines, lang)
    new = create_token(connect(db or Settings().database_url), name, spec)
    base = base_url.rstrip("/")
    sys.stdout.write(f"{base}{new.path()}\n")
    err.print(
        f"private feed {new.info.id} created for {new.info.name}; "
        f"webcal: webcal://{base.split('://', 1)[-1]}{new.path()}; "
        "keep the address secret: it cannot be shown again",
        highlight=False,
    )


@feed_app.command("list")
@reports_errors
def feed_list_command(
    all_feeds: Annotated[bool, typer.Option("--all", help="Also list revoked feeds.")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List the private feeds (never their secret addresses)."""
    tokens = list_tokens(connect(db or Settings().database_url), include_revoked=all_feeds)
    if json:
        sys.stdout.write(
            json_lines(
                {
                    "id": t.id,
                    "name": t.name,
                    "filters": t.spec.as_json(),
                    "created_at": t.created_at.isoformat(),
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                }
                for t in tokens
            )
        )
        return
    for t in tokens:
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        shown = {k: v for k, v in t.spec.as_json().items() if v not in (None, [], True)}
        filters = ", ".join(f"{k}={v}" for k, v in sorted(shown.items())) or "everything"
        sys.stdout.write(f"{t.id}  {t.name}  {state}  {filters}\n")


@feed_app.command("revoke")
@reports_errors
def feed_revoke_command(
    feed_id: Annotated[str, typer.Argument(help="The feed's id (tracker feed list).")],
    db: DbOption = None,
) -> None:
    """Stop serving a private feed at once."""
    info = revoke_token(connect(db or Settings().database_url), feed_id)
    err.print(f"private feed {info.id} ({info.name}) revoked", highlight=False)


# --- weekly email digests ------------------------------------------------------------------

digest_app = typer.Typer(
    help="Weekly email digests: subscriptions, preview, sending.", no_args_is_help=True
)
app.add_typer(digest_app, name="digest")
WeekOption = Annotated[
    str | None, typer.Option("--week", help="Any date of the week (default: this week).")
]


@digest_app.command("subscribe")
@reports_errors
def digest_subscribe_command(
    email: Annotated[str, typer.Argument(help="The subscriber's email address.")],
    lang: Annotated[str, typer.Option("--lang", help="fr or en.")] = "en",
    body: Annotated[
        list[str] | None, typer.Option("--body", help="Receiving or adopting body (GA, HRC…).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="report, oral_update, meeting…")
    ] = None,
    actor: Annotated[
        list[str] | None, typer.Option("--actor", help="Part of the actor's name.")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Owner of the deliverables.")] = None,
    horizon: Annotated[int, typer.Option("--horizon", help="Weeks ahead (default 6).")] = 6,
    weekday: Annotated[str, typer.Option("--weekday", help="mon, tue … sun.")] = "mon",
    hour: Annotated[int, typer.Option("--hour", help="Hour of the day, 0 to 23.")] = 8,
    tz: Annotated[str, typer.Option("--tz", help="Time zone, e.g. Europe/Zurich.")] = "UTC",
    db: DbOption = None,
) -> None:
    """Subscribe an address to the weekly digest, or change its subscription."""
    from tracker.digests import commands as digests

    sub = digests.subscribe(
        db, email, lang, body or (), kind or (), actor or (), owner, horizon, weekday, hour, tz
    )
    err.print(
        f"{sub.email}: every {sub.weekday} at {sub.hour:02d}:00 {sub.timezone}, "
        f"in {sub.lang}, {sub.horizon_weeks} weeks ahead",
        highlight=False,
    )


@digest_app.command("list")
@reports_errors
def digest_list_command(db: DbOption = None, json: JsonOption = False) -> None:
    """List the digest subscriptions."""
    from tracker.digests import commands as digests

    subs = digests.subscriptions(db)
    if json:
        sys.stdout.write(json_lines(s.as_json() for s in subs))
    else:
        print_table(digests.subscriptions_table(subs))


@digest_app.command("unsubscribe")
@reports_errors
def digest_unsubscribe_command(
    email: Annotated[str, typer.Argument(help="The subscriber's email address.")],
    db: DbOption = None,
) -> None:
    """Remove a subscription (what was sent stays in the send log)."""
    from tracker.digests import commands as digests

    digests.unsubscribe(db, email)
    err.print(f"{email} unsubscribed", highlight=False)


@digest_app.command("preview")
@reports_errors
def digest_preview_command(
    to: Annotated[str, typer.Option("--to", help="The subscriber's email address.")],
    week: WeekOption = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the HTML part to this file.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Print a subscriber's digest (plain-text part) without sending it."""
    from tracker.digests import commands as digests

    rendered, subscribed = digests.preview(db, to, digests.parse_week(week, clock.today()))
    if not subscribed:
        err.print(f"{to} is not subscribed: the default digest (en, no filters)", highlight=False)
    sys.stdout.write(rendered.text)
    if html is not None:
        html.write_text(rendered.html, encoding="utf-8")


@digest_app.command("send")
@reports_errors
def digest_send_command(
    week: WeekOption = None,
    to: Annotated[
        list[str] | None, typer.Option("--to", help="Only these subscribers (repeatable).")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Send the week's digests now to every subscriber not yet served that week."""
    from tracker.digests import commands as digests

    outcomes = digests.send(db, digests.parse_week(week, clock.today()), to)
    if json:
        sys.stdout.write(json_lines(o.__dict__ for o in outcomes))
    else:
        print_table(digests.outcomes_table(outcomes))
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


@app.command("scheduler")
@reports_errors
def scheduler_command(db: DbOption = None) -> None:
    """Run the weekly digest jobs until interrupted (jobs are kept in the database)."""
    import logging

    from tracker.digests.scheduler import run
    from tracker.digests.settings import DigestSettings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run(DigestSettings(), db)


def main() -> None:
    """Entry point of the ``tracker`` console script."""
    app()


# --- team mode: schema upgrades, users, workflow, review queue, export and import ----------

db_app = typer.Typer(help="The database's schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
user_app = typer.Typer(help="Users and offices of team mode.", no_args_is_help=True)
app.add_typer(user_app, name="user")
review_app = typer.Typer(help="The review queue: accept, reject or edit proposed mandates.")
app.add_typer(review_app, name="review")

AsOption = Annotated[str | None, typer.Option("--as", help="Acting user (default: TRACKER_USER).")]
VersionOption = Annotated[
    int | None,
    typer.Option("--version", help="The version you saw (default: the current one)."),
]
DeliverableId = Annotated[str, typer.Argument(help="The deliverable's id (upcoming --json).")]


@db_app.command("upgrade")
@reports_errors
def db_upgrade_command(db: DbOption = None) -> None:
    """Bring the database's schema to the latest revision, in place."""
    from tracker.migrations import upgrade

    before, after = upgrade(db or Settings().database_url)
    if before == after:
        err.print(f"the database is at the latest revision ({after})", highlight=False)
    else:
        err.print(f"upgraded from {before or 'the first schema'} to {after}", highlight=False)


@user_app.command("add")
@reports_errors
def user_add_command(
    name: Annotated[str, typer.Argument(help="The user's name (what --as takes).")],
    office: Annotated[str | None, typer.Option("--office", help="Their office.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Their email address.")] = None,
    db: DbOption = None,
) -> None:
    """Register a user (and, through them, their office)."""
    from tracker.users import add_user

    user = add_user(connect(db or Settings().database_url), name, office, email)
    err.print(f"user {user.name} added", highlight=False)


@user_app.command("list")
@reports_errors
def user_list_command(db: DbOption = None, json: JsonOption = False) -> None:
    """List the users."""
    from tracker.users import list_users

    users = list_users(connect(db or Settings().database_url))
    if json:
        sys.stdout.write(json_lines(u.as_json() for u in users))
        return
    for u in users:
        sys.stdout.write(f"{u.name}  {u.office or '-'}  {u.email or '-'}\n")


def _acting(db: str | None, as_: str | None) -> tuple[Schedule, str]:
    """The schedule and the acting user (from --as or TRACKER_USER), who must exist."""
    from tracker.users import require_user

    settings = Settings()
    schedule = Schedule(connect(db or settings.database_url))
    return schedule, require_user(schedule.engine, as_ or settings.user).name


def _print_deliverable(schedule: Schedule, deliverable_id: str, json: bool, done: str) -> None:
    view = schedule.get(deliverable_id)
    if json and view is not None:
        sys.stdout.write(json_lines([view.as_json()]))
    else:
        version = view.version if view else "?"
        err.print(f"{deliverable_id}: {done} (version {version})", highlight=False)


@app.command("status")
@reports_errors
def status_command(
    deliverable_id: DeliverableId,
    status: Annotated[str, typer.Argument(help="open, in_progress, submitted, done…")],
    version: VersionOption = None,
    as_: AsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Change a deliverable's status."""
    from tracker.workflow import Workflow

    schedule, actor = _acting(db, as_)
    Workflow(schedule.engine, actor).set_status(deliverable_id, status, version)
    _print_deliverable(schedule, deliverable_id, json, f"status {status}")


@app.command("assign")
@reports_errors
def assign_command(
    deliverable_id: DeliverableId,
    owner: Annotated[str, typer.Argument(help="A user or an office ('-' for nobody).")],
    version: VersionOption = None,
    as_: AsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Give a deliverable to a person or an office."""
    from tracker.users import check_owner
    from tracker.workflow import Workflow

    schedule, actor = _acting(db, as_)
    if owner != "-":
        check_owner(schedule.engine, owner)
    Workflow(schedule.engine, actor).assign(
        deliverable_id, None if owner == "-" else owner, version
    )
    _print_deliverable(schedule, deliverable_id, json, f"owner {owner}")


@app.command("override")
@reports_errors
def override_command(
    deliverable_id: DeliverableId,
    due: Annotated[str, typer.Argument(help="The new deadline (YYYY-MM-DD), or '-' to drop it.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the deadline differs.")] = "",
    version: VersionOption = None,
    as_: AsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Override a deliverable's computed deadline, with the reason."""
    from tracker.workflow import Workflow

    schedule, actor = _acting(db, as_)
    date = None if due == "-" else _date(due, "DATE")
    Workflow(schedule.engine, actor).override(deliverable_id, date, reason, version)
    _print_deliverable(schedule, deliverable_id, json, f"due {due}")


@app.command("note")
@reports_errors
def note_command(
    deliverable_id: DeliverableId,
    text: Annotated[str, typer.Argument(help="The note.")],
    version: VersionOption = None,
    as_: AsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Attach a note to a deliverable."""
    from tracker.workflow import Workflow

    schedule, actor = _acting(db, as_)
    Workflow(schedule.engine, actor).note(deliverable_id, text, version)
    _print_deliverable(schedule, deliverable_id, json, "note added")


@app.command("history")
@reports_errors
def history_command(
    entity_id: Annotated[
        str | None, typer.Argument(help="A deliverable's or a mandate's id.")
    ] = None,
    question: Annotated[
        str | None,
        typer.Option(
            "--question", "-q", help='Words of a title, a symbol or a key ("68/192", "traite").'
        ),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The audit trail of a deliverable (with its mandate's), or with --question the chain of
    resolutions of a question, their requests and the reports that answered them."""
    schedule = Schedule(connect(db or Settings().database_url))
    if question is not None:
        _question_history(schedule, question, json)
        return
    if entity_id is None:
        raise UsageError("give a deliverable's or mandate's id, or --question WORDS")
    changes = schedule.history(entity_id)
    if json:
        sys.stdout.write(json_lines(c.as_json() for c in changes))
        return
    for c in changes:
        sys.stdout.write(
            f"{c.at:%Y-%m-%d %H:%M}  {c.actor or '(unattributed)'}  {c.field}: "
            f"{c.old if c.old is not None else '-'} → {c.new if c.new is not None else '-'}\n"
        )


def _question_history(schedule: Schedule, question: str, json: bool) -> None:
    history = schedule.question_history(question)
    if json:
        sys.stdout.write(json_lines([history.as_json()]))
        return
    if not history.chain:
        err.print(f"no resolution matches « {question} »", highlight=False)
        raise typer.Exit(1)
    sys.stdout.write(render_question_history(history))
    err.print(f"{len(history.chain)} resolution(s) on the question", highlight=False)


@review_app.callback(invoke_without_command=True)
@reports_errors
def review_command(
    ctx: typer.Context,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List the mandates waiting for review (then: review accept|reject|edit ID)."""
    if ctx.invoked_subcommand is not None:
        return
    from tracker.review import queue

    schedule = Schedule(connect(db or Settings().database_url))
    waiting = queue(schedule.engine)
    proposals = schedule.lifecycle_proposals()
    if json:
        sys.stdout.write(
            json_lines([*(m.as_json() for m in waiting), *(p.as_json() for p in proposals)])
        )
        return
    for m in waiting:
        flag = " (text changed)" if m.changed else ""
        sys.stdout.write(
            f"{m.id}  {m.symbol or m.source} §{m.paragraph}  {m.kind}  {m.actor}  "
            f"confidence {m.confidence:.2f}{flag}\n    « {m.quote} »\n"
        )
    sys.stdout.write("".join(render_proposal(p) for p in proposals))
    err.print(
        f"{len(waiting)} mandate(s) and {len(proposals)} lifecycle proposal(s) to review",
        highlight=False,
    )


MandateId = Annotated[
    str,
    typer.Argument(help="A mandate's id, or a lifecycle proposal's (lc-…; tracker review --json)."),
]


def _review_decision(mandate_id: str, decision: str, as_: str | None, db: str | None) -> None:
    from tracker import proposals
    from tracker.review import decide

    schedule, actor = _acting(db, as_)
    if mandate_id.startswith(PROPOSAL_PREFIX):
        proposal = proposals.decide(schedule.engine, mandate_id, decision, actor)
        done = f": deliverable {proposal.deliverable_id} is now {proposal.deliverable_status}"
        err.print(
            f"proposal {proposal.id} {proposal.state}{done if decision == 'accepted' else ''}",
            highlight=False,
        )
        return
    decided = decide(schedule.engine, mandate_id, decision, actor)
    err.print(f"mandate {decided.id} {decided.review_state}", highlight=False)


@review_app.command("accept")
@reports_errors
def review_accept_command(mandate_id: MandateId, as_: AsOption = None, db: DbOption = None) -> None:
    """Accept a proposed mandate: its deliverables are listed."""
    _review_decision(mandate_id, "accepted", as_, db)


@review_app.command("reject")
@reports_errors
def review_reject_command(mandate_id: MandateId, as_: AsOption = None, db: DbOption = None) -> None:
    """Reject a mandate: its deliverables are never listed."""
    _review_decision(mandate_id, "rejected", as_, db)


@review_app.command("edit")
@reports_errors
def review_edit_command(
    mandate_id: MandateId,
    kind: Annotated[str | None, typer.Option("--kind", help="report, oral_update…")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who must act.")] = None,
    target: Annotated[str | None, typer.Option("--target", help="Receiving body.")] = None,
    session: Annotated[
        int | None, typer.Option("--session", help="Session number (a series: its first).")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year (a series: its first).")] = None,
    as_: AsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Correct a mandate's fields; it then counts as accepted ("edited")."""
    from tracker.calendars import load_calendars
    from tracker.review import edit
    from tracker.schedule import scheduler

    fields = {"kind": kind, "actor": actor, "target_body": target, "session": session, "year": year}
    changes = {k: v for k, v in fields.items() if v is not None}
    schedule, who = _acting(db, as_)
    dating = scheduler(load_calendars(), _horizon(Settings()))
    edited = edit(schedule.engine, mandate_id, who, changes, dating)
    if json:
        sys.stdout.write(json_lines([edited.as_json()]))
    else:
        err.print(f"mandate {edited.id} edited", highlight=False)


@app.command("export")
@reports_errors
def export_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the whole database as JSON (tracker import reads it back, on any engine)."""
    from tracker.exchange import export_text

    body = export_text(connect(db or Settings().database_url))
    if out is None:
        sys.stdout.write(body)
        return
    try:
        out.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from exc
    err.print(f"database exported to {out}", highlight=False)


@app.command("import")
@reports_errors
def import_command(
    file: Annotated[Path, typer.Argument(help="A file written by tracker export.")],
    db: DbOption = None,
) -> None:
    """Load an export into an empty database."""
    import json as json_module

    from tracker.exchange import import_data

    try:
        data = json_module.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {file}: {exc}") from exc
    counts = import_data(connect(db or Settings().database_url), data)
    err.print(f"{sum(counts.values())} row(s) imported", highlight=False)
