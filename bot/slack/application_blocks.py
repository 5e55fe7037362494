"""Block Kit for partner applications: the pending list with Approve/Reject buttons, the
line that replaces a decided one, and the reject modal. Pure functions, previewable
without Slack.

Everything an applicant typed (name, company, message) is untrusted: it goes out escaped,
and a message only ever as a rich-text quote of plain text, which Slack never interprets.
Buttons are drawn for approvers only; the listeners check again on every click.

Action ids must be unique within a message, so each button's id carries its application:
f"{APPROVE_ACTION}:{key}" / f"{REJECT_ACTION}:{key}" (its value is the key too). A listener
matches either kind with `ACTION_PATTERN` (or one kind with `re.compile(rf"^{APPROVE_ACTION}:")`)
and reads it back with `parse_action_id`.

Every mrkdwn text that carries someone else's words is `verbatim`: escaping stops `<!channel>`,
and verbatim stops Slack's automatic parsing of a bare "@channel" or "#general" typed by an
applicant, while our own `<@U…>` mentions still render.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from bot.render.blocks import clip, context_block, escape, mrkdwn_section, quote_block
from tools.applications import ApplicationList, PendingApplication
from tools.partners import TYPE_LABELS

Block = dict[str, Any]

APPROVE_ACTION = "application_approve"
"""action_id prefix of Approve buttons: the full id is f"{APPROVE_ACTION}:{key}"."""
REJECT_ACTION = "application_reject"
"""action_id prefix of Reject buttons: the full id is f"{REJECT_ACTION}:{key}"."""
REJECT_MODAL = "application_reject_modal"
"""callback_id of the reject modal."""
REASON_BLOCK = "reason"
"""block_id of the modal's reason input."""
REASON_INPUT = "reason_input"
"""action_id of the modal's reason input."""
ACTION_PATTERN = re.compile(rf"^({APPROVE_ACTION}|{REJECT_ACTION}):(.+)$", re.DOTALL)
"""Matches both buttons' action ids; group 1 is the kind, group 2 the application key."""

Verdict = Literal["approve", "reject"]

EMPTY = "No applications are waiting for a decision."
APPROVERS_ONLY = (
    "Only approvers can approve or reject applications; ask an admin to add you to "
    "PARTNEROPS_APPROVERS if you should."
)
MAX_BLOCKS = 50
"""Blocks in one message."""
MAX_TEXT = 3000
"""Characters in a section's text, a context element and a modal's private_metadata."""
MORE_HINT = (
    "narrow it with `/partners pending &lt;type or country&gt;`, e.g. `/partners pending agency`"
)
"""What the "… and N more pending" line suggests."""
_MODAL_TITLE = "Reject application"


def parse_action_id(action_id: str) -> tuple[Verdict, str] | None:
    """("approve" | "reject", application key) from a decision button's action_id, or None
    for any other action: `parse_action_id("application_reject:app-003")` is
    ("reject", "app-003"). The button's `value` holds the same key."""
    found = ACTION_PATTERN.match(action_id)
    if found is None:
        return None
    verdict: Verdict = "approve" if found.group(1) == APPROVE_ACTION else "reject"
    return verdict, found.group(2)


def pending_application_blocks(
    applications: ApplicationList,
    *,
    approver: bool,
    limit: int = 15,
    messages: Mapping[str, str] | None = None,
) -> list[Block]:
    """One section per pending application (oldest first) with Approve/Reject buttons when
    `approver`; the rest counted in "… and N more pending". `messages` maps application
    keys to the applicant's message, shown quoted when given. At most 50 blocks."""
    items = applications.applications
    if not items:
        return [mrkdwn_section(EMPTY)]
    tail = 2  # the "… and N more" line and the approvers-only note
    blocks: list[Block] = []
    shown = 0
    for application in items[: max(limit, 0)]:
        one = _application_blocks(
            application,
            approver=approver,
            message=(messages or {}).get(application.application_key),
        )
        if len(blocks) + len(one) > MAX_BLOCKS - tail:
            break
        blocks.extend(one)
        shown += 1
    more = max(applications.total, len(items)) - shown
    if more > 0:
        blocks.append(context_block(f"… and {more:,} more pending; {MORE_HINT}."))
    if not approver:
        blocks.append(context_block(APPROVERS_ONLY))
    return blocks


def _application_blocks(
    application: PendingApplication, *, approver: bool, message: str | None
) -> list[Block]:
    blocks = [mrkdwn_section(_summary(application))]
    if message and message.strip():
        blocks.append(quote_block(message.strip()))
    if approver:
        blocks.append(decision_buttons(application.application_key))
    return blocks


def _summary(application: PendingApplication) -> str:
    """'*Anna Kowalska* · Travel Tips Ltd · `app-003`' then type, country, dates, audience."""
    head = f"*{escape(application.name)}*"
    if application.company and application.company != application.name:
        head += f" · {escape(application.company)}"
    head += f" · `{escape(application.application_key)}`"
    days = application.days_waiting
    waiting = f"{days:,} day{'s' if days != 1 else ''} waiting"
    details = [
        escape(TYPE_LABELS.get(application.type, application.type)),
        escape(application.country) if application.country else "country not given",
        f"submitted {_day(application.submitted_at)} ({waiting})",
        (
            f"audience {application.audience_size:,}"
            if application.audience_size is not None
            else "audience not given"
        ),
    ]
    return clip(head + "\n" + " · ".join(details), MAX_TEXT)


def decision_buttons(application_key: str) -> Block:
    """Approve (primary) and Reject (danger) for one application; the value is its key."""
    return {
        "type": "actions",
        "block_id": f"decide:{application_key}"[:255],
        "elements": [
            _button("Approve", f"{APPROVE_ACTION}:{application_key}", application_key, "primary"),
            _button("Reject", f"{REJECT_ACTION}:{application_key}", application_key, "danger"),
        ],
    }


def _button(label: str, action_id: str, value: str, style: str) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id[:255],
        "value": value[:2000],
        "style": style,
    }


def reject_modal(application_key: str, applicant: str, *, private_metadata: str) -> dict[str, Any]:
    """The modal asking an approver why an application is rejected; the reason is required."""
    if len(private_metadata) > MAX_TEXT:
        raise ValueError(
            f"private_metadata is {len(private_metadata):,} characters; Slack takes at most "
            f"{MAX_TEXT:,}. Carry a key, not the payload."
        )
    return {
        "type": "modal",
        "callback_id": REJECT_MODAL,
        "title": {"type": "plain_text", "text": _MODAL_TITLE},
        "submit": {"type": "plain_text", "text": "Reject"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": private_metadata,
        "blocks": [
            mrkdwn_section(
                clip(
                    f"Reject *{escape(applicant)}* (`{escape(application_key)}`)? The reason "
                    "is kept with the record and in the audit log.",
                    MAX_TEXT,
                )
            ),
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": {"type": "plain_text", "text": "Reason"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_INPUT,
                    "multiline": True,
                    "max_length": MAX_TEXT,
                    "placeholder": {"type": "plain_text", "text": "Why is it rejected?"},
                },
                "optional": False,
            },
        ],
    }


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"
