"""Who is asking and when: resolved at the edge of a request and passed to every tool."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ToolContext:
    today: date
    """'Today' in the program timezone; injected so answers are reproducible in tests."""
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    currency: str = "USD"
    user: str | None = None
    """The acting Slack user id (or CLI user); required by tools that write."""
    user_name: str | None = None
    """The acting person's display name, for signing drafts (never an id)."""
    approvers: frozenset[str] = frozenset()
    user_groups: frozenset[str] = frozenset()
    """Slack user-group ids the acting user belongs to (for approvers given as groups)."""
    source: str = "cli"
    """Where the request came from ("cli", "slack_command", "slack_button", …); audited
    with every write."""
    channel: str | None = None
    """The Slack channel the request was made in, if any; audited with every write."""
    now: datetime | None = None
    """The instant of the request (aware); stamps decisions and audit rows. None means
    noon of `today` in `tz`, so a context built from a date alone is still deterministic."""

    @property
    def clock(self) -> datetime:
        """`now` as an aware UTC datetime."""
        if self.now is not None:
            moment = self.now if self.now.tzinfo else self.now.replace(tzinfo=self.tz)
            return moment.astimezone(UTC)
        return datetime.combine(self.today, time(12), tzinfo=self.tz).astimezone(UTC)
