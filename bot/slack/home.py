"""The Home tab: a person's view of the program, built from the same tools as answers.

Every figure comes from a registry tool (performance, goal_progress, pending_applications)
and is formatted by `bot.render.values`, so the Home tab and an answer to "how did we do
this month?" show the same numbers. Each part says so plainly when it has nothing to show.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.render.blocks import clip, context_block, escape, mrkdwn_section
from bot.render.values import cell, change
from bot.slack.application_blocks import pending_application_blocks
from storage.models import DigestSubscription, GoalMetric
from storage.queries.owners import count_owned_by, partners_owned_by
from tools import registry
from tools.applications import ApplicationList
from tools.context import ToolContext
from tools.errors import ToolError
from tools.goals import GoalProgress, GoalProgressList
from tools.metrics import Metric, metric_cell
from tools.partners import TYPE_LABELS
from tools.performance import PerformanceSummary
from tools.report import Cell, Money, Percent

Block = dict[str, Any]

MAX_HOME_BLOCKS = 100
"""Blocks in a Home tab view."""
MAX_TEXT = 3000
MAX_FIELD_TEXT = 2000
PENDING_LIMIT = 10
"""Pending applications listed on the Home tab; the rest are counted."""
OWNED_LIMIT = 10
"""A person's own partners listed; the rest are counted."""
GOALS_LIMIT = 8
"""Goals at risk listed; the rest are counted."""
DIGESTS_LIMIT = 20
"""Digest subscriptions listed; the rest are counted."""
HOME_METRICS: tuple[Metric, ...] = (
    "revenue",
    "payout",
    "conversions",
    "clicks",
    "conversion_rate",
    "roas",
)
"""The headline metrics of the month, in the order an answer's summary shows them."""
BOOK_METRICS: tuple[Metric, ...] = ("revenue", "conversions")
"""A person's own book, in brief: the two figures a partner manager is asked about most."""
AT_RISK = ["at risk", "behind"]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NO_GOALS = "No goals at risk."
NO_PARTNERS = "You don't own any partners yet."
NO_DIGESTS = "No channel gets the weekly digest yet."


def home_view(
    session: Session,
    ctx: ToolContext,
    *,
    approver: bool,
    subscriptions: list[DigestSubscription],
) -> dict[str, Any]:
    """The `views.publish` view for `ctx.user`: month, goals, queue, own book, digests."""
    day = f"{ctx.today.day} {ctx.today:%b %Y}"
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"partnerops — as of {day}"}},
        *_part("This month vs last month", _month(session, ctx)),
        *_part("Goals at risk", _goals(session, ctx)),
        *_part("Pending applications", _pending(session, ctx, approver=approver)),
        *_part("Your partners", _owned(session, ctx)),
        *_part("Weekly digests", _digests(subscriptions)),
    ]
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}


def _part(title: str, body: list[Block]) -> list[Block]:
    return [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": title}},
        *body,
    ]


def _guarded(session: Session, ctx: ToolContext, name: str, arguments: dict[str, Any]) -> Any:
    """A tool's result, or the ToolError it raised (shown in its part, never a broken tab)."""
    try:
        return registry.call(session, ctx, name, arguments)
    except ToolError as error:
        return error


# --- this month vs last month ---------------------------------------------------------------


def _month(session: Session, ctx: ToolContext) -> list[Block]:
    summary = _guarded(
        session, ctx, "performance", {"period": "this month", "compare_to": "last month"}
    )
    if isinstance(summary, ToolError):
        return [mrkdwn_section(escape(summary.message))]
    assert isinstance(summary, PerformanceSummary)
    blocks: list[Block] = []
    if summary.has_data:
        blocks.append({"type": "section", "fields": _month_fields(summary)})
    else:
        report = summary.report()
        words = next((s.text for s in report.sections if s.text), "No data this month.")
        blocks.append(mrkdwn_section(escape(words)))
    notes = [f"Whole program, {summary.period.describe()} vs {_against(summary)}.", *summary.notes]
    blocks.append(context_block(" ".join(escape(n) for n in notes)))
    return blocks


def _against(summary: PerformanceSummary) -> str:
    return summary.comparison.describe() if summary.comparison else "no comparison"


def _month_fields(
    summary: PerformanceSummary, metrics: tuple[Metric, ...] = HOME_METRICS
) -> list[Block]:
    """One field per metric: label, the tool's figure and its change, as answers show them."""
    fields = []
    for metric in metrics:
        figure = summary.figure(metric)
        value = cell(metric_cell(figure.value, metric, summary.currency))
        text = f"*{escape(figure.label)}*\n{escape(value)}"
        if figure.change is not None:
            text += f"\n{escape(change(figure.change))}"
        fields.append({"type": "mrkdwn", "text": clip(text, MAX_FIELD_TEXT), "verbatim": True})
    return fields


# --- goals at risk ---------------------------------------------------------------------------


