"""Insights a partner manager acts on: who went quiet, reversal spikes, movers, who to recruit.

Every figure is computed from the daily performance rows; the thresholds and weights that
turn figures into flags and scores are the module constants below, stated back in each
report so a reader can check the rule.

Quiet partners
    Active partners with no conversions from `today - days` through today (the window is
    reported as the `days` days through yesterday; a conversion today also counts) that did
    convert before. "Prior" figures cover the QUIET_PRIOR_DAYS days ending on the last
    conversion day, i.e. what the partner delivered before it went quiet.

Reversal anomalies
    A partner is flagged when, in the period, it has at least ANOMALY_MIN_CONVERSIONS
    conversions and at least one reversal, and its reversal rate is at least
    ANOMALY_BASELINE_MULTIPLE × its own rate over the ANOMALY_BASELINE_DAYS days before the
    period and at least ANOMALY_PROGRAM_MULTIPLE × the whole program's rate in the period.
    A partner with no conversions in its baseline has no rate to compare and is not flagged.

Top movers
    Per-partner change of an additive metric (a plain sum) between two periods; ratio
    metrics are refused because their changes do not add up across partners.

Recruitment priorities
    Candidates are prospects, applicants, and approved partners with no conversion yet.
    score = 100 × (RECRUIT_WEIGHT_OVERLAP × overlap
                   + RECRUIT_WEIGHT_TYPE_FIT × type fit
                   + RECRUIT_WEIGHT_PEERS × peers), each component in 0–1:
      overlap  = the candidate's audience_overlap_pct ÷ the highest among the candidates
                 scored (missing overlap counts as 0);
      type fit = the candidate type's share of program revenue over the RECRUIT_LOOKBACK_DAYS
                 days through yesterday (all partners of that type ÷ all partners);
      peers    = median revenue per active partner of the same type over that window
                 (same type and country when at least RECRUIT_MIN_COUNTRY_PEERS such partners
                 exist; partners with no rows count as 0), ÷ the highest such median among
                 the candidates scored.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import DailyPerformance, MonthlyPerformance, Partner, PartnerStatus
from storage.queries import (
    PartnerFilter,
    Totals,
    converted_partners,
    sums_by_partner,
    totals,
)
from tools.context import ToolContext
from tools.errors import ToolError
from tools.metrics import (
    ADDITIVE_METRICS,
    METRICS,
    SUMS_READ,
    Metric,
    change,
    metric_cell,
    metric_value,
)
from tools.partners import parse_partner_type
from tools.periods import DateRange, resolve_comparison, resolve_period
from tools.registry import tool
from tools.report import Cell, Fact, Money, Percent, Ratio, Report, Section, Table

QUIET_DEFAULT_DAYS = 14
"""How many days without a conversion make an active partner 'quiet' unless asked otherwise."""
QUIET_PRIOR_DAYS = 90
"""Length of the 'before it went quiet' window, ending on the partner's last conversion day."""

ANOMALY_MIN_CONVERSIONS = 10
"""Fewer conversions than this in the period is too little volume to call a rate a spike."""
ANOMALY_BASELINE_MULTIPLE = Decimal(2)
"""A spike is at least this multiple of the partner's own baseline reversal rate..."""
ANOMALY_PROGRAM_MULTIPLE = Decimal(2)
"""...and at least this multiple of the whole program's reversal rate in the same period."""
ANOMALY_BASELINE_DAYS = 90
"""The partner's baseline: this many days immediately before the period."""
REVERSAL_WATCH = 5
"""Unflagged partners shown after the flagged ones: the highest rates with enough volume."""

RECRUIT_WEIGHT_OVERLAP = Decimal("0.50")
"""Weight of audience overlap (overlap ÷ highest overlap among candidates)."""
RECRUIT_WEIGHT_TYPE_FIT = Decimal("0.25")
"""Weight of type fit (the type's share of program revenue over the lookback window)."""
RECRUIT_WEIGHT_PEERS = Decimal("0.25")
"""Weight of similar partners' performance (peer median revenue ÷ highest peer median)."""
RECRUIT_LOOKBACK_DAYS = 180
"""Window (through yesterday) for type fit and peer performance."""
RECRUIT_MIN_COUNTRY_PEERS = 3
"""Peers are narrowed to the candidate's country only when at least this many exist there."""

_HUNDRED = Decimal(100)


def _through_yesterday(today: date, days: int, label: str) -> DateRange:
    return DateRange(start=today - timedelta(days=days), end=today - timedelta(days=1), label=label)


