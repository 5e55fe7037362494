"""Quiet partners: partners that converted before but not lately, biggest prior revenue first.

A partner of the segment (active partners unless the question names partners or statuses)
is quiet when it has no conversion from `today - days` through today (the window is reported
as the `days` days through yesterday; a conversion today also counts) and did convert
before. "Prior" figures cover the QUIET_PRIOR_DAYS days ending on the last conversion day,
i.e. what the partner delivered before it went quiet.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage import queries
from storage.queries import activity
from tools.context import ToolContext
from tools.errors import ToolError
from tools.insights.common import active_by_default, through_yesterday
from tools.periods import DateRange
from tools.registry import tool
from tools.report import Cell, Money, Report, Section, Table
from tools.segment import PartnerRef, Segment, SegmentArgs, resolve_segment

QUIET_DEFAULT_DAYS = 14
"""How many days without a conversion make a partner 'quiet' unless asked otherwise."""
QUIET_MAX_DAYS = 365
"""The longest look-back a planner may ask for."""
QUIET_PRIOR_DAYS = 90
"""Length of the 'before it went quiet' window, ending on the partner's last conversion day."""


class QuietPartner(BaseModel):
    partner_key: str
    name: str
    type: str
    status: str
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
    """Partners that stopped converting, biggest prior revenue first."""

    today: date
    window: DateRange
    segment: Segment = Field(default_factory=Segment)
    """The partners looked at (active partners unless the question said otherwise)."""
    checked: int
    """Partners of the segment looked at."""
    currency: str = "USD"
    partners: list[QuietPartner]
    notes: list[str] = Field(default_factory=list)

    def report(self) -> Report:
        count = len(self.partners)
        scope = self.segment.describe()
        if count == 0:
            title = f"No partner has gone quiet in the {self.window.label}"
            sections = [
                Section(
                    text=f"None of the {self.checked} partners checked has gone quiet: each "
                    "converted in the window or never converted."
                )
            ]
        else:
            title = (
                f"{count} partner{'s' if count != 1 else ''} with no conversions "
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
            scope=scope,
            sections=sections,
            notes=[
                *self.notes,
                "Biggest prior revenue first. 'Prior' is the "
                f"{QUIET_PRIOR_DAYS} days ending on each partner's last conversion.",
            ],
        )


def quiet_partners(
    session: Session,
    *,
    today: date,
    days: int = QUIET_DEFAULT_DAYS,
    segment: Segment | None = None,
    currency: str = "USD",
) -> QuietPartners:
    """Partners that converted before but not in the last `days` days: revenue at risk.

    `segment` defaults to active partners (see `active_by_default`)."""
    if days < 1:
        raise ToolError("Quiet for how long? Give a number of days of at least 1, e.g. 14.")
    who = active_by_default(segment or Segment())
    window = through_yesterday(today, days, f"last {days} days")
    checked = queries.partner_ids_in(session, who)
    # Only partners without a conversion in the window can be quiet: look up just their last
    # conversion and load just them (every partner's whole history costs seconds at scale).
    recent = queries.converted_partners(session, window.start, today, who)
    last = activity.last_conversion_through(session, [i for i in checked if i not in recent], today)
    quiet = {i: day for i, day in last.items() if day < window.start}
    rows = activity.partner_rows(session, quiet)
    found: list[QuietPartner] = []
    for partner_id, last_day in quiet.items():
        row = rows[partner_id]
        prior = DateRange(
            start=last_day - timedelta(days=QUIET_PRIOR_DAYS - 1),
            end=last_day,
            label=f"{QUIET_PRIOR_DAYS} days to last conversion",
        )
        one = Segment(partners=(PartnerRef(id=row.id, key=row.key, name=row.name),))
        sums = queries.totals(session, prior.start, prior.end, one)
        found.append(
            QuietPartner(
                partner_key=row.key,
                name=row.name,
                type=row.type,
                status=row.status,
                tier=row.tier,
                owner=row.owner,
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
    found.sort(key=lambda q: (-q.prior_revenue, q.name.casefold(), q.partner_key))
    return QuietPartners(
        today=today,
        window=window,
        segment=who,
        checked=len(checked),
        currency=currency,
        partners=found,
    )


class QuietPartnersArgs(SegmentArgs):
    days: int = Field(
        QUIET_DEFAULT_DAYS,
        ge=1,
        le=QUIET_MAX_DAYS,
        description="How many days without a conversion make a partner quiet: the look-back "
        f"through yesterday; default {QUIET_DEFAULT_DAYS}.",
    )


@tool(
    "quiet_partners",
    "Partners that converted before but have had no conversions in the last N days (active "
    "partners unless statuses are given), within any segment, biggest prior revenue first.",
    QuietPartnersArgs,
)
def run_quiet(session: Session, ctx: ToolContext, args: QuietPartnersArgs) -> QuietPartners:
    resolved = resolve_segment(session, args)
    result = quiet_partners(
        session,
        today=ctx.today,
        days=args.days,
        segment=resolved.segment,
        currency=ctx.currency,
    )
    result.notes = [*resolved.notes, *result.notes]
    return result
