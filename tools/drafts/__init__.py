"""Outreach emails and co-branded content, drafted from prompt templates and the partner's data.

Every figure in a draft is computed from the database and listed in `Draft.facts`; the
wording lives in `prompts/<template>.txt`. Where data is missing (no contact, no overlap,
no activity) the code picks a variant sentence, so a draft never reads "None". Every
draft says who it goes to (`Draft.to_line`) and who signs it (`Draft.from_line`).

- `common`: the Draft result, who it is to and from, phrasing helpers, rendering
- `vocabulary`: the words per partner type, season and tag
- `figures`: recent windows, commission terms, peers and overlap rank
- `outreach`: recruit, re-engage, co-brand pitch, QBR invitation
- `content`: blog outline, webinar plan, social posts, co-branded email
- `args`: the tools' argument models and the default purpose or format

This module registers `draft_outreach` and `draft_content` in the tool registry when it is
imported, which is what `tools.registry.TOOL_MODULES` relies on.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tools.context import ToolContext
from tools.drafts.args import ContentArgs, OutreachArgs, suggest_format, suggest_purpose
from tools.drafts.common import (
    FORMATS,
    PURPOSES,
    QUIET_DAYS,
    TEMPLATES,
    ContentFormat,
    Draft,
    Purpose,
    label_with_article,
    person_name,
    sender_name,
)
from tools.drafts.content import draft_content, hashtag
from tools.drafts.outreach import draft_outreach
from tools.drafts.vocabulary import NOUNS
from tools.partners import resolve_partner
from tools.registry import tool

__all__ = [
    "FORMATS",
    "PURPOSES",
    "QUIET_DAYS",
    "TEMPLATES",
    "ContentArgs",
    "ContentFormat",
    "Draft",
    "OutreachArgs",
    "Purpose",
    "draft_content",
    "draft_outreach",
    "hashtag",
    "person_name",
    "run_content",
    "run_outreach",
    "sender_name",
    "suggest_format",
    "suggest_purpose",
]


@tool(
    "draft_outreach",
    "Draft an email to a partner: recruit (prospect), reengage (quiet partner), cobrand "
    "(B2B brand campaign idea) or qbr_invite (quarterly review invitation), with real figures.",
    OutreachArgs,
)
def run_outreach(session: Session, ctx: ToolContext, args: OutreachArgs) -> Draft:
    """Resolve the partner name, pick a purpose if none was given, and draft."""
    partner = resolve_partner(session, args.partner)
    purpose, reason = (
        (args.purpose, "") if args.purpose else suggest_purpose(session, partner, ctx.today)
    )
    draft = draft_outreach(
        session,
        partner=partner,
        purpose=purpose,
        today=ctx.today,
        sender=ctx.user_name,
        currency=ctx.currency,
    )
    if reason:
        draft.notes.insert(
            0, f"No purpose was given; drafted {label_with_article(purpose)} because {reason}."
        )
    return draft


@tool(
    "draft_content",
    "Draft co-branded content with a partner: blog_outline, webinar_plan, social_posts or "
    "cobranded_email, grounded in the partner's profile and figures.",
    ContentArgs,
)
def run_content(session: Session, ctx: ToolContext, args: ContentArgs) -> Draft:
    """Resolve the partner name, pick a format if none was given, and draft."""
    partner = resolve_partner(session, args.partner)
    fmt = args.format or suggest_format(partner)
    draft = draft_content(
        session,
        partner=partner,
        format=fmt,
        today=ctx.today,
        currency=ctx.currency,
        sender=ctx.user_name,
    )
    if args.format is None:
        plural = NOUNS.get(partner.type, ("partner", "partners"))[1]
        draft.notes.insert(
            0,
            f"No format was given; drafted {label_with_article(fmt)}, the format that suits "
            f"{plural} best.",
        )
    return draft
