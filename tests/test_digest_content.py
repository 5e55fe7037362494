"""The digest's content: the goal tool's figures exactly, changes since the previous digest,
scopes that cannot select goals said plainly, nothing to report, and scope parsing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.render.digest import digest_message, digest_text
from bot.render.values import cell
from storage.db import session_factory
from storage.demo import generate_demo
from storage.models import Goal, Partner
from storage.queries.segment import partner_ids_in, partner_refs
from tests.conftest import DEMO_TODAY
from tests.factories import partner
from tools.context import ToolContext
from tools.digest.cache import DigestCache
from tools.digest.content import build_digest
from tools.digest.scope import FORMS, DigestScope, resolve_scope, scope_segment
from tools.errors import NotFound
from tools.goals import GoalProgress, goal_amount, goal_figure, goal_progress
from tools.segment import PartnerRef, Segment

CTX = ToolContext(today=DEMO_TODAY)


@pytest.fixture
def demo(engine: Engine) -> Iterator[Session]:
    """The demo program on each backend, as of DEMO_TODAY."""
    with session_factory(engine)() as s:
        generate_demo(s, today=DEMO_TODAY, seed=7)
        s.commit()
        yield s


def _figures(g: GoalProgress) -> list[str]:
    """The figures a goal's digest line must show, formatted as the goal tool formats them."""
    shown = [cell(goal_figure(g.actual, g.metric, g.currency)), g.status]
    shown.append(cell(goal_figure(g.target, g.metric, g.currency)))
    if not g.finished:
        shown.append(cell(goal_figure(g.expected, g.metric, g.currency)))
    if g.forecast is not None and not g.finished:
        shown.append(cell(goal_figure(g.forecast, g.metric, g.currency)))
    nxt = g.next_checkpoint
    if nxt is not None:
        shown.append(cell(nxt.due_on))
        if nxt.per_day is not None and nxt.still_needed > 0:
            shown.append(cell(goal_amount(nxt.per_day, g.metric, g.currency)) + "/day")
    return shown


@pytest.mark.parametrize("words", ["program", "tier:gold"])
def test_digest_goals_are_the_goal_tools_figures(demo: Session, words: str) -> None:
    digest = build_digest(demo, CTX, DigestScope.parse(words))
    segment = scope_segment(demo, resolve_scope(demo, DigestScope.parse(words)))
    tool = {g.goal_key: g for g in goal_progress(demo, today=DEMO_TODAY, segment=segment).goals}
    if words == "tier:gold":  # the tier's own goals and its partners' goals
        refs = partner_refs(demo, partner_ids_in(demo, segment))
        members = Segment(
            partners=tuple(PartnerRef(id=i, key=k, name=n) for i, (k, n) in refs.items())
        )
        found = goal_progress(demo, today=DEMO_TODAY, segment=members).goals
        tool |= {g.goal_key: g for g in found}
    assert digest.goals, "the demo has running goals in both scopes"
    running = {k for k, g in tool.items() if not g.finished}
    assert {g.goal_key for g in digest.goals} == running  # Q3 goals ended before this week
    text = digest_text(digest)
    blocks = json.dumps(digest_message(digest).blocks, ensure_ascii=False)
    for g in digest.goals:
        assert g == tool[g.goal_key]  # every field: actual, target, expected, status, next …
        line = next(line for line in text.splitlines() if f"• {g.name}" in line)
        for figure in _figures(g):
            assert figure in line, (figure, line)
            assert figure in blocks
    if words == "tier:gold":
        assert digest.scope == DigestScope(kind="tier", value="Gold")
        assert any(g.scope.tiers == ("Gold",) for g in digest.goals)
        assert any(g.scope.partners for g in digest.goals)  # Northwind (Gold) has its own


def test_demo_program_digest_states_its_figures(demo: Session) -> None:
    """One goal by hand: Q4 revenue's line reads the goal tool's numbers in order."""
    digest = build_digest(demo, CTX, DigestScope())
    g = next(g for g in digest.goals if g.goal_key == "q4-2026-revenue")
    assert g.next_checkpoint is not None and g.next_checkpoint.per_day is not None
    line = next(
        line for line in digest_text(digest).splitlines() if "Q4 2026 partner revenue" in line
    )
    money = [goal_figure(v, "revenue", "USD") for v in (g.actual, g.target, g.expected)]
    actual, target, expected = (cell(m) for m in money)
    assert f"— {actual} of {target}" in line
    assert f"expected {expected} by now · {g.status}" in line
    assert f"needs {cell(goal_amount(g.next_checkpoint.per_day, 'revenue', 'USD'))}/day" in line
    assert g.forecast is not None
    assert line.endswith(f"forecast {cell(goal_figure(g.forecast, 'revenue', 'USD'))}")


