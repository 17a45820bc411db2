"""The feed server: a Starlette (ASGI) application serving calendars to calendar clients.

Routes:

- ``GET /calendar.ics?body=…&kind=…&actor=…&from=…&until=…&deadlines=0&lang=fr`` — a public
  feed, filtered by its parameters;
- ``GET /feeds/<token>.ics`` — a private feed, with the filters stored with its token
  (``tracker feed create``); 404 for a malformed, unknown or revoked token;
- ``GET /healthz`` — ``ok`` when the database answers.

Feeds are ``text/calendar; charset=utf-8`` with a strong ``ETag`` and ``Last-Modified``; a
matching ``If-None-Match`` (or, without it, a recent enough ``If-Modified-Since``) gets 304.
Each rendered feed is cached, keyed on its spec and on the data version
(:meth:`~tracker.query.Schedule.data_version`), which is read again at most every
``recheck_seconds``: a feed is rebuilt only once the stored data changed. Tokens never reach
the logs: :class:`RedactTokens` blanks them out of uvicorn's access log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tracker.feeds.export import Feed, FeedSpec, build_feed
from tracker.feeds.tokens import resolve_token
from tracker.query import Schedule

MEDIA_TYPE = "text/calendar; charset=utf-8"
CACHE_SIZE = 128
MAX_QUERY_BYTES = 2048
"""A longer query string (or request path) is refused with 414 before anything is parsed."""
MAX_QUERY_VALUES = 64
PUBLIC_PARAMETERS = frozenset({"body", "kind", "actor", "from", "until", "deadlines", "lang"})
_TOKEN_PATH = re.compile(r"/feeds/[^/?#\s]+\.ics")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffd]")


@dataclass
class _Entry:
    version: tuple[Any, ...]
    feed: Feed


class FeedCache:
    """Rendered feeds by spec, valid while the data version they were built from holds."""

    def __init__(
        self,
        schedule: Schedule,
        recheck_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        size: int = CACHE_SIZE,
    ) -> None:
        self.schedule = schedule
        self.recheck_seconds = recheck_seconds
        self.clock = clock
        self.size = size
        self.builds = 0
        self._entries: OrderedDict[FeedSpec, _Entry] = OrderedDict()
        self._version: tuple[Any, ...] | None = None
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()

    async def version(self) -> tuple[Any, ...]:
        """The data version, read from the database at most every ``recheck_seconds``."""
        now = self.clock()
        if self._version is None or now - self._checked_at >= self.recheck_seconds:
            self._version = await run_in_threadpool(self.schedule.data_version)
            self._checked_at = now
        return self._version

    async def get(self, spec: FeedSpec) -> Feed:
        """The feed for ``spec``, rendered once per data version."""
        version = await self.version()
        entry = self._entries.get(spec)
        if entry is not None and entry.version == version:
            self._entries.move_to_end(spec)
            return entry.feed
        async with self._lock:
            entry = self._entries.get(spec)
            if entry is not None and entry.version == version:
                return entry.feed
            feed = await run_in_threadpool(build_feed, self.schedule, spec)
            self.builds += 1
            self._entries[spec] = _Entry(version, feed)
            self._entries.move_to_end(spec)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return feed


def create_app(engine: Engine, recheck_seconds: float = 1.0) -> Starlette:
    """The ASGI application serving the feeds of the database behind ``engine``."""
    schedule = Schedule(engine)
    cache = FeedCache(schedule, recheck_seconds)

    async def public_feed(request: Request) -> Response:
        if (refused := _refuse(request, PUBLIC_PARAMETERS)) is not None:
            return refused
        try:
            spec = FeedSpec.from_query(
                {key: request.query_params.getlist(key) for key in request.query_params}
            )
        except ValueError as exc:
            return PlainTextResponse(f"bad request: {exc}\n", status_code=400)
        return _answer(request, await cache.get(spec), "public")

    async def private_feed(request: Request) -> Response:
        if (refused := _refuse(request, frozenset())) is not None:
            return refused
        token = str(request.path_params["token"])
        info = await run_in_threadpool(resolve_token, engine, token)
        if info is None:
            return PlainTextResponse("not found\n", status_code=404)
        return _answer(request, await cache.get(info.spec), "private")

    async def healthz(request: Request) -> Response:
        await run_in_threadpool(schedule.data_version)
        return PlainTextResponse("ok\n")

    app = Starlette(
        routes=[
            Route("/calendar.ics", public_feed, methods=["GET"]),
            Route("/feeds/{token}.ics", private_feed, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )
    app.state.cache = cache
    return app


def _refuse(request: Request, allowed: frozenset[str]) -> Response | None:
    """A 4xx answer for an oversized or malformed query string, or None when it is fine.

    Over :data:`MAX_QUERY_BYTES` (query or path): 414. Unknown parameters (a private feed
    takes none), too many values, control characters or bytes that are not UTF-8: 400.
    """
    raw = request.scope.get("query_string", b"")
    if len(raw) > MAX_QUERY_BYTES or len(request.scope.get("raw_path") or b"") > MAX_QUERY_BYTES:
        return PlainTextResponse("request too long\n", status_code=414)
    params = request.query_params.multi_items()
    problem = None
    if len(params) > MAX_QUERY_VALUES:
        problem = f"more than {MAX_QUERY_VALUES} parameters"
    elif unknown := sorted({key for key, _ in params} - allowed):
        known = ", ".join(sorted(allowed)) or "none"
        problem = f"unknown parameter {_printable(unknown[0])!r} (known: {known})"
    elif any(_UNPRINTABLE.search(key + value) for key, value in params):
        problem = "control characters or bytes that are not UTF-8 in the query"
    if problem is None:
        return None
    return PlainTextResponse(f"bad request: {problem}\n", status_code=400)


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub("?", text)[:40]


def _answer(request: Request, feed: Feed, scope: str) -> Response:
    """200 with the feed, or 304 when the client's copy is current."""
    headers = {"ETag": feed.etag, "Cache-Control": f"{scope}, no-cache"}
    if feed.last_modified is not None:
        headers["Last-Modified"] = format_datetime(feed.last_modified, usegmt=True)
    if _not_modified(request, feed):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="mandates.ics"'
    return Response(feed.body, media_type=MEDIA_TYPE, headers=headers)


