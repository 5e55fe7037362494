"""Goal progress: actual, expected-by-now from checkpoints, status and forecast, by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.render.text import render_text
from bot.render.values import bullet as render_bullet
from storage.models import DailyPerformance, Goal, GoalCheckpoint, Partner, PartnerTag
from tools.context import ToolContext
from tools.errors import NotFound
from tools.goals import (
    AHEAD_AT,
    AT_RISK_AT,
    ON_TRACK_AT,
    GoalProgress,
    GoalProgressArgs,
    GoalProgressList,
    expected_fraction,
    goal_progress,
    goal_segment_notes,
    goals_needing_attention,
    pace_status,
    run_goal_progress,
)
from tools.partners import PIPELINE_STATUSES
from tools.periods import DateRange, resolve_period
from tools.report import Line, Money
from tools.segment import Segment

TODAY = date(2026, 11, 16)  # data counted through 15 Nov: 46 days of Q4
Q4 = (date(2026, 10, 1), date(2026, 12, 31))  # 92 days
Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _row(partner: Partner, day: date, **values: object) -> DailyPerformance:
    base: dict[str, object] = {"clicks": 0, "leads": 0, "conversions": 0, "reversals": 0,
                               "revenue": Decimal(0), "payout": Decimal(0)}  # fmt: skip
    base.update(values)
    return DailyPerformance(partner_id=partner.id, day=day, **base)


def _goal(
    key: str,
    name: str,
    metric: str,
    target: str,
    span: tuple[date, date],
    *,
    scope: str = "program",
    tier: str | None = None,
    partner: Partner | None = None,
    checkpoints: dict[date, str] | None = None,
) -> Goal:
    return Goal(
        goal_key=key,
        name=name,
        scope=scope,
        tier=tier,
        partner_id=partner.id if partner else None,
        metric=metric,
        target=Decimal(target),
        start=span[0],
        end=span[1],
        checkpoints=[
            GoalCheckpoint(due_on=d, fraction=Decimal(f)) for d, f in (checkpoints or {}).items()
        ],
    )


def _load(session: Session) -> dict[str, Partner]:
    """Northwind 600/day + Helios 400/day revenue (Gold); Ramen (Bronze) converts only in Sep."""
    partners = {
        "northwind": Partner(partner_key="northwind", name="Northwind Traders", type="affiliate",
                             tier="Gold", status="active", owner="maya@example.com",
                             country="FR", commission_model="revshare",
                             tags=[PartnerTag(tag="vip")]),
        "helios": Partner(partner_key="helios", name="Helios Channel Partners", type="channel",
                          tier="Gold", status="active", country="DE"),
        "ramen": Partner(partner_key="ramen", name="Ramen Reviews", type="content",
                         tier="Bronze", status="active"),
    }  # fmt: skip
    session.add_all(partners.values())
    session.flush()
    nw, he, ra = partners["northwind"], partners["helios"], partners["ramen"]
    # Q4 rows run through TODAY, whose row is incomplete and must not be counted.
    for day in _days(Q4[0], TODAY):
        session.add(_row(nw, day, revenue=Decimal(600), conversions=3, clicks=50))
        session.add(_row(he, day, revenue=Decimal(400), conversions=2, clicks=30))
        session.add(_row(ra, day, clicks=10))
    for day in _days(date(2026, 9, 1), Q3[1]):
        session.add(_row(ra, day, revenue=Decimal(100), conversions=1, clicks=10))
    session.add_all(
        [
            _goal("q4-revenue", "Q4 2026 partner revenue", "revenue", "100000", Q4,
                  checkpoints={date(2026, 10, 31): "0.30", date(2026, 11, 30): "0.65"}),
            _goal("q4-gold-conversions", "Q4 2026 Gold conversions", "conversions", "920", Q4,
                  scope="tier", tier="Gold"),
            _goal("q4-northwind-revenue", "Q4 2026 Northwind revenue", "revenue", "50000", Q4,
                  scope="partner", partner=nw, checkpoints={date(2026, 11, 15): "0.5"}),
            _goal("q4-active", "Q4 2026 active partners", "active_partners", "3", Q4),
            _goal("q4-bronze-clicks", "Q4 2026 Bronze clicks", "clicks", "1150", Q4,
                  scope="tier", tier="bronze"),
            _goal("q3-revenue", "Q3 2026 partner revenue", "revenue", "5000", Q3),
            _goal("q3-conversions", "Q3 2026 conversions", "conversions", "30", Q3),
            _goal("q1-2027-revenue", "Q1 2027 partner revenue", "revenue", "1",
                  (date(2027, 1, 1), date(2027, 3, 31))),
            _goal("q2-2026-revenue", "Q2 2026 partner revenue", "revenue", "1",
                  (date(2026, 4, 1), date(2026, 6, 30))),
        ]
    )  # fmt: skip
    session.commit()
    return partners


def _by_key(goals: list[GoalProgress]) -> dict[str, GoalProgress]:
    return {g.goal_key: g for g in goals}


# --- pure pacing ----------------------------------------------------------------------------


def test_expected_fraction_interpolates_between_checkpoints_by_elapsed_days() -> None:
    start, end = Q4
    checkpoints = [(date(2026, 10, 31), Decimal("0.30")), (date(2026, 11, 30), Decimal("0.65"))]

    def at(day: date) -> Decimal:
        return expected_fraction(start, end, checkpoints, day)

    assert at(date(2026, 9, 30)) == 0  # nothing counted yet
    assert at(date(2026, 10, 10)) == Decimal("0.30") * 10 / 31  # 10 of the first 31 days
    assert at(date(2026, 10, 31)) == Decimal("0.30")
    assert at(date(2026, 11, 15)) == Decimal("0.475")  # 0.30 + 15/30 × 0.35
    assert at(date(2026, 12, 16)) == Decimal("0.65") + Decimal("0.35") * 16 / 31
    assert at(date(2026, 12, 31)) == 1
    assert at(date(2027, 2, 1)) == 1


def test_expected_fraction_without_checkpoints_is_elapsed_over_total_days() -> None:
    start, end = Q4
    assert expected_fraction(start, end, [], date(2026, 11, 15)) == Decimal(46) / Decimal(92)
    assert expected_fraction(start, end, [], start) == Decimal(1) / Decimal(92)


def test_pace_status_thresholds_are_inclusive_lower_bounds() -> None:
    thresholds = (AHEAD_AT, ON_TRACK_AT, AT_RISK_AT)
    assert thresholds == (Decimal("1.05"), Decimal("0.95"), Decimal("0.8"))
    assert pace_status(Decimal(105), Decimal(100)) == "ahead"
    assert pace_status(Decimal("104.99"), Decimal(100)) == "on track"
    assert pace_status(Decimal(95), Decimal(100)) == "on track"
    assert pace_status(Decimal("94.99"), Decimal(100)) == "at risk"
    assert pace_status(Decimal(80), Decimal(100)) == "at risk"
    assert pace_status(Decimal("79.99"), Decimal(100)) == "behind"
    assert pace_status(Decimal(0), Decimal(0)) == "on track"  # nothing due yet


# --- progress from the database --------------------------------------------------------------


def test_checkpoint_goal_counts_full_days_and_paces_to_the_next_checkpoint(
    session: Session,
) -> None:
    _load(session)
    g = _by_key(goal_progress(session, today=TODAY).goals)["q4-revenue"]
    assert g.through == date(2026, 11, 15) and g.days_elapsed == 46 and g.days_total == 92
    assert g.actual == Decimal(46_000)  # today's 1,000 is not counted
    assert g.expected == Decimal(47_500)
    assert g.pace == Decimal(46_000) / Decimal(47_500) * 100
    assert g.status == "on track"  # 96.8 %
    assert g.attainment == Decimal(46)
    assert g.forecast == Decimal(92_000)
    nxt = g.next_checkpoint
    assert nxt is not None and not nxt.is_goal_end
    assert (nxt.due_on, nxt.amount_due, nxt.still_needed) == (
        date(2026, 11, 30), Decimal(65_000), Decimal(19_000),
    )  # fmt: skip
    assert nxt.days_left == 15 and nxt.per_day == Decimal(19_000) / 15


def test_linear_tier_goal_without_checkpoints_is_behind(session: Session) -> None:
    _load(session)
    g = _by_key(goal_progress(session, today=TODAY).goals)["q4-gold-conversions"]
    assert g.scope == Segment(tiers=("Gold",)) and g.scope.describe() == "Gold partners"
    assert g.actual == Decimal(230)  # (3 + 2) × 46 days
    assert g.expected == Decimal(460)
    assert g.status == "behind"
    assert g.forecast == Decimal(460)
    assert g.next_checkpoint is not None and g.next_checkpoint.is_goal_end
    assert g.next_checkpoint.still_needed == Decimal(690)


def test_partner_goal_on_its_checkpoint_day_is_ahead_and_next_due_is_the_end(
    session: Session,
) -> None:
    partners = _load(session)
    g = _by_key(goal_progress(session, today=TODAY).goals)["q4-northwind-revenue"]
    assert g.scope == Segment.of(partners["northwind"])
    assert g.scope.describe() == "Northwind Traders"
    assert g.actual == Decimal(27_600) and g.expected == Decimal(25_000)
    assert g.status == "ahead"  # 110.4 %
    nxt = g.next_checkpoint
    assert nxt is not None and nxt.is_goal_end and nxt.due_on == Q4[1]
    assert nxt.still_needed == Decimal(22_400) and nxt.days_left == 46


def test_tier_goal_exactly_at_80_percent_of_expected_is_at_risk(session: Session) -> None:
    _load(session)
    g = _by_key(goal_progress(session, today=TODAY).goals)["q4-bronze-clicks"]
    assert g.scope.describe() == "Bronze partners"  # the goal row says "bronze"
    assert g.actual == Decimal(460) and g.expected == Decimal(575)
    assert g.status == "at risk"


def test_active_partners_goal_counts_distinct_converting_partners_in_the_window(
    session: Session,
) -> None:
    _load(session)
    g = _by_key(goal_progress(session, today=TODAY).goals)["q4-active"]
    assert g.actual == Decimal(2)  # Ramen converted only in September
    # A level, not a running total: judged against the level due next (the target, with no
    # checkpoint before the end), not 3 × 46/92 rising from zero.
    assert g.expected == Decimal(3)
    assert g.status == "behind"
    assert g.forecast is None
    assert g.next_checkpoint is not None and g.next_checkpoint.per_day is None


def test_finished_goals_show_final_attainment(session: Session) -> None:
    _load(session)
    goals = _by_key(goal_progress(session, today=TODAY).goals)
    revenue, conversions = goals["q3-revenue"], goals["q3-conversions"]
    assert revenue.finished and revenue.actual == Decimal(3000) and revenue.status == "missed"
    assert revenue.attainment == Decimal(60) and revenue.forecast == Decimal(3000)
    assert revenue.next_checkpoint is None
    assert conversions.actual == Decimal(30) and conversions.status == "achieved"


def test_default_list_has_running_goals_first_and_skips_future_and_old_goals(
    session: Session,
) -> None:
    _load(session)
    keys = [g.goal_key for g in goal_progress(session, today=TODAY).goals]
    assert keys == [
        "q4-active",
        "q4-revenue",
        "q4-bronze-clicks",
        "q4-gold-conversions",
        "q4-northwind-revenue",
        "q3-conversions",
        "q3-revenue",
    ]


def test_goal_filter_matches_key_or_name_fragment_in_any_case(session: Session) -> None:
    _load(session)
    found = goal_progress(session, today=TODAY, goal="NORTHWIND").goals
    assert [g.goal_key for g in found] == ["q4-northwind-revenue"]
    words = goal_progress(session, today=TODAY, goal="q4 Revenue").goals
    assert [g.goal_key for g in words] == ["q4-revenue", "q4-northwind-revenue"]
    current = goal_progress(session, today=TODAY, goal="partner revenue").goals
    assert [g.goal_key for g in current] == ["q4-revenue", "q3-revenue"]  # not Q2 or Q1 2027
    future = goal_progress(session, today=TODAY, goal="q1-2027").goals
    assert [g.status for g in future] == ["not started"]
    with pytest.raises(NotFound) as error:
        goal_progress(session, today=TODAY, goal="churn")
    assert "Q4 2026 partner revenue" in error.value.options


def test_a_segment_selects_its_partners_goals_or_its_tiers_goals_or_every_goal(
    session: Session,
) -> None:
    partners = _load(session)
    nw, ramen = partners["northwind"], partners["ramen"]

    def keys(segment: Segment, goal: str | None = None) -> list[str]:
        found = goal_progress(session, today=TODAY, segment=segment, goal=goal)
        return [g.goal_key for g in found.goals]

    assert keys(Segment.of(nw)) == ["q4-northwind-revenue"]
    assert keys(Segment.of(ramen)) == []  # Ramen has no goal of its own
    assert keys(Segment.of(nw, ramen)) == ["q4-northwind-revenue"]
    assert keys(Segment(tiers=("Bronze",))) == ["q4-bronze-clicks"]  # stored as "bronze"
    assert keys(Segment(tiers=("Gold", "Bronze"))) == ["q4-bronze-clicks", "q4-gold-conversions"]
    assert keys(Segment()) == [g.goal_key for g in goal_progress(session, today=TODAY).goals]
    assert len(keys(Segment())) == 7  # program, tier and partner goals alike
    # A goal that exists but is not the segment's: an empty answer, not "no such goal".
    assert keys(Segment.of(nw), goal="gold") == []
    outside = goal_progress(session, today=TODAY, segment=Segment.of(nw), goal="gold")
    assert outside.filter_label == "goals matching “gold”, Northwind Traders"
    assert outside.segment == Segment.of(nw)


def test_period_filter_keeps_goals_overlapping_it_even_old_or_future(session: Session) -> None:
    partners = _load(session)
    ctx = ToolContext(today=TODAY)
    q4 = run_goal_progress(session, ctx, GoalProgressArgs(tiers=["gold"], period="Q4"))
    assert isinstance(q4, GoalProgressList)
    assert [g.goal_key for g in q4.goals] == ["q4-gold-conversions"]
    assert q4.filter_label == "goals in Q4 2026, Gold partners"
    assert q4.notes == []
    # Q2 ended beyond the default lookback, Q1 2027 has not started: asked for, both show.
    q2 = goal_progress(session, today=TODAY, period=resolve_period("Q2", TODAY))
    assert [g.goal_key for g in q2.goals] == ["q2-2026-revenue"]
    next_q1 = DateRange(start=date(2027, 1, 1), end=date(2027, 3, 31), label="Q1 2027")
    q1 = goal_progress(session, today=TODAY, period=next_q1)
    assert [(g.goal_key, g.status) for g in q1.goals] == [("q1-2027-revenue", "not started")]
    # A period spanning two quarters keeps both quarters' goals, partner filter still applies.
    both = goal_progress(
        session,
        today=TODAY,
        segment=Segment.of(partners["northwind"]),
        period=resolve_period("since September", TODAY),
    )
    assert [g.goal_key for g in both.goals] == ["q4-northwind-revenue"]
    spanning = goal_progress(session, today=TODAY, period=resolve_period("since Sep", TODAY))
    assert {"q3-revenue", "q4-revenue"} <= {g.goal_key for g in spanning.goals}
    assert "q2-2026-revenue" not in {g.goal_key for g in spanning.goals}


def test_goal_starting_today_has_no_elapsed_days_and_no_forecast(session: Session) -> None:
    _load(session)
    g = _by_key(goal_progress(session, today=date(2026, 10, 1), goal="q4").goals)["q4-revenue"]
    assert g.days_elapsed == 0 and g.through is None
    assert g.actual == 0 and g.expected == 0
    assert g.status == "not started"
    assert g.pace is None and g.forecast is None
    nxt = g.next_checkpoint
    assert nxt is not None and nxt.due_on == date(2026, 10, 31) and nxt.days_left == 31


def test_report_states_each_goal_period_and_what_the_next_checkpoint_needs(
    session: Session,
) -> None:
    _load(session)
    progress = goal_progress(session, today=TODAY, currency="EUR")
    assert {g.currency for g in progress.goals} == {"EUR"}
    report = progress.report()
    assert report.period == "As of 16 Nov 2026 (data through 15 Nov 2026)"
    section = report.sections[0]
    assert section.table is not None
    assert section.table.columns[:6] == [
        "Goal", "Period", "Actual", "Target", "Expected by now", "Attainment",
    ]  # fmt: skip
    row = next(r for r in section.table.rows if r[0] == "Q4 2026 partner revenue")
    assert row[1] == "Q4 2026 (1 Oct – 31 Dec 2026)"
    assert row[2] == Money(amount=Decimal(46_000), currency="EUR")
    assert row[6] == "on track"
    # Figures stay typed in the bullets; the renderer formats them like the table's.
    assert all(isinstance(b, Line) for b in section.bullets)
    bullets = [render_bullet(b) for b in section.bullets]
    bullet = next(b for b in bullets if b.startswith("Q4 2026 partner revenue"))
    assert "30 Nov 2026" in bullet and "€19,000 more" in bullet
    assert "EUR" not in render_text(report)
    assert any("Q3 2026 partner revenue" in b and "missed" in b for b in bullets)
    active = next(b for b in bullets if b.startswith("Q4 2026 active partners"))
    assert "needs 1 more" in active
    # Expected partners by now is the level due next, a whole number of partners.
    goal = _by_key(progress.goals)["q4-active"]
    assert goal.expected == Decimal(3)
    counted = next(r for r in section.table.rows if r[0] == "Q4 2026 active partners")
    assert counted[4] == int(goal.expected.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_report_without_goals_says_so(session: Session) -> None:
    report = goal_progress(session, today=TODAY).report()
    assert "No goals found" in (report.sections[0].text or "")


def test_goal_progress_adapter_resolves_partner_and_tier_words(session: Session) -> None:
    _load(session)
    ctx = ToolContext(today=TODAY, currency="EUR")
    by_partner = run_goal_progress(session, ctx, GoalProgressArgs(partners=["northwind"]))
    assert isinstance(by_partner, GoalProgressList)
    assert [g.goal_key for g in by_partner.goals] == ["q4-northwind-revenue"]
    assert by_partner.currency == "EUR"
    by_tier = run_goal_progress(session, ctx, GoalProgressArgs(tiers="GOLD"))
    assert isinstance(by_tier, GoalProgressList)
    assert [g.goal_key for g in by_tier.goals] == ["q4-gold-conversions"]
    by_name = run_goal_progress(session, ctx, GoalProgressArgs(goal="active"))
    assert isinstance(by_name, GoalProgressList)
    assert [g.goal_key for g in by_name.goals] == ["q4-active"]
    with pytest.raises(NotFound):
        run_goal_progress(session, ctx, GoalProgressArgs(tiers=["Platinum"]))


def test_goals_filtered_by_status_and_metric_keep_only_those(session: Session) -> None:
    _load(session)
    ctx = ToolContext(today=TODAY)
    everything = run_goal_progress(session, ctx, GoalProgressArgs())
    assert isinstance(everything, GoalProgressList)
    for wanted in (["behind"], ["at risk", "behind"], ["ahead", "on track"]):
        result = run_goal_progress(session, ctx, GoalProgressArgs(goal_statuses=wanted))
        assert isinstance(result, GoalProgressList)
        expected = [g.goal_key for g in everything.goals if g.status in wanted]
        assert [g.goal_key for g in result.goals] == expected, wanted
        assert " or ".join(wanted) in (result.report().scope or "")
    revenue = run_goal_progress(session, ctx, GoalProgressArgs(metric="revenue"))
    assert isinstance(revenue, GoalProgressList)
    assert revenue.goals
    assert [g.goal_key for g in revenue.goals] == [
        g.goal_key for g in everything.goals if g.metric == "revenue"
    ]
    assert any(g.status not in ("behind",) for g in everything.goals)  # the filter matters


# --- what a segment can't split goals by ------------------------------------------------------


def test_dimensions_goals_are_not_split_by_are_noted_and_the_rest_still_answers(
    session: Session,
) -> None:
    _load(session)
    ctx = ToolContext(today=TODAY)
    everything = [g.goal_key for g in goal_progress(session, today=TODAY).goals]
    in_france = run_goal_progress(session, ctx, GoalProgressArgs(countries=["France"]))
    assert isinstance(in_france, GoalProgressList)
    assert [g.goal_key for g in in_france.goals] == everything
    assert in_france.notes == ["I didn't apply “FR”: goals aren't split by country."]
    assert in_france.filter_label == "running goals, and goals that ended in the last 3 months"
    assert in_france.report().notes[0] == "I didn't apply “FR”: goals aren't split by country."
    gold = run_goal_progress(
        session,
        ctx,
        GoalProgressArgs(
            tiers=["Gold"],
            types=["affiliate"],
            statuses=["active"],
            countries=["FR", "DE"],
            owners=["maya"],
            tags=["VIP"],
            commission_models=["revshare"],
        ),
    )
    assert isinstance(gold, GoalProgressList)
    assert [g.goal_key for g in gold.goals] == ["q4-gold-conversions"]
    assert gold.filter_label == "Gold partners"
    assert gold.notes == [
        "I didn't apply “affiliate”: goals aren't split by partner type.",
        "I didn't apply “active”: goals aren't split by status.",
        "I didn't apply “FR” or “DE”: goals aren't split by country.",
        "I didn't apply “maya@example.com”: goals aren't split by partner manager.",
        "I didn't apply “vip”: goals aren't split by tag.",
        "I didn't apply “revenue share”: goals aren't split by commission model.",
    ]


def test_segment_notes_name_each_dimension_in_words() -> None:
    segment = Segment(types=("b2b_brand", "content"), statuses=PIPELINE_STATUSES)
    assert goal_segment_notes(segment) == [
        "I didn't apply “B2B brand” or “content”: goals aren't split by partner type.",
        "I didn't apply “pipeline”: goals aren't split by status.",
    ]
    assert goal_segment_notes(Segment(tiers=("Gold",))) == []
    assert goal_segment_notes(Segment()) == []


def test_named_partners_win_over_tiers_with_a_note(session: Session) -> None:
    partners = _load(session)
    ctx = ToolContext(today=TODAY)
    asked = run_goal_progress(
        session, ctx, GoalProgressArgs(partners=["northwind"], tiers=["Bronze"])
    )
    assert isinstance(asked, GoalProgressList)
    assert [g.goal_key for g in asked.goals] == ["q4-northwind-revenue"]
    assert asked.notes == [
        "Northwind Traders is not among Bronze partners, so that filter was not applied: "
        "this covers Northwind Traders."
    ]
    # A segment built in code with both says so itself.
    both = Segment.of(partners["northwind"]).model_copy(update={"tiers": ("Bronze",)})
    direct = goal_progress(session, today=TODAY, segment=both)
    assert [g.goal_key for g in direct.goals] == ["q4-northwind-revenue"]
    assert direct.notes == [
        "I didn't apply “Bronze”: these are the goals set for Northwind Traders."
    ]


# --- a named goal keeps its own period --------------------------------------------------------


def test_named_goal_outside_the_period_keeps_its_own_period_with_a_note(
    session: Session,
) -> None:
    _load(session)
    ctx = ToolContext(today=TODAY)

    def ask(goal: str, period: str) -> GoalProgressList:
        result = run_goal_progress(session, ctx, GoalProgressArgs(goal=goal, period=period))
        assert isinstance(result, GoalProgressList)
        return result

    q3 = ask("q3 revenue", "last month")  # October 2026
    assert [g.goal_key for g in q3.goals] == ["q3-revenue"]
    assert q3.notes == [
        "“last month” was not applied: the goal “Q3 2026 partner revenue” has its own "
        "period, 1 Jul – 30 Sep 2026."
    ]
    assert q3.filter_label == "goals matching “q3 revenue”"
    assert q3.notes[0] in q3.report().notes
    q4 = ask("q4 revenue", "Q3")
    assert [g.goal_key for g in q4.goals] == ["q4-revenue", "q4-northwind-revenue"]
    assert q4.notes == [
        "“Q3” was not applied: the goals matching “q4 revenue” have their own period, "
        "1 Oct – 31 Dec 2026."
    ]
    mixed = ask("partner revenue", "Q1")  # Q1 2026: no partner revenue goal then
    assert [g.goal_key for g in mixed.goals] == ["q4-revenue", "q3-revenue"]
    assert mixed.notes == [
        "“Q1” was not applied: the goals matching “partner revenue” have their own "
        "periods, shown with each."
    ]


def test_named_goals_overlapping_the_period_are_narrowed_by_it_without_a_note(
    session: Session,
) -> None:
    _load(session)
    ctx = ToolContext(today=TODAY)
    q3 = run_goal_progress(session, ctx, GoalProgressArgs(goal="revenue", period="Q3"))
    assert isinstance(q3, GoalProgressList)
    assert [g.goal_key for g in q3.goals] == ["q3-revenue"]
    assert q3.notes == []
    assert q3.filter_label == "goals in Q3 2026, goals matching “revenue”"
    # The period words are stated back as given; the typed call falls back to the label.
    october = resolve_period("last month", TODAY)
    typed = goal_progress(session, today=TODAY, goal="q3 revenue", period=october)
    assert typed.notes[0].startswith("“October 2026” was not applied")


# --- goals needing attention ------------------------------------------------------------------


def test_goals_needing_attention_are_running_at_risk_or_behind_worst_pace_first(
    session: Session,
) -> None:
    partners = _load(session)

    def attention(segment: Segment, today: date = TODAY) -> list[tuple[str, str]]:
        found = goals_needing_attention(session, today=today, segment=segment, currency="EUR")
        assert {g.currency for g in found} <= {"EUR"}
        return [(g.goal_key, g.status) for g in found]

    # Gold conversions run at 50 % of expected, active partners at 2 of the 3 due, Bronze
    # clicks at 80 %; Q3 revenue (missed) is finished and the others are on track or ahead.
    assert attention(Segment()) == [
        ("q4-gold-conversions", "behind"),
        ("q4-active", "behind"),  # 2 of the 3 active partners due by the end
        ("q4-bronze-clicks", "at risk"),
    ]
    assert attention(Segment(tiers=("Bronze",))) == [("q4-bronze-clicks", "at risk")]
    assert attention(Segment.of(partners["northwind"])) == []
    # Dimensions goals aren't split by leave the same goals; the notes say so.
    in_fr = Segment(countries=("FR",))
    assert attention(in_fr) == attention(Segment())
    assert goal_segment_notes(in_fr) == ["I didn't apply “FR”: goals aren't split by country."]
    # On the day a goal starts nothing is counted yet: not "behind".
    assert attention(Segment(), today=date(2026, 10, 1)) == []
    worst = goals_needing_attention(session, today=TODAY, segment=Segment(), currency="USD")
    paces = [g.pace for g in worst]
    assert paces == sorted(p for p in paces if p is not None)


# --- goal actuals against independent sums ----------------------------------------------------


def _varied(session: Session) -> tuple[dict[str, Partner], list[tuple[int, date, dict[str, int]]]]:
    """Four partners over three tiers, each with its own daily pattern, Aug – 16 Nov 2026.

    Returns the partners and every row written (partner id, day, values), so tests can sum
    them without the database.
    """
    partners = {
        key: Partner(partner_key=key, name=name, type="affiliate", tier=tier, status="active")
        for key, name, tier in (
            ("alpha", "Alpha Deals", "Gold"),
            ("beta", "Beta Media", "Gold"),
            ("gamma", "Gamma Reviews", "Silver"),
            ("delta", "Delta Coupons", None),
        )
    }
    session.add_all(partners.values())
    session.flush()
    rows: list[tuple[int, date, dict[str, int]]] = []
    for n, partner in enumerate(partners.values(), start=1):
        for day in _days(date(2026, 8, 1), TODAY):
            if (day.toordinal() + n) % (n + 2) == 0:
                continue  # a partner skips some days
            values = {
                "clicks": (day.day * n) % 41 + 3,
                "leads": (day.day + n) % 5,
                "conversions": (day.day * (n + 1)) % 7,
                "revenue": (day.day * 37 + n * 11) % 500,
            }
            rows.append((partner.id, day, values))
            session.add(
                _row(
                    partner,
                    day,
                    clicks=values["clicks"],
                    leads=values["leads"],
                    conversions=values["conversions"],
                    revenue=Decimal(values["revenue"]) + Decimal("0.25"),
                )
            )
    alpha = partners["alpha"]
    session.add_all(
        [
            _goal("prog-revenue", "Autumn program revenue", "revenue", "90000",
                  (date(2026, 8, 14), date(2026, 12, 31)),
                  checkpoints={date(2026, 9, 30): "0.4"}),
            _goal("prog-leads", "Q3 program leads", "leads", "400", Q3),
            _goal("gold-conversions", "Gold conversions", "conversions", "2000",
                  (date(2026, 9, 17), date(2026, 11, 30)), scope="tier", tier="GOLD"),
            _goal("silver-clicks", "Silver clicks", "clicks", "3000", Q4,
                  scope="tier", tier="silver"),
            _goal("alpha-revenue", "Alpha revenue", "revenue", "20000",
                  (date(2026, 10, 6), date(2026, 11, 29)), scope="partner", partner=alpha),
            _goal("gold-active", "Gold active partners", "active_partners", "2", Q4,
                  scope="tier", tier="Gold"),
        ]
    )  # fmt: skip
    session.commit()
    return partners, rows


def test_goal_actuals_equal_sums_over_the_goals_own_partners(session: Session) -> None:
    partners, rows = _varied(session)
    ids = {key: p.id for key, p in partners.items()}
    members = {
        "prog-revenue": set(ids.values()),
        "prog-leads": set(ids.values()),
        "gold-conversions": {ids["alpha"], ids["beta"]},
        "silver-clicks": {ids["gamma"]},
        "alpha-revenue": {ids["alpha"]},
        "gold-active": {ids["alpha"], ids["beta"]},
    }
    progress = _by_key(
        goal_progress(session, today=TODAY, period=resolve_period("2026", TODAY)).goals
    )
    assert set(progress) == set(members)
    for key, goal in progress.items():
        assert goal.through is not None
        span = [
            (pid, values)
            for pid, day, values in rows
            if pid in members[key] and goal.period.start <= day <= goal.through
        ]
        if goal.metric == "active_partners":
            expected = Decimal(len({pid for pid, values in span if values["conversions"] > 0}))
        elif goal.metric == "revenue":
            expected = sum((Decimal(v["revenue"]) + Decimal("0.25") for _, v in span), Decimal(0))
        else:
            expected = Decimal(sum(v[goal.metric] for _, v in span))
        assert goal.actual == expected, key
    # The database agrees row by row with what was written (nothing lost to a rollup).
    stored = session.scalars(select(DailyPerformance)).all()
    assert len(stored) == len(rows)
    assert progress["gold-conversions"].scope == Segment(tiers=("Gold",))
    assert progress["silver-clicks"].scope.describe() == "Silver partners"
    assert progress["alpha-revenue"].scope == Segment.of(partners["alpha"])
    assert progress["prog-revenue"].scope == Segment()


def test_the_default_list_says_when_it_holds_goals_that_have_ended(session: Session) -> None:
    _load(session)
    after_q3 = goal_progress(session, today=TODAY)  # Q3 goals ended 30 Sep, still listed
    assert after_q3.filter_label == "running goals, and goals that ended in the last 3 months"
    assert {"q3-revenue", "q3-conversions"} <= {g.goal_key for g in after_q3.goals}
    during_q2 = goal_progress(session, today=date(2026, 5, 15))  # nothing has ended yet
    assert during_q2.filter_label == "all current goals"
    assert [g.goal_key for g in during_q2.goals] == ["q2-2026-revenue"]