def _rate(numerator: int, denominator: int) -> Decimal | None:
    return None if denominator == 0 else Decimal(numerator) / Decimal(denominator)


def _pct(value: Decimal | None) -> Percent | None:
    return None if value is None else Percent(value=value * _HUNDRED)


def _times(value: Decimal | None) -> Ratio | None:
    return None if value is None else Ratio(value=value)


def _ratio_of(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    if value is None or base is None or base == 0:
        return None
    return value / base


# --- quiet partners ------------------------------------------------------------------------


class QuietPartner(BaseModel):
    partner_key: str
    name: str
    type: str
    tier: str | None
    owner: str | None
    last_conversion: date
    days_since: int
    prior: DateRange
    """The QUIET_PRIOR_DAYS days ending on the last conversion day."""
    prior_conversions: int
    prior_conversions_per_week: Decimal
    prior_revenue: Decimal


class QuietPartners(BaseModel):
    """Active partners that stopped converting, biggest prior revenue first."""

    today: date
    window: DateRange
    checked: int
    """Active partners looked at."""
    currency: str = "USD"
    partners: list[QuietPartner]

    def report(self) -> Report:
        count = len(self.partners)
        if count == 0:
            title = f"No active partner has gone quiet in the {self.window.label}"
            sections = [
                Section(text=f"All {self.checked} active partners with past conversions converted.")
            ]
        else:
            title = (
                f"{count} active partner{'s' if count != 1 else ''} with no conversions "
                f"in the {self.window.label}"
            )
            rows: list[list[Cell]] = [
                [
                    p.name,
                    p.owner,
                    p.last_conversion,
                    p.days_since,
                    p.prior_conversions_per_week,
                    Money(amount=p.prior_revenue, currency=self.currency),
                ]
                for p in self.partners
            ]
            columns = [
                "Partner",
                "Owner",
                "Last conversion",
                "Days since",
                f"Conv./week (prior {QUIET_PRIOR_DAYS}d)",
                f"Revenue (prior {QUIET_PRIOR_DAYS}d)",
            ]
            sections = [Section(table=Table(columns=columns, rows=rows))]
        return Report(
            title=title,
            period=self.window.describe(),
            scope="active partners",
            sections=sections,
            notes=[
                "Biggest prior revenue first. 'Prior' is the "
                f"{QUIET_PRIOR_DAYS} days ending on each partner's last conversion."
            ],
        )


def quiet_partners(
    session: Session, *, today: date, days: int = QUIET_DEFAULT_DAYS, currency: str = "USD"
) -> QuietPartners:
    """Active partners that converted before but not in the last `days` days: revenue at risk."""
    if days < 1:
        raise ToolError("Quiet for how long? Give a number of days of at least 1, e.g. 14.")
    window = _through_yesterday(today, days, f"last {days} days")
    active = list(
        session.scalars(select(Partner.id).where(Partner.status == PartnerStatus.ACTIVE.value))
    )
    # Only partners without a conversion in the window can be quiet: look up just their last
    # conversion and load just them (every partner's whole history costs seconds at scale).
    recent = converted_partners(session, window.start, today)
    last = _last_conversion_through(session, [i for i in active if i not in recent], today)
    quiet = [i for i, day in last.items() if day < window.start]
    found: list[QuietPartner] = []
    for partner in session.scalars(select(Partner).where(Partner.id.in_(quiet))) if quiet else ():
        last_day = last.get(partner.id)
        if last_day is None or last_day >= window.start:
            continue
        prior = DateRange(
            start=last_day - timedelta(days=QUIET_PRIOR_DAYS - 1),
            end=last_day,
            label=f"{QUIET_PRIOR_DAYS} days to last conversion",
        )
        sums = totals(session, prior.start, prior.end, PartnerFilter(partner_ids=[partner.id]))
        found.append(
            QuietPartner(
                partner_key=partner.partner_key,
                name=partner.name,
                type=partner.type,
                tier=partner.tier,
                owner=partner.owner,
                last_conversion=last_day,
                days_since=(today - last_day).days,
                prior=prior,
                prior_conversions=sums.conversions,
                prior_conversions_per_week=(
                    Decimal(sums.conversions) * 7 / QUIET_PRIOR_DAYS
                ).quantize(Decimal("0.01")),
                prior_revenue=sums.revenue,
            )
        )
    found.sort(key=lambda q: (-q.prior_revenue, q.name))
    return QuietPartners(
        today=today, window=window, checked=len(active), currency=currency, partners=found
    )


def _last_conversion_through(session: Session, ids: list[int], today: date) -> dict[int, date]:
    """Each partner's last day with a conversion up to `today`.

    The monthly rollup finds each partner's last month with conversions; only that month's
    daily rows are read. A partner whose conversions in that month all fall after `today`
    is looked up in its whole daily history.
    """
    if not ids:
        return {}
    months = (
        select(MonthlyPerformance.partner_id, func.max(MonthlyPerformance.month))
        .where(
            MonthlyPerformance.conversions > 0,
            MonthlyPerformance.month <= today,
            MonthlyPerformance.partner_id.in_(ids),
        )
        .group_by(MonthlyPerformance.partner_id)
    )
    by_month: dict[date, list[int]] = {}
    for partner_id, month in session.execute(months):
        by_month.setdefault(month, []).append(partner_id)
    last: dict[int, date] = {}
    for month, group in by_month.items():
        last.update(_last_conversion(session, group, month, min(today, _month_end(month))))
    missing = [i for group in by_month.values() for i in group if i not in last]
    if missing:
        last.update(_last_conversion(session, missing, None, today))
    return last


def _last_conversion(
    session: Session, ids: list[int], start: date | None, end: date
) -> dict[int, date]:
    stmt = select(DailyPerformance.partner_id, func.max(DailyPerformance.day)).where(
        DailyPerformance.conversions > 0,
        DailyPerformance.day <= end,
        DailyPerformance.partner_id.in_(ids),
    )
    if start is not None:
        stmt = stmt.where(DailyPerformance.day >= start)
    return {row[0]: row[1] for row in session.execute(stmt.group_by(DailyPerformance.partner_id))}


def _month_end(month: date) -> date:
    after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return after - timedelta(days=1)


# --- reversal anomalies --------------------------------------------------------------------


class ReversalCheck(BaseModel):
    partner_key: str
    name: str
    owner: str | None
    conversions: int
    reversals: int
    rate: Decimal | None
    baseline_conversions: int
    baseline_reversals: int
    baseline_rate: Decimal | None
    vs_baseline: Decimal | None
    """rate ÷ baseline_rate (None when the baseline rate is 0 or unknown)."""
    vs_program: Decimal | None
    """rate ÷ program rate in the period."""
    flagged: bool


class ReversalAnomalies(BaseModel):
    """Active partners' reversal rates against their own baseline and the program."""

    period: DateRange
    baseline: DateRange
    program_conversions: int
    program_reversals: int
    program_rate: Decimal | None
    partners_checked: int
    """Active partners with conversions in the period: everyone the rule was applied to."""
    partners: list[ReversalCheck]
    """Every flagged partner, then a watch list: the REVERSAL_WATCH highest rates among the
    others with enough volume to judge. Highest rate first."""

    @property
    def flagged(self) -> list[ReversalCheck]:
        return [p for p in self.partners if p.flagged]

    @property
    def watch(self) -> list[ReversalCheck]:
        return [p for p in self.partners if not p.flagged]

    def report(self) -> Report:
        flagged = self.flagged
        facts = [
            Fact(label="Program reversal rate", value=_pct(self.program_rate)),
            Fact(label="Program reversals", value=self.program_reversals),
            Fact(label="Partners checked", value=self.partners_checked),
        ]
        sections = [Section(facts=facts)]
        if flagged:
            title = (
                f"{len(flagged)} partner{'s' if len(flagged) != 1 else ''} with a reversal spike"
            )
            sections.append(Section(title="Flagged", table=_reversal_table(flagged)))
        else:
            title = "No reversal spikes"
            sections.append(Section(text="No active partner's reversal rate meets the rule."))
        if self.watch:
            sections.append(Section(title="Highest other rates", table=_reversal_table(self.watch)))
        return Report(
            title=title,
            period=self.period.describe(),
            scope="active partners",
            sections=sections,
            notes=[
                f"Flagged when the rate is ≥ {ANOMALY_BASELINE_MULTIPLE}× the partner's own rate "
                f"over its {self.baseline.describe()} and "
                f"≥ {ANOMALY_PROGRAM_MULTIPLE}× the program rate, with at least "
                f"{ANOMALY_MIN_CONVERSIONS} conversions in the period."
            ],
        )


def _reversal_table(checks: list[ReversalCheck]) -> Table:
    return Table(
        columns=[
            "Partner",
            "Owner",
            "Conversions",
            "Reversals",
            "Reversal rate",
            "Own baseline",
            "× baseline",
            "× program",
        ],
        rows=[
            [
                p.name,
                p.owner,
                p.conversions,
                p.reversals,
                _pct(p.rate),
                _pct(p.baseline_rate),
                _times(p.vs_baseline),
                _times(p.vs_program),
            ]
            for p in checks
        ],
    )


def reversal_anomalies(session: Session, *, period: DateRange) -> ReversalAnomalies:
    """Partners whose reversal rate spiked against their own history and the program: fraud risk."""
    baseline = DateRange(
        start=period.start - timedelta(days=ANOMALY_BASELINE_DAYS),
        end=period.start - timedelta(days=1),
        label=f"{ANOMALY_BASELINE_DAYS}-day baseline",
    )
    program = totals(session, period.start, period.end)
    program_rate = _rate(program.reversals, program.conversions)
    # Both windows in one statement, two columns each, active partners only.
    sums = sums_by_partner(
        session,
        [(period.start, period.end), (baseline.start, baseline.end)],
        PartnerFilter(status=PartnerStatus.ACTIVE.value),
        names=("conversions", "reversals"),
    )
    rated = [
        (rate, pid, now, base)
        for pid, (now, base) in sums.items()
        if now.conversions > 0 and (rate := _rate(now.reversals, now.conversions)) is not None
    ]
    flagged, others = [], []
    for rate, pid, now, base in rated:
        if _is_spike(now, rate, _rate(base.reversals, base.conversions), program_rate):
            flagged.append((rate, pid, now, base))
        elif now.conversions >= ANOMALY_MIN_CONVERSIONS:
            others.append((rate, pid, now, base))
    others.sort(key=lambda r: r[0], reverse=True)
    watch = _with_ties(others, REVERSAL_WATCH)
    shown = flagged + watch
    partners = {
        row.id: row
        for row in session.execute(
            select(Partner.id, Partner.partner_key, Partner.name, Partner.owner).where(
                Partner.id.in_([pid for _, pid, _, _ in shown])
            )
        )
    }
    checks: list[ReversalCheck] = []
    for rate, pid, now, base in shown:
        partner = partners[pid]
        base_rate = _rate(base.reversals, base.conversions)
        checks.append(
            ReversalCheck(
                partner_key=partner.partner_key,
                name=partner.name,
                owner=partner.owner,
                conversions=now.conversions,
                reversals=now.reversals,
                rate=rate,
                baseline_conversions=base.conversions,
                baseline_reversals=base.reversals,
                baseline_rate=base_rate,
                vs_baseline=_ratio_of(rate, base_rate),
                vs_program=_ratio_of(rate, program_rate),
                flagged=_is_spike(now, rate, base_rate, program_rate),
            )
        )
    checks.sort(key=lambda c: (not c.flagged, -(c.rate or Decimal(0)), c.name))
    watched = [c for c in checks if not c.flagged][:REVERSAL_WATCH]
    return ReversalAnomalies(
        period=period,
        baseline=baseline,
        program_conversions=program.conversions,
        program_reversals=program.reversals,
        program_rate=program_rate,
        partners_checked=len(rated),
        partners=[c for c in checks if c.flagged] + watched,
    )


def _is_spike(
    now: Totals, rate: Decimal | None, base_rate: Decimal | None, program_rate: Decimal | None
) -> bool:
    if now.conversions < ANOMALY_MIN_CONVERSIONS or now.reversals == 0 or rate is None:
        return False
    if base_rate is None or program_rate is None:
        return False
    return rate >= ANOMALY_BASELINE_MULTIPLE * base_rate and (
        rate >= ANOMALY_PROGRAM_MULTIPLE * program_rate
    )


_Ranked = TypeVar("_Ranked", bound=tuple[Any, ...])


# --- top movers ----------------------------------------------------------------------------


class Mover(BaseModel):
    partner_key: str
    name: str
    current: Decimal
    previous: Decimal
    change: Decimal
    change_pct: Decimal | None
    """Relative change in percent; None when the previous value was 0."""


class TopMovers(BaseModel):
    """Partners whose metric rose or fell most between two periods."""

    metric: Metric
    period: DateRange
    compare: DateRange
    n: int
    currency: str = "USD"
    program_current: Decimal
    program_previous: Decimal
    gains: list[Mover]
    drops: list[Mover]

    def report(self) -> Report:
        label = METRICS[self.metric].label
        program = Fact(
            label=f"Program {label.lower()}",
            value=metric_cell(self.program_current, self.metric, self.currency),
            change=change(
                self.program_current,
                self.program_previous,
                metric=self.metric,
                against=self.compare.label,
                currency=self.currency,
            ),
        )
        sections = [Section(facts=[program])]
        for title, movers in (("Biggest gains", self.gains), ("Biggest drops", self.drops)):
            if not movers:
                sections.append(Section(title=title, text="None."))
                continue
            sections.append(Section(title=title, table=self._table(movers)))
        return Report(
            title=f"Top movers by {label.lower()}",
            period=f"{self.period.describe()} vs {self.compare.describe()}",
            scope="whole program",
            sections=sections,
            notes=[f"Up to {self.n} each way, ranked by absolute change."],
        )

    def _table(self, movers: list[Mover]) -> Table:
        return Table(
            columns=["Partner", self.period.label, self.compare.label, "Change", "Change %"],
            rows=[
                [
                    m.name,
                    metric_cell(m.current, self.metric, self.currency),
                    metric_cell(m.previous, self.metric, self.currency),
                    metric_cell(m.change, self.metric, self.currency),
                    None if m.change_pct is None else Percent(value=m.change_pct),
                ]
                for m in movers
            ],
        )


def top_movers(
    session: Session,
    *,
    metric: Metric,
    period: DateRange,
    compare: DateRange,
    n: int = 5,
    currency: str = "USD",
) -> TopMovers:
    """The partners whose additive metric gained or dropped most, to explain a program change."""
    if metric not in ADDITIVE_METRICS:
        label = METRICS[metric].label
        raise ToolError(
            f"Top movers compares sums, and {label} is a ratio, whose per-partner changes "
            "don't add up to the program's. Ask for movers by revenue, conversions, clicks, "
            f"leads or payout, or for a {label} leaderboard."
        )
    if n < 1:
        raise ToolError("How many movers? Give a number of at least 1, e.g. 5.")
    # One statement, one row per partner, only the metric's own column.
    sums = sums_by_partner(
        session, [(period.start, period.end), (compare.start, compare.end)], names=SUMS_READ[metric]
    )
    values = {
        pid: (_additive(now, metric), _additive(then, metric)) for pid, (now, then) in sums.items()
    }
    changed = [(now - then, pid) for pid, (now, then) in values.items() if now != then]
    # Names only for the candidates: a tie at the cut-off is broken by name, so take every
    # partner whose change reaches the n-th largest one each way.
    ups = _with_ties(sorted((c for c in changed if c[0] > 0), reverse=True), n)
    downs = _with_ties(sorted(c for c in changed if c[0] < 0), n)
    names = _partner_names(session, [pid for _, pid in ups + downs])

    def movers(picked: list[tuple[Decimal, int]], sign: int) -> list[Mover]:
        ranked = sorted(picked, key=lambda c: (-sign * c[0], names[c[1]][1]))[:n]
        result = []
        for delta, pid in ranked:
            now, then = values[pid]
            key, name = names[pid]
            result.append(
                Mover(
                    partner_key=key,
                    name=name,
                    current=now,
                    previous=then,
                    change=delta,
                    change_pct=None if then == 0 else delta / then * _HUNDRED,
                )
            )
        return result

    return TopMovers(
        metric=metric,
        period=period,
        compare=compare,
        n=n,
        currency=currency,
        # The program totals are the partners' sums added up, so the table adds up exactly.
        program_current=sum((now for now, _ in values.values()), Decimal(0)),
        program_previous=sum((then for _, then in values.values()), Decimal(0)),
        gains=movers(ups, 1),
        drops=movers(downs, -1),
    )


def _with_ties(ordered: list[_Ranked], n: int) -> list[_Ranked]:
    """The first n of `ordered` (by their first item) plus any later entry tied with the n-th.

    The caller can then break ties by name after fetching names for just these few.
    """
    if len(ordered) <= n:
        return ordered
    cut = ordered[n - 1][0]
    return ordered[:n] + [c for c in ordered[n:] if c[0] == cut]


def _additive(sums: Totals, metric: Metric) -> Decimal:
    value = metric_value(sums, metric)
    return Decimal(0) if value is None else Decimal(value)


def _partner_names(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Partner.id, Partner.partner_key, Partner.name).where(Partner.id.in_(wanted))
    )
    return {row[0]: (row[1], row[2]) for row in rows}


