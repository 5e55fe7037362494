"""Who is asking and when: resolved at the edge of a request and passed to every tool."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ToolContext:
    today: date
    """'Today' in the program timezone; injected so answers are reproducible in tests."""
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    currency: str = "USD"
    user: str | None = None
    """The acting Slack user id (or CLI user); required by tools that write."""
    approvers: frozenset[str] = frozenset()
    user_groups: frozenset[str] = frozenset()
    """Slack user-group ids the acting user belongs to (for approvers given as groups)."""
