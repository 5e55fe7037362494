"""Work done after Slack has been acknowledged: a bounded pool of threads, and errors that
become a short message with an error id instead of silence.

Bolt acknowledges on its own small executor; if answers ran there too, fifty questions at
once would queue the next acknowledgement behind them and Slack would retry after 3 s.
So listeners only ack and hand the job here, and a job starts once the acknowledgements
in flight are out (`AckFirst`): its own Python work would otherwise take the GIL from them.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from bot.slack.ack_first import AckFirst

log = logging.getLogger("partnerops.slack")

ErrorReporter = Callable[[str], None]
"""Tells the person an error id (posts in the thread, or through response_url)."""


def error_id() -> str:
    """A short id a person can quote and an operator can grep for."""
    return secrets.token_hex(4)


def failure_text(error: str) -> str:
    return (
        f"Sorry, something went wrong while I worked on that (error id `{error}`). "
        "Nothing was changed; try again, or give the error id to whoever runs partnerops."
    )


class TrackedPool(ThreadPoolExecutor):
    """A thread pool that knows which of its jobs are unfinished, so a shutdown (or a
    test) can wait for the work in flight."""

    def __init__(self, threads: int, name: str) -> None:
        super().__init__(max_workers=threads, thread_name_prefix=name)
        self._running: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future[Any]) -> None:
        with self._lock:
            self._running.discard(future)

    def unfinished(self) -> set[Future[Any]]:
        with self._lock:
            return set(self._running)


class Worker:
    """Runs jobs on a fixed pool; a job that raises is logged with an id and reported."""

    def __init__(self, threads: int, urgent_threads: int = 4) -> None:
        self.pool = TrackedPool(threads, "partnerops")
        self.urgent = TrackedPool(urgent_threads, "partnerops-urgent")
        """Decisions and modals: a trigger_id lives 3 s, and a click should not wait
        behind answers being computed."""
        self.intake: TrackedPool | None = None
        """Bolt's acknowledging executor, when the App was built on it: jobs come from there."""
        self.gate = AckFirst()
        """Jobs start once the acknowledgements in flight are out (the HTTP server counts them)."""

    def submit(
        self,
        what: str,
        job: Callable[[], None],
        report: ErrorReporter | None = None,
        *,
        urgent: bool = False,
    ) -> Future[None]:
        pool = self.urgent if urgent else self.pool
        return pool.submit(self._run, self.gate.now(), what, job, report)

    def _run(
        self, since: float, what: str, job: Callable[[], None], report: ErrorReporter | None
    ) -> None:
        self.gate.wait_turn(since)
        run_reporting(what, job, report)

    def drain(self, timeout: float) -> bool:
        """Wait until every acknowledged request's work has finished; False on timeout."""
        deadline = time.monotonic() + timeout
        pools = [p for p in (self.intake, self.pool, self.urgent) if p is not None]
        while True:
            pending = set().union(*(p.unfinished() for p in pools))
            if not pending:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            wait(pending, timeout=left)

    def shutdown(self, wait: bool = True) -> None:
        self.pool.shutdown(wait=wait)
        self.urgent.shutdown(wait=wait)


class NotDelivered(Exception):
    """Slack refused a response_url message (expired URL, invalid blocks, 5xx)."""


def delivered(response: Any) -> None:
    """response_url clients return failures instead of raising; make them errors, so the
    job's error report (and its log line) happens instead of silence."""
    status = getattr(response, "status_code", 200)
    if status != 200:
        body = str(getattr(response, "body", ""))[:200]
        raise NotDelivered(f"response_url answered HTTP {status}: {body}")


def run_reporting(what: str, job: Callable[[], None], report: ErrorReporter | None) -> None:
    """Run `job`; on an error log it with a fresh id and tell the person that id."""
    try:
        job()
    except Exception:
        ident = error_id()
        log.exception("error_id=%s while %s", ident, what)
        if report is None:
            return
        try:
            report(ident)
        except Exception:
            log.exception("error_id=%s could not be reported to the user", ident)
