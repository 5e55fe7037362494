"""From what the model did to what the user sees: tool results first, words only if true.

The reports are the tools' own, rendered by our renderers exactly as offline. The model's
words are optional: a framing paragraph, or a draft rewritten in richer words or another
language. Either is shown only when every figure in it matches a figure this turn's tools
computed; otherwise it is dropped (and logged) and the results stand alone. A model that
answered a data question without calling a tool gets the offline answer instead.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.assistant.answer import Answer
from bot.assistant.llm.grounding import known_figures, ungrounded
from bot.assistant.llm.turn import ToolRun
from bot.assistant.plan import NOT_APPLIED
from bot.render.text import render_text
from bot.render.values import bullet
from tools.report import Report, Section

log = logging.getLogger("partnerops.assistant")

MAX_FRAMING_CHARS = 1200
"""Longer than a short paragraph means the model is restating the results: not shown."""

_WRITE_CLAIM = re.compile(
    r"\b(?:i(?:'ve| have)?|we(?:'ve| have)?|has been|have been|was|were|is now|are now|all|every"
    r"(?:thing| application)?)\b[^.?!\n]{0,40}?\b(?:approved|rejected|declined|accepted|"
    r"subscribed|unsubscribed|imported|deleted|removed|updated|changed|paused|activated)\b",
    re.IGNORECASE,
)
"""A sentence saying something was approved, rejected or changed. The model cannot write,
so such a claim is false by construction and its words are not shown."""

_SUBJECT = re.compile(r"^\s*\**\s*subject\s*\**\s*[:：]\s*(?P<subject>.+?)\s*\**\s*$", re.I)


@dataclass(frozen=True)
class Words:
    """What happened to the model's own words, for `--json` and the log."""

    shown: str
    """"framing", "draft", "reply", or "none"."""
    dropped: list[str]
    """Figures that no tool computed, when the words were dropped for them."""


def unsafe(text: str, secrets: Sequence[str]) -> str | None:
    """Why the model's words must not be shown whatever their figures, or None: they
    contain a configured secret, or claim a write the model cannot have made."""
    if any(secret and secret in text for secret in secrets):
        return "they contain a configured secret"
    if _WRITE_CLAIM.search(text):
        return "they claim a change the model cannot make"
    return None


def from_tool_runs(
    runs: list[ToolRun], text: str, secrets: Sequence[str] = ()
) -> tuple[Answer, Words]:
    """The answer for a turn whose tools ran: their reports, plus the model's words if true.
    Figures the user typed ground nothing: "did we make $500k?" must not make "$500k" true."""
    unique = _unique(runs)
    first = unique[0].answer
    result = Answer(
        report=first.report.model_copy(deep=True),
        more=[run.answer.report.model_copy(deep=True) for run in unique[1:]],
        calls=[{"tool": run.name, "arguments": run.arguments} for run in runs],
        result=first.result
        if len(unique) == 1
        else {"results": [{"tool": r.name, "result": r.answer.result} for r in unique]},
        state=next(
            (r.answer.state for r in reversed(unique) if r.answer.report.kind not in _NO_STATE),
            None,
        ),
        unplaced=[u for run in unique for u in run.answer.unplaced],
        options=list(first.options),
        planner="llm",
    )
    result.report.notes = [*_refusals(runs), *result.report.notes]
    if not text:
        return result, Words("none", [])
    problem = unsafe(text, secrets)
    if problem:
        log.warning("model words dropped: %s", problem)
        return result, Words("none", [])
    known = known_figures(
        [payload for run in unique for payload in _payloads(run)],
        [render_text(run.answer.report) for run in unique],
    )
    invented = [figure.text for figure in ungrounded(text, known)]
    if invented:
        log.info("model words dropped: figures no tool computed: %s", invented)
        return result, Words("none", invented)
    drafts = [r for r in result.reports if r.kind == "draft"]
    if drafts:
        lost = _rewrite(drafts[-1], text)
        if lost is None:
            return result, Words("draft", [])
        log.info("model draft dropped: it lost the template's %s", lost)
        return result, Words("none", [])
    if len(text) > MAX_FRAMING_CHARS:
        log.info("model framing dropped: %d characters is not a short paragraph", len(text))
        return result, Words("none", [])
    result.framing = text
    return result, Words("framing", [])