# --- recruitment priorities ----------------------------------------------------------------

RECRUIT_STATUSES = (
    PartnerStatus.PROSPECT.value,
    PartnerStatus.APPLIED.value,
    PartnerStatus.APPROVED.value,
)
"""Statuses considered; approved partners only while they have no conversion yet."""


class RecruitCandidate(BaseModel):
    rank: int
    partner_key: str
    name: str
    type: str
    status: str
    country: str | None
    owner: str | None
    audience_overlap_pct: Decimal | None
    overlap_component: Decimal
    type_revenue_share: Decimal
    """The type-fit component: the type's share of program revenue (0–1)."""
    peer_scope: str
    peer_count: int
    peer_median_revenue: Decimal | None
    peer_component: Decimal
    score: Decimal
    """0–100, see the module docstring for the formula."""
    why: str


class RecruitmentPriorities(BaseModel):
    """Candidates ranked by the documented recruitment score."""

    window: DateRange
    partner_type: str | None
    candidates_scored: int
    currency: str = "USD"
    candidates: list[RecruitCandidate]

    def report(self) -> Report:
        scope = "prospects, applicants and approved partners without conversions"
        if self.partner_type:
            scope = f"{self.partner_type} {scope}"
        if not self.candidates:
            return Report(
                title="No recruitment candidates",
                period=self.window.describe(),
                scope=scope,
                sections=[Section(text="There are no prospects or applicants to score.")],
            )
        rows: list[list[Cell]] = [
            [
                c.rank,
                c.name,
                c.type,
                c.status,
                c.country,
                None if c.audience_overlap_pct is None else Percent(value=c.audience_overlap_pct),
                Percent(value=c.type_revenue_share * _HUNDRED),
                None
                if c.peer_median_revenue is None
                else Money(amount=c.peer_median_revenue, currency=self.currency),
                c.score,
            ]
            for c in self.candidates
        ]
        table = Table(
            columns=[
                "#",
                "Candidate",
                "Type",
                "Status",
                "Country",
                "Overlap",
                "Type revenue share",
                "Peer median revenue",
                "Score",
            ],
            rows=rows,
        )
        return Report(
            title=f"Top {len(self.candidates)} recruitment priorities",
            period=self.window.describe(),
            scope=scope,
            sections=[
                Section(table=table),
                Section(title="Why", bullets=[f"{c.name}: {c.why}" for c in self.candidates]),
            ],
            notes=[
                f"Score 0–100 = {_w(RECRUIT_WEIGHT_OVERLAP)}% audience overlap (vs the highest "
                f"candidate) + {_w(RECRUIT_WEIGHT_TYPE_FIT)}% the type's share of program "
                f"revenue + {_w(RECRUIT_WEIGHT_PEERS)}% median revenue of similar active "
                "partners (vs the best peer group).",
                f"{self.candidates_scored} candidates scored.",
            ],
        )


