"""What a weekly digest says, computed by the tools every answer uses.

Goals come from the goal tool (`goal_progress`) unchanged, so the digest's figures are the
goal tool's; partners needing attention, the week's top movers and the applications
waiting longest come from `needs_attention` and `top_movers` over the last 7 full days
against the 7 before. What changed is read against the previous digest's snapshot.

Goals are set for the program, a tier or a partner. A type or owner scope therefore shows
the goals set for that scope's partners, and says that program and tier goals are not
split by type or owner, rather than passing the program's goals off as the scope's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage.queries.segment import partner_ids_in, partner_refs
from tools.attention import AttentionSection, NeedsAttention, needs_attention
from tools.context import ToolContext
from tools.digest.scope import DigestScope, scope_segment
from tools.goals import NEEDS_ATTENTION, PROGRAM, GoalProgress, goal_figure, goal_progress
from tools.insights.common import active_by_default
from tools.insights.movers import TopMovers, top_movers
from tools.periods import DateRange
from tools.report import Bullet, Line, Money, Percent, Report, Section
from tools.segment import PartnerRef, Segment

WEEK = 7
ROWS = 5
"""Rows per partner or application section: one row per partner."""
GOAL_LINES = 20
"""Goals listed one per line; the rest are counted."""
_SEVERITY = {"behind": 0, "at risk": 1, "missed": 2, "on track": 3, "ahead": 4, "achieved": 5}
_WORDS = {"tier": "tier", "type": "partner type", "owner": "owner"}


class GoalChange(BaseModel):
    goal_key: str
    name: str
    before: str | None
    """Its status in the previous digest; None when it was not in it."""
    after: str

    @property
    def newly_at_risk(self) -> bool:
        return self.after in NEEDS_ATTENTION and self.before not in NEEDS_ATTENTION


class GoalDigest(BaseModel):
    today: date
    """The digest's day: data through the day before, as the goal tool counts."""
    scope: DigestScope
    currency: str = "USD"
    goals: list[GoalProgress]
    """Running goals in scope, and goals that ended since the previous digest."""
    changes: list[GoalChange] = Field(default_factory=list)
    had_previous: bool = False
    attention: NeedsAttention
    movers: TopMovers
    week: DateRange
    notes: list[str] = Field(default_factory=list)

    @property
    def nothing_to_report(self) -> bool:
        flagged = any(s.total for s in self._partner_sections()) or self._applications_total()
        return not self.goals and not flagged and not self.movers.gains

    def snapshot(self) -> dict[str, Any]:
        """What the next digest compares with (JSON values only)."""
        return {
            "today": self.today.isoformat(),
            "goals": {g.goal_key: {"name": g.name, "status": g.status} for g in self.goals},
        }

    def headline(self) -> str:
        """'3 goals: 1 behind, 1 at risk, 1 on track' — the notification text."""
        if not self.goals:
            return "no running goals"
        counts: dict[str, int] = {}
        for g in self._ordered():
            counts[g.status] = counts.get(g.status, 0) + 1
        parts = ", ".join(f"{n} {status}" for status, n in counts.items())
        return f"{len(self.goals)} goal{'s' if len(self.goals) != 1 else ''}: {parts}"

    def report(self) -> Report:
        report = Report(
            title=f"Weekly goal digest — {self.scope.describe()}",
            period=f"Data through {_day(self.today - timedelta(days=1))}",
            scope=self.scope.describe(),
            notes=list(self.notes),
        )
        if self.nothing_to_report:
            report.sections.append(
                Section(
                    text=f"Nothing to report for {self.scope.describe()} this week: no running "
                    "goals, nothing needing attention, no movers and no applications waiting."
                )
            )
            return report
        report.sections.append(self._goals_section())
        if self.had_previous:
            report.sections.append(self._changes_section())
        else:
            report.notes.append("The first digest for this scope: changes show from the next one.")
        for section in self._partner_sections():
            report.sections.append(_rows_section(section))
        report.sections.append(self._movers_section())
        applications = self.attention.section("applications")
        if applications is not None:
            report.sections.append(_rows_section(applications))
        report.notes.append(
            f"Partner sections cover {self.attention.partners.describe()}; reversal spikes, "
            f"drops and movers compare {self.week.describe()} with the 7 days before."
        )
        return report

    # --- sections ---------------------------------------------------------------------------

    def _ordered(self) -> list[GoalProgress]:
        return sorted(self.goals, key=lambda g: (_SEVERITY.get(g.status, 9), g.name.casefold()))

    def _goals_section(self) -> Section:
        if not self.goals:
            return Section(title="Goals", text=f"No running goals for {self.scope.describe()}.")
        ordered = self._ordered()
        bullets: list[Bullet] = [self._goal_line(g) for g in ordered[:GOAL_LINES]]
        text = None
        if len(ordered) > GOAL_LINES:
            text = f"… and {len(ordered) - GOAL_LINES} more goals (the list runs worst first)."
        return Section(title=f"Goals — {self.headline()}", bullets=bullets, text=text)

    def _goal_line(self, g: GoalProgress) -> Line:
        values: dict[str, Any] = {
            "name": g.name,
            "scope": g.scope.describe(),
            "actual": goal_figure(g.actual, g.metric, self.currency),
            "target": goal_figure(g.target, g.metric, self.currency),
            "status": g.status,
        }
        template = "{name} ({scope}): {actual} of {target}"
        if g.attainment is not None:
            values["attainment"] = Percent(value=g.attainment)
            template += " ({attainment})"
        if g.finished:
            values["end"] = g.period.end
            return Line(template=template + " · ended {end}: {status}", values=values)
        values["expected"] = goal_figure(g.expected, g.metric, self.currency)
        template += ", expected {expected} by now · {status}"
        nxt = g.next_checkpoint
        if nxt is not None:
            values["due"] = goal_figure(nxt.amount_due, g.metric, self.currency)
            values["due_on"] = nxt.due_on
            template += " · next: {due} by {due_on}"
            if nxt.still_needed <= 0:
                template += " (reached)"
            elif nxt.per_day is not None:
                values["per_day"] = goal_figure(nxt.per_day, g.metric, self.currency)
                template += ", needs {per_day} a day"
        if g.forecast is not None:
            values["forecast"] = goal_figure(g.forecast, g.metric, self.currency)
            template += " · forecast {forecast}"
        return Line(template=template, values=values)

    def _changes_section(self) -> Section:
        title = "What changed since the last digest"
        if not self.changes:
            return Section(title=title, text="No goal changed status.")
        bullets: list[Bullet] = []
        for c in self.changes:
            if c.before is None:
                line = Line(
                    template="{name}: new, {after}", values={"name": c.name, "after": c.after}
                )
            else:
                line = Line(
                    template="{name}: {before} → {after}",
                    values={"name": c.name, "before": c.before, "after": c.after},
                )
            if c.newly_at_risk:
                line = Line(template=line.template + " (newly at risk)", values=line.values)
            bullets.append(line)
        return Section(title=title, bullets=bullets)

    def _partner_sections(self) -> list[AttentionSection]:
        kinds = ("quiet", "reversals", "drops")
        return [s for s in self.attention.sections if s.kind in kinds]

    def _applications_total(self) -> int:
        section = self.attention.section("applications")
        return section.total if section is not None else 0

    def _movers_section(self) -> Section:
        title = f"Top movers — {self.week.describe()}"
        if not self.movers.gains:
            return Section(title=title, text="No partner's revenue rose this week.")
        bullets: list[Bullet] = [
            Line(
                template="{name}: {current} vs {previous}" + (" ({pct})" if m.change_pct else ""),
                values={
                    "name": m.name,
                    "current": Money(amount=m.current, currency=self.currency),
                    "previous": Money(amount=m.previous, currency=self.currency),
                    **({"pct": Percent(value=m.change_pct)} if m.change_pct else {}),
                },
            )
            for m in self.movers.gains
        ]
        return Section(title=title, bullets=bullets)


