"""What the offline router says when it does not call a tool: help, refusals, question options.

Clarifying options are written as requests the router itself routes to a tool call, so a
client can offer them as buttons that simply send the option's text back.
"""

from __future__ import annotations

from collections.abc import Sequence

HELP_TEXT = """I answer questions about your partner program from its data. For example:
• Partner profile — "who is Northwind?", "who owns the Helios account?"
• Lists and counts — "list gold affiliates in the UK", "how many partners are paused?",
  "who are our newest partners?", "what's in the pipeline?", "partners per manager"
• Performance — "how did Northwind do last month?", "gold tier revenue YTD vs last year"
• Rankings and trends — "top 10 by EPC this quarter", "weekly clicks chart for Atlas"
• Breakdowns — "revenue by partner type last quarter", "conversions by tier this month"
• Comparisons — "compare Northwind and Helios last month"
• Goals — "are we on track for the Q4 revenue goal?"
• Applications — "any pending applications?", "show the Kestrel application"
• Insights — "who's gone quiet?", "any reversal spikes?", "biggest movers this month",
  "who should we recruit next?"
• QBRs and drafts — "QBR for Northwind Q3", "draft a re-engagement email to Lumen",
  "blog outline with Smith & Sons"
Approvals happen only with the `/partners approve` slash command."""

GREETING_TEXT = "Happy to help. " + HELP_TEXT

WRITE_TEXT = (
    "I can't change anything from a chat message — I only read and draft. "
    "Applications are approved or rejected by an authorised approver with the "
    "`/partners approve` slash command (or `partnerops applications approve` on the CLI). "
    "Partner details such as commission, tier, owner or status change in your partner "
    "platform and arrive with the next import."
)

OUT_OF_SCOPE_TEXT = (
    "That's outside what I can help with. I answer questions about your partner program: "
    "partners, performance, rankings, goals, applications, QBRs and outreach drafts. "
    'Ask "help" for examples.'
)

NO_CONTEXT_QUESTION = "What would you like to know? I don't have an earlier question to build on."
NO_CONTEXT_OPTIONS = [
    "How are we doing this month?",
    "Top partners last month",
    "Who's gone quiet?",
]

INTENT_LABELS = {
    "find_partner": "a partner's profile",
    "list_partners": "a list of partners",
    "performance": "performance figures",
    "leaderboard": "a ranking of partners",
    "performance_series": "a trend chart",
    "performance_breakdown": "a breakdown by type, tier, country or manager",
    "compare_partners": "partners side by side",
    "goal_progress": "goal progress",
    "pending_applications": "pending applications",
    "application_detail": "an application",
    "quiet_partners": "partners that went quiet",
    "reversal_anomalies": "reversal anomalies",
    "top_movers": "the biggest movers",
    "recruitment_priorities": "recruitment priorities",
    "qbr_summary": "a QBR summary",
    "draft_outreach": "an outreach email",
    "draft_content": "co-marketing content",
    "best_period": "the best or worst day, week or month",
    "metric_share": "a share of the total",
    "needs_attention": "what needs attention",
}

_WITH_PARTNER = {
    "find_partner": "Tell me about {p}",
    "performance": "How did {p} do in the last 30 days?",
    "performance_series": "Weekly revenue trend for {p}",
    "goal_progress": "Is {p} on track for its goals?",
    "qbr_summary": "QBR summary for {p}",
    "draft_outreach": "Draft a re-engagement email to {p}",
    "draft_content": "Blog outline with {p}",
}
_WITHOUT_PARTNER = {
    "list_partners": "List active partners",
    "performance": "How are we doing this month?",
    "leaderboard": "Top partners in the last 30 days",
    "performance_series": "Weekly revenue trend",
    "performance_breakdown": "Revenue by partner type this month",
    "goal_progress": "Are we on track for our goals?",
    "pending_applications": "Show pending applications",
    "quiet_partners": "Who's gone quiet?",
    "reversal_anomalies": "Any reversal spikes?",
    "top_movers": "Biggest movers this month",
    "recruitment_priorities": "Who should we recruit next?",
    "qbr_summary": "Program QBR summary",
    "best_period": "Our best month this year",
    "metric_share": "What share of revenue came from Gold partners last month?",
    "needs_attention": "Which partners need attention?",
}

PURPOSE_OPTIONS = {
    "recruit": "Draft an outreach email to recruit {p}",
    "reengage": "Draft a re-engagement email to {p}",
    "cobrand": "Email {p} about a co-branded campaign",
    "qbr_invite": "Invite {p} to their QBR",
}
FORMAT_OPTIONS = {
    "blog_outline": "Blog outline with {p}",
    "webinar_plan": "Webinar plan with {p}",
    "social_posts": "Social posts for {p}",
    "cobranded_email": "Co-branded email with {p}",
}


def example(intent: str, partner: str | None = None, partners: Sequence[str] = ()) -> str:
    """A request for `intent` (about `partner`, or `partners` for a comparison, where it can
    be) that routes to that intent."""
    if intent == "compare_partners" and len(partners) > 1:
        return f"Compare {' and '.join(partners)}"
    if partner and intent in _WITH_PARTNER:
        return _WITH_PARTNER[intent].format(p=partner)
    if intent in _WITHOUT_PARTNER:
        return _WITHOUT_PARTNER[intent]
    return "Show pending applications"


