"""The reject modal: opened from a Reject button (approvers only), submitted with a reason."""

from __future__ import annotations

import json

from bot.slack.access import REFUSAL, Asker
from bot.slack.application_blocks import reject_modal
from bot.slack.approvals import decide, not_an_approver
from bot.slack.runtime import SlackRuntime
from bot.slack.surfaces import Surface, show_outcome, tell
from tools.applications import find_application, is_approver
from tools.errors import ToolError


def open_reject_modal(
    rt: SlackRuntime, asker: Asker, surface: Surface, key: str, trigger_id: str
) -> None:
    """Approvers get the modal; anyone else is told no, and nothing opens."""
    if not rt.access(asker).allowed:
        tell(rt, asker, surface, REFUSAL)
        return
    ctx = rt.context(asker.user_id, source="slack_button", channel=asker.channel_id)
    if not is_approver(ctx):
        tell(rt, asker, surface, not_an_approver("reject"))
        return
    try:
        with rt.session() as session:
            application = find_application(session, key)
            applicant = application.name
    except ToolError as error:
        tell(rt, asker, surface, error.message)
        return
    metadata = json.dumps({"key": key, "surface": surface.dumps()})
    rt.client.views_open(
        trigger_id=trigger_id,
        view=reject_modal(key, applicant, private_metadata=metadata),
    )


def submit_rejection(rt: SlackRuntime, asker: Asker, metadata: str, reason: str) -> None:
    data = json.loads(metadata or "{}")
    surface = Surface.loads(data.get("surface", "{}"))
    key = str(data.get("key") or "")
    asker = Asker(
        user_id=asker.user_id,
        channel_id=surface.channel,
        team_id=asker.team_id,
        direct=surface.channel is None,
    )
    outcome = decide(rt, asker, "reject", key, source="slack_modal", reason=reason)
    show_outcome(rt, asker, surface, outcome)
