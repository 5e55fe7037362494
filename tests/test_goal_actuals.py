"""Many partner goals' actuals summed at once equal each goal's own sum."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Goal, Partner
from tests.conftest import DEMO_TODAY
from tools.goals import goal_actuals, progress_of


def test_batched_actuals_equal_each_goals_own(demo_session: Session) -> None:
    partners = list(demo_session.scalars(select(Partner).order_by(Partner.id).limit(12)))
    metrics = ["revenue", "conversions", "clicks", "leads", "payout", "active_partners"]
    goals = [
        Goal(
            goal_key=f"batch-{p.partner_key}",
            name=f"Q4 {p.name}",
            scope="partner",
            partner_id=p.id,
            partner=p,
            metric=metrics[i % len(metrics)],
            target=Decimal(1000),
            start=date(2026, 10, 1),
            end=date(2026, 12, 31),
        )
        for i, p in enumerate(partners)
    ]
    demo_session.add_all(goals)
    demo_session.flush()
    batched = goal_actuals(demo_session, goals, today=DEMO_TODAY)
    assert len(batched) == len([g for g in goals if g.metric != "active_partners"])
    for goal in goals:
        own = progress_of(demo_session, goal, today=DEMO_TODAY)
        given = progress_of(demo_session, goal, today=DEMO_TODAY, actual=batched.get(goal.id))
        assert given == own
    assert any(v > 0 for v in batched.values())
    demo_session.rollback()
