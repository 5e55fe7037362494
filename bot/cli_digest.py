"""`partnerops digest …`: subscribe channels to the weekly goal digest, list and
unsubscribe them, post what is due (`run-due`), or print one (`--dry-run`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from bot.cli_support import TODAY_OPTION, day_of, db_session, load, open_db

if TYPE_CHECKING:
    from bot.digests.run import PassReport
    from bot.settings import Settings
    from tools.digest.scope import DigestScope

EXAMPLES = """
\b
Examples:
  partnerops digest subscribe C0123ABCD --day mon --time 09:00 --timezone Europe/Warsaw
  partnerops digest subscribe C0123ABCD --day fri --time 16:00 --scope tier:Gold
  partnerops digest list
  partnerops digest unsubscribe 3
  partnerops digest run-due --now 2026-12-07T09:05:00+01:00
  partnerops digest --dry-run --scope type:affiliate
"""
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_CHANNEL_LINK = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")


@click.group(invoke_without_command=True, epilog=EXAMPLES)
@click.option("--dry-run", is_flag=True, help="Print a digest as text; post nothing.")
@click.option(
    "--scope",
    default="program",
    show_default=True,
    help="With --dry-run: program, tier:NAME, type:TYPE or owner:OWNER.",
)
@TODAY_OPTION
@click.pass_context
def digest(ctx: click.Context, dry_run: bool, scope: str, today: datetime | None) -> None:
    """Weekly goal-checkpoint digests, posted to Slack channels.

    Subscriptions hold a channel, a weekly slot in a timezone and a scope; `run-due`
    (and the scheduler `serve` runs every minute) posts each digest once when it is due.
    """
    if ctx.invoked_subcommand is not None:
        return
    if not dry_run:
        click.echo(ctx.get_help())
        return
    from bot.digests.compose import compose_digest
    from bot.runtime import build_context
    from tools.errors import ToolError

    settings = load()
    with db_session(settings) as session:
        context = build_context(settings, user=None, today=day_of(today))
        try:
            composed = compose_digest(session, context, _scope(scope))
        except ToolError as error:
            raise click.ClickException(str(error)) from None
        click.echo(composed.text.rstrip("\n"))


@digest.command()
@click.argument("channel")
@click.option("--day", default="mon", show_default=True, help="Day of the week (mon … sun).")
@click.option("--time", "at", default="09:00", show_default=True, help="Time of day, HH:MM.")
@click.option(
    "--timezone",
    default=None,
    help="IANA timezone of the slot, e.g. Europe/Warsaw (default: PARTNEROPS_TIMEZONE).",
)
@click.option(
    "--scope",
    default="program",
    show_default=True,
    help="program, tier:NAME, type:TYPE (affiliate, influencer …) or owner:OWNER.",
)
@click.option("--user", default="cli", show_default=True, help="Who subscribes (audited).")
def subscribe(channel: str, day: str, at: str, timezone: str | None, scope: str, user: str) -> None:
    """Subscribe CHANNEL (a Slack channel id, C…) to the weekly digest; prints its id.

    Subscribing a channel again to the same scope moves it to the new day and time.
    """
    from sqlalchemy.exc import IntegrityError

    from bot.digests.slots import Schedule, parse_time, parse_timezone, parse_weekday
    from bot.digests.subscriptions import describe
    from bot.digests.subscriptions import subscribe as add
    from tools.errors import ToolError

    settings = load()
    channel_id = _channel(channel)
    try:
        hour, minute = parse_time(at)
        schedule = Schedule(
            parse_weekday(day), hour, minute, parse_timezone(timezone or settings.timezone)
        )
        keep_timezone = timezone is None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    _check_channel(settings, channel_id)
    with db_session(settings) as session:
        try:
            result = add(
                session,
                channel=channel_id,
                schedule=schedule,
                scope=_scope(scope),
                actor=user,
                source="cli",
                now=datetime.now(UTC),
                keep_timezone=keep_timezone,
            )
        except ToolError as error:
            raise click.ClickException(str(error)) from None
        except IntegrityError:
            raise click.ClickException(
                f"{channel_id} was being subscribed to this scope at the same moment; "
                "`partnerops digest list` shows it."
            ) from None
        row = result.subscription
        click.echo(row.id)
        click.echo(f"{result.change}: {describe(row)}", err=True)


@digest.command(name="list")
@click.option(
    "--now",
    "now_text",
    default=None,
    metavar="ISO_DATETIME",
    help="Say what is next as of this moment (as `run-due --now` does); default: now.",
)
def list_(now_text: str | None) -> None:
    """Every active subscription: its slot, scope, state and latest digest."""
    from bot.digests.slots import describe_instant, parse_instant
    from bot.digests.subscriptions import describe, schedule_of, statuses

    settings = load()
    try:
        now = parse_instant(now_text) if now_text else datetime.now(UTC)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--now") from None
    with db_session(settings) as session:
        found = statuses(session, now=now)
        if not found:
            click.echo("No channel is subscribed to the weekly digest.")
            return
        for status in found:
            row = status.subscription
            click.echo(f"{row.id}  {describe(row)}  [{status.state}]")
            if status.last:
                click.echo(f"      last: {status.last}")
            if status.next_due is not None:
                click.echo(f"      next: {describe_instant(status.next_due, schedule_of(row).tz)}")


@digest.command()
@click.argument("subscription_id", type=int)
@click.option("--user", default="cli", show_default=True, help="Who unsubscribes (audited).")
def unsubscribe(subscription_id: int, user: str) -> None:
    """Stop subscription SUBSCRIPTION_ID (see `digest list`); its history is kept."""
    from bot.digests.subscriptions import describe
    from bot.digests.subscriptions import unsubscribe as stop
    from tools.errors import ToolError

    settings = load()
    with db_session(settings) as session:
        try:
            row = stop(session, subscription_id, actor=user, source="cli", now=datetime.now(UTC))
        except ToolError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Unsubscribed {row.id}: {describe(row)}")


@digest.command(name="run-due")
@click.option(
    "--now",
    "now_text",
    default=None,
    metavar="ISO_DATETIME",
    help="The pass's clock for every decision (due slots, leases); default: now. "
    "Without an offset it is UTC.",
)
def run_due(now_text: str | None) -> None:
    """One pass: post every digest that is due and not yet posted; print what was posted,
    skipped and failed. Safe to run from several processes at once."""
    from bot.digests.slots import parse_instant
    from bot.runtime import configure_logging
    from bot.slack.digests import digest_client, pass_runner

    settings = load()
    configure_logging()
    try:
        now = parse_instant(now_text) if now_text else datetime.now(UTC)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--now") from None
    if settings.slack_bot_token is None:
        raise click.ClickException(
            "SLACK_BOT_TOKEN is not set, so nothing can be posted; "
            "`partnerops digest --dry-run` prints a digest without Slack."
        )
    engine = open_db(settings)
    try:
        report = pass_runner(settings, engine, digest_client(settings))(now)
    finally:
        engine.dispose()
    _print(report)


MISSED_SHOWN = 3
"""Missed slots listed per subscription; the rest are counted (long downtime misses many)."""


def _print(report: PassReport) -> None:
    missed: dict[int, int] = {}
    for outcome in report.outcomes:
        where = f"{outcome.channel} ({outcome.scope})"
        if outcome.kind == "missed":
            missed[outcome.subscription_id] = missed.get(outcome.subscription_id, 0) + 1
            if missed[outcome.subscription_id] > MISSED_SHOWN:
                continue
        ts = f" ts={outcome.message_ts}" if outcome.message_ts else ""
        click.echo(f"{outcome.kind:<9}  #{outcome.subscription_id}  {where}: {outcome.detail}{ts}")
    for subscription_id, n in missed.items():
        if n > MISSED_SHOWN:
            click.echo(f"missed     #{subscription_id}  … and {n - MISSED_SHOWN} older slots")
    counts = {
        kind: len(report.of(kind))
        for kind in ("posted", "recovered", "skipped", "failed", "paused", "missed", "not due")
    }
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n or kind in ("posted",))
    click.echo(f"Pass at {report.now.isoformat()}: {summary}.")


def _scope(text: str) -> DigestScope:
    from tools.digest.scope import DigestScope

    try:
        return DigestScope.parse(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--scope") from None


def _channel(text: str) -> str:
    value = text.strip()
    link = _CHANNEL_LINK.match(value)
    if link:
        return link.group(1)
    if _CHANNEL_ID.match(value):
        return value
    raise click.BadParameter(
        f"“{text}” is not a Slack channel id; give the id (C…), found in the channel's "
        "details in Slack, or use `/partners digest subscribe` in the channel",
        param_hint="CHANNEL",
    )


def _check_channel(settings: Settings, channel: str) -> None:
    """Refuse a channel that may not receive program data; warn when Slack can't say."""
    if settings.slack_bot_token is None:
        click.echo(
            "Note: SLACK_BOT_TOKEN is not set, so the channel was not checked now; "
            "it is checked before every post.",
            err=True,
        )
        return
    from bot.digests.posting import ChannelRefused, ChannelUnavailable, PostFailed
    from bot.slack.digests import poster_for
    from bot.slack.runtime import web_client

    try:
        poster_for(settings, web_client(settings)).check_channel(channel)
    except ChannelRefused as error:
        raise click.ClickException(
            f"{channel} may not receive program data ({error}); list it in "
            "PARTNEROPS_ALLOWED_CHANNELS to allow it explicitly."
        ) from None
    except (ChannelUnavailable, PostFailed) as error:
        click.echo(f"Note: could not check {channel} with Slack now ({error}).", err=True)
