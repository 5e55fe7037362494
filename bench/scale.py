"""Builds the worst-case scale program the latency bench runs on: 5,000 partners x 1,095 days.

`generate_demo(partners=5000, days=1095)` writes ~1.66M daily rows (only active, paused and
churned partners have traffic, each from its join day to its stop day). The bench then fills
every missing (partner, day) pair over the same 1,095 days through the importer's bulk path,
`storage.performance_upsert.upsert_performance`, so every partner has a row every day:
5,475,000 daily rows. Partners that already had data get gap rows around their own average
magnitude; the others get pseudo-random but realistic ones, all from `random.Random(seed)`.

A database that already holds the expected row count (and the marker file this script writes
next to bench/data) is reused; `--rebuild` forces a fresh one.

    python -m bench.scale [--backend sqlite|postgresql|both] [--rebuild]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from storage import migrate
from storage.db import make_engine, session_factory
from storage.demo import generate_demo
from storage.models import Base, DailyPerformance, MonthlyPerformance, Partner
from storage.performance_upsert import PerformanceRow, upsert_performance

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TODAY = date(2026, 11, 23)
PARTNERS = 5000
DAYS = 1095
SEED = 11
CHUNK_ROWS = 400_000
"""Fill rows written (and committed) per upsert call, so memory stays bounded."""

SQLITE_PATH = DATA / f"scale_{PARTNERS}x{DAYS}.db"
SQLITE_URL = f"sqlite:///{SQLITE_PATH}"
PG_BASE_URL = os.environ.get(
    "PARTNEROPS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_SCHEMA = "bench_scale"
PG_URL = f"{PG_BASE_URL}{'&' if '?' in PG_BASE_URL else '?'}options=-csearch_path%3D{PG_SCHEMA}"


@dataclass
class ScaleSummary:
    """What the scale database holds and how long it took to get there."""

    url: str
    backend: str
    partners: int
    daily_rows: int
    monthly_rows: int
    demo_rows: int
    filled_rows: int
    reused: bool
    seconds: float
    start: date
    end: date


def build_scale(
    url: str,
    *,
    today: date = TODAY,
    seed: int = SEED,
    partners: int = PARTNERS,
    days: int = DAYS,
    rebuild: bool = False,
) -> ScaleSummary:
    """Return the scale program at `url`, building it unless a complete one is already there."""
    started = time.perf_counter()
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    marker = _marker_path(url)
    expected = partners * days
    wanted = {"partners": partners, "days": days, "seed": seed, "today": today.isoformat()}
    if not rebuild:
        cached = _cached(url, marker, wanted, expected)
        if cached is not None:
            cached.seconds = time.perf_counter() - started
            _say(f"{backend}: reusing {cached.daily_rows:,} daily rows at {_safe(url)}")
            return cached
    _say(f"{backend}: building {partners} partners x {days} days at {_safe(url)}")
    marker.unlink(missing_ok=True)
    engine = _fresh(url)
    try:
        step = time.perf_counter()
        migrate.upgrade(engine)
        _say(f"  migrated in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        with session_factory(engine)() as session:
            demo = generate_demo(session, today=today, partners=partners, days=days, seed=seed)
            session.commit()
        _say(
            f"  generate_demo: {demo.performance_rows:,} rows in {time.perf_counter() - step:.1f} s"
        )
        step = time.perf_counter()
        filled = _fill(engine, today=today, days=days, seed=seed)
        _say(f"  filled {filled:,} rows in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        _analyze(engine)
        _say(f"  analyzed in {time.perf_counter() - step:.1f} s")
        summary = _summary(engine, url, demo.performance_rows, filled, reused=False)
    finally:
        engine.dispose()
    if summary.daily_rows != expected:
        raise RuntimeError(f"expected {expected:,} daily rows, found {summary.daily_rows:,}")
    marker.write_text(json.dumps({**wanted, **_jsonable(summary)}, indent=2) + "\n")
    summary.seconds = time.perf_counter() - started
    _say(f"{backend}: built in {summary.seconds:.0f} s ({summary.daily_rows:,} daily rows)")
    return summary


def _say(message: str) -> None:
    print(message, flush=True)


def _safe(url: str) -> str:
    return url.split("?", 1)[0]


def _jsonable(summary: ScaleSummary) -> dict[str, object]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(summary).items()}


def _marker_path(url: str) -> Path:
    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///") + ".json")
    return DATA / f"scale_pg_{_schema(url)}.json"


def _schema(url: str) -> str:
    options = parse_qs(urlsplit(url).query).get("options", [""])[0]
    prefix = "-csearch_path="
    if not options.startswith(prefix):
        raise ValueError("a PostgreSQL scale URL must set ?options=-csearch_path%3D<schema>")
    return options.removeprefix(prefix)


def _cached(
    url: str, marker: Path, wanted: dict[str, object], expected: int
) -> ScaleSummary | None:
    """The recorded summary when the marker matches and the row count is still right."""
    if not marker.exists():
        return None
    recorded = json.loads(marker.read_text())
    if any(recorded.get(k) != v for k, v in wanted.items()):
        return None
    if url.startswith("sqlite") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    engine = make_engine(url)
    try:
        # A cache behind the newest schema is upgraded, the way a user's database is.
        if migrate.ensure_current(engine):
            _say(f"  migrated to {migrate.HEAD_REVISION}")
            _analyze(engine)
        with engine.connect() as conn:
            rows = conn.scalar(select(func.count()).select_from(DailyPerformance))
    except (OperationalError, ProgrammingError):
        return None
    finally:
        engine.dispose()
    if rows != expected:
        return None
    return ScaleSummary(
        url=url,
        backend=str(recorded["backend"]),
        partners=int(recorded["partners"]),
        daily_rows=int(rows),
        monthly_rows=int(recorded["monthly_rows"]),
        demo_rows=int(recorded["demo_rows"]),
        filled_rows=int(recorded["filled_rows"]),
        reused=True,
        seconds=0.0,
        start=date.fromisoformat(str(recorded["start"])),
        end=date.fromisoformat(str(recorded["end"])),
    )


def _fresh(url: str) -> Engine:
    """An engine on an empty database: the SQLite file deleted, or the schema recreated."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return make_engine(url)
    schema = _schema(url)
    parts = urlsplit(url)
    admin = make_engine(urlunsplit(parts._replace(query="")))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()
    return make_engine(url)


