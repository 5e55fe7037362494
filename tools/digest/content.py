"""What a weekly goal digest says, computed by the tools an answer would use.

Goals. The goal tool's own selection and maths (`tools.goals`): for the program every goal,
for a tier the goals set for that tier. Goals are not set per partner type or owner, so a
type or owner digest lists the goals set for the scope's partners themselves and says so;
it never presents program goals as that type's or owner's goals. Running goals are listed,
and goals that ended since the previous digest (or in the last 7 days) with their result.

The week. Partner sections cover the last 7 full days (today-7 .. today-1) against the 7
before, on the scope's active partners, as `tools.attention` does for any period: gone
quiet (its own look-back), reversal spikes, the biggest revenue drops, the top gains
(`tools.insights.movers`), and the applications waiting longest.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.queries import goals as goal_queries
from storage.queries import segment as segment_queries
from tools import registry
from tools.applications import ApplicationList
from tools.attention import (
    DEFAULT_ROWS,
    AttentionSection,
    NeedsAttention,
    application_notes,
    applications_section,
    drops_attention_section,
    quiet_section,
    reversal_section,
)
from tools.context import ToolContext
from tools.digest.cache import DigestCache
from tools.digest.changes import GoalChange, changes_since, read_previous, snapshot_of
from tools.digest.scope import DigestScope, resolve_scope, scope_segment
from tools.digest.sections import (
    attention_section,
    changes_section,
    drops_section,
    goal_section,
    movers_section,
    status_counts,
    status_rule,
)
from tools.goals import GoalProgress, goal_selection, is_current_goal, listing_order
from tools.insights.common import active_by_default
from tools.insights.movers import TopMovers, top_movers
from tools.insights.quiet import quiet_partners
from tools.insights.reversals import reversal_anomalies
from tools.periods import DateRange
from tools.report import Report, Section
from tools.segment import Segment

WEEK_DAYS = 7
ROWS = DEFAULT_ROWS
"""Rows per partner section and applicants listed (the needs-attention default, 5)."""


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def digest_week(today: date) -> tuple[DateRange, DateRange]:
    """The last 7 full days and the 7 before them."""
    end = today - timedelta(days=1)
    week = DateRange(start=end - timedelta(days=WEEK_DAYS - 1), end=end, label="last 7 days")
    before = week.start - timedelta(days=1)
    compare = DateRange(
        start=before - timedelta(days=WEEK_DAYS - 1), end=before, label="previous 7 days"
    )
    return week, compare


class GoalDigest(BaseModel):
    """One digest's content: figures from the tools, for one scope and one day."""

    today: date
    """Data counts through the day before, as in the goal tool."""
    scope: DigestScope
    currency: str = "USD"
    week: DateRange
    compare: DateRange
    goals: list[GoalProgress]
    """The goal tool's GoalProgress for each listed goal, in its listing order: running
    goals, then goals that ended on or after `ended_since`."""
    ended_since: date
    previous_today: date | None = None
    """The previous digest's day, when there was one to compare with."""
    changes: list[GoalChange] = Field(default_factory=list)
    """Empty when there is no previous digest (`previous_today` None)."""
    attention: NeedsAttention
    """Gone quiet, reversal spikes and biggest drops (goals are listed on their own, above)."""
    movers: TopMovers
    """The week's biggest revenue gains (order 'top')."""
    drops: TopMovers
    """The same movers' biggest drops (order 'bottom'): the attention drops section's rows."""
    applications: AttentionSection | None = None
    goals_note: str | None = None
    """What the goal list is, when the scope cannot select goals itself (type, owner)."""
    notes: list[str] = Field(default_factory=list)

    @property
    def through(self) -> date:
        return self.today - timedelta(days=1)

    @property
    def nothing_to_report(self) -> bool:
        """No goal listed, no partner flagged, no gain and no application waiting."""
        flagged = any(s.total for s in self.attention.sections)
        waiting = self.applications is not None and self.applications.total > 0
        return not self.goals and not flagged and not self.movers.gains and not waiting

    def status_counts(self) -> list[tuple[str, int]]:
        return status_counts(self.goals)

    def snapshot(self) -> dict[str, Any]:
        """What this digest said, as JSON, for the next digest's `previous`."""
        return snapshot_of(self.today, str(self.scope), self.goals)

    def report(self) -> Report:
        report = Report(
            title=f"Weekly goal digest — {self.scope.describe()}",
            period=f"data through {_day(self.through)}",
            scope=str(self.scope),
            notes=list(self.notes),
        )
        if self.nothing_to_report:
            report.sections.append(Section(text=self.nothing_sentence()))
            return report
        report.sections.append(goal_section(self.goals, self.scope.describe(), self.goals_note))
        if self.previous_today is not None:
            report.sections.append(changes_section(self.changes, _day(self.previous_today)))
        report.sections += [
            drops_section(s, self.drops) if s.kind == "drops" else attention_section(s)
            for s in self.attention.sections
        ]
        report.sections.append(movers_section(self.movers))
        if self.applications is not None:
            report.sections.append(attention_section(self.applications))
        if self.goals:
            report.notes.append(status_rule())
        return report

    def nothing_sentence(self) -> str:
        return (
            f"Nothing to report for {self.scope.describe()} this week: no goals running, no "
            "partner gone quiet, no reversal spike or revenue drop, no revenue gains and no "
            "application waiting."
        )