def _not_modified(request: Request, feed: Feed) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or feed.etag in tags
    since = request.headers.get("if-modified-since")
    if since is None or feed.last_modified is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return feed.last_modified <= moment


class RedactTokens(logging.Filter):
    """Blank private feed tokens out of log records (uvicorn's access log and any other)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's arguments and message; always keep the record."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_PATH.sub("/feeds/<token>.ics", a) if isinstance(a, str) else a
                for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _TOKEN_PATH.sub("/feeds/<token>.ics", record.msg)
        return True


def links(host: str, port: int, public_url: str | None = None) -> list[tuple[str, str]]:
    """The addresses to print at start: local http, https and webcal subscription links."""
    local = f"http://{_host(host)}:{port}"
    base = (public_url or f"https://{_host(host)}:{port}").rstrip("/")
    webcal = "webcal://" + base.split("://", 1)[-1]
    return [
        ("local", f"{local}/calendar.ics"),
        ("https", f"{base}/calendar.ics"),
        ("webcal", f"{webcal}/calendar.ics"),
        ("private", f"{base}/feeds/<token>.ics  (tracker feed create)"),
        ("health", f"{local}/healthz"),
    ]


def serve(
    engine: Engine,
    host: str = "127.0.0.1",
    port: int = 8080,
    public_url: str | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Run the feed server with uvicorn until interrupted (tokens redacted from its logs)."""
    import uvicorn

    for label, url in links(host, port, public_url):
        echo(f"{label:>8}: {url}")
    if public_url is None:
        echo("   note: https and webcal links need a TLS proxy in front (see --public-url)")
    if host not in ("127.0.0.1", "::1", "localhost"):
        echo(f"warning: listening on {host}, not only on this machine")
    config = uvicorn.Config(create_app(engine), host=host, port=port, log_level="info")
    for name in ("uvicorn.access", "uvicorn.error", "uvicorn"):
        logging.getLogger(name).addFilter(RedactTokens())
    uvicorn.Server(config).run()


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
