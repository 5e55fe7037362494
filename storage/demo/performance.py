"""Daily performance rows: seasonality, weekday shape, growth, noise and the planted stories.

Commission models as the demo pays them: `revshare` pays `commission_rate` percent of revenue;
`cpa`, `cpi` and `flat` pay `commission_rate` per conversion, as the data contract defines
them (`flat` is one amount per action whatever the order value); `hybrid` pays
`commission_rate` percent of revenue plus HYBRID_BOUNTY per conversion.
"""

from __future__ import annotations

import functools
import math
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from storage.demo.partners import CENT, Spec
from storage.models import CommissionModel, PartnerType

HYBRID_BOUNTY = Decimal("5.00")
"""Per-conversion bounty a hybrid partner earns on top of its revenue share."""

_A, _P = PartnerType, CommissionModel

_WEEKEND_DIP: dict[str, float] = {
    _A.B2B_BRAND: 0.40,
    _A.CHANNEL: 0.45,
    _A.INFLUENCER: 0.10,
    _A.CONTENT: 0.15,
}

_MONTH_FACTOR = (0.88, 0.90, 0.96, 0.98, 1.00, 0.97, 0.93, 0.95, 1.00, 1.04, 1.18, 1.26)
# Days relative to US Thanksgiving: Black Friday (+1), the weekend, Cyber Monday (+4).
_CYBER_WEEK = {-3: 1.08, -2: 1.12, -1: 1.2, 0: 1.35, 1: 2.6, 2: 1.9, 3: 1.8, 4: 2.4, 5: 1.4,
               6: 1.15}  # fmt: skip
_HOLIDAYS = {(12, 24): 0.75, (12, 25): 0.55, (12, 26): 0.8, (12, 31): 0.75, (1, 1): 0.6}


@functools.lru_cache(maxsize=4096)
def season(day: date) -> float:
    """Annual shape: smooth monthly levels peaking Nov/Dec, Cyber Week spikes, holiday dips."""
    mid = date(day.year, day.month, 15)
    other = mid + timedelta(days=30 if day >= mid else -30)
    weight = abs((day - mid).days) / 30
    level = (1 - weight) * _MONTH_FACTOR[day.month - 1] + weight * _MONTH_FACTOR[other.month - 1]
    november = date(day.year, 11, 1)
    thanksgiving = november + timedelta(days=(3 - november.weekday()) % 7 + 21)
    level *= _CYBER_WEEK.get((day - thanksgiving).days, 1.0)
    return level * _HOLIDAYS.get((day.month, day.day), 1.0)


def weekday(day: date, dip: float) -> float:
    return (1.0, 1.04, 1.05, 1.03, 1.0 - dip / 3, 1.0 - dip, 1.0 - dip * 1.1)[day.weekday()]


def _count(rng: random.Random, mean: float) -> int:
    """A Poisson-like count: exact for small means, normal approximation for large ones."""
    if mean <= 0:
        return 0
    if mean < 30:
        limit, k, p = math.exp(-mean), 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def _thin(rng: random.Random, n: int, p: float) -> int:
    """A binomial-like draw: how many of `n` events pass with probability `p`."""
    if n <= 0 or p <= 0:
        return 0
    if n < 30:
        return sum(1 for _ in range(n) if rng.random() < p)
    sd = math.sqrt(n * p * (1 - p))
    return min(n, max(0, round(rng.gauss(n * p, sd))))


def _money(value: float | Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _payout(spec: Spec, day: date, conversions: int, revenue: Decimal) -> Decimal:
    rate = spec.rate or Decimal(0)
    if spec.model == _P.REVSHARE:
        return _money(revenue * rate / 100)
    if spec.model in (_P.CPA, _P.CPI, _P.FLAT):
        return _money(rate * conversions)
    if spec.model == _P.HYBRID:
        return _money(revenue * rate / 100 + HYBRID_BOUNTY * conversions)
    return Decimal("0.00")


def daily_rows(seed: int, spec: Spec, today: date, days: int) -> list[dict[str, Any]]:
    """Daily rows for one partner from its own random stream (stable as the program grows)."""
    rng = random.Random(f"{seed}/{spec.key}")
    assert spec.joined_ago is not None
    joined = today - timedelta(days=spec.joined_ago)
    first = max(joined, today - timedelta(days=days))
    last = today - timedelta(days=1 + (spec.stop_ago or 0))
    dip = _WEEKEND_DIP.get(spec.type, 0.28)
    quiet_from = today - timedelta(days=34)
    spike_from = today - timedelta(days=21)
    rows: list[dict[str, Any]] = []
    drift = 0.0
    day = first
    while day <= last:
        age = (day - joined).days
        ramp = min(1.0, 0.3 + 0.7 * age / 60)
        growth = (1 + spec.growth) ** ((day - today).days / 365)
        drift = 0.92 * drift + rng.gauss(0, 0.035)
        noise = math.exp(drift + rng.gauss(0, 0.10))
        mean = spec.clicks * ramp * growth * season(day) * weekday(day, dip) * noise
        quiet = spec.story == "quiet" and day >= quiet_from
        clicks = _count(rng, mean * (0.35 if quiet else 1.0))
        leads = _thin(rng, clicks, spec.lead_rate * math.exp(rng.gauss(0, 0.05)))
        conversions = 0 if quiet else _thin(rng, leads, spec.conv_rate)
        spike = spec.story == "reversals" and day >= spike_from
        reversals = _thin(rng, conversions, 0.35 if spike else spec.reversal_rate)
        revenue = _money(max(0.0, conversions * spec.aov * rng.gauss(1.0, 0.06)))
        rows.append(
            {
                "day": day,
                "clicks": clicks,
                "leads": leads,
                "conversions": conversions,
                "revenue": revenue,
                "payout": _payout(spec, day, conversions, revenue),
                "reversals": reversals,
            }
        )
        day += timedelta(days=1)
    return rows