def missing_partner_question(tool: str) -> str:
    if tool == "draft_outreach":
        return "Which partner should I write to?"
    if tool == "draft_content":
        return "Which partner is this for?"
    return "Which partner do you want to look up?"


OTHER_LANGUAGE_TEXT = (
    "The offline assistant reads English only; with a language model configured "
    "(OPENAI_API_KEY or OPENAI_BASE_URL) I answer in any language. "
    "The closest question I can read:"
)

_TOOL_WHAT: dict[str, str] = {
    "find_partner": "a partner's profile",
    "list_partners": "a partner list",
    "performance": "a performance summary",
    "leaderboard": "a ranking",
    "performance_series": "a trend",
    "performance_breakdown": "a breakdown",
    "compare_partners": "a side-by-side comparison",
    "goal_progress": "goal progress",
    "pending_applications": "the application queue",
    "application_detail": "an application",
    "quiet_partners": "the quiet-partners check",
    "reversal_anomalies": "the reversal check",
    "top_movers": "the movers list",
    "recruitment_priorities": "recruitment priorities",
    "qbr_summary": "a QBR",
    "draft_outreach": "a draft email",
    "draft_content": "a content draft",
    "best_period": "a best/worst period",
    "metric_share": "a share",
    "needs_attention": "the needs-attention summary",
}

_KEY_WHAT: dict[str, str] = {
    "partners": "named partners",
    "tiers": "a tier",
    "types": "a partner type",
    "statuses": "a status",
    "countries": "a country",
    "owners": "a partner manager",
    "tags": "a tag",
    "commission_models": "a commission model",
    "period": "a period",
    "compare_to": "a comparison period",
    "metric": "a metric",
    "n": "a count",
    "order": "a top/bottom order",
    "grain": "a day or week split",
    "by": "a split by group",
    "goal": "a goal",
    "application": "an application",
    "joined": "a join date",
    "submitted": "a submission date",
    "goal_statuses": "a goal status",
}


def unplaced_reason(tool: str, key: str) -> str:
    """Why `tool` could not take `key`, as a clause: "a partner's profile has no period"."""
    if key == "excluding":
        return f"{_TOOL_WHAT.get(tool, tool.replace('_', ' '))} can't leave partners out"
    if key == "unread_exclusion":
        return "I couldn't tell which partners to leave out, so none are"
    if key == "earlier_period":
        return "there is no earlier period in this conversation, so this uses the default"
    if key == "mine":
        return (
            "I don't know whose partners are yours here; name the manager (e.g. “Maya's "
            "partners”), or ask with --user / from Slack as a manager who owns partners"
        )
    if key == "by_tag":
        return (
            "figures aren't split by tag, since a partner can carry several tags and the "
            "groups would overlap; ask for one tag's partners (e.g. “revenue of partners tagged "
            "emea”)"
        )
    if key == "language":
        return (
            "the offline assistant writes English; with a language model configured "
            "(OPENAI_API_KEY or OPENAI_BASE_URL), answers and drafts follow the language asked for"
        )
    if key == "region":
        return (
            "partners are filtered by country, not by region; name the countries, e.g. “in DE, FR”"
        )
    what = _TOOL_WHAT.get(tool, tool.replace("_", " "))
    return f"{what} can't take {_KEY_WHAT.get(key, key.replace('_', ' '))}"


_RELATIVE = frozenset(
    {"last", "this", "since", "past", "today", "yesterday", "ytd", "mtd", "qtd", "wtd", "all"}
)


def describe_call(tool: str, arguments: dict[str, object]) -> str:
    """A call as the English request that makes it, for "the closest question I can read"."""
    partners = arguments.get("partners") or (
        [arguments["partner"]] if arguments.get("partner") else []
    )
    who = " and ".join(str(p) for p in partners) if isinstance(partners, list) else ""
    words = str(arguments.get("period") or "")
    relative = words.split()[0] in _RELATIVE if words else False
    period = f" {words}" if relative else (f" in {words}" if words else "")
    metric = str(arguments.get("metric", "revenue")).replace("_", " ")
    if tool == "leaderboard":
        return f"Top {arguments.get('n', 5)} partners by {metric}{period}"
    if tool == "performance_breakdown":
        by = str(arguments.get("by", "type")).replace("_", " ")
        by = "partner type" if by == "type" else by
        return f"{metric.upper() if len(metric) <= 4 else metric.capitalize()} by {by}{period}"
    if tool == "performance" and arguments.get("metric") and not who:
        label = metric.upper() if len(metric) <= 4 else metric.capitalize()
        return f"{label}{period or ' in the last 30 days'}"
    if tool in {"performance", "compare_partners"} and who:
        return f"How did {who} do{period or ' in the last 30 days'}?"
    if tool == "performance":
        return f"How are we doing{period or ' this month'}?"
    if tool == "find_partner" and who:
        return f"Tell me about {who}"
    return example(tool, str(partners[0]) if isinstance(partners, list) and partners else None)
