"""`/partners`: acknowledged at once; the work answers through response_url."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.slack.commands import help_reply, run_command, split
from bot.slack.listeners.payloads import command_asker
from bot.slack.runtime import SlackRuntime
from bot.slack.work import delivered, failure_text

COMMAND = "/partners"


def register(app: App, rt: SlackRuntime) -> None:
    @app.command(COMMAND)
    def on_partners(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        started = time.monotonic()
        text = str(command.get("text") or "")
        if split(text)[0] in ("", "help", "?"):
            reply = help_reply().payload()
            ack(text=reply["text"], blocks=reply["blocks"], response_type="ephemeral")
            return
        ack()
        asker = command_asker(command)

        def job() -> None:
            delivered(respond(**run_command(rt, asker, text, started=started).payload()))

        def report(error: str) -> None:
            respond(text=failure_text(error), response_type="ephemeral", replace_original=False)

        sub = split(text)[0]
        urgent = sub in ("approve", "reject", "pending")  # a decision never queues behind answers
        rt.worker.submit(f"running {COMMAND} {sub}", job, report=report, urgent=urgent)
