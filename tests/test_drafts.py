"""Drafts: templates render cleanly for any partner, and cite the partner's real figures."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

import prompts
from storage.db import session_factory
from storage.models import DailyPerformance, Partner, PartnerTag
from tools import registry
from tools.context import ToolContext
from tools.drafts import FORMATS, PURPOSES, TEMPLATES, Draft, draft_content, draft_outreach

TODAY = date(2026, 11, 23)
LAST_90 = (TODAY - timedelta(days=89), TODAY)
PRIOR_90 = (TODAY - timedelta(days=179), TODAY - timedelta(days=90))
QUIET_SINCE = date(2026, 10, 1)
MakeRow = Callable[[date], tuple[int, int, Decimal, Decimal]]


def _usd(amount: Decimal) -> str:
    if amount >= 1000:
        return f"${amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    return f"${amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _quiet_row(day: date) -> tuple[int, int, Decimal, Decimal]:
    if day <= QUIET_SINCE:
        return 40, 2, Decimal("150.00"), Decimal("12.00")
    return 10, 0, Decimal(0), Decimal(0)


QUIET_DAYS = _days(date(2026, 6, 1), TODAY - timedelta(days=1))


def _quiet_sum(start: date, end: date) -> tuple[int, int, Decimal]:
    rows = [_quiet_row(d) for d in QUIET_DAYS if start <= d <= end]
    return sum(r[0] for r in rows), sum(r[1] for r in rows), sum((r[2] for r in rows), Decimal(0))


def _partner(session: Session, key: str, name: str, type_: str, status: str, **kw) -> Partner:
    tags = kw.pop("tags", [])
    partner = Partner(partner_key=key, name=name, type=type_, status=status, **kw)
    partner.tags = [PartnerTag(tag=t) for t in tags]
    session.add(partner)
    session.flush()
    return partner


def _rows(session: Session, partner: Partner, days: list[date], make: MakeRow) -> None:
    rows = []
    for day in days:
        clicks, conversions, revenue, payout = make(day)
        rows.append(
            {
                "partner_id": partner.id,
                "day": day,
                "clicks": clicks,
                "leads": 0,
                "conversions": conversions,
                "revenue": revenue,
                "payout": payout,
                "reversals": 0,
            }
        )
    session.execute(insert(DailyPerformance), rows)


def _peer_row(clicks: int) -> MakeRow:
    return lambda day: (clicks, 3, Decimal(90), Decimal(21))


PEER_DAYS = _days(date(2026, 10, 1), date(2026, 10, 10))
Q2_DAYS = _days(date(2026, 4, 1), date(2026, 6, 30))
Q3_DAYS = _days(date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def program(session: Session) -> Session:
    """The drafting program on both backends, for tests that check cited figures."""
    return _build(session)


@pytest.fixture
def wording_program(sqlite_engine: Engine) -> Iterator[Session]:
    """The same program on SQLite only, for tests about wording rather than numbers."""
    with session_factory(sqlite_engine)() as session:
        yield _build(session)


def _build(session: Session) -> Session:
    quiet = _partner(
        session, "quiet", "Quiet Coupons", "affiliate", "active", contact_name="Jordan Blake",
        owner="leo@partnerops.example", commission_model="cpa",
        commission_rate=Decimal("14.00"), tags=["coupon"],
    )  # fmt: skip
    _rows(session, quiet, QUIET_DAYS, _quiet_row)
    _partner(
        session, "bloom", "Bloom Beauty Lab", "influencer", "prospect", country="KR",
        owner="sam@partnerops.example", audience_overlap_pct=Decimal("23.50"),
        tags=["beauty", "skincare", "apac"],
    )  # fmt: skip
    peers = [
        ("revshare", Decimal(10), Decimal(50)),
        ("revshare", Decimal(12), Decimal(10)),
        ("revshare", Decimal(15), None),
        ("cpa", Decimal(5), None),
    ]
    for i, (model, rate, overlap) in enumerate(peers):
        peer = _partner(
            session, f"peer{i}", f"Peer Creator {i}", "influencer", "active",
            commission_model=model, commission_rate=rate, audience_overlap_pct=overlap,
        )  # fmt: skip
        _rows(session, peer, PEER_DAYS, _peer_row(100 + i))
    brand = _partner(
        session, "zabka", "Żabka Test", "b2b_brand", "active", country="PL",
        contact_name="Agnieszka Nowak", exec_sponsor="Marta Zielińska",
        owner="maya@partnerops.example", audience_overlap_pct=Decimal("31.20"),
        tags=["grocery", "convenience"],
    )  # fmt: skip
    _rows(session, brand, Q2_DAYS, lambda d: (200, 10, Decimal("800.00"), Decimal("80.00")))
    _rows(session, brand, Q3_DAYS, lambda d: (200, 10, Decimal("900.00"), Decimal("80.00")))
    _partner(session, "bare", "Bare Referral", "referral", "active")
    session.commit()
    return session


def _get(session: Session, key: str) -> Partner:
    return next(p for p in session.query(Partner).all() if p.partner_key == key)


LEFTOVER = re.compile(r"\$[A-Za-z_{]|\bNone\b|\bn/a\b|\{[a-z_]+\}")


def _clean(draft: Draft) -> None:
    for text in (draft.subject or "", draft.body):
        assert not LEFTOVER.search(text), LEFTOVER.search(text)
        assert "  ." not in text and " ," not in text and "\n\n\n" not in text


def test_every_template_file_loads_and_the_system_prompt_renders() -> None:
    for name in (*TEMPLATES, "system", "draft_instructions"):
        assert prompts.load(name).strip(), name
    system = prompts.render("system", today="23 Nov 2026", currency="USD", timezone="UTC")
    assert not re.search(r"\$[A-Za-z_{]", system)
    for rule in ("Every number comes from a tool", "period and its scope", "You only read"):
        assert rule in system
    assert "untrusted data" in system and "one short clarifying question" in system
    assert "$" not in prompts.load("draft_instructions")


def test_every_draft_reads_cleanly_for_a_partner_missing_optional_fields(
    wording_program: Session,
) -> None:
    bare = _get(wording_program, "bare")
    for purpose in PURPOSES:
        draft = draft_outreach(
            wording_program, partner=bare, purpose=purpose, today=TODAY, sender=None
        )
        _clean(draft)
        assert draft.subject
        assert draft.body.startswith("Hi Bare Referral team,")
        assert draft.body.rstrip().endswith("Best,\nThe partnerships team")
        assert draft.report().kind == "draft"
    for fmt in FORMATS:
        draft = draft_content(wording_program, partner=bare, format=fmt, today=TODAY)
        _clean(draft)
        assert "Bare Referral" in draft.body
        report = draft.report()
        assert report.kind == "draft" and report.scope == "Bare Referral"
        assert report.period is not None


def test_reengage_cites_days_since_last_conversion_and_90_days_vs_prior(
    program: Session,
) -> None:
    quiet = _get(program, "quiet")
    draft = draft_outreach(program, partner=quiet, purpose="reengage", today=TODAY, sender=None)
    clicks, conversions, revenue = _quiet_sum(*LAST_90)
    p_clicks, p_conversions, p_revenue = _quiet_sum(*PRIOR_90)

    _clean(draft)
    assert draft.period is not None and (draft.period.start, draft.period.end) == LAST_90
    assert f"It's been {(TODAY - QUIET_SINCE).days} days since" in draft.body
    assert "(the most recent was on 1 Oct 2026)" in draft.body
    assert (
        f"your links sent {clicks:,} clicks and {conversions:,} conversions worth {_usd(revenue)}, "
        f"compared with {p_clicks:,} clicks and {p_conversions:,} conversions worth "
        f"{_usd(p_revenue)} in the 90 days before."
    ) in " ".join(draft.body.split())
    threshold = math.ceil(p_conversions * 30 / 90)
    assert f"once you pass {threshold} conversions in a calendar month" in draft.body
    assert "$14.00 per conversion" in draft.body
    assert draft.body.startswith("Hi Jordan,") and draft.body.rstrip().endswith("Best,\nLeo")
    facts = {f.label: f.value for f in draft.facts}
    assert facts["Days since last conversion"] == (TODAY - QUIET_SINCE).days
    assert facts["Conversions, last 90 days"] == conversions


def test_recruit_cites_overlap_rank_fit_and_peer_commission_terms(program: Session) -> None:
    bloom = _get(program, "bloom")
    draft = draft_outreach(program, partner=bloom, purpose="recruit", today=TODAY, sender="Ana")
    body = " ".join(draft.body.split())
    peer_payout = Decimal(21) * len(PEER_DAYS) * 4
    peer_clicks = sum(100 + i for i in range(4)) * len(PEER_DAYS)

    _clean(draft)
    assert draft.subject == "A partnership idea for Bloom Beauty Lab"
    assert body.startswith("Hi Bloom Beauty Lab team,")
    assert "About 23.5% of our audience already follows Bloom Beauty Lab" in body
    assert "the 3rd highest overlap of the 4 partners and prospects we've measured" in body
    assert "As a creator in South Korea, you have an audience" in body
    assert "Your focus on beauty and skincare" in body  # the region tag is left out
    assert "a revenue share of 12.0%, the median for the 3 active creators" in body
    assert f"earned {_usd(peer_payout / peer_clicks)} per click" in body
    assert draft.body.rstrip().endswith("Best,\nAna")
    assert not draft.notes


def test_recruit_for_an_active_partner_still_drafts_and_notes_the_status(
    wording_program: Session,
) -> None:
    quiet = _get(wording_program, "quiet")
    draft = draft_outreach(
        wording_program, partner=quiet, purpose="recruit", today=TODAY, sender=None
    )

    _clean(draft)
    assert "To start, we'd offer $14.00 per conversion." in draft.body
    assert any("already a partner (status active)" in n for n in draft.notes)


def test_cobrand_pitches_a_campaign_for_the_brands_country_and_tags(program: Session) -> None:
    brand = _get(program, "zabka")
    draft = draft_outreach(program, partner=brand, purpose="cobrand", today=TODAY, sender=None)
    body = " ".join(draft.body.split())

    _clean(draft)
    assert draft.subject == "A joint holiday campaign idea for Żabka Test"
    assert body.startswith("Hi Agnieszka,")
    assert (
        "About 31.2% of our audience already follows Żabka Test, the 2nd highest overlap of the "
        "4 partners and prospects we've measured."
    ) in body
    assert (
        "a joint holiday gift guide for shoppers in Poland, built around convenience and grocery."
        in body
    )
    assert draft.body.rstrip().endswith("Best,\nMaya")
    assert not draft.notes


def test_qbr_invite_cites_last_quarter_results_change_and_suggested_goals(
    program: Session,
) -> None:
    brand = _get(program, "zabka")
    draft = draft_outreach(program, partner=brand, purpose="qbr_invite", today=TODAY, sender=None)
    body = " ".join(draft.body.split())
    q3, q2 = Decimal(900) * len(Q3_DAYS), Decimal(800) * len(Q2_DAYS)
    growth = ((q3 - q2) / q2 * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    _clean(draft)
    assert draft.period is not None and draft.period.label == "Q3 2026"
    assert draft.subject == "Your Q3 2026 review: results and plans for Q4 2026"
    assert (
        f"your links brought {_usd(q3)} in revenue from {10 * len(Q3_DAYS):,} conversions "
        f"in Q3 2026, up {growth}% on Q2 2026"
    ) in body
    assert "Goals for Q4 2026: we'd suggest about $" in body
    assert "It would be great to have Marta Zielińska join" in body


def test_content_drafts_cite_the_partners_recent_figures(program: Session) -> None:
    quiet = _get(program, "quiet")
    clicks, conversions, revenue = _quiet_sum(*LAST_90)
    blog = draft_content(program, partner=quiet, format="blog_outline", today=TODAY)
    webinar = draft_content(program, partner=quiet, format="webinar_plan", today=TODAY)

    for draft in (blog, webinar):
        _clean(draft)
        assert draft.period is not None and (draft.period.start, draft.period.end) == LAST_90
    assert f"brought {conversions:,} conversions and {_usd(revenue)} in revenue" in " ".join(
        blog.body.split()
    )
    assert "Title options\n1. " in blog.body and "Quiet Coupons' voice" in blog.body
    assert f"brought {clicks:,} clicks and {conversions:,} conversions" in " ".join(
        webinar.body.split()
    )
    assert "0:00–0:05" in webinar.body and "Promotion plan" in webinar.body


def test_social_posts_use_cobranded_hashtags_and_keep_internal_figures_out(
    wording_program: Session,
) -> None:
    brand = _get(wording_program, "zabka")
    draft = draft_content(
        wording_program, partner=brand, format="social_posts", today=TODAY, brand="Acme Goods"
    )

    _clean(draft)
    assert "#ŻabkaTest" in draft.body and "#AcmeGoodsxŻabkaTest" in draft.body
    assert "#Grocery" in draft.body
    assert "31.2" not in draft.body
    assert [line for line in draft.body.splitlines() if re.match(r"^\d\. ", line)] == [
        "1. LinkedIn (announcement)",
        "2. Instagram (feed post or carousel)",
        "3. X",
        "4. LinkedIn (follow-up, a week later)",
    ]
    email = draft_content(wording_program, partner=brand, format="cobranded_email", today=TODAY)
    assert email.subject == "Something new with Żabka Test"
    assert "Subject line options" in email.body and "Preview text:" in email.body


def test_registered_draft_tools_resolve_the_partner_and_pick_sensible_defaults(
    wording_program: Session,
) -> None:
    ctx = ToolContext(today=TODAY)

    quiet = registry.call(wording_program, ctx, "draft_outreach", {"partner": "quiet coupons"})
    assert isinstance(quiet, Draft) and quiet.name == "reengage"
    assert "No purpose was given" in quiet.notes[0]
    bloom = registry.call(wording_program, ctx, "draft_outreach", {"partner": "Bloom Beauty"})
    assert isinstance(bloom, Draft) and bloom.name == "recruit"
    explicit = registry.call(
        wording_program, ctx, "draft_outreach", {"partner": "Żabka Test", "purpose": "cobrand"}
    )
    assert isinstance(explicit, Draft) and explicit.name == "cobrand"
    content = registry.call(wording_program, ctx, "draft_content", {"partner": "bloom beauty lab"})
    assert isinstance(content, Draft) and content.name == "social_posts"
    report = content.report()
    assert report.kind == "draft" and report.title.startswith("Draft co-branded social posts")
