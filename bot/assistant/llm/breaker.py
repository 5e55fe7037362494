"""A circuit breaker for the model: after repeated failures, skip it for a while.

Without it every user waits out the full timeout while the model is down. The state is per
process on purpose: it only saves time, never decides an answer, so each instance may learn
on its own. The clock is injected so tests move time instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class CircuitBreaker:
    failures_to_open: int = 3
    """Consecutive failures after which the model is skipped."""
    cooldown_seconds: float = 60.0
    """How long it is skipped; then one request tries it again."""
    clock: Callable[[], float] = time.monotonic
    _failures: int = 0
    _open_until: float | None = None
    _trial: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def allow(self) -> bool:
        """Whether this request may call the model. While open, no; once the cooldown is
        over, exactly one request is let through to try it (half-open)."""
        with self._lock:
            if self._open_until is None:
                return True
            if self.clock() < self._open_until or self._trial:
                return False
            self._trial = True
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._failures, self._open_until, self._trial = 0, None, False

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial or self._failures >= self.failures_to_open:
                self._open_until = self.clock() + self.cooldown_seconds
            self._trial = False

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._open_until is not None