def _w(weight: Decimal) -> str:
    return str(int(weight * _HUNDRED))


def recruitment_priorities(
    session: Session,
    *,
    today: date,
    n: int = 10,
    partner_type: str | None = None,
    currency: str = "USD",
) -> RecruitmentPriorities:
    """Rank prospects and applicants by overlap, type fit and peers, to focus outreach."""
    if n < 1:
        raise ToolError("How many candidates? Give a number of at least 1, e.g. 10.")
    window = _through_yesterday(today, RECRUIT_LOOKBACK_DAYS, f"last {RECRUIT_LOOKBACK_DAYS} days")
    # Columns, not Partner objects: loading thousands of partners with their tags costs
    # more than every sum this tool needs.
    stmt = select(
        Partner.id,
        Partner.partner_key,
        Partner.name,
        Partner.type,
        Partner.status,
        Partner.country,
        Partner.owner,
        Partner.audience_overlap_pct,
    ).where(Partner.status.in_(RECRUIT_STATUSES))
    if partner_type is not None:
        stmt = stmt.where(Partner.type == partner_type)
    pool = list(session.execute(stmt))
    converted = _ever_converted(
        session, [p.id for p in pool if p.status == PartnerStatus.APPROVED.value]
    )
    pool = [p for p in pool if p.id not in converted]

    revenue = {
        pid: sums[0].revenue
        for pid, sums in sums_by_partner(
            session, [(window.start, window.end)], names=("revenue",)
        ).items()
    }
    all_partners = [
        (row[0], row[1], row[2], row[3])
        for row in session.execute(
            select(Partner.id, Partner.type, Partner.status, Partner.country)
        )
    ]
    program_revenue = sum(revenue.values(), Decimal(0))
    type_share = _type_shares(all_partners, revenue, program_revenue)
    peer_groups = _PeerGroups(
        [row for row in all_partners if row[2] == PartnerStatus.ACTIVE.value], revenue
    )
    peers = {p.id: peer_groups.like(p.type, p.country) for p in pool}
    max_overlap = max((p.audience_overlap_pct or Decimal(0) for p in pool), default=Decimal(0))
    max_median = max(
        (median for _, _, median in peers.values() if median is not None), default=Decimal(0)
    )
    scored: list[tuple[Decimal, Decimal, str, str, Any, Decimal, Decimal]] = []
    for partner in pool:
        overlap = partner.audience_overlap_pct or Decimal(0)
        overlap_c = overlap / max_overlap if max_overlap > 0 else Decimal(0)
        median = peers[partner.id][2]
        peer_c = median / max_median if median is not None and max_median > 0 else Decimal(0)
        score = _HUNDRED * (
            RECRUIT_WEIGHT_OVERLAP * overlap_c
            + RECRUIT_WEIGHT_TYPE_FIT * type_share.get(partner.type, Decimal(0))
            + RECRUIT_WEIGHT_PEERS * peer_c
        )
        key = (-score.quantize(Decimal("0.01")), -overlap, partner.name, partner.partner_key)
        scored.append((*key, partner, overlap_c, peer_c))
    # Models only for the n shown; the pool can be thousands of prospects.
    scored.sort(key=lambda c: c[:4])
    ranked = []
    for rank, (neg_score, _, _, _, partner, overlap_c, peer_c) in enumerate(scored[:n], start=1):
        share = type_share.get(partner.type, Decimal(0))
        peer_scope, peer_count, median = peers[partner.id]
        overlap = partner.audience_overlap_pct
        ranked.append(
            RecruitCandidate(
                rank=rank,
                partner_key=partner.partner_key,
                name=partner.name,
                type=partner.type,
                status=partner.status,
                country=partner.country,
                owner=partner.owner,
                audience_overlap_pct=overlap,
                overlap_component=overlap_c,
                type_revenue_share=share,
                peer_scope=peer_scope,
                peer_count=peer_count,
                peer_median_revenue=median,
                peer_component=peer_c,
                score=-neg_score,
                why=_why(partner.type, overlap, max_overlap, share, peer_scope, peer_count, peer_c),
            )
        )
    return RecruitmentPriorities(
        window=window,
        partner_type=partner_type,
        candidates_scored=len(scored),
        currency=currency,
        candidates=ranked,
    )