def test_week_is_the_last_seven_full_days_against_the_seven_before(demo: Session) -> None:
    digest = build_digest(demo, CTX, DigestScope())
    assert (digest.week.start, digest.week.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert (digest.compare.start, digest.compare.end) == (date(2026, 11, 9), date(2026, 11, 15))
    assert digest.movers.order == "top" and not digest.movers.drops
    assert all(m.change > 0 for m in digest.movers.gains)
    drops = digest.attention.section("drops")
    assert drops is not None and drops.total == digest.drops.fell
    assert [r.subject for r in drops.rows] == [m.name for m in digest.drops.drops]
    assert [s.kind for s in digest.attention.sections] == ["quiet", "reversals", "drops"]
    assert digest.applications is not None and digest.applications.kind == "applications"
    assert "Gone quiet, reversal spikes, drops and top movers cover active partners." in (
        digest.notes
    )


def test_a_goal_now_at_risk_is_listed_as_newly_at_risk(demo: Session) -> None:
    first = build_digest(demo, CTX, DigestScope())
    lagging = next(g for g in first.goals if g.status == "at risk")
    previous = first.snapshot()
    json.dumps(previous)  # stored as JSON with the posted digest
    previous["goals"][lagging.goal_key]["status"] = "on track"
    previous["today"] = (DEMO_TODAY - timedelta(days=7)).isoformat()
    digest = build_digest(demo, CTX, DigestScope(), previous=previous)
    (change,) = digest.changes
    assert (change.goal_key, change.old, change.new) == (lagging.goal_key, "on track", "at risk")
    assert change.newly_lagging
    text = digest_text(digest)
    assert "Since the last digest (16 Nov 2026)" in text
    assert f"• {lagging.name}: on track → at risk (newly at risk)" in text
    assert "1 goal newly at risk or behind" in digest_message(digest).text


def test_first_digest_has_no_changes_section_and_the_same_digest_again_has_none(
    demo: Session,
) -> None:
    first = build_digest(demo, CTX, DigestScope())
    assert first.changes == [] and first.previous_today is None
    assert "Since the last digest" not in digest_text(first)
    again = build_digest(demo, CTX, DigestScope(), previous=first.snapshot())
    assert again.changes == []
    assert "No goal changed status." in digest_text(again)


def test_a_goal_missing_from_the_previous_digest_is_new(demo: Session) -> None:
    previous = {"today": "2026-11-16", "goals": {"gone": {"name": "x", "status": "odd"}}}
    digest = build_digest(demo, CTX, DigestScope(), previous=previous)
    assert {c.kind for c in digest.changes} == {"new"}
    assert len(digest.changes) == len(digest.goals)


def test_type_scope_lists_its_partners_goals_and_says_program_goals_are_not_split(
    demo: Session,
) -> None:
    digest = build_digest(demo, CTX, DigestScope.parse("type:affiliate"))
    affiliates = demo.scalars(select(Partner).where(Partner.type == "affiliate")).all()
    tool = goal_progress(demo, today=DEMO_TODAY, segment=Segment.of(*affiliates))
    assert [g for g in tool.goals if not g.finished] == digest.goals
    assert digest.goals and all(g.scope.partners for g in digest.goals)  # never program goals
    assert digest.goals_note is not None and "not by partner type" in digest.goals_note
    assert digest.goals_note in digest_text(digest)


def test_owner_scope_without_partner_goals_says_so(demo: Session) -> None:
    digest = build_digest(demo, CTX, DigestScope.parse("owner:maya"))
    assert digest.scope.value == "maya@partnerops.example"
    assert digest.goals == []
    assert digest.goals_note is not None
    assert digest.goals_note.startswith(f"No goals are set for {digest.scope.describe()}.")
    assert any("applications aren't split by partner manager" in n for n in digest.notes)
    assert not digest.nothing_to_report  # its partners still have a week to report


def test_one_cache_shares_goal_progress_between_digests(demo: Session) -> None:
    cache = DigestCache()
    one = build_digest(demo, CTX, DigestScope(), cache=cache)
    misses = cache.misses
    two = build_digest(demo, CTX, DigestScope(), cache=cache)
    assert cache.misses == misses and one == two


def test_nothing_to_report_is_said_plainly(session: Session) -> None:
    digest = build_digest(session, CTX, DigestScope())
    assert digest.nothing_to_report
    message = digest_message(digest)
    assert message.blocks
    sentence = "Nothing to report for the whole program this week"
    assert any(sentence in json.dumps(b) for b in message.blocks)
    assert "nothing to report this week" in message.text
    assert sentence in digest_text(digest)


def test_a_finished_goal_shows_once_with_its_result(session: Session) -> None:
    today = date(2026, 10, 3)
    session.add(
        Goal(goal_key="q3", name="Q3 leads", scope="program", metric="leads",
             target=Decimal(10), start=date(2026, 7, 1), end=date(2026, 9, 30))
    )  # fmt: skip
    session.commit()
    digest = build_digest(session, ToolContext(today=today), DigestScope())
    (g,) = digest.goals
    assert g.finished and g.status == "missed"
    assert "ended 30 Sep 2026: 0 of 10 (0.0%) · missed" in digest_text(digest)
    later = build_digest(session, ToolContext(today=today + timedelta(days=7)), DigestScope())
    assert later.goals == []


# --- scopes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (None, "program", ""),
        ("", "program", ""),
        ("program", "program", ""),
        ("tier:Gold", "tier", "Gold"),
        ("TIER: gold ", "tier", "gold"),
        ("type:affiliate", "type", "affiliate"),
        ("owner:U123ABC45", "owner", "U123ABC45"),
        ("owner:<@U123ABC45>", "owner", "U123ABC45"),
        ("owner:<@U123ABC45|maya>", "owner", "U123ABC45"),
    ],
)
def test_scope_parse(text: str | None, kind: str, value: str) -> None:
    scope = DigestScope.parse(text)
    assert (scope.kind, scope.value) == (kind, value)
    assert DigestScope.parse(str(scope)) == scope