def _goals(session: Session, ctx: ToolContext) -> list[Block]:
    progress = _guarded(session, ctx, "goal_progress", {"goal_statuses": AT_RISK})
    if isinstance(progress, ToolError):
        return [mrkdwn_section(escape(progress.message))]
    assert isinstance(progress, GoalProgressList)
    lagging = [g for g in progress.goals if g.status in AT_RISK and not g.finished]
    if not lagging:
        return [mrkdwn_section(NO_GOALS)]
    blocks = [mrkdwn_section(_goal_line(g, progress.currency)) for g in lagging[:GOALS_LIMIT]]
    if len(lagging) > GOALS_LIMIT:
        blocks.append(context_block(f"… and {len(lagging) - GOALS_LIMIT} more at risk or behind"))
    return blocks


def _goal_line(goal: GoalProgress, currency: str) -> str:
    """'*Q4 revenue* (whole program) — behind: $812,300 vs $1,020,000 expected by now
    (target $2,400,000), 80% of pace'."""
    pace = f", {cell(_percent(goal.pace))} of pace" if goal.pace is not None else ""
    text = (
        f"*{escape(goal.name)}* ({escape(goal.scope.describe())}) — {escape(goal.status)}: "
        f"{escape(cell(_amount(goal.actual, goal.metric, currency)))} vs "
        f"{escape(cell(_amount(goal.expected, goal.metric, currency)))} expected by now "
        f"(target {escape(cell(_amount(goal.target, goal.metric, currency)))}){escape(pace)}"
    )
    return clip(text, MAX_TEXT)


def _amount(value: Decimal, metric: str, currency: str) -> Cell:
    if metric in (GoalMetric.REVENUE, GoalMetric.PAYOUT):
        return Money(amount=value, currency=currency)
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def _percent(value: Decimal) -> Cell:
    return Percent(value=value)


# --- pending applications --------------------------------------------------------------------


def _pending(session: Session, ctx: ToolContext, *, approver: bool) -> list[Block]:
    pending = _guarded(session, ctx, "pending_applications", {"n": PENDING_LIMIT})
    if isinstance(pending, ToolError):
        return [mrkdwn_section(escape(pending.message))]
    assert isinstance(pending, ApplicationList)
    return pending_application_blocks(pending, approver=approver, limit=PENDING_LIMIT)


# --- the person's own partners ---------------------------------------------------------------


def _owned(session: Session, ctx: ToolContext) -> list[Block]:
    if ctx.user is None:
        return [mrkdwn_section(NO_PARTNERS)]
    partners = partners_owned_by(session, ctx.user, limit=OWNED_LIMIT)
    if not partners:
        return [mrkdwn_section(NO_PARTNERS)]
    total = count_owned_by(session, ctx.user)
    blocks = _book(session, ctx, ctx.user, total)
    lines = []
    for p in partners:
        details = [TYPE_LABELS.get(p.type, p.type), p.status]
        if p.tier:
            details.append(p.tier)
        if p.country:
            details.append(p.country)
        lines.append(
            f"• *{escape(p.name)}* (`{escape(p.partner_key)}`) — {escape(', '.join(details))}"
        )
    blocks.append(mrkdwn_section(clip("\n".join(lines), MAX_TEXT)))
    if total > len(partners):
        blocks.append(
            context_block(f"… and {total - len(partners):,} more of your {total:,} partners")
        )
    return blocks


def _book(session: Session, ctx: ToolContext, owner: str, total: int) -> list[Block]:
    """The person's book this month, from the performance tool (owners = them); nothing
    when it has no data or the tool says no."""
    summary = _guarded(
        session,
        ctx,
        "performance",
        {"owners": [owner], "period": "this month", "compare_to": "last month"},
    )
    if not isinstance(summary, PerformanceSummary) or not summary.has_data:
        return []
    return [
        {"type": "section", "fields": _month_fields(summary, BOOK_METRICS)},
        context_block(
            f"Your {total:,} partner{'s' if total != 1 else ''} together, "
            f"{escape(summary.period.describe())} vs {escape(_against(summary))}."
        ),
    ]


# --- digest subscriptions --------------------------------------------------------------------


def _digests(subscriptions: list[DigestSubscription]) -> list[Block]:
    active = [s for s in subscriptions if s.active]
    if not active:
        return [mrkdwn_section(NO_DIGESTS)]
    lines = [f"• {_digest_line(s)}" for s in active[:DIGESTS_LIMIT]]
    blocks = [mrkdwn_section(clip("\n".join(lines), MAX_TEXT))]
    if len(active) > DIGESTS_LIMIT:
        more = len(active) - DIGESTS_LIMIT
        blocks.append(context_block(f"… and {more:,} more subscriptions"))
    return blocks


def _digest_line(subscription: DigestSubscription) -> str:
    """'<#C123> — Mondays 09:00 Europe/Warsaw — the whole program (paused: …)'."""
    from bot.digests.subscriptions import schedule_of, scope_of

    channel = subscription.channel_id
    where = f"<#{channel}>" if channel.isalnum() else escape(channel)
    line = (
        f"{where} — {escape(schedule_of(subscription).describe())}"
        f" — {escape(scope_of(subscription).describe())}"
    )
    if subscription.paused_at is not None:
        line += f" _(paused: {escape(subscription.paused_reason or 'paused')})_"
    return line


# --- blocks ----------------------------------------------------------------------------------