# ---------------------------------------------------------------- filling the gaps


@dataclass(frozen=True)
class _Profile:
    """The magnitudes one partner's filled days follow."""

    clicks: float
    lead_rate: float
    conv_rate: float
    aov: float
    payout_share: float
    reversal_rate: float
    weekend: float


def _profiles(session: Session, rng: random.Random) -> dict[int, _Profile]:
    """Each partner's own averages where it has data, plausible random ones where it has none."""
    sums = session.execute(
        select(
            MonthlyPerformance.partner_id,
            func.sum(MonthlyPerformance.days),
            func.sum(MonthlyPerformance.clicks),
            func.sum(MonthlyPerformance.leads),
            func.sum(MonthlyPerformance.conversions),
            func.sum(MonthlyPerformance.revenue),
            func.sum(MonthlyPerformance.payout),
            func.sum(MonthlyPerformance.reversals),
        ).group_by(MonthlyPerformance.partner_id)
    )
    seen = {row[0]: [float(v) for v in row[1:]] for row in sums}
    profiles: dict[int, _Profile] = {}
    for partner_id in session.scalars(select(Partner.id).order_by(Partner.id)):
        weekend = rng.uniform(0.6, 0.95)
        known = seen.get(partner_id)
        if known is not None and known[1]:
            days, clicks, leads, conversions, revenue, payout, reversals = known
            profiles[partner_id] = _Profile(
                clicks=max(5.0, clicks / days),
                lead_rate=leads / clicks,
                conv_rate=conversions / leads if leads else 0.3,
                aov=revenue / conversions if conversions else 80.0,
                payout_share=payout / revenue if revenue else 0.1,
                reversal_rate=reversals / conversions if conversions else 0.03,
                weekend=weekend,
            )
            continue
        profiles[partner_id] = _Profile(
            clicks=min(4000.0, max(15.0, rng.lognormvariate(math.log(220), 0.8))),
            lead_rate=rng.uniform(0.04, 0.22),
            conv_rate=rng.uniform(0.15, 0.45),
            aov=rng.uniform(40, 250),
            payout_share=rng.uniform(0.06, 0.16),
            reversal_rate=rng.uniform(0.01, 0.06),
            weekend=weekend,
        )
    return profiles


def _existing_spans(session: Session) -> dict[int, tuple[date, date, int]]:
    stmt = select(
        DailyPerformance.partner_id,
        func.min(DailyPerformance.day),
        func.max(DailyPerformance.day),
        func.count(),
    ).group_by(DailyPerformance.partner_id)
    return {row[0]: (row[1], row[2], row[3]) for row in session.execute(stmt)}


