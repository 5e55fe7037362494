"""Row builders shared by tests: a small performance program with known daily rows, and the
independent sums tests compare tool figures against."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from storage.models import DailyPerformance, Partner, PartnerTag
from tools.periods import DateRange

START = date(2026, 6, 1)
DAYS = 120  # 1 Jun – 28 Sep 2026
JULY = DateRange(start=date(2026, 7, 1), end=date(2026, 7, 31), label="July 2026")
JUNE = DateRange(start=date(2026, 6, 1), end=date(2026, 6, 30), label="June 2026")

# key, name, type, tier, traffic profile
PARTNERS = [
    ("alpha", "Alpha Affiliates", "affiliate", "Gold", "big"),
    ("beta", "Beta Brands", "b2b_brand", "Gold", "big"),
    ("gamma", "Gamma Creators", "influencer", "Silver", "big"),
    ("delta", "Delta Deals", "affiliate", "Silver", "big"),
    ("epsilon", "Épsilon Edu & Co", "content", "Bronze", "big"),
    ("theta", "Theta Micro", "affiliate", "Silver", "small"),  # ≥100 clicks, <10 conversions
    ("zeta", "Zeta Tiny", "affiliate", "Bronze", "tiny"),  # <100 clicks, no conversions
    ("eta", "Eta Empty", "referral", "Bronze", "none"),  # never any row
]
ALL = {key for key, *_ in PARTNERS}
NAMES = {key: name for key, name, *_ in PARTNERS}


@dataclass(frozen=True)
class Row:
    key: str
    day: date
    clicks: int
    leads: int
    conversions: int
    reversals: int
    revenue: Decimal
    payout: Decimal


def _rows() -> list[Row]:
    rng = random.Random(1)
    rows = []
    for key, _name, _type, _tier, profile in PARTNERS:
        for offset in range(DAYS):
            day = START + timedelta(days=offset)
            if profile == "none" or rng.random() < 0.15:
                continue
            if profile == "big":
                clicks = rng.randint(50, 400)
                leads = rng.randint(0, clicks // 5)
                conversions = rng.randint(0, leads)
            elif profile == "small":
                clicks = rng.randint(5, 10)
                leads = rng.randint(0, 2)
                conversions = 1 if rng.random() < 0.1 else 0
            else:
                clicks, leads, conversions = rng.randint(0, 1), 0, 0
            revenue = Decimal(rng.randint(1000, 30000) * conversions) / 100
            payout = (revenue * Decimal(rng.choice([5, 8, 10, 12])) / 100).quantize(Decimal("0.01"))
            reversals = rng.randint(0, conversions // 4)
            rows.append(Row(key, day, clicks, leads, conversions, reversals, revenue, payout))
    return rows


ROWS = _rows()


def load_program(session: Session) -> dict[str, Partner]:
    """PARTNERS and ROWS written and committed; partners by key."""
    partners = {
        key: Partner(partner_key=key, name=name, type=ptype, tier=tier, status="active")
        for key, name, ptype, tier, _profile in PARTNERS
    }
    session.add_all(partners.values())
    session.flush()
    add_daily(session, [(partners[r.key].id, r) for r in ROWS])
    session.commit()
    return partners


def add_daily(session: Session, rows: Iterable[tuple[int, Row]]) -> None:
    """Daily performance rows for (partner id, Row) pairs, in one INSERT."""
    values = [
        {
            "partner_id": partner_id, "day": r.day, "clicks": r.clicks, "leads": r.leads,
            "conversions": r.conversions, "reversals": r.reversals, "revenue": r.revenue,
            "payout": r.payout,
        }
        for partner_id, r in rows
    ]  # fmt: skip
    if values:
        session.execute(insert(DailyPerformance), values)
    session.flush()


def partner(
    key: str,
    *,
    name: str | None = None,
    type: str = "affiliate",
    status: str = "active",
    tags: Iterable[str] = (),
    **columns: Any,
) -> Partner:
    """A Partner row with sensible defaults; extra columns (tier, country, owner …) as given."""
    return Partner(
        partner_key=key,
        name=name or key.replace("-", " ").title(),
        type=type,
        status=status,
        tags=[PartnerTag(tag=t) for t in tags],
        **columns,
    )


def keys_where(*, tier: str | None = None, ptype: str | None = None) -> set[str]:
    """Keys of PARTNERS in a tier and/or of a type."""
    return {
        key
        for key, _n, t, ti, _p in PARTNERS
        if (tier is None or ti == tier) and (ptype is None or t == ptype)
    }


def sums(rows: Iterable[Row], start: date, end: date, keys: set[str]) -> dict[str, Any]:
    """The six sums (and the row count) over `rows` of `keys` in [start, end]."""
    picked = [r for r in rows if start <= r.day <= end and r.key in keys]
    return {
        "clicks": sum(r.clicks for r in picked),
        "leads": sum(r.leads for r in picked),
        "conversions": sum(r.conversions for r in picked),
        "reversals": sum(r.reversals for r in picked),
        "revenue": sum((r.revenue for r in picked), Decimal(0)),
        "payout": sum((r.payout for r in picked), Decimal(0)),
        "rows": len(picked),
    }


def _div(a: object, b: object) -> Decimal | None:
    assert isinstance(a, int | Decimal) and isinstance(b, int | Decimal)
    return None if b == 0 else Decimal(a) / Decimal(b)


def expected_metrics(s: dict[str, Any]) -> dict[str, Any]:
    """The eleven metrics from `sums`, computed independently of tools.metrics."""
    return {
        "clicks": s["clicks"],
        "leads": s["leads"],
        "conversions": s["conversions"],
        "reversals": s["reversals"],
        "revenue": s["revenue"],
        "payout": s["payout"],
        "conversion_rate": _div(s["conversions"], s["clicks"]),
        "epc": _div(s["payout"], s["clicks"]),
        "aov": _div(s["revenue"], s["conversions"]),
        "roas": _div(s["revenue"], s["payout"]),
        "reversal_rate": _div(s["reversals"], s["conversions"]),
    }