def _rows_section(section: AttentionSection) -> Section:
    """One line per partner (or applicant) with the reason it is listed."""
    title = f"{section.title} — {section.window}"
    if not section.rows:
        return Section(title=title, text=section.none)
    bullets: list[Bullet] = []
    for row in section.rows:
        values: dict[str, Any] = {"subject": row.subject, "reason": row.reason}
        template = "{subject}"
        if row.owner:
            values["owner"] = row.owner
            template += " ({owner})"
        bullets.append(Line(template=template + ": {reason}", values=values))
    text = None
    if section.total > len(section.rows):
        text = f"… and {section.total - len(section.rows)} more."
    return Section(title=title, bullets=bullets, text=text)


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _goal_scope(
    session: Session, scope: DigestScope, segment: Segment
) -> tuple[Segment, list[str]]:
    """The segment goals are selected by, and what a type or owner scope cannot split."""
    if scope.kind == "program":
        return PROGRAM, []
    if scope.kind == "tier":
        return segment, []
    refs = partner_refs(session, partner_ids_in(session, segment))
    partners = tuple(
        PartnerRef(id=pid, key=key, name=name) for pid, (key, name) in sorted(refs.items())
    )
    note = (
        f"Program and tier goals aren't split by {_WORDS[scope.kind]}, so the goals here are "
        f"only those set for {scope.describe()} one by one."
    )
    return Segment(partners=partners), [note]


