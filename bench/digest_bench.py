"""Times a digest pass's content and rendering on the scale program with 1,000 goals.

The bar (issue 14): a pass over 1,000 goals and 50 subscriptions on the scale program
renders in < 5 s. The scale program (bench/scale.py, 5,000 partners x 1,095 days) holds the
demo's 10 goals; this script adds Q4 goals up to GOALS (a revenue goal with checkpoints for
each of the first active partners, plus tier goals) inside a transaction it rolls back, so
the cached scale database is left as it was. It then composes SUBSCRIPTIONS digests, the
scopes cycling through the program, every tier, every partner type and every owner, as
`bot.digests.compose` does (build_digest, digest_message, digest_chart, snapshot), once
with one `DigestCache` for the pass and once with none (each digest on its own). Prints
the timings; records nothing (bench/RESULTS.md is written by hand).

    python -m bench.digest_bench [--backend sqlite|postgresql|both] [--no-chart]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.scale import TODAY, build_scale, urls
from bot.render import charts
from bot.render.charts import digest_chart
from bot.render.digest import digest_message
from storage.db import make_engine, session_factory
from storage.models import Goal, GoalCheckpoint, Partner
from tools.context import ToolContext
from tools.digest.cache import DigestCache
from tools.digest.content import build_digest
from tools.digest.scope import DigestScope
from tools.partners import known_tiers

GOALS = 1000
SUBSCRIPTIONS = 50
BAR_S = 5.0
Q4 = (date(2026, 10, 1), date(2026, 12, 31))


def add_goals(session: Session, total: int = GOALS) -> int:
    """Goals added (flushed, not committed) so the program holds `total`."""
    have = int(session.scalar(select(func.count()).select_from(Goal)) or 0)
    wanted = max(0, total - have)
    tiers = known_tiers(session)
    goals: list[Goal] = []
    for tier in tiers:
        for metric, target in (("revenue", "4000000"), ("conversions", "40000")):
            goals.append(_goal(f"bench-{tier}-{metric}", f"Q4 {tier} {metric}", metric, target))
            goals[-1].scope, goals[-1].tier = "tier", tier
    partners = session.scalars(
        select(Partner).where(Partner.status == "active").order_by(Partner.id).limit(wanted)
    ).all()
    for p in partners[: max(0, wanted - len(goals))]:
        goal = _goal(f"bench-{p.partner_key}", f"Q4 {p.name} revenue", "revenue", "60000")
        goal.scope, goal.partner_id = "partner", p.id
        goals.append(goal)
    session.add_all(goals[:wanted])
    session.flush()
    session.expire_all()  # read back as stored (Numeric(18, 2)), as a real pass reads them
    return int(session.scalar(select(func.count()).select_from(Goal)) or 0)


def _goal(key: str, name: str, metric: str, target: str) -> Goal:
    return Goal(
        goal_key=key,
        name=name,
        scope="program",
        metric=metric,
        target=Decimal(target),
        start=Q4[0],
        end=Q4[1],
        checkpoints=[
            GoalCheckpoint(due_on=date(2026, 10, 31), fraction=Decimal("0.3")),
            GoalCheckpoint(due_on=date(2026, 11, 30), fraction=Decimal("0.65")),
        ],
    )


def scopes(session: Session, n: int = SUBSCRIPTIONS) -> list[DigestScope]:
    """n subscriptions' scopes: the program, each tier, type and owner, round and round."""
    distinct = [DigestScope()]
    distinct += [DigestScope(kind="tier", value=t) for t in known_tiers(session)]
    types = session.scalars(select(Partner.type).distinct().order_by(Partner.type)).all()
    distinct += [DigestScope(kind="type", value=t) for t in types]
    owners = session.scalars(
        select(Partner.owner).where(Partner.owner.is_not(None)).distinct().order_by(Partner.owner)
    ).all()
    distinct += [DigestScope(kind="owner", value=o) for o in owners if o]
    return [distinct[i % len(distinct)] for i in range(n)]


@dataclass
class PassTiming:
    build: float = 0.0
    message: float = 0.0
    chart: float = 0.0
    goals_listed: int = 0

    @property
    def total(self) -> float:
        return self.build + self.message + self.chart


def run_pass(
    session: Session, subscriptions: list[DigestScope], *, shared: bool, chart: bool
) -> PassTiming:
    """Compose every subscription's digest as the pass does, timing each step."""
    ctx = ToolContext(today=TODAY)
    cache = DigestCache() if shared else None
    timing = PassTiming()
    for scope in subscriptions:
        start = time.perf_counter()
        digest = build_digest(session, ctx, scope, cache=cache)
        built = time.perf_counter()
        digest_message(digest)
        digest.snapshot()
        rendered = time.perf_counter()
        if chart:
            digest_chart(digest)
        timing.build += built - start
        timing.message += rendered - built
        timing.chart += time.perf_counter() - rendered
        timing.goals_listed += len(digest.goals)
    return timing


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--no-chart", action="store_true", help="leave the pacing chart out")
    args = parser.parse_args(argv)
    for url in urls(args.backend):
        summary = build_scale(url)
        engine = make_engine(url)
        try:
            with session_factory(engine)() as session:
                goals = add_goals(session)
                subs = scopes(session)
                print(
                    f"{summary.backend}: {summary.daily_rows:,} daily rows, {goals:,} goals, "
                    f"{len(subs)} subscriptions over {len(set(subs))} distinct scopes"
                )
                run_pass(session, subs[:2], shared=True, chart=False)  # warm up imports, caches
                for shared in (True, False):
                    charts._drawn_goals.cache_clear()  # each pass draws its own charts
                    t = run_pass(session, subs, shared=shared, chart=not args.no_chart)
                    verdict = "pass" if t.total < BAR_S else "FAIL"
                    label = "one cache per pass" if shared else "no shared cache   "
                    print(
                        f"  {label}: total {t.total:6.2f} s ({verdict}, bar {BAR_S:.0f} s) — "
                        f"build {t.build:.2f} s, blocks {t.message:.2f} s, chart {t.chart:.2f} s;"
                        f" {t.goals_listed:,} goal lines"
                    )
                session.rollback()  # the scale database keeps its own goals only
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
