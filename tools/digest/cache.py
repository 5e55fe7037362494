"""What the digests of one pass can share, so fifty subscriptions do not compute the same
goal fifty times.

A goal's progress depends on the goal, the day and the currency, not on who reads it; a
partner section depends on its segment, the day and the currency. One `DigestCache` lives
for one pass (the same data, the same `today`) and is then dropped. It holds results
(pydantic models) only, never database rows, so it outlives any one session or commit.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from storage.models import Goal
from tools.goals import GoalProgress, goal_actuals, progress_of

T = TypeVar("T")


class DigestCache:
    """Memoised results for one pass; keys name everything a result depends on."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value stored under `key`, computing and storing it the first time."""
        if key in self._values:
            self.hits += 1
            value: T = self._values[key]
            return value
        self.misses += 1
        value = compute()
        self._values[key] = value
        return value

    def prefetch(self, session: Session, goals: list[Goal], *, today: date) -> None:
        """Sum many partner goals' actuals in a few queries before their progress is asked."""
        missing = [g for g in goals if ("actual", g.id, today) not in self._values]
        for goal_id, value in goal_actuals(session, missing, today=today).items():
            self._values[("actual", goal_id, today)] = value

    def progress(self, session: Session, goal: Goal, *, today: date, currency: str) -> GoalProgress:
        """`tools.goals.progress_of`, once per goal, day and currency."""
        return self.get(
            ("progress", goal.id, today, currency),
            lambda: progress_of(
                session,
                goal,
                today=today,
                currency=currency,
                actual=self._values.get(("actual", goal.id, today)),
            ),
        )
