"""What planners supply: the argument models of the draft tools, and the purpose or format
chosen when a planner leaves it out. The `@tool` registrations live in `tools.drafts`."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from storage.models import Partner, PartnerStatus, PartnerType
from tools.drafts.common import QUIET_DAYS, ContentFormat, Purpose, days_words
from tools.drafts.figures import last_conversion, window_words
from tools.qbr import day_text

_FORMAT_BY_TYPE: dict[str, ContentFormat] = {
    PartnerType.INFLUENCER: "social_posts",
    PartnerType.CONTENT: "blog_outline",
    PartnerType.CHANNEL: "webinar_plan",
    PartnerType.AGENCY: "webinar_plan",
}
_NOT_PARTNERS: dict[str, str] = {
    PartnerStatus.PROSPECT: "is a prospect",
    PartnerStatus.APPLIED: "has applied but isn't a partner yet",
    PartnerStatus.CHURNED: "used to be a partner (churned)",
    PartnerStatus.REJECTED: "was rejected before",
}


def suggest_purpose(session: Session, partner: Partner, today: date) -> tuple[Purpose, str]:
    """The outreach a partner most likely needs, with the reason in words."""
    if partner.status in _NOT_PARTNERS:
        return "recruit", f"{partner.name} {_NOT_PARTNERS[partner.status]}"
    last = last_conversion(session, partner, today)
    if last.day is None:
        if last.searched is not None:
            return "reengage", (
                f"{partner.name} has had no conversion in the last {window_words(last.searched)}"
            )
        return "reengage", f"{partner.name} hasn't had a conversion yet"
    days = (today - last.day).days
    if days >= QUIET_DAYS:
        return "reengage", (
            f"{partner.name} last converted on {day_text(last.day)}, {days_words(days)} ago"
        )
    if partner.type == PartnerType.B2B_BRAND:
        return "cobrand", f"{partner.name} is an active B2B brand"
    return "qbr_invite", f"{partner.name} is active and converting"


def suggest_format(partner: Partner) -> ContentFormat:
    """The content format that suits a partner type best."""
    return _FORMAT_BY_TYPE.get(partner.type, "cobranded_email")


class OutreachArgs(BaseModel):
    partner: str = Field(
        description="The partner's name as the user wrote it (any script, typos allowed)."
    )
    purpose: Purpose | None = Field(
        default=None,
        description="recruit (prospect), reengage (quiet partner), cobrand (B2B brand "
        "campaign idea) or qbr_invite (quarterly review); chosen from the partner's status "
        "and activity when absent.",
    )


class ContentArgs(BaseModel):
    partner: str = Field(
        description="The partner's name as the user wrote it (any script, typos allowed)."
    )
    format: ContentFormat | None = Field(
        default=None,
        description="blog_outline, webinar_plan, social_posts or cobranded_email; chosen "
        "from the partner's type when absent.",
    )
