"""Aggregations: the monthly rollup is exact after any write, and sums match the daily rows."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from storage.models import DailyPerformance, MonthlyPerformance, Partner, WeeklyPerformance
from storage.queries import (
    SUM_NAMES,
    SumName,
    Totals,
    active_partner_count,
    converted_partners,
    count_partners,
    series,
    split_by_month,
    split_range,
    sums_by_group,
    sums_by_partner,
    totals,
    totals_by_partner,
)
from storage.queries.rankings import rank_changes, rank_partners
from tools.segment import PartnerRef, Segment

START = date(2025, 11, 20)
DAYS = 130


def _program(session: Session) -> list[tuple[int, date, int, int, int, Decimal, Decimal, int]]:
    partners = [
        Partner(partner_key=f"p{i}", name=f"P{i}", type="affiliate", status="active",
                tier=["Gold", "Silver"][i % 2])
        for i in range(4)
    ]  # fmt: skip
    session.add_all(partners)
    session.flush()
    rng = random.Random(3)
    rows = []
    for partner in partners:
        for offset in range(DAYS):
            if rng.random() < 0.15:
                continue  # missing days are normal
            conversions = rng.randint(0, 6)
            rows.append(
                (partner.id, START + timedelta(days=offset), rng.randint(0, 300),
                 rng.randint(0, 40), conversions, Decimal(rng.randint(0, 90000)) / 100,
                 Decimal(rng.randint(0, 9000)) / 100, rng.randint(0, conversions))
            )  # fmt: skip
    keys = ("partner_id", "day", "clicks", "leads", "conversions", "revenue", "payout", "reversals")
    session.execute(insert(DailyPerformance), [dict(zip(keys, r, strict=True)) for r in rows])
    session.flush()
    return rows


def _brute(rows: list[tuple[int, date, int, int, int, Decimal, Decimal, int]], start: date,
           end: date, ids: set[int] | None = None) -> Totals:  # fmt: skip
    total = Totals()
    for p, d, c, le, cv, r, pay, rv in rows:
        if start <= d <= end and (ids is None or p in ids):
            total += Totals(c, le, cv, rv, r, pay)
    return total


def _ranges() -> list[tuple[date, date]]:
    rng = random.Random(5)
    ranges = [(date(2025, 12, 1), date(2026, 2, 28)), (date(2025, 12, 1), date(2025, 12, 31)),
              (date(2025, 11, 20), date(2026, 3, 29)), (date(2026, 1, 15), date(2026, 1, 20)),
              (date(2025, 12, 31), date(2026, 2, 1))]  # fmt: skip
    for _ in range(15):
        a = START + timedelta(days=rng.randint(0, DAYS - 1))
        ranges.append((a, a + timedelta(days=rng.randint(0, 100))))
    return ranges


def test_split_by_month_covers_the_range_exactly() -> None:
    for start, end in _ranges():
        edges, months = split_by_month(start, end)
        covered = {start + timedelta(days=i) for a, b in edges for i in range((b - a).days + 1)
                   for start in [a]}  # fmt: skip
        if months is not None:
            day = months[0]
            while day <= months[1]:
                nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
                covered |= {day + timedelta(days=i) for i in range((nxt - day).days)}
                day = nxt
        expected = {start + timedelta(days=i) for i in range((end - start).days + 1)}
        assert covered == expected, (start, end)


def test_totals_match_daily_rows_for_any_range(session: Session) -> None:
    rows = _program(session)
    for start, end in _ranges():
        assert totals(session, start, end) == _brute(rows, start, end), (start, end)
    gold = set(session.scalars(select(Partner.id).where(Partner.tier == "Gold")))
    span = (date(2025, 12, 10), date(2026, 3, 5))
    # Tiers match case-insensitively, as stored values are compared folded.
    assert totals(session, *span, Segment(tiers=("gold",))) == _brute(rows, *span, gold)
    one = min(gold)
    only = Segment(partners=(PartnerRef(id=one, key="p", name="P"),))
    assert totals(session, *span, only) == _brute(rows, *span, {one})
    by_partner = totals_by_partner(session, *span)
    for partner_id, got in by_partner.items():
        assert got == _brute(rows, *span, {partner_id})
    assert sum(by_partner.values(), Totals()) == _brute(rows, *span)


def test_sums_by_partner_compares_ranges_in_one_statement(session: Session) -> None:
    rows = _program(session)
    ranges = _ranges()[:6]
    got = sums_by_partner(session, ranges)
    ids = {row[0] for row in rows}
    for partner_id in ids:
        expected = tuple(_brute(rows, start, end, {partner_id}) for start, end in ranges)
        if any(t != Totals() for t in expected):
            assert got[partner_id] == expected, partner_id
    # Only the named sums are read; the rest stay zero.
    wanted: tuple[SumName, ...] = ("conversions", "revenue")
    narrow = sums_by_partner(session, ranges[:2], Segment(tiers=("Gold",)), names=wanted)
    gold = set(session.scalars(select(Partner.id).where(Partner.tier == "Gold")))
    assert set(narrow) == gold
    for partner_id, pair in narrow.items():
        for (start, end), sums in zip(ranges[:2], pair, strict=True):
            full = _brute(rows, start, end, {partner_id})
            for name in SUM_NAMES:
                assert getattr(sums, name) == (getattr(full, name) if name in wanted else 0)


def test_count_partners_counts_rows_and_conversions(session: Session) -> None:
    rows = _program(session)
    for start, end in _ranges():
        with_rows = {p for p, d, *_ in rows if start <= d <= end}
        converted = {p for p, d, _c, _le, cv, *_ in rows if start <= d <= end and cv > 0}
        assert count_partners(session, start, end) == len(with_rows), (start, end)
        assert count_partners(session, start, end, converted=True) == len(converted)
        assert active_partner_count(session, start, end) == len(converted)
        assert converted_partners(session, start, end) == converted
    silent = date(2027, 1, 1), date(2027, 1, 31)
    assert count_partners(session, *silent) == 0


def test_rollup_stays_exact_after_updates_upserts_and_deletes(session: Session) -> None:
    rows = _program(session)
    first = rows[0]
    session.execute(
        update(DailyPerformance)
        .where(DailyPerformance.partner_id == first[0], DailyPerformance.day == first[1])
        .values(revenue=Decimal("1000.01"), clicks=1)
    )
    deleted_day = date(2026, 1, 10)
    session.execute(delete(DailyPerformance).where(DailyPerformance.day == deleted_day))
    session.flush()
    edited = [
        (p, d, 1, le, cv, Decimal("1000.01"), pay, rv) if (p, d) == (first[0], first[1])
        else (p, d, c, le, cv, r, pay, rv)
        for p, d, c, le, cv, r, pay, rv in rows
        if d != deleted_day
    ]  # fmt: skip
    for start, end in _ranges():
        assert totals(session, start, end) == _brute(edited, start, end), (start, end)


def test_rollup_drops_a_month_when_its_last_day_is_deleted(session: Session) -> None:
    _program(session)
    partner_id = session.scalars(select(Partner.id).order_by(Partner.id)).first()
    session.execute(
        delete(DailyPerformance).where(
            DailyPerformance.partner_id == partner_id,
            DailyPerformance.day >= date(2026, 1, 1),
            DailyPerformance.day <= date(2026, 1, 31),
        )
    )
    session.flush()
    months = session.scalars(
        select(MonthlyPerformance.month).where(MonthlyPerformance.partner_id == partner_id)
    ).all()
    assert date(2026, 1, 1) not in months
    assert partner_id not in totals_by_partner(session, date(2026, 1, 1), date(2026, 1, 31))


@pytest.mark.parametrize(
    ("start", "end"), [(date(2025, 12, 1), date(2026, 2, 28)), (date(2026, 1, 5), date(2026, 1, 9))]
)
def test_active_partner_count_counts_partners_with_a_conversion(
    session: Session, start: date, end: date
) -> None:
    rows = _program(session)
    expected = {p for p, d, _c, _l, cv, *_ in rows if start <= d <= end and cv > 0}
    assert active_partner_count(session, start, end) == len(expected)


def _days_of(table: object, first: date, last: date) -> list[date]:
    """Every day a rollup piece covers (a week is 7 days from its Monday, a month its days)."""
    days: list[date] = []
    bucket = first
    while bucket <= last:
        if table is DailyPerformance:
            nxt = bucket + timedelta(days=1)
        elif table is WeeklyPerformance:
            assert bucket.weekday() == 0
            nxt = bucket + timedelta(days=7)
        else:
            assert bucket.day == 1
            nxt = date(bucket.year + bucket.month // 12, bucket.month % 12 + 1, 1)
        days.extend(bucket + timedelta(days=i) for i in range((nxt - bucket).days))
        bucket = nxt
    return days


def test_split_range_covers_each_day_exactly_once_with_the_fewest_rows() -> None:
    for start, end in [*_ranges(), (date(2026, 11, 1), date(2026, 11, 22))]:
        pieces = split_range(start, end)
        covered = [d for p in pieces for d in _days_of(p.table, p.first, p.last)]
        expected = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        assert sorted(covered) == expected, (start, end)
        daily = [d for p in pieces if p.table is DailyPerformance for d in
                 _days_of(p.table, p.first, p.last)]  # fmt: skip
        assert len(daily) <= 24, (start, end, pieces)  # at most 12 loose days per edge
    november = split_range(date(2026, 11, 1), date(2026, 11, 22))
    assert sorted((p.table.__name__, p.first, p.last) for p in november) == [
        ("DailyPerformance", date(2026, 11, 1), date(2026, 11, 1)),
        ("WeeklyPerformance", date(2026, 11, 2), date(2026, 11, 16)),
    ]


def test_series_matches_daily_rows_by_day_and_by_iso_week(session: Session) -> None:
    rows = _program(session)
    for start, end in _ranges():
        for grain in ("day", "week"):
            expected: dict[date, Totals] = {}
            day = start
            while day <= end:
                key = day if grain == "day" else day - timedelta(days=day.weekday())
                expected[key] = expected.get(key, Totals()) + _brute(rows, day, day)
                day += timedelta(days=1)
            got = series(session, start, end, grain)
            assert got == sorted(expected.items()), (start, end, grain)


def test_sums_by_group_adds_each_groups_partners_and_counts_the_active_ones(
    session: Session,
) -> None:
    rows = _program(session)
    tier_of = {pid: tier for pid, tier in session.execute(select(Partner.id, Partner.tier))}
    ranges = [(date(2026, 1, 1), date(2026, 1, 31)), (date(2025, 12, 1), date(2025, 12, 31))]
    groups = {g.group: g for g in sums_by_group(session, ranges, "tier")}
    assert set(groups) == {"Gold", "Silver"}
    for tier, group in groups.items():
        ids = {pid for pid, t in tier_of.items() if t == tier}
        assert group.sums == tuple(_brute(rows, a, b, ids) for a, b in ranges), tier
        assert group.active == sum(1 for pid in ids if _brute(rows, *ranges[0], {pid}) != Totals())


def _program_with_ties(
    session: Session,
) -> list[tuple[int, date, int, int, int, Decimal, Decimal, int]]:
    """`_program` plus two partners whose every day copies partner P0's: exact ties."""
    rows = _program(session)
    first = min(r[0] for r in rows)
    twins = [
        Partner(partner_key=f"twin{i}", name=f"Twin {i}", type="affiliate", status="active")
        for i in range(2)
    ]
    session.add_all(twins)
    session.flush()
    copies = [(t.id, *r[1:]) for t in twins for r in rows if r[0] == first]
    keys = ("partner_id", "day", "clicks", "leads", "conversions", "revenue", "payout", "reversals")
    session.execute(insert(DailyPerformance), [dict(zip(keys, r, strict=True)) for r in copies])
    session.flush()
    return rows + copies