def _ever_converted(session: Session, ids: list[int]) -> set[int]:
    """From the monthly rollup: a month sums its days, so it converted iff some day did."""
    if not ids:
        return set()
    stmt = (
        select(MonthlyPerformance.partner_id)
        .where(MonthlyPerformance.partner_id.in_(ids), MonthlyPerformance.conversions > 0)
        .distinct()
    )
    return set(session.scalars(stmt))


def _type_shares(
    partners: Iterable[tuple[int, str, str, str | None]],
    revenue: dict[int, Decimal],
    program_revenue: Decimal,
) -> dict[str, Decimal]:
    by_type: dict[str, Decimal] = {}
    for partner_id, partner_type, _status, _country in partners:
        by_type[partner_type] = by_type.get(partner_type, Decimal(0)) + revenue.get(
            partner_id, Decimal(0)
        )
    if program_revenue == 0:
        return {t: Decimal(0) for t in by_type}
    return {t: value / program_revenue for t, value in by_type.items()}


class _PeerGroups:
    """Active partners grouped by type and by (type, country), each group's median kept."""

    def __init__(
        self, active: list[tuple[int, str, str, str | None]], revenue: dict[int, Decimal]
    ) -> None:
        self._revenue = revenue
        self._by_type: dict[str, list[int]] = {}
        self._by_country: dict[tuple[str, str | None], list[int]] = {}
        for partner_id, kind, _status, country in active:
            self._by_type.setdefault(kind, []).append(partner_id)
            self._by_country.setdefault((kind, country), []).append(partner_id)
        self._seen: dict[tuple[str, str | None], tuple[str, int, Decimal | None]] = {}

    def like(self, kind: str, country: str | None) -> tuple[str, int, Decimal | None]:
        """(description, size, median revenue) of the active partners most like a candidate."""
        if (kind, country) not in self._seen:
            self._seen[(kind, country)] = self._group(kind, country)
        return self._seen[(kind, country)]

    def _group(self, kind: str, country: str | None) -> tuple[str, int, Decimal | None]:
        same_country = self._by_country.get((kind, country), []) if country else []
        if len(same_country) >= RECRUIT_MIN_COUNTRY_PEERS:
            group, scope = same_country, f"active {kind} partners in {country}"
        else:
            group, scope = self._by_type.get(kind, []), f"active {kind} partners"
        if not group:
            return (f"no active {kind} partners", 0, None)
        median = statistics.median(self._revenue.get(pid, Decimal(0)) for pid in group)
        return (scope, len(group), Decimal(median))


