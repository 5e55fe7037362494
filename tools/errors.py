"""Errors a user can act on. Each carries the Report that explains it, so the edge shows it."""

from __future__ import annotations

from typing import Literal

from tools.report import Report, Section


class ToolError(Exception):
    """A request that cannot be answered as asked; `report()` says why and what to do."""

    kind: Literal["answer", "clarify", "not_found", "error", "draft"] = "error"

    def __init__(self, message: str, options: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.options = options or []

    def report(self) -> Report:
        return Report(
            title=self.message,
            kind=self.kind,
            options=self.options,
        )


class PartnerNotFound(ToolError):
    kind = "not_found"

    def __init__(self, name: str, suggestions: list[str]) -> None:
        message = f"I couldn't find a partner called “{name}”."
        if suggestions:
            message += " Closest names: " + ", ".join(suggestions) + "."
            options = suggestions
        else:
            message += " No partner has a similar name; check the spelling, or list them all."
            options = ["list all partners"]
        super().__init__(message, options)
        self.name = name


class AmbiguousPartner(ToolError):
    kind = "clarify"

    def __init__(self, name: str, candidates: list[str]) -> None:
        if len(candidates) == 2:
            question = f"Did you mean {candidates[0]} or {candidates[1]}?"
        else:
            question = "Did you mean " + ", ".join(candidates[:-1]) + f" or {candidates[-1]}?"
        super().__init__(f"“{name}” matches more than one partner. {question}", candidates)
        self.name = name


class PeriodError(ToolError):
    """A period the resolver could not read; the message gives examples that work."""


class NotAllowed(ToolError):
    """The acting user may not do this (e.g. approve without being an approver)."""


class NotFound(ToolError):
    kind = "not_found"


def section(text: str) -> Section:
    return Section(text=text)
