"""The clock that runs the digest pass: APScheduler calls one pass a minute.

Every instance may run it (the claims make each digest exactly-once), so `serve` runs it
in the background by default and `partnerops scheduler` runs it alone for deployments
that separate web and worker. A pass never overlaps itself within a process
(max_instances=1); a late tick is coalesced rather than run twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.digests.run import PassReport

log = logging.getLogger("partnerops.digests")

JOB_ID = "digest-pass"


def _tick(run_pass: Callable[[datetime], PassReport]) -> None:
    try:
        report = run_pass(datetime.now(UTC))
    except Exception:  # the scheduler keeps ticking; the next pass retries
        log.exception("digest pass failed")
        return
    if report.posted or report.failed:
        log.info("digest pass: %s posted, %s failed", len(report.posted), len(report.failed))


def _schedule(scheduler: BaseScheduler, run_pass: Callable[[datetime], PassReport]) -> None:
    scheduler.add_job(
        _tick,
        CronTrigger(second=5, timezone=UTC),
        args=[run_pass],
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=50,
        replace_existing=True,
    )


def start_background(run_pass: Callable[[datetime], PassReport]) -> BackgroundScheduler:
    """A running background scheduler (call `.shutdown()` to stop it)."""
    scheduler = BackgroundScheduler(timezone=UTC, daemon=True)
    _schedule(scheduler, run_pass)
    scheduler.start()
    return scheduler


def run_blocking(run_pass: Callable[[datetime], PassReport]) -> None:
    """Run passes every minute until interrupted."""
    scheduler = BlockingScheduler(timezone=UTC)
    _schedule(scheduler, run_pass)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
