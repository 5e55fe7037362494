"""Goals: every goal, or the goals set for given partners or tiers, in listing order.

Goals are set for the whole program, for a tier or for one partner, so partners and tiers
are the only partner dimensions a set of goals can be selected by.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Goal, GoalScope


def list_goals(
    session: Session, *, partner_ids: Sequence[int] = (), tiers: Sequence[str] = ()
) -> list[Goal]:
    """Goals by start day then name, checkpoints and partner loaded.

    With `partner_ids`, the goals set for those partners; with `tiers`, the goals set for
    those tiers (any case); with both, either kind; with neither, every goal.
    """
    stmt = select(Goal).order_by(Goal.start, Goal.name, Goal.goal_key)
    chosen: list[ColumnElement[bool]] = []
    if partner_ids:
        chosen.append(and_(Goal.scope == GoalScope.PARTNER, Goal.partner_id.in_(list(partner_ids))))
    if tiers:
        chosen.append(
            and_(
                Goal.scope == GoalScope.TIER,
                func.lower(Goal.tier).in_([t.casefold() for t in tiers]),
            )
        )
    if chosen:
        stmt = stmt.where(or_(*chosen))
    return list(session.scalars(stmt))
