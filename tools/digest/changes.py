"""What changed since the previous digest: each goal's status then and now.

A posted digest stores a snapshot (`snapshot_of`); the next digest of the same subscription
gets it back and compares. The snapshot is plain JSON and may come from an older version or
be damaged, so reading it ignores what it cannot use instead of failing the digest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal, get_args

from pydantic import BaseModel

from tools.goals import NEEDS_ATTENTION, GoalProgress, GoalStatus

SNAPSHOT_VERSION = 1
ChangeKind = Literal["new", "status"]
_STATUSES: frozenset[str] = frozenset(get_args(GoalStatus))


class GoalChange(BaseModel):
    """A goal whose status differs from the previous digest's, or that is new since it."""

    goal_key: str
    name: str
    kind: ChangeKind
    old: GoalStatus | None
    """The status in the previous digest; None for a goal it did not list."""
    new: GoalStatus

    @property
    def newly_lagging(self) -> bool:
        """Now at risk or behind and worse than before: on track → at risk, at risk →
        behind, or a goal the previous digest did not list that is already lagging."""
        if self.new not in NEEDS_ATTENTION or self.old == self.new:
            return False
        return not (self.old == "behind" and self.new == "at risk")


class Previous(BaseModel):
    """The parts of a previous snapshot a digest uses."""

    today: date
    statuses: dict[str, GoalStatus]


def snapshot_of(today: date, scope: str, goals: Sequence[GoalProgress]) -> dict[str, Any]:
    """A JSON-able record of what a digest said, for the next one to compare with."""
    return {
        "version": SNAPSHOT_VERSION,
        "today": today.isoformat(),
        "scope": scope,
        "goals": {
            g.goal_key: {"name": g.name, "status": g.status, "finished": g.finished} for g in goals
        },
    }


def read_previous(snapshot: dict[str, Any] | None) -> Previous | None:
    """The previous digest's date and goal statuses; None when there is none or it has no
    readable date. Goal entries without a known status are skipped."""
    if not isinstance(snapshot, dict):
        return None
    try:
        today = date.fromisoformat(str(snapshot.get("today")))
    except ValueError:
        return None
    goals = snapshot.get("goals")
    statuses: dict[str, GoalStatus] = {}
    if isinstance(goals, dict):
        for key, entry in goals.items():
            status = entry.get("status") if isinstance(entry, dict) else None
            if isinstance(key, str) and status in _STATUSES:
                statuses[key] = status
    return Previous(today=today, statuses=statuses)


def changes_since(previous: Previous, goals: Sequence[GoalProgress]) -> list[GoalChange]:
    """Goals new since `previous` or whose status changed, newly lagging ones first."""
    found: list[GoalChange] = []
    for g in goals:
        old = previous.statuses.get(g.goal_key)
        if old == g.status:
            continue
        kind: ChangeKind = "new" if old is None else "status"
        found.append(GoalChange(goal_key=g.goal_key, name=g.name, kind=kind, old=old, new=g.status))
    return sorted(found, key=lambda c: (not c.newly_lagging, c.kind == "new"))
