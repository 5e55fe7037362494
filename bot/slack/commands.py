"""`/partners`: read the subcommand, do it, say the result through response_url.

Acknowledged at once by the listener; everything here runs after the ack. Answers are
ephemeral (only the person who asked sees them) with a "Share in channel" button;
decisions are posted to the channel, since deciding is a team act.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.assistant.answer import answer_offline
from bot.assistant.conversation import ConversationKey
from bot.render.blocks import (
    Block,
    context_block,
    escape,
    mrkdwn_section,
    render_answer_message,
)
from bot.slack.access import REFUSAL, Asker
from bot.slack.application_blocks import pending_application_blocks
from bot.slack.approvals import Verdict, decide
from bot.slack.runtime import SlackRuntime
from storage.queries.applications import application_messages
from tools.applications import ApplicationList, is_approver

SHARE_ACTION = "share_answer"
PENDING_SHOWN = 10
"""Applications listed per message (each a summary, the applicant's words, the buttons)."""
MAX_BUTTON_VALUE = 2000

SUBCOMMANDS: list[tuple[str, str, str]] = [
    ("help", "this list", "/partners help"),
    (
        "pending [filter]",
        "applications waiting for a decision",
        "/partners pending agencies from PL",
    ),
    (
        "approve <application> [reason]",
        "approve one (approvers only)",
        "/partners approve app-017 strong audience fit",
    ),
    (
        "reject <application> <reason>",
        "reject one with a reason (approvers only)",
        "/partners reject app-018 audience outside our markets",
    ),
    (
        "qbr <partner|tier|program> [quarter]",
        "a quarterly business review",
        "/partners qbr Northwind Q3",
    ),
    ("goals", "how the program's goals are pacing", "/partners goals"),
    ("digest …", "weekly goal digests for this channel", "/partners digest list"),
    ("<anything else>", "asked as a question", "/partners top 5 partners by revenue last month"),
]


@dataclass
class Reply:
    """A response_url message."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    in_channel: bool = False
    share: str | None = None
    """The question to re-ask when "Share in channel" is pressed."""

    def payload(self) -> dict[str, Any]:
        blocks = list(self.blocks) or [mrkdwn_section(self.text)]
        if self.share is not None and len(_share_value(self.share)) <= MAX_BUTTON_VALUE:
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": SHARE_ACTION,
                            "text": {"type": "plain_text", "text": "Share in channel"},
                            "value": _share_value(self.share),
                        }
                    ],
                }
            )
        return {
            "response_type": "in_channel" if self.in_channel else "ephemeral",
            "text": self.text,
            "blocks": blocks,
            "replace_original": False,
        }


def _share_value(question: str) -> str:
    return json.dumps({"q": question}, ensure_ascii=False)


def shared_question(value: str) -> str:
    return str(json.loads(value).get("q") or "")


def help_reply() -> Reply:
    lines = [
        f"• `{escape(usage)}` — {escape(what)}\n   e.g. `{escape(example)}`"
        for usage, what, example in SUBCOMMANDS
    ]
    text = "*`/partners` — what I can do*\n" + "\n".join(lines)
    footer = (
        "Mention me in a channel or DM me to ask anything about the program; "
        "I answer in the thread and follow-ups keep the context."
    )
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "/partners"}},
        mrkdwn_section("\n".join(lines)),
        context_block(footer),
    ]
    return Reply(text=text, blocks=blocks)


DECIDING = ("approve", "reject", "pending")
"""Subcommands a typo must not turn into a question (which would show the application)."""


def _misspelt(sub: str) -> str | None:
    """'aprove' → 'approve'; None for a known subcommand or anything not close to one."""
    from rapidfuzz import fuzz

    if len(sub) < 4 or sub in DECIDING:
        return None
    best = max(DECIDING, key=lambda word: fuzz.ratio(sub, word))
    return best if fuzz.ratio(sub, best) >= 80 else None


def split(text: str) -> tuple[str, str]:
    """'approve app-1 ok' → ('approve', 'app-1 ok'); the subcommand is case-insensitive."""
    head, _, rest = text.strip().partition(" ")
    return head.lower(), rest.strip()


def run_command(rt: SlackRuntime, asker: Asker, text: str, *, started: float) -> Reply:
    """Do what `/partners <text>` asks and say how it went."""
    sub, rest = split(text)
    if sub in ("", "help", "?"):
        return help_reply()
    if sub in ("approve", "reject"):
        if not rest or (sub == "reject" and len(rest.split()) < 2):
            usage = next(u for u, _, _ in SUBCOMMANDS if u.startswith(sub))
            return Reply(text=f"Usage: `/partners {usage}`. Nothing was changed.")
        verdict: Verdict = "approve" if sub == "approve" else "reject"
        outcome = decide(rt, asker, verdict, rest, source="slack_command")
        return Reply(text=outcome.text, in_channel=outcome.changed)
    meant = _misspelt(sub)
    if meant is not None:
        return Reply(
            text=f"Did you mean `/partners {meant} {escape(rest)}`? I didn't run anything: "
            "`/partners help` lists the subcommands."
        )
    if sub == "digest":
        from bot.slack.digest_commands import digest_command

        return digest_command(rt, asker, rest)
    access = rt.access(asker)
    if not access.allowed:
        return Reply(text=REFUSAL)
    name = access.person.name if access.person else None
    ctx = rt.context(asker.user_id, source="slack_command", channel=asker.channel_id, name=name)
    if sub == "pending":
        return pending_reply(rt, asker, rest)
    qbr = f"QBR for {rest}" if rest else "QBR"
    question = {"qbr": qbr, "goals": f"goals {rest}"}.get(sub, text).strip()
    key = ConversationKey(asker.channel_id or "slack", f"command-{asker.user_id}")
    turn = rt.turn(ctx, key, question, started=started, reserve=1)  # room for "Share"
    return Reply(text=turn.message.text, blocks=turn.message.blocks, share=question)


def pending_reply(rt: SlackRuntime, asker: Asker, words: str) -> Reply:
    """The pending queue (filtered as asked) with Approve/Reject buttons for approvers."""
    blocks, text = pending_message(rt, asker, words)
    return Reply(text=text, blocks=blocks)


def pending_message(rt: SlackRuntime, asker: Asker, words: str = "") -> tuple[list[Block], str]:
    """Blocks of the pending list as the asker may act on it, and the fallback text."""
    ctx = rt.context(asker.user_id, source="slack_command", channel=asker.channel_id)
    with rt.session() as session:
        result = answer_offline(session, ctx, f"pending applications {words}".strip())
    if not result.calls or result.calls[0]["tool"] != "pending_applications" or not result.result:
        message = render_answer_message(result)
        return message.blocks, message.text
    applications = ApplicationList.model_validate(result.result)
    if not applications.applications:
        message = render_answer_message(result)  # says what matches with a condition dropped
        return message.blocks, message.text
    report = result.report
    head = render_answer_message(result)
    header = [b for b in head.blocks[:2] if b["type"] in ("header", "context")]
    notes: list[Block] = []
    if report.notes:
        notes.append(context_block("\n".join(escape(n) for n in report.notes)))
    keys = [a.application_key for a in applications.applications]
    with rt.session() as session:
        messages = {k: _clip(m) for k, m in application_messages(session, keys).items()}
    body = pending_application_blocks(
        applications, approver=is_approver(ctx), limit=PENDING_SHOWN, messages=messages
    )
    return [*header, *body, *notes], head.text


def _clip(message: str, limit: int = 280) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