def _missing_days(
    session: Session, partner_id: int, span: tuple[date, date, int] | None, first: date, last: date
) -> Iterator[date]:
    """Days in [first, last] without a row; the demo's rows are one contiguous run per partner."""
    if span is None:
        have: set[date] = set()
    elif (span[1] - span[0]).days + 1 == span[2]:
        have = set()
        yield from _days(first, min(last, span[0] - timedelta(days=1)))
        first = max(first, span[1] + timedelta(days=1))
    else:
        have = set(
            session.scalars(
                select(DailyPerformance.day).where(DailyPerformance.partner_id == partner_id)
            )
        )
    yield from (d for d in _days(first, last) if d not in have)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _row(rng: random.Random, partner_id: int, day: date, p: _Profile) -> PerformanceRow:
    factor = p.weekend if day.weekday() >= 5 else 1.0
    clicks = int(p.clicks * factor * math.exp(rng.gauss(0, 0.18)))
    leads = int(clicks * p.lead_rate + rng.random())
    conversions = int(leads * p.conv_rate + rng.random())
    cents = int(conversions * p.aov * rng.uniform(90, 110))
    revenue = Decimal(cents).scaleb(-2)
    payout = Decimal(int(cents * p.payout_share)).scaleb(-2)
    reversals = int(conversions * p.reversal_rate + rng.random())
    return (partner_id, day, clicks, leads, conversions, revenue, payout, reversals)


def _fill(engine: Engine, *, today: date, days: int, seed: int) -> int:
    """Write a row for every missing (partner, day) in chunks, committing each chunk."""
    rng = random.Random(seed)
    first, last = today - timedelta(days=days), today - timedelta(days=1)
    with session_factory(engine)() as session:
        profiles = _profiles(session, rng)
        spans = _existing_spans(session)
    written = 0
    chunk: list[PerformanceRow] = []
    with session_factory(engine)() as session:
        for partner_id, profile in profiles.items():
            for day in _missing_days(session, partner_id, spans.get(partner_id), first, last):
                chunk.append(_row(rng, partner_id, day, profile))
            if len(chunk) >= CHUNK_ROWS:
                written += _write(session, chunk)
                chunk = []
        if chunk:
            written += _write(session, chunk)
    return written


def _write(session: Session, chunk: list[PerformanceRow]) -> int:
    step = time.perf_counter()
    inserted, updated = upsert_performance(session, chunk, lambda _done, _total: None)
    session.commit()
    if updated:
        raise RuntimeError(f"filling overwrote {updated} existing rows")
    _say(f"    +{inserted:,} rows in {time.perf_counter() - step:.1f} s")
    return inserted


def _analyze(engine: Engine) -> None:
    """PostgreSQL: VACUUM ANALYZE (what autovacuum reaches); SQLite stays as the app leaves it."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in Base.metadata.sorted_tables:
            conn.execute(text(f'VACUUM ANALYZE "{table.name}"'))


def _summary(
    engine: Engine, url: str, demo_rows: int, filled: int, *, reused: bool
) -> ScaleSummary:
    with engine.connect() as conn:
        partners = int(conn.scalar(select(func.count()).select_from(Partner)) or 0)
        daily = int(conn.scalar(select(func.count()).select_from(DailyPerformance)) or 0)
        monthly = int(conn.scalar(select(func.count()).select_from(MonthlyPerformance)) or 0)
        bounds = conn.execute(
            select(func.min(DailyPerformance.day), func.max(DailyPerformance.day))
        ).one()
    return ScaleSummary(
        url=url,
        backend=engine.dialect.name,
        partners=partners,
        daily_rows=daily,
        monthly_rows=monthly,
        demo_rows=demo_rows,
        filled_rows=filled,
        reused=reused,
        seconds=0.0,
        start=bounds[0],
        end=bounds[1],
    )


def urls(backend: str) -> list[str]:
    """The scale database URLs for `--backend sqlite|postgresql|both`."""
    return {"sqlite": [SQLITE_URL], "postgresql": [PG_URL], "both": [SQLITE_URL, PG_URL]}[backend]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rebuild", action="store_true", help="build even if a cache exists")
    args = parser.parse_args(argv)
    for url in urls(args.backend):
        summary = build_scale(url, rebuild=args.rebuild)
        print(json.dumps(_jsonable(summary) | {"url": _safe(url)}, indent=2), flush=True)


if __name__ == "__main__":
    main()