def build_digest(
    session: Session,
    ctx: ToolContext,
    scope: DigestScope,
    *,
    previous: dict[str, Any] | None = None,
) -> GoalDigest:
    """The digest of `scope` as of `ctx.today` (data through the day before); `previous`
    is the last posted digest's `snapshot()`, for what changed."""
    today = ctx.today
    segment = scope_segment(session, scope)
    goal_segment, notes = _goal_scope(session, scope, segment)
    goals: list[GoalProgress] = []
    if goal_segment.is_program or goal_segment.partners or goal_segment.tiers:
        progress = goal_progress(session, today=today, segment=goal_segment, currency=ctx.currency)
        notes += progress.notes
        since = _previous_day(previous) or today - timedelta(days=WEEK)
        goals = [
            g
            for g in progress.goals
            if g.status != "not started" and (not g.finished or g.period.end >= since)
        ]
    week = DateRange(
        start=today - timedelta(days=WEEK), end=today - timedelta(days=1), label="last 7 days"
    )
    compare = DateRange(
        start=week.start - timedelta(days=WEEK),
        end=week.start - timedelta(days=1),
        label="the 7 days before",
    )
    attention = needs_attention(session, ctx, segment=segment, period=week, compare=compare, n=ROWS)
    attention.sections = [s for s in attention.sections if s.kind != "goals"]  # goals listed above
    notes += [n for n in attention.notes if n not in notes]
    movers = top_movers(
        session,
        metric="revenue",
        period=week,
        compare=compare,
        n=ROWS,
        order="top",
        segment=active_by_default(segment),
        currency=ctx.currency,
    )
    return GoalDigest(
        today=today,
        scope=scope,
        currency=ctx.currency,
        goals=goals,
        changes=_changes(goals, previous),
        had_previous=previous is not None,
        attention=attention,
        movers=movers,
        week=week,
        notes=notes,
    )


def _previous_day(previous: dict[str, Any] | None) -> date | None:
    try:
        return date.fromisoformat(str((previous or {}).get("today")))
    except ValueError:
        return None


def _changes(goals: list[GoalProgress], previous: dict[str, Any] | None) -> list[GoalChange]:
    if previous is None:
        return []
    before = previous.get("goals") if isinstance(previous.get("goals"), dict) else {}
    assert isinstance(before, dict)
    changes = []
    for g in goals:
        was = before.get(g.goal_key)
        status = was.get("status") if isinstance(was, dict) else None
        if status != g.status:
            changes.append(
                GoalChange(goal_key=g.goal_key, name=g.name, before=status, after=g.status)
            )
    changes.sort(key=lambda c: (not c.newly_at_risk, c.name.casefold()))
    return changes
