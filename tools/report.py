"""A neutral presentation of a tool result, which `bot/` renders as plain text or Block Kit.

Tools never format for a surface; they describe what to show (facts, tables, bullets,
quoted untrusted text) with typed values, and the renderers decide how it looks.
Money stays a Decimal until a renderer rounds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from string import Formatter
from typing import Literal

from pydantic import BaseModel, Field, model_validator


class Money(BaseModel):
    amount: Decimal
    currency: str = "USD"


class Percent(BaseModel):
    """A percentage: `value` 12.5 means 12.5 %."""

    value: Decimal
    exact: bool = False
    """A rate as agreed (a commission): read with the decimals it has ('12.5%', '10%',
    '12.25%') rather than rounded like a measured percentage."""


class Ratio(BaseModel):
    """A plain multiple such as ROAS 4.2×."""

    value: Decimal


Cell = Money | Percent | Ratio | date | int | Decimal | str | None


class Change(BaseModel):
    """Change against a comparison period, absolute and relative (None when the base is 0)."""

    absolute: Money | Percent | Ratio | int | Decimal
    percent: Decimal | None
    against: str
    previous: Money | Percent | Ratio | int | Decimal | None = None
    """The comparison period's own value, so an answer shows both sides, not only the change."""


class Line(BaseModel):
    """A sentence whose figures stay typed until a renderer formats them.

    `template` names each figure in braces ("Revenue down {drop} vs {prev} ({before} →
    {now})."); `values` holds them as cells (Money, Percent, a date, a plain string such as a
    partner name) or a Change. Renderers format every value the way they format a table cell
    and put it in its place, so a bullet and a table never disagree about "zł" or "PLN".
    Templates carry no format specs: how a number reads is the renderer's business.
    """

    template: str
    values: dict[str, Cell | Change] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _placeholders_match_values(self) -> Line:
        names: set[str] = set()
        for _, name, spec, conversion in Formatter().parse(self.template):
            if name is None:
                continue
            if not name.isidentifier():
                raise ValueError(f"placeholder {{{name}}} is not a plain name")
            if spec or conversion:
                raise ValueError(f"placeholder {{{name}}} has a format; the renderer formats")
            names.add(name)
        if names != set(self.values):
            missing, unused = sorted(names - set(self.values)), sorted(set(self.values) - names)
            raise ValueError(f"template and values disagree: missing {missing}, unused {unused}")
        return self

    @classmethod
    def join(cls, parts: Iterable[str | Line | Cell | Change], sep: str = "") -> Line:
        """One Line from parts in order: a str is words as written (braces and all), a Line
        keeps its figures (placeholders renamed where two parts would clash), and any other
        value is a figure of its own. `Line.join(["About ", Percent(value=x), " of ..."])`."""
        template: list[str] = []
        values: dict[str, Cell | Change] = {}

        def fresh(name: str) -> str:
            if name not in values:
                return name
            n = 2
            while f"{name}_{n}" in values:
                n += 1
            return f"{name}_{n}"

        for i, part in enumerate(parts):
            if i:
                template.append(_escape(sep))
            if isinstance(part, str):
                template.append(_escape(part))
            elif isinstance(part, Line):
                for literal, name, _, _ in Formatter().parse(part.template):
                    template.append(_escape(literal))
                    if name is not None:
                        new = fresh(name)
                        values[new] = part.values[name]
                        template.append("{" + new + "}")
            else:
                new = fresh(f"v{len(values) + 1}")
                values[new] = part
                template.append("{" + new + "}")
        return cls(template="".join(template), values=values)


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


Bullet = str | Line
"""A bullet is plain words, or a Line when it states figures."""


class Fact(BaseModel):
    label: str
    value: Cell | Line
    """A figure, or a Line when the value is words around figures ("CPA of {rate} per
    conversion"), so its money is formatted like every other amount."""
    change: Change | None = None


class Table(BaseModel):
    columns: list[str]
    rows: list[list[Cell]]


class Section(BaseModel):
    title: str | None = None
    facts: list[Fact] = Field(default_factory=list)
    table: Table | None = None
    bullets: list[Bullet] = Field(default_factory=list)
    """Plain sentences, or Lines whose figures the renderer formats."""
    quote: str | None = None
    """Untrusted text (an applicant's message): renderers show it quoted, never as markup."""
    text: str | None = None
    lines: list[Bullet] = Field(default_factory=list)
    """Text shown as `text` is (after it), but whose figures stay typed: plain words or Lines,
    each possibly several lines long (a draft's subject and body)."""


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
