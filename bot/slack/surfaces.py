"""Where a pending list was shown (a message, an ephemeral reply, the Home tab), so that
after a decision it can be shown again, up to date, with who decided and when."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import Any

from slack_sdk.webhook import WebhookClient

from bot.render.blocks import mrkdwn_section
from bot.slack.access import Asker
from bot.slack.approvals import Outcome
from bot.slack.commands import pending_message
from bot.slack.home_tab import publish_home
from bot.slack.runtime import SlackRuntime
from bot.slack.work import delivered, error_id

log = logging.getLogger("partnerops.slack")


@dataclass(frozen=True)
class Surface:
    channel: str | None = None
    ts: str | None = None
    ephemeral: bool = False
    response_url: str | None = None
    home: bool = False

    @classmethod
    def of(cls, body: dict[str, Any]) -> Surface:
        """The surface a block_actions payload came from."""
        container = body.get("container") or {}
        if container.get("type") == "view" or (body.get("view") or {}).get("type") == "home":
            return cls(home=True)
        return cls(
            channel=container.get("channel_id") or (body.get("channel") or {}).get("id"),
            ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
            ephemeral=bool(container.get("is_ephemeral")),
            response_url=body.get("response_url"),
        )

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: str) -> Surface:
        data = json.loads(text or "{}")
        return cls(**{k: data[k] for k in asdict(cls()) if k in data})


def refresh(rt: SlackRuntime, asker: Asker, surface: Surface, banner: str) -> None:
    """Show the pending list again where it was, with `banner` (the decision) on top."""
    if surface.home:
        publish_home(rt, asker, banner=banner)
        return
    blocks, text = pending_message(rt, asker)
    blocks = [mrkdwn_section(banner), {"type": "divider"}, *blocks][:50]
    if surface.ephemeral or not (surface.channel and surface.ts):
        if surface.response_url:
            delivered(
                WebhookClient(surface.response_url).send(
                    text=banner, blocks=blocks, replace_original=True, response_type="ephemeral"
                )
            )
        return
    rt.client.chat_update(channel=surface.channel, ts=surface.ts, text=text, blocks=blocks)


def show_outcome(rt: SlackRuntime, asker: Asker, surface: Surface, outcome: Outcome) -> None:
    """After a decision attempt: the list refreshed where it was (the decision, or who
    decided first, on top), or a private note when nothing changed. A decision already
    recorded is never reported as "nothing changed" if only the refresh fails."""
    if not (outcome.changed or outcome.stale):
        tell(rt, asker, surface, outcome.text)
        return
    try:
        refresh(rt, asker, surface, outcome.text)
    except Exception:
        ident = error_id()
        log.exception("error_id=%s refreshing the pending list after a decision", ident)
        tell(
            rt,
            asker,
            surface,
            f"{outcome.text}\n(I couldn't update the list above: error id `{ident}`.)",
        )


def tell(rt: SlackRuntime, asker: Asker, surface: Surface, text: str) -> None:
    """Say something to the asker alone (a refusal, a reason that was missing)."""
    if surface.response_url:
        delivered(
            WebhookClient(surface.response_url).send(
                text=text, response_type="ephemeral", replace_original=False
            )
        )
    elif surface.channel:
        rt.client.chat_postEphemeral(channel=surface.channel, user=asker.user_id, text=text)
    else:
        rt.client.chat_postMessage(channel=asker.user_id, text=text)
