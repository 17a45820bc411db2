"""The weekly jobs, with APScheduler 3.x, persisted in the database.

Every subscriber has a job ``digest:<email>`` with a :class:`CronTrigger` on their day name
and hour in their time zone; a ``digest:check`` job runs every few minutes (and at start): it
adds, changes or removes subscribers' jobs to match the subscriptions, and sends any digest of
the current week whose hour has passed and that is not sent yet (a scheduler that was down at
that hour, a failed send). The jobs live in the ``digest_jobs`` table (SQLAlchemyJobStore), so
a restart keeps them; the send log (:mod:`tracker.digests.store`) makes each digest go out
once even when two schedulers run, or one is killed and restarted mid-week.

The jobs are stored by reference (``tracker.digests.scheduler:send_job``) with the email as
their only argument: no settings or secrets are written to the job table. They run against the
:class:`~tracker.digests.service.DigestService` installed by :func:`build_scheduler`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import signal
import threading
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor  # type: ignore[import-untyped]
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # type: ignore[import-untyped]
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.schedulers.blocking import BlockingScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from tracker.digests import store
from tracker.digests.service import DigestService, Outcome, local_week
from tracker.digests.settings import DigestSettings
from tracker.digests.store import Subscription
from tracker.store import connect

log = logging.getLogger("tracker.digests.scheduler")

JOBS_TABLE = "digest_jobs"
JOB_PREFIX = "digest:"
CHECK_JOB = "digest:check"
SEND_JOB_REF = "tracker.digests.scheduler:send_job"
CHECK_JOB_REF = "tracker.digests.scheduler:check_job"


class _Runtime:
    """The service and scheduler the stored jobs run against, in this process."""

    service: DigestService | None = None
    scheduler: Any = None


_runtime = _Runtime()


def _service() -> DigestService:
    if _runtime.service is None:
        raise RuntimeError("no digest scheduler is running in this process")
    return _runtime.service


def send_job(email: str) -> Outcome | None:
    """The weekly job of one subscriber: send this week's digest unless already sent."""
    service = _service()
    sub = store.subscription(service.engine, email)
    if sub is None:
        return None
    outcome = service.deliver(sub, local_week(sub, service.now()))
    log.info("digest %s for %s: %s", outcome.week, email, outcome.status)
    return outcome


def check_job() -> list[Outcome]:
    """The periodic job: align the jobs with the subscriptions, then catch up."""
    service = _service()
    if _runtime.scheduler is not None:
        sync_jobs(_runtime.scheduler, store.subscriptions(service.engine))
    outcomes = service.catch_up()
    for outcome in outcomes:
        if outcome.status != "skipped":
            log.info("digest %s for %s: %s", outcome.week, outcome.email, outcome.status)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("sent", "failed", "skipped")}
    log.info("check done: %(sent)d sent, %(failed)d failed, %(skipped)d skipped", counts)
    return outcomes


def trigger_of(subscription: Subscription) -> CronTrigger:
    """The weekly trigger of a subscriber: their day name and hour, in their time zone."""
    return CronTrigger(
        day_of_week=subscription.weekday,
        hour=subscription.hour,
        minute=0,
        timezone=subscription.zone,
    )


def sync_jobs(scheduler: Any, subscriptions: list[Subscription]) -> None:
    """Add, update or remove the subscribers' jobs so they match ``subscriptions``."""
    wanted = {f"{JOB_PREFIX}{sub.email}": sub for sub in subscriptions}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id != CHECK_JOB and job.id not in wanted:
            scheduler.remove_job(job.id)
    for job_id, sub in wanted.items():
        trigger = trigger_of(sub)
        existing = scheduler.get_job(job_id)
        if existing is not None and repr(existing.trigger) == repr(trigger):
            continue
        scheduler.add_job(
            SEND_JOB_REF,
            trigger=trigger,
            args=[sub.email],
            id=job_id,
            name=f"weekly digest for {sub.email}",
            replace_existing=True,
        )


def build_scheduler(
    service: DigestService, blocking: bool = True, check_minutes: int | None = None
) -> Any:
    """A scheduler whose jobs are stored in the service's database, installed for the jobs.

    The check job runs at start and every ``check_minutes`` (default: the settings').
    """
    jobstore = SQLAlchemyJobStore(engine=service.engine, tablename=JOBS_TABLE)
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(
        jobstores={"default": jobstore},
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
        timezone=dt.UTC,
    )
    minutes = check_minutes or service.settings.digest_check_minutes
    _runtime.service = service
    _runtime.scheduler = scheduler
    scheduler.add_job(
        CHECK_JOB_REF,
        trigger=IntervalTrigger(minutes=minutes, timezone=dt.UTC),
        id=CHECK_JOB,
        name="digest check and catch-up",
        replace_existing=True,
        next_run_time=dt.datetime.now(dt.UTC),
    )
    return scheduler


def run(settings: DigestSettings, database_url: str | None = None) -> None:
    """Run the digest scheduler in the foreground until interrupted (Ctrl-C or SIGTERM)."""
    engine = connect(database_url or settings.database_url)
    service = DigestService(engine, settings)
    scheduler = build_scheduler(service, blocking=True)

    def stop(_signum: int, _frame: Any) -> None:
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": False}).start()

    signal.signal(signal.SIGTERM, stop)
    log.info("digest scheduler started (worker %s)", service.worker)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("digest scheduler stopped")


def main(argv: list[str] | None = None) -> None:
    """``python -m tracker.digests.scheduler [--db URL]``: the same as ``tracker scheduler``."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--db", default=None, help="database URL")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run(DigestSettings(), args.db)


if __name__ == "__main__":
    # Run the package's module, not this ``__main__`` copy: the stored jobs refer to it.
    from tracker.digests.scheduler import main as package_main

    package_main()