def without_tools(
    text: str, offline: Answer, *, small_talk: bool, secrets: Sequence[str] = ()
) -> tuple[Answer, Words, str | None]:
    """A turn where the model called no tool. Its reply stands only for small talk (the
    router read a greeting or a request for help) and only when it states no figure;
    anything else gets the router's answer, which either computes the figures or says what
    it could not read. Returns the answer, what happened to the words, and why the model's
    reply was not used."""
    if offline.calls:
        return offline, Words("none", []), "the model answered a data question without the data"
    if not text or not small_talk:
        return offline, Words("none", []), "the model answered without calling a tool"
    problem = unsafe(text, secrets)
    if problem:
        log.warning("model reply dropped: %s", problem)
        return offline, Words("none", []), "the model's reply could not be shown"
    invented = [f.text for f in ungrounded(text, known_figures([]))]
    if invented:
        log.info("model reply dropped: figures no tool computed: %s", invented)
        return offline, Words("none", invented), "the model's reply had figures no tool computed"
    title, _, rest = text.partition("\n")
    report = Report(title=title.strip(), sections=[Section(text=rest.strip())] if rest else [])
    reply = Answer(report=report, state=offline.state, planner="llm")
    return reply, Words("reply", []), None


def _refusals(runs: list[ToolRun]) -> list[str]:
    """A call the tools refused and the model then replaced: the answer is to a changed
    question ("margin" became "revenue"), so the refusal is said, not swallowed."""
    if not any(not run.refused for run in runs):
        return []
    return [
        f"{NOT_APPLIED} part of the request as first planned: {run.answer.report.title}"
        for run in runs
        if run.refused
    ]


_NO_STATE = ("not_found", "error", "clarify")
_MODEL_HONOURS = frozenset({"language"})
"""What the router cannot place but the model itself honours (it writes the language)."""


def _unique(runs: list[ToolRun]) -> list[ToolRun]:
    """Runs that computed something, each (tool, arguments) once, in call order."""
    seen: set[str] = set()
    unique: list[ToolRun] = []
    for run in runs:
        if run.refused:
            continue
        key = json.dumps([run.name, run.arguments], sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            unique.append(run)
    return unique


def _payloads(run: ToolRun) -> list[Any]:
    return [run.answer.result, run.answer.report.model_dump(mode="json")]


def _rewrite(draft: Report, text: str) -> str | None:
    """Put the model's wording in the draft's Subject and Draft sections, when it kept every
    figure the template's wording had and is not a fragment of it; the To/From lines and the
    figures used stay the tool's. Returns None when applied, else what the rewrite lost."""
    lines = text.strip().splitlines()
    subject: str | None = None
    for i, line in enumerate(lines[:4]):
        match = _SUBJECT.match(line)
        if match:
            subject = match.group("subject")
            lines = lines[i + 1 :]
            break
    body = "\n".join(lines).strip()
    template = "\n".join(
        bullet(line)
        for section in draft.sections
        if section.title in ("Subject", "Draft")
        for line in section.lines
    )
    if not body or not template:
        return "body"
    if len(body) < len(template) // 2:
        return "length"
    kept = known_figures([], [text])
    missing = [figure.text for figure in ungrounded(template, kept)]
    if missing:
        return f"figures {missing}"
    for section in draft.sections:
        if section.title == "Subject" and subject:
            section.lines, section.text = [subject], None
        elif section.title == "Draft":
            section.lines, section.text = [body], None
    draft.notes = [
        *draft.notes,
        "Worded by the language model from the template draft; every figure in it was "
        "checked against the program data.",
    ]
    return None


def second_reading(result: Answer, offline: Answer) -> list[str]:
    """Notes where the offline router, reading the same question for the same tool, took a
    different scope or period, or could not place something the model's call also lacks.

    Two planners disagreeing is the case a confident wrong answer hides in (the model asked
    for last month when the question said last quarter), so the user is shown both readings
    rather than one of them silently."""
    mine, theirs = result.report, offline.report
    if theirs.kind != "answer" or mine.kind != "answer":
        return []
    notes: list[str] = []
    ours_context = " · ".join(mine.context()) or "the whole program"
    router_context = " · ".join(theirs.context()) or "the whole program"
    if (mine.scope, mine.period) != (theirs.scope, theirs.period):
        notes.append(
            f"This answer covers {ours_context}; read word for word, the question asks "
            f"for {router_context}. Ask again naming the one you mean if that is closer."
        )
    said = " ".join(mine.notes).casefold()
    notes += [
        u.note()
        for u in offline.unplaced
        if u.key not in _MODEL_HONOURS and u.text.casefold() not in said
    ]
    # What the tool itself said it could not apply from the router's call ("goals aren't
    # split by country"): the model's call left that out, so its answer didn't apply it either.
    notes += [
        note
        for note in theirs.notes
        if note.startswith(NOT_APPLIED) and note not in mine.notes and note not in notes
    ]
    return notes