@pytest.mark.parametrize("text", ["gold", "tier", "tier:", "region:EU", "program:x"])
def test_bad_scope_forms_name_the_forms(text: str) -> None:
    with pytest.raises(ValueError) as error:
        DigestScope.parse(text)
    assert FORMS in str(error.value)


def test_scope_words() -> None:
    assert DigestScope().describe() == "the whole program"
    assert DigestScope(kind="tier", value="Gold").describe() == "Gold tier"
    assert DigestScope(kind="type", value="b2b_brand").describe() == "B2B brand partners"
    assert DigestScope(kind="owner", value="U1").describe() == "partners owned by U1"
    assert DigestScope(kind="tier", value="Gold").segment_arguments() == {"tiers": ["Gold"]}


def test_resolve_scope_spells_values_as_stored(session: Session) -> None:
    session.add_all(
        [
            partner("a", tier="Gold", owner="UMAYA0001"),
            partner("b", type="influencer", tier="Silver", owner="leo@example.com"),
        ]
    )
    session.commit()

    def resolved(text: str) -> str:
        return str(resolve_scope(session, DigestScope.parse(text)))

    assert resolved("tier:gold") == "tier:Gold"
    assert resolved("type:creators") == "type:influencer"
    assert resolved("owner:<@UMAYA0001>") == "owner:UMAYA0001"
    assert resolved("owner:leo") == "owner:leo@example.com"
    assert resolved("program") == "program"
    with pytest.raises(NotFound) as error:
        resolve_scope(session, DigestScope.parse("tier:Platinum"))
    assert "Known tiers: Gold, Silver" in error.value.message
    with pytest.raises(NotFound):
        resolve_scope(session, DigestScope.parse("owner:nobody"))


def test_a_digest_says_when_the_latest_data_is_older_than_its_last_day(demo: Session) -> None:
    later = ToolContext(today=DEMO_TODAY + timedelta(days=9))
    digest = build_digest(demo, later, DigestScope())
    stale = [n for n in digest.notes if "latest data is from" in n]
    assert stale and "missing, not zero" in stale[0]
    assert not any("latest data is from" in n for n in build_digest(demo, CTX, DigestScope()).notes)
