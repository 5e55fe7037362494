"""The rows a quarterly business review reads besides the performance sums: goals, people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Goal, GoalScope, Partner


def program_goals(session: Session, start: date, end: date) -> list[Goal]:
    """Program-wide goals whose dates overlap [start, end], oldest first."""
    stmt = select(Goal).where(Goal.start <= end, Goal.end >= start, Goal.scope == GoalScope.PROGRAM)
    return list(session.scalars(stmt.order_by(Goal.start, Goal.goal_key)).unique())


def tier_goals(session: Session, start: date, end: date, tiers: Sequence[str]) -> list[Goal]:
    """Goals of any of `tiers` (case-insensitive) whose dates overlap [start, end]."""
    if not tiers:
        return []
    stmt = select(Goal).where(
        Goal.start <= end,
        Goal.end >= start,
        Goal.scope == GoalScope.TIER,
        func.lower(Goal.tier).in_([t.casefold() for t in tiers]),
    )
    return list(session.scalars(stmt.order_by(Goal.start, Goal.goal_key)).unique())


def partner_goals(session: Session, start: date, end: date, partner_id: int) -> list[Goal]:
    """One partner's goals whose dates overlap [start, end]."""
    stmt = select(Goal).where(
        Goal.start <= end,
        Goal.end >= start,
        Goal.scope == GoalScope.PARTNER,
        Goal.partner_id == partner_id,
    )
    return list(session.scalars(stmt.order_by(Goal.start, Goal.goal_key)).unique())


def partner_people(session: Session, partner_id: int) -> tuple[str | None, str | None]:
    """(owner, exec_sponsor) of one partner; (None, None) when it does not exist."""
    stmt = select(Partner.owner, Partner.exec_sponsor).where(Partner.id == partner_id)
    row = session.execute(stmt).one_or_none()
    return (None, None) if row is None else (row[0], row[1])
