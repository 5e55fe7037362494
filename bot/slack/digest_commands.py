"""`/partners digest …` in a channel: subscribe it, list, unsubscribe, or post a digest now.

The channel the command is typed in is the channel subscribed; the same rules as the CLI
apply (one subscription per scope, audited), and a channel that may not receive program
data (shared with another organisation, unless allowed) is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.digests.compose import compose_digest, record_thread
from bot.digests.posting import ChannelRefused, ChannelUnavailable, PostFailed
from bot.digests.slots import (
    Schedule,
    describe_instant,
    parse_time,
    parse_timezone,
    parse_weekday,
)
from bot.digests.subscriptions import (
    describe,
    schedule_of,
    scope_of,
    statuses,
    subscribe,
    unsubscribe,
)
from bot.render.blocks import escape
from bot.slack.access import REFUSAL, Asker
from bot.slack.commands import Reply
from bot.slack.digests import poster_for
from storage.queries.digests import digest_subscriptions
from tools.digest.scope import DigestScope
from tools.errors import ToolError

if TYPE_CHECKING:
    from bot.slack.runtime import SlackRuntime

USAGE = (
    "*`/partners digest`* — the weekly goal digest for this channel\n"
    "• `/partners digest subscribe [day] [HH:MM] [timezone] [scope]` — e.g. "
    "`/partners digest subscribe mon 09:00 Europe/Warsaw tier:Gold` (default: Mondays 09:00, "
    "the whole program)\n"
    "• `/partners digest list` — this channel's subscriptions\n"
    "• `/partners digest unsubscribe [id]`\n"
    "• `/partners digest now [scope]` — post a digest here now\n"
    "Scopes: `program`, `tier:NAME`, `type:TYPE`, `owner:@person`."
)


def digest_command(rt: SlackRuntime, asker: Asker, words: str) -> Reply:
    action, _, rest = words.strip().partition(" ")
    action = action.casefold()
    if action in ("", "help"):
        return Reply(text=USAGE)
    channel = asker.channel_id or ""
    if not channel or asker.direct or channel.startswith("D"):
        return Reply(
            text="Digests go to channels: run `/partners digest …` in the channel that should "
            "get it."
        )
    access = rt.access(asker)
    if not access.allowed:
        return Reply(text=REFUSAL)
    try:
        if action == "subscribe":
            return _subscribe(rt, asker, channel, rest)
        if action in ("list", "ls"):
            return _list(rt, channel)
        if action in ("unsubscribe", "stop", "remove"):
            return _unsubscribe(rt, asker, channel, rest)
        if action == "now":
            return _now(rt, asker, channel, rest)
    except ToolError as error:
        return Reply(text=f"{escape(str(error))} Nothing was changed.")
    except ValueError as error:
        return Reply(text=f"{escape(str(error))}. Nothing was changed.\n\n{USAGE}")
    return Reply(text=f"I don't know `digest {escape(action)}`.\n\n{USAGE}")


def _parse_subscription(
    words: str, default_tz: str
) -> tuple[int, int, int, str, DigestScope, bool]:
    """'[day] [HH:MM] [timezone] [scope]' in any order; the last value is True when no
    timezone was given."""
    weekday, hour, minute, tz, scope = 0, 9, 0, default_tz, DigestScope()
    given = False
    for word in words.split():
        lowered = word.casefold()
        if ":" in word and lowered.split(":")[0] in ("tier", "type", "owner"):
            scope = DigestScope.parse(word)
        elif lowered in ("program", "all"):
            scope = DigestScope()
        elif "/" in word or lowered == "utc":
            tz, given = parse_timezone(word).key, True
        elif word[:1].isdigit():
            hour, minute = parse_time(word)
        else:
            weekday = parse_weekday(word)
    return weekday, hour, minute, tz, scope, not given


def _check(rt: SlackRuntime, channel: str) -> str | None:
    try:
        poster_for(rt.settings, rt.client).check_channel(channel)
    except ChannelRefused:
        return (
            "This channel is shared with another organisation (or not on the allowed list), "
            "so it can't get program data. Nothing was subscribed."
        )
    except (ChannelUnavailable, PostFailed) as error:
        return f"I couldn't check this channel with Slack ({escape(str(error))}). Try again."
    return None


def _subscribe(rt: SlackRuntime, asker: Asker, channel: str, words: str) -> Reply:
    weekday, hour, minute, tz, scope, keep = _parse_subscription(words, rt.settings.timezone)
    refusal = _check(rt, channel)
    if refusal:
        return Reply(text=refusal)
    now = datetime.now(UTC)
    schedule = Schedule(weekday, hour, minute, parse_timezone(tz))
    with rt.session() as session:
        result = subscribe(
            session,
            channel=channel,
            schedule=schedule,
            scope=scope,
            actor=asker.user_id,
            source="slack_command",
            now=now,
            where=channel,
            keep_timezone=keep,
        )
        row = result.subscription
        stored = schedule_of(row)
        nxt = describe_instant(stored.next_after(now), stored.tz)
        when = stored.describe()
        what = escape(scope_of(row).describe())
        ident = row.id
    if result.change == "unchanged":
        return Reply(text=f"This channel already gets the digest for {what} then (id {ident}).")
    verb = {"subscribed": "subscribed", "rescheduled": "moved", "resumed": "resumed"}[result.change]
    return Reply(
        text=f"<@{asker.user_id}> {verb} this channel's weekly goal digest for {what}: "
        f"{escape(when)} (id {ident}). "
        f"First one: {nxt}.",
        in_channel=True,
    )


def _list(rt: SlackRuntime, channel: str) -> Reply:
    with rt.session() as session:
        found = statuses(session, now=datetime.now(UTC), channel=channel)
        lines = []
        for status in found:
            row = status.subscription
            line = f"• *{row.id}* — {escape(describe(row))} — {escape(status.state)}"
            if status.last:
                line += f"\n   last: {escape(status.last)}"
            if status.next_due is not None:
                line += f"\n   next: {describe_instant(status.next_due, schedule_of(row).tz)}"
            lines.append(line)
    if not lines:
        return Reply(
            text="This channel gets no weekly digest. `/partners digest subscribe` starts one "
            "(Mondays 09:00, the whole program)."
        )
    return Reply(text="*Weekly digests for this channel*\n" + "\n".join(lines))


def _unsubscribe(rt: SlackRuntime, asker: Asker, channel: str, words: str) -> Reply:
    now = datetime.now(UTC)
    with rt.session() as session:
        if words.strip():
            if not words.strip().isdigit():
                return Reply(text="Give the subscription's id: `/partners digest list` shows it.")
            ident = int(words.strip())
        else:
            rows = digest_subscriptions(session, channel=channel)
            if not rows:
                return Reply(text="This channel gets no weekly digest.")
            if len(rows) > 1:
                listed = ", ".join(f"{r.id} ({escape(scope_of(r).describe())})" for r in rows)
                return Reply(
                    text=f"Which one? This channel has {listed}: "
                    "`/partners digest unsubscribe <id>`."
                )
            ident = rows[0].id
        row = unsubscribe(
            session, ident, actor=asker.user_id, source="slack_command", now=now, channel=channel
        )
        what = escape(describe(row))
    return Reply(
        text=f"<@{asker.user_id}> stopped the weekly digest {ident}: {what}.", in_channel=True
    )


def _now(rt: SlackRuntime, asker: Asker, channel: str, words: str) -> Reply:
    refusal = _check(rt, channel)
    if refusal:
        return Reply(text=refusal.replace("Nothing was subscribed.", "Nothing was posted."))
    ctx = rt.context(asker.user_id, source="slack_command", channel=channel)
    with rt.session() as session:
        if words.strip():
            scopes = [DigestScope.parse(words.strip())]
        else:
            rows = digest_subscriptions(session, channel=channel)
            scopes = [scope_of(r) for r in rows] or [DigestScope()]
        posted = []
        for scope in scopes[:5]:
            composed = compose_digest(session, ctx, scope)
            response = rt.client.chat_postMessage(
                channel=channel,
                text=composed.message.text,
                blocks=composed.message.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
            ts = str(response["ts"])
            if composed.chart is not None:
                poster_for(rt.settings, rt.client).attach_chart(channel, ts, composed.chart)
            record_thread(session, channel, asker.user_id, scope, ts, composed, datetime.now(UTC))
            posted.append(escape(scope.describe()))
    left = len(scopes) - len(posted)
    more = f" ({left} more of this channel's scopes left out; name one to post it)" if left else ""
    return Reply(text=f"Posted the digest for {', '.join(posted)} here.{more}")
