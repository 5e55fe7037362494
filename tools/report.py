"""A neutral presentation of a tool result, which `bot/` renders as plain text or Block Kit.

Tools never format for a surface; they describe what to show (facts, tables, bullets,
quoted untrusted text) with typed values, and the renderers decide how it looks.
Money stays a Decimal until a renderer rounds it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field


class Money(BaseModel):
    amount: Decimal
    currency: str = "USD"


class Percent(BaseModel):
    """A percentage: `value` 12.5 means 12.5 %."""

    value: Decimal


class Ratio(BaseModel):
    """A plain multiple such as ROAS 4.2×."""

    value: Decimal


Cell = Money | Percent | Ratio | date | int | Decimal | str | None


class Change(BaseModel):
    """Change against a comparison period, absolute and relative (None when the base is 0)."""

    absolute: Money | Percent | Ratio | int | Decimal
    percent: Decimal | None
    against: str


class Fact(BaseModel):
    label: str
    value: Cell
    change: Change | None = None


class Table(BaseModel):
    columns: list[str]
    rows: list[list[Cell]]


class Section(BaseModel):
    title: str | None = None
    facts: list[Fact] = Field(default_factory=list)
    table: Table | None = None
    bullets: list[str] = Field(default_factory=list)
    quote: str | None = None
    """Untrusted text (an applicant's message): renderers show it quoted, never as markup."""
    text: str | None = None


class Report(BaseModel):
    title: str
    period: str | None = None
    scope: str | None = None
    kind: Literal["answer", "clarify", "not_found", "error", "draft"] = "answer"
    sections: list[Section] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    options: list[str] = Field(default_factory=list)
    """Choices offered back to the user (clarifying questions, did-you-mean)."""

    def context(self) -> list[str]:
        """Scope and period for the line under the title; a scope that is the title is left out."""
        scope = None if self.scope == self.title else self.scope
        return [part for part in (scope, self.period) if part]
