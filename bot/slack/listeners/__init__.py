"""One module per kind of input; `register_listeners` wires them all to the App."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, assistant, commands, events, views
from bot.slack.runtime import SlackRuntime


def register_listeners(app: App, rt: SlackRuntime) -> None:
    assistant.register(app, rt)  # before events: it takes the assistant's DM threads
    events.register(app, rt)
    commands.register(app, rt)
    actions.register(app, rt)
    views.register(app, rt)
