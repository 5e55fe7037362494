"""Acknowledgements before work, inside one interpreter.

The serving process acknowledges Slack and also does each answer's own share of Python
work (claiming the event id, reading who asks, handing the turn to an answer process,
posting). CPython has no thread priorities, so when fifty requests land at once the
acknowledgements queue for the GIL behind the work the first ones started, and the ack
tail grows with the burst. The gate gives the acknowledgements priority: work waits to
start until no acknowledgement is in flight and none has finished for `quiet` seconds,
and never longer than `patience` after it was handed over, so a steady stream of
requests cannot starve it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

QUIET_SECONDS = 0.005
"""Long enough to bridge the gap between one request's ack and the next one's arrival in
a burst; short next to the seconds an answer takes."""
PATIENCE_SECONDS = 0.25
"""The most a job is held back; far inside Slack's 3 s and a trigger_id's life."""


class AckFirst:
    """Counts acknowledgements in flight; `wait_turn` holds work back while there are any."""

    def __init__(
        self,
        *,
        quiet: float = QUIET_SECONDS,
        patience: float = PATIENCE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.quiet = quiet
        self.patience = patience
        self._clock = clock
        self._in_flight = 0
        self._last_done = float("-inf")
        self._changed = threading.Condition()

    @contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Around one request's acknowledgement (reading, verifying, dispatching, answering)."""
        with self._changed:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._changed:
                self._in_flight -= 1
                self._last_done = self._clock()
                self._changed.notify_all()

    def hold_for(self, now: float, deadline: float) -> float | None:
        """How long work should still wait at `now` (None: it may start); at most until
        `deadline`. While acknowledgements are in flight, the whole time left."""
        left = deadline - now
        if left <= 0:
            return None
        if self._in_flight > 0:
            return left
        settling = self._last_done + self.quiet - now
        if settling <= 0:
            return None
        return min(settling, left)

    def now(self) -> float:
        return self._clock()

    @property
    def in_flight(self) -> int:
        """Acknowledgements being made right now."""
        with self._changed:
            return self._in_flight

    def wait_turn(self, since: float | None = None) -> None:
        """Block until no acknowledgement is pending, or until `patience` after `since`
        (when the job was handed over; default now), so time queued counts too."""
        deadline = (self._clock() if since is None else since) + self.patience
        with self._changed:
            while (hold := self.hold_for(self._clock(), deadline)) is not None:
                self._changed.wait(hold)
