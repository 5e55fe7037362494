"""When a subscription's digest is due: weekly slots in the subscription's own timezone.

A slot is a local wall-clock time ("Monday 09:00 Europe/Warsaw") turned into an instant
for each week, so it stays 09:00 local across daylight-saving changes. A local time that
does not exist (the hour skipped in spring) is read with the offset before the change, so
it lands just after the gap; one that happens twice (autumn) is its first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
MAX_SLOTS_BACK = 60
"""How many past slots a pass looks at (over a year of weekly slots); older ones are
never posted anyway, so they are not recorded either."""


@dataclass(frozen=True)
class Schedule:
    """A weekly slot: `weekday` (0 = Monday) at `hour`:`minute` in `tz`."""

    weekday: int
    hour: int
    minute: int
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if not (0 <= self.weekday <= 6 and 0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError(f"not a weekly slot: {self.weekday} {self.hour}:{self.minute}")

    def on(self, day: date) -> datetime:
        """The slot's instant (UTC) on local `day` (whatever its weekday)."""
        local = datetime.combine(day, time(self.hour, self.minute), tzinfo=self.tz)
        return local.astimezone(UTC)

    def latest(self, now: datetime) -> datetime:
        """The most recent slot at or before `now` (aware)."""
        today = now.astimezone(self.tz).date()
        day = today - timedelta(days=(today.weekday() - self.weekday) % 7)
        slot = self.on(day)
        return slot if slot <= now else self.on(day - timedelta(days=7))

    def next_after(self, now: datetime) -> datetime:
        """The first slot after `now`."""
        latest = self.latest(now)
        return self.on(latest.astimezone(self.tz).date() + timedelta(days=7))

    def between(self, after: datetime, upto: datetime) -> list[datetime]:
        """Slots in (after, upto], oldest first, at most MAX_SLOTS_BACK of the latest."""
        slots: list[datetime] = []
        slot = self.latest(upto)
        while slot > after and len(slots) < MAX_SLOTS_BACK:
            slots.append(slot)
            slot = self.on(slot.astimezone(self.tz).date() - timedelta(days=7))
        return slots[::-1]

    def local_day(self, slot: datetime) -> date:
        """The slot's date where it is due: the digest's "today"."""
        return slot.astimezone(self.tz).date()

    def describe(self) -> str:
        """'Mondays 09:00 Europe/Warsaw'."""
        return f"{WEEKDAY_NAMES[self.weekday]}s {self.hour:02d}:{self.minute:02d} {self.tz.key}"


def describe_instant(at: datetime, tz: ZoneInfo) -> str:
    """'Mon 7 Dec 2026 09:00 CET', as a person in `tz` reads the moment."""
    local = at.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


def parse_weekday(text: str) -> int:
    """'mon', 'Monday', 'MON' → 0."""
    word = text.strip().casefold()
    for index, name in enumerate(WEEKDAY_NAMES):
        if len(word) >= 3 and name.casefold().startswith(word):
            return index
    raise ValueError(f"“{text}” is not a day of the week; use mon, tue, wed, thu, fri, sat or sun")


def parse_time(text: str) -> tuple[int, int]:
    """'09:00', '9', '9:30am', '5pm' → (hour, minute)."""
    found = _TIME.match(text.strip())
    if found:
        hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
        if half and 1 <= hour <= 12:
            hour = hour % 12 + (12 if half.casefold() == "pm" else 0)
        elif half:
            hour = -1
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return hour, minute
    raise ValueError(f"“{text}” is not a time of day; use HH:MM, e.g. 09:00 or 16:30")


def parse_timezone(text: str) -> ZoneInfo:
    """An IANA timezone ('Europe/Warsaw', 'UTC')."""
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"“{text}” is not a timezone I know; use an IANA name such as Europe/Warsaw, "
            "America/New_York or UTC"
        ) from error


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date-time ('2026-12-07T09:05', '…+01:00', '…Z'); without an offset, UTC."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError(
            f"“{text}” is not an ISO date-time; use e.g. 2026-12-07T09:05:00+01:00"
        ) from error
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def as_utc(at: datetime) -> datetime:
    """A stored instant back as aware UTC (SQLite hands back naive UTC values)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