def build_digest(
    session: Session,
    ctx: ToolContext,
    scope: DigestScope,
    *,
    previous: dict[str, Any] | None = None,
    cache: DigestCache | None = None,
) -> GoalDigest:
    """The digest of `scope` as of `ctx.today`, compared with the `previous` digest's
    snapshot when given. `cache` shares goal progress and partner sections between the
    digests of one pass (same data, same day)."""
    cache = cache or DigestCache()
    scope = resolve_scope(session, scope)
    segment = scope_segment(session, scope)
    today, currency = ctx.today, ctx.currency
    week, compare = digest_week(today)
    before = read_previous(previous)
    ended_since = before.today if before is not None else week.start
    goals, goals_note = _scope_goals(session, scope, segment, today, currency, cache)
    goals = [g for g in goals if not g.finished or g.period.end >= ended_since]
    attention, movers, drops = cache.get(
        ("partners", segment, today, currency),
        lambda: _partner_sections(session, segment, week, compare, today, currency),
    )
    applications = cache.get(
        ("applications", segment.types, today),
        lambda: _applications(session, ctx, segment),
    )
    notes = [
        *([goals_note] if goals_note else []),
        f"Gone quiet, reversal spikes, drops and top movers cover {attention.partners.describe()}.",
        *application_notes(segment),
    ]
    if any(g.finished for g in goals):
        notes.append(f"Goals that ended on or after {_day(ended_since)} show their final result.")
    stale = _stale_data_note(session, today)
    if stale:
        notes.insert(0, stale)
    return GoalDigest(
        today=today,
        scope=scope,
        currency=currency,
        week=week,
        compare=compare,
        goals=goals,
        ended_since=ended_since,
        previous_today=None if before is None else before.today,
        changes=[] if before is None else changes_since(before, goals),
        attention=attention,
        movers=movers,
        drops=drops,
        applications=applications,
        goals_note=goals_note,
        notes=notes,
    )


def _stale_data_note(session: Session, today: date) -> str | None:
    """Say so when the latest imported day is before yesterday: days without data read as
    drops, quiet partners and slipping goals otherwise."""
    bounds = queries.data_bounds(session)
    if bounds is None or bounds[1] >= today - timedelta(days=1):
        return None
    missing = (today - timedelta(days=1) - bounds[1]).days
    return (
        f"The latest data is from {_day(bounds[1])}, {missing} day{'s' if missing != 1 else ''} "
        "before this digest's last day: figures after it are missing, not zero, so drops, "
        "quiet partners and goal paces may reflect a late import."
    )


