"""Writes the program in dependency order: partners (for their ids), daily rows, goals set
from those rows, applications."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from storage.demo.applications import demo_applications
from storage.demo.goals import Facts, quarter_goals
from storage.demo.partners import MIN_PARTNERS, generated_partners, named_partners, partner_row
from storage.demo.performance import daily_rows
from storage.models import DailyPerformance, Partner

MIN_DAYS = 120
_BATCH = 5000


@dataclass
class DemoSummary:
    """What generate_demo wrote, for the caller to report."""

    partners: int
    performance_rows: int
    goals: int
    applications: int
    start: date
    end: date


def generate_demo(
    session: Session, *, today: date, partners: int = 60, days: int = 730, seed: int = 7
) -> DemoSummary:
    """Write a demo program whose data ends yesterday; flushes, the caller commits."""
    if partners < MIN_PARTNERS:
        raise ValueError(
            f"the demo needs at least {MIN_PARTNERS} partners (the {MIN_PARTNERS - 1} named demo "
            f"partners plus one generated), got {partners}"
        )
    if days < MIN_DAYS:
        raise ValueError(f"the demo needs at least {MIN_DAYS} days of performance, got {days}")
    existing = int(session.scalar(select(func.count()).select_from(Partner)) or 0)
    if existing:
        raise ValueError(
            f"the database already holds {existing} partners; the demo only fills an empty program"
        )
    rng = random.Random(seed)
    specs = named_partners() + generated_partners(rng, partners - len(named_partners()), days)
    rows_by_key = {s.key: daily_rows(seed, s, today, days) for s in specs if s.has_data}

    orm = {s.key: partner_row(s, today) for s in specs}
    session.add_all(orm.values())
    session.flush()
    rows = [
        {"partner_id": orm[key].id, **row} for key, series in rows_by_key.items() for row in series
    ]
    for i in range(0, len(rows), _BATCH):
        session.execute(insert(DailyPerformance), rows[i : i + _BATCH])

    facts = Facts(today, specs, rows_by_key)
    goals = quarter_goals(facts, orm["p-northwind"])
    applications = demo_applications(today, specs, orm)
    session.add_all([*goals, *applications])
    session.flush()
    return DemoSummary(
        partners=len(specs),
        performance_rows=len(rows),
        goals=len(goals),
        applications=len(applications),
        start=today - timedelta(days=days),
        end=today - timedelta(days=1),
    )