def _why(
    partner_type: str,
    overlap: Decimal | None,
    max_overlap: Decimal,
    share: Decimal,
    peer_scope: str,
    peer_count: int,
    peer_c: Decimal,
) -> str:
    overlap_text = (
        "no audience overlap on record"
        if overlap is None
        else f"{_whole(overlap)}% audience overlap (highest candidate {_whole(max_overlap)}%)"
    )
    share_text = f"{partner_type} partners brought {_whole(share * _HUNDRED)}% of program revenue"
    if peer_count == 0:
        peer_text = f"{peer_scope} to compare with"
    else:
        peer_text = (
            f"{peer_scope} ({peer_count}) earn {_whole(peer_c * _HUNDRED)}% "
            "of the best peer group's median"
        )
    return f"{overlap_text}; {share_text}; {peer_text}"


def _whole(value: Decimal) -> str:
    return str(value.quantize(Decimal(1)))


# --- registry adapters ---------------------------------------------------------------------


def _partner_type(text: str | None) -> str | None:
    """A planner's partner-type words ('B2B brands', 'affiliates') as the stored type value."""
    return parse_partner_type(text) if text and text.strip() else None


class QuietPartnersArgs(BaseModel):
    days: int = QUIET_DEFAULT_DAYS


class ReversalAnomaliesArgs(BaseModel):
    period: str | None = None