def _scope_goals(
    session: Session,
    scope: DigestScope,
    segment: Segment,
    today: date,
    currency: str,
    cache: DigestCache,
) -> tuple[list[GoalProgress], str | None]:
    """The current goals the scope selects, as `tools.goals.goal_progress` lists them, and a
    note when the scope (a type, an owner) can only select its partners' own goals."""
    note = None
    if scope.kind == "program":
        chosen, _ = goal_selection(segment)
        ids, tiers = chosen.partner_ids, chosen.tiers
    elif scope.kind == "tier":
        # The tier's own goals and the goals set for its partners one by one.
        ids = tuple(segment_queries.partner_ids_in(session, segment))
        tiers = segment.tiers
    else:
        ids, tiers = tuple(segment_queries.partner_ids_in(session, segment)), ()
        by = "partner type" if scope.kind == "type" else "owner"
        note = (
            f"Goals are set for the program, a tier or a partner, not by {by}: this digest "
            f"lists only the goals set for {scope.describe()} themselves (partner goals); "
            "program and tier goals are in the program and tier digests."
        )
    goals: list[GoalProgress] = []
    if ids or scope.kind in ("program", "tier"):  # no ids and no tiers lists every goal
        goals = cache.get(
            ("goals", ids, tiers, today, currency),
            lambda: _progress(session, ids, tiers, today, currency, cache),
        )
    if note is not None and not goals:
        note = f"No goals are set for {scope.describe()}. " + note
    return goals, note


def _progress(
    session: Session,
    ids: tuple[int, ...],
    tiers: tuple[str, ...],
    today: date,
    currency: str,
    cache: DigestCache,
) -> list[GoalProgress]:
    """`goal_progress`'s default list (current goals, its order) for goals set for these
    partners or tiers (every goal with neither); each goal's progress computed once a pass.
    Only results are kept between digests, never database rows."""
    rows = [
        g
        for g in goal_queries.list_goals(session, partner_ids=ids, tiers=tiers)
        if is_current_goal(g, today)
    ]
    cache.prefetch(session, rows, today=today)
    progress = [cache.progress(session, g, today=today, currency=currency) for g in rows]
    return sorted(progress, key=listing_order)


def _partner_sections(
    session: Session,
    segment: Segment,
    week: DateRange,
    compare: DateRange,
    today: date,
    currency: str,
) -> tuple[NeedsAttention, TopMovers, TopMovers]:
    """Gone quiet, reversal spikes and drops as `tools.attention` builds them for the week,
    and the week's gains: one movers query gives both gains and drops."""
    partners = active_by_default(segment)
    quiet = quiet_partners(session, today=today, segment=partners, currency=currency)
    reversals = reversal_anomalies(session, period=week, segment=partners)
    both = top_movers(
        session,
        metric="revenue",
        period=week,
        compare=compare,
        n=ROWS,
        segment=partners,
        currency=currency,
    )
    drops = both.model_copy(update={"order": "bottom", "gains": []})
    gains = both.model_copy(update={"order": "top", "drops": []})
    attention = NeedsAttention(
        today=today,
        segment=segment,
        partners=partners,
        period=week,
        compare=compare,
        n=ROWS,
        currency=currency,
        sections=[
            quiet_section(quiet, ROWS),
            reversal_section(reversals, ROWS),
            drops_attention_section(drops),
        ],
    )
    return attention, gains, drops


def _applications(session: Session, ctx: ToolContext, segment: Segment) -> AttentionSection:
    """The pending-applications tool, as needs-attention calls it (types apply; other
    dimensions are noted by `application_notes`)."""
    result = registry.call(
        session, ctx, "pending_applications", {"n": ROWS, "types": list(segment.types)}
    )
    if not isinstance(result, ApplicationList):
        raise TypeError(f"pending_applications returned {type(result).__name__}")
    return applications_section(result, ROWS)