def _per_partner(
    rows: list[tuple[int, date, int, int, int, Decimal, Decimal, int]], start: date, end: date
) -> dict[int, Totals]:
    ids = {r[0] for r in rows if start <= r[1] <= end}
    return {pid: _brute(rows, start, end, {pid}) for pid in ids}


@pytest.mark.parametrize(
    ("numerator", "denominator", "minimum"),
    [
        ("revenue", None, None),
        ("clicks", None, None),
        ("conversions", "clicks", ("clicks", 100)),
        ("revenue", "payout", ("payout", Decimal("0.01"))),
        ("payout", "clicks", ("clicks", 100)),
    ],
)
def test_rank_partners_returns_the_best_n_and_every_tie_with_counts_and_totals(
    session: Session, numerator: SumName, denominator: SumName | None, minimum: Any
) -> None:
    rows = _program_with_ties(session)
    for start, end in _ranges()[:8]:
        per = _per_partner(rows, start, end)
        eligible = {
            pid: (
                Decimal(getattr(t, numerator)) / Decimal(getattr(t, denominator))
                if denominator
                else Decimal(getattr(t, numerator))
            )
            for pid, t in per.items()
            if (minimum is None or Decimal(getattr(t, minimum[0])) >= minimum[1])
            and (denominator is None or getattr(t, denominator) != 0)
        }
        for order in ("top", "bottom"):
            for n in (1, 2, 3, 7):
                got = rank_partners(
                    session,
                    start,
                    end,
                    None,
                    numerator=numerator,
                    denominator=denominator,
                    minimum=minimum,
                    n=n,
                    order=order,
                )
                values = sorted(eligible.values(), reverse=order == "top")
                must = (
                    set()
                    if not values
                    else {
                        pid
                        for pid, v in eligible.items()
                        if (
                            v >= values[min(n, len(values)) - 1]
                            if order == "top"
                            else v <= values[min(n, len(values)) - 1]
                        )
                    }
                )
                ids = {c.id for c in got.candidates}
                assert must <= ids <= set(eligible), (start, end, order, n)
                assert all(
                    c.sums[0] == _only(per[c.id], (numerator, denominator, minimum))
                    for c in got.candidates
                )
                assert got.counts == (len(eligible),)
                assert got.with_data == len(per)
                expected = _only(_brute(rows, start, end), (numerator, denominator, minimum))
                assert got.totals == (expected,)