class TopMoversArgs(BaseModel):
    metric: Metric = "revenue"
    period: str | None = None
    compare_to: str | None = None
    n: int = 5


class RecruitmentPrioritiesArgs(BaseModel):
    n: int = 10
    partner_type: str | None = None


@tool(
    "quiet_partners",
    "Active partners that converted before but have had no conversions in the last N days.",
    QuietPartnersArgs,
)
def _run_quiet(session: Session, ctx: ToolContext, args: QuietPartnersArgs) -> QuietPartners:
    days = min(max(args.days, 1), 365)
    return quiet_partners(session, today=ctx.today, days=days, currency=ctx.currency)


@tool(
    "reversal_anomalies",
    "Partners whose reversal (refund/fraud) rate spiked against their own baseline and the "
    "program in a period.",
    ReversalAnomaliesArgs,
)
def _run_reversals(
    session: Session, ctx: ToolContext, args: ReversalAnomaliesArgs
) -> ReversalAnomalies:
    period = resolve_period(args.period, ctx.today, default="last 30 days")
    return reversal_anomalies(session, period=period)


@tool(
    "top_movers",
    "Partners with the biggest gains and drops in an additive metric (revenue, conversions, "
    "clicks, leads, payout) between a period and a comparison period.",
    TopMoversArgs,
)
def _run_movers(session: Session, ctx: ToolContext, args: TopMoversArgs) -> TopMovers:
    period = resolve_period(args.period, ctx.today, default="last 30 days")
    compare = resolve_comparison(args.compare_to, period, ctx.today)
    if compare is None:
        raise ToolError(
            "Top movers needs something to compare with, e.g. the previous period or last year."
        )
    n = min(max(args.n, 1), 50)
    return top_movers(
        session, metric=args.metric, period=period, compare=compare, n=n, currency=ctx.currency
    )


@tool(
    "recruitment_priorities",
    "Prospects and applicants ranked by audience overlap, partner-type fit and how similar "
    "active partners perform.",
    RecruitmentPrioritiesArgs,
)
def _run_recruitment(
    session: Session, ctx: ToolContext, args: RecruitmentPrioritiesArgs
) -> RecruitmentPriorities:
    n = min(max(args.n, 1), 50)
    return recruitment_priorities(
        session,
        today=ctx.today,
        n=n,
        partner_type=_partner_type(args.partner_type),
        currency=ctx.currency,
    )
