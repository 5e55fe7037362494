"""A partner's profile: who they are and how we work with them (no figures, so no period)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage.models import CommissionModel, Partner
from tools.context import ToolContext
from tools.partners.names import resolve_partner
from tools.partners.words import COMMISSION_LABELS, TYPE_LABELS
from tools.registry import tool
from tools.report import Cell, Fact, Line, Money, Percent, Report, Section


def describe_commission(
    model: str | None, rate: Decimal | None, currency: str = "USD"
) -> str | Line:
    """A commission as a person says it: '12.5% revenue share', 'CPA of $35.00 per
    conversion', 'hybrid: 4% of revenue plus a per-conversion bounty'. Words without a
    figure are a str; with one, a Line whose rate or amount the renderer formats."""
    if model is None and rate is None:
        return "not set"
    label = COMMISSION_LABELS.get(model or "", model or "")
    if rate is None:
        return f"{label}, rate not set"
    share = Percent(value=rate, exact=True)
    money = Money(amount=rate, currency=currency)
    if model is None:
        return Line.join(["rate ", rate, ", commission model not set"])
    if model == CommissionModel.REVSHARE:
        return Line.join([share, " revenue share"])
    if model == CommissionModel.CPA:
        return Line.join(["CPA of ", money, " per conversion"])
    if model == CommissionModel.CPI:
        return Line.join(["CPI of ", money, " per install"])
    if model == CommissionModel.FLAT:
        return Line.join(["flat fee of ", money, " per action"])
    if model == CommissionModel.HYBRID:
        return Line.join(["hybrid: ", share, " of revenue plus a per-conversion bounty"])
    return Line.join([f"{label} at ", rate])


class PartnerProfile(BaseModel):
    """Who a partner is and how we work with them; no performance figures, so no period."""

    name: str
    partner_key: str
    type: str
    status: str
    tier: str | None = None
    country: str | None = None
    owner: str | None = None
    exec_sponsor: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    website: str | None = None
    commission_model: str | None = None
    commission_rate: Decimal | None = None
    joined_on: date | None = None
    audience_overlap_pct: Decimal | None = None
    tags: list[str] = Field(default_factory=list)
    currency: str = "USD"

    @property
    def commission(self) -> str | Line:
        return describe_commission(self.commission_model, self.commission_rate, self.currency)

    def report(self) -> Report:
        contact = self.contact_name
        if self.contact_email:
            contact = f"{contact} <{self.contact_email}>" if contact else self.contact_email
        facts: list[tuple[str, Cell | Line]] = [
            ("Type", TYPE_LABELS.get(self.type, self.type)),
            ("Status", self.status),
            ("Tier", self.tier or "no tier"),
            ("Country", self.country),
            ("Partner manager", self.owner),
            ("Executive sponsor", self.exec_sponsor),
            ("Contact", contact),
            ("Website", self.website),
            ("Commission", self.commission),
            ("Joined", self.joined_on),
            (
                "Audience overlap",
                None
                if self.audience_overlap_pct is None
                else Percent(value=self.audience_overlap_pct),
            ),
            ("Tags", ", ".join(self.tags) if self.tags else None),
        ]
        return Report(
            title=self.name,
            scope=self.name,
            sections=[
                Section(
                    facts=[
                        Fact(label=label, value=value)
                        for label, value in facts
                        if value is not None
                    ]
                )
            ],
        )


def partner_profile(partner: Partner, *, currency: str = "USD") -> PartnerProfile:
    """The profile of one resolved partner."""
    return PartnerProfile(
        name=partner.name,
        partner_key=partner.partner_key,
        type=partner.type,
        status=partner.status,
        tier=partner.tier,
        country=partner.country,
        owner=partner.owner,
        exec_sponsor=partner.exec_sponsor,
        contact_name=partner.contact_name,
        contact_email=partner.contact_email,
        website=partner.website,
        commission_model=partner.commission_model,
        commission_rate=partner.commission_rate,
        joined_on=partner.joined_on,
        audience_overlap_pct=partner.audience_overlap_pct,
        tags=partner.tag_names,
        currency=currency,
    )


# --- registry -------------------------------------------------------------------------------


class FindPartnerArgs(BaseModel):
    partner: str = Field(description="The partner's name as the user wrote it (any script).")


@tool(
    "find_partner",
    "A partner's profile: type, status, tier, country, manager, contact, commission, tags.",
    FindPartnerArgs,
)
def run_find_partner(session: Session, ctx: ToolContext, args: FindPartnerArgs) -> PartnerProfile:
    return partner_profile(resolve_partner(session, args.partner), currency=ctx.currency)
