"""Periods: a request's words ("last quarter", "since March") resolved once into a DateRange."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, model_validator


class DateRange(BaseModel):
    """An inclusive range of days in the program's timezone, with the words it came from."""

    start: date
    end: date
    label: str
    to_date: bool = False
    """The period is still running: figures cover `start`..`end` (today), not the whole period."""

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.start > self.end:
            raise ValueError(f"period starts {self.start} after it ends {self.end}")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        """How an answer states its period back: 'Q3 2026 (1 Jul – 30 Sep 2026)'."""
        span = _span(self.start, self.end)
        suffix = ", to date" if self.to_date else ""
        return f"{self.label} ({span}{suffix})"


def _span(start: date, end: date) -> str:
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