def _only(totals: Totals, names: tuple[Any, ...]) -> Totals:
    """`totals` with only the named sums kept (the others 0), as the ranking reads them."""
    read = {n for n in names[:2] if n} | ({names[2][0]} if names[2] else set())
    return Totals(
        *(
            getattr(totals, f) if f in read else type(getattr(totals, f))(0)
            for f in ("clicks", "leads", "conversions", "reversals", "revenue", "payout")
        )
    )


def test_rank_changes_returns_the_biggest_rises_and_falls_with_ties(session: Session) -> None:
    rows = _program_with_ties(session)
    periods = [
        ((date(2026, 1, 1), date(2026, 1, 31)), (date(2025, 12, 1), date(2025, 12, 31))),
        ((date(2026, 2, 3), date(2026, 2, 20)), (date(2026, 1, 16), date(2026, 2, 2))),
        ((date(2026, 3, 1), date(2026, 3, 29)), (date(2025, 11, 20), date(2025, 12, 18))),
    ]
    for name in ("revenue", "conversions"):
        for period, compare in periods:
            now, then = _per_partner(rows, *period), _per_partner(rows, *compare)
            deltas = {
                pid: Decimal(getattr(now.get(pid, Totals()), name))
                - Decimal(getattr(then.get(pid, Totals()), name))
                for pid in set(now) | set(then)
            }
            rises = {p: d for p, d in deltas.items() if d > 0}
            falls = {p: d for p, d in deltas.items() if d < 0}
            for n in (1, 2, 5):
                got = rank_changes(session, period, compare, None, name=name, n=n)
                ids = {c.id for c in got.candidates}
                for chosen, reverse in ((rises, True), (falls, False)):
                    values = sorted(chosen.values(), reverse=reverse)
                    if values:
                        cut = values[min(n, len(values)) - 1]
                        must = {p for p, d in chosen.items() if (d >= cut if reverse else d <= cut)}
                        assert must <= ids, (name, period, n)
                assert ids <= set(rises) | set(falls)
                assert got.counts == (len(rises), len(falls))
                assert got.with_data == len(deltas)
                assert [getattr(t, name) for t in got.totals] == [
                    getattr(_brute(rows, *period), name),
                    getattr(_brute(rows, *compare), name),
                ]


def test_series_restricted_to_a_segment_matches_its_partners_daily_rows(session: Session) -> None:
    rows = _program(session)
    gold = {
        pid for pid, tier in session.execute(select(Partner.id, Partner.tier)) if tier == "Gold"
    }
    refs = [PartnerRef(id=i, key=f"k{i}", name=f"n{i}") for i in sorted(gold)]
    for segment in (Segment(tiers=("Gold",)), Segment(partners=tuple(refs))):
        for start, end in _ranges()[:10]:
            expected: dict[date, Totals] = {}
            day = start
            while day <= end:
                key = day - timedelta(days=day.weekday())
                expected[key] = expected.get(key, Totals()) + _brute(rows, day, day, gold)
                day += timedelta(days=1)
            assert series(session, start, end, "week", segment) == sorted(expected.items())
