"""Approving and rejecting applications from Slack — the app's only writes.

Only an explicit human act decides: `/partners approve|reject`, a button, the reject
modal; all by an approver (a user id or a member of a user group in PARTNEROPS_APPROVERS).
The tool's conditional claim makes two racing decisions end in one; the loser is told who
decided and when. The audit row records the Slack user, the channel and the source.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.render.blocks import escape, is_user_id
from bot.slack.access import REFUSAL, Asker
from bot.slack.runtime import SlackRuntime
from tools.applications import (
    AlreadyDecided,
    DecisionResult,
    approve_application,
    is_approver,
    reject_application,
    split_decision_words,
)
from tools.errors import NotAllowed, ToolError

log = logging.getLogger("partnerops.slack.approvals")

Verdict = Literal["approve", "reject"]


@dataclass(frozen=True)
class Outcome:
    """What a decision attempt came to, in words for Slack (mrkdwn, data escaped)."""

    text: str
    decided: DecisionResult | None = None
    changed: bool = False
    """True only when this attempt recorded the decision."""
    stale: bool = False
    """Someone decided it first: whatever showed it as pending is out of date."""


def who(user: str | None) -> str:
    """A Slack user id as a mention; anything else (a CLI user name) escaped."""
    if user and is_user_id(user):
        return f"<@{user}>"
    return escape(user or "someone")


def when(moment: datetime | None, tz: ZoneInfo) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return f" at {local:%H:%M} on {local.day} {local:%b %Y}"


def decided_text(result: DecisionResult, tz: ZoneInfo) -> str:
    icon = "✅" if result.decision == "approved" else "🚫"
    company = (
        f" ({escape(result.company)})"
        if result.company and result.company != result.applicant
        else ""
    )
    text = (
        f"{icon} {result.decision.capitalize()} *{escape(result.applicant)}*{company} — "
        f"application `{escape(result.application_key)}` — by {who(result.decided_by)}"
        f"{when(result.decided_at, tz)}."
    )
    if result.reason:
        text += f"\nReason: {escape(result.reason)}"
    if result.partner_key:
        action = "created" if result.partner_created else "updated"
        text += (
            f"\nPartner {action}: *{escape(result.partner_name or '')}* "
            f"(`{escape(result.partner_key)}`, {escape(result.partner_status or '')})."
        )
    return text


def already_text(error: AlreadyDecided, tz: ZoneInfo) -> str:
    text = (
        f"Application `{escape(error.application_key)}` ({escape(error.applicant)}) was "
        f"already {escape(error.status)} by {who(error.decided_by)}{when(error.decided_at, tz)}."
    )
    if error.reason:
        text += f" Reason: {escape(error.reason)}"
    return text + " Nothing was changed."


def not_an_approver(verdict: Verdict) -> str:
    return (
        f"Only approvers can {verdict} applications, and you aren't one. Ask an admin to "
        "add you (or a user group you're in) to PARTNEROPS_APPROVERS. Nothing was changed."
    )


def decide(
    rt: SlackRuntime,
    asker: Asker,
    verdict: Verdict,
    words: str,
    *,
    source: str,
    reason: str | None = None,
) -> Outcome:
    """Decide the application `words` names (with the reason after it, for commands; or
    `reason` given separately by a button or modal)."""
    access = rt.access(asker)
    if not access.allowed:
        return Outcome(REFUSAL)
    ctx = rt.context(
        asker.user_id,
        source=source,
        channel=asker.channel_id,
        name=access.person.name if access.person else None,
    )
    if not is_approver(ctx):
        log.warning("refused %s by non-approver user=%s: %s", verdict, asker.user_id, words)
        return Outcome(not_an_approver(verdict))
    try:
        with rt.session() as session:
            if reason is None:
                key, rest = split_decision_words(session, words)
                reason = rest or None
            else:
                key = words
            if verdict == "approve":
                result = approve_application(session, ctx, key, reason=reason)
            else:
                if not reason:
                    return Outcome(
                        "A reason is required to reject an application: "
                        f"`/partners reject {escape(key)} <reason>`. Nothing was changed."
                    )
                result = reject_application(session, ctx, key, reason=reason)
    except AlreadyDecided as error:
        return Outcome(already_text(error, ctx.tz), stale=True)
    except NotAllowed as error:
        return Outcome(escape(error.message))
    except ToolError as error:
        return Outcome(escape(error.message) + " Nothing was changed.")
    log.info(
        "%s application=%s by=%s source=%s channel=%s",
        result.decision,
        result.application_key,
        asker.user_id,
        source,
        asker.channel_id,
    )
    return Outcome(decided_text(result, ctx.tz), decided=result, changed=True)
