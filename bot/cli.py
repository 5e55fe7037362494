"""The `partnerops` command line: a first-class interface, not a debugging aid.

Heavy libraries (SQLAlchemy models, tools, rich) load inside commands, so `--help` and
`ask` start fast.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli_support import TODAY_OPTION as _TODAY
from bot.cli_support import day_of as _day
from bot.cli_support import db_session as _session
from bot.cli_support import load as _settings
from bot.cli_support import open_db as _engine
from bot.cli_support import tool_context as _context

if TYPE_CHECKING:
    pass

EXAMPLES = """
\b
Examples:
  partnerops demo                       # load the demo program into an empty database
  partnerops import data/               # import partners/performance/goals/applications CSVs
  partnerops ask "top 5 partners by revenue last month"
  partnerops chat                       # interactive assistant in the terminal
  partnerops applications list
"""


@click.group(epilog=EXAMPLES)
@click.version_option(package_name="partnerops")
@click.pass_context
def main(ctx: click.Context) -> None:
    """partnerops: a Slack assistant for partnership teams, usable from the terminal."""
    # A question's time budget counts from here: the heavy imports come later, inside
    # commands, so start-up comes out of the budget rather than on top of it.
    ctx.meta["partnerops.started"] = time.monotonic()


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema to the latest version.

    \b
    Example:
      DATABASE_URL=postgresql://user@host/db partnerops migrate
    """
    from storage import migrate as migrations

    engine = _engine(_settings(), migrate=False)
    before = migrations.current_revision(engine)
    migrations.upgrade(engine)
    after = migrations.current_revision(engine)
    if before == after:
        click.echo(f"Database is up to date (revision {after}).")
    else:
        click.echo(f"Migrated database from {before or 'empty'} to revision {after}.")


@main.command()
@click.option("--partners", default=60, show_default=True, help="Number of partners.")
@click.option("--days", default=730, show_default=True, help="Days of daily performance.")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same data).")
@click.option("--reset", is_flag=True, help="Delete all existing data first.")
@_TODAY
def demo(partners: int, days: int, seed: int, reset: bool, today: datetime | None) -> None:
    """Write a realistic demo program (partners, performance, goals, applications).

    \b
    Example:
      partnerops demo --partners 120 --days 365 --seed 3
    """
    from storage.demo import generate_demo
    from storage.maintenance import clear_all, partner_count

    settings = _settings()
    with _session(settings) as session:
        existing = partner_count(session)
        if existing and not reset:
            raise click.ClickException(
                f"the database already holds {existing} partners; "
                "run `partnerops demo --reset` to replace everything with the demo program"
            )
        if reset:
            clear_all(session)
        day = _day(today) or datetime.now(settings.tz).date()
        try:
            summary = generate_demo(session, today=day, partners=partners, days=days, seed=seed)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo(
        f"Demo program written: {summary.partners} partners, {summary.performance_rows:,} "
        f"daily performance rows ({summary.start} – {summary.end}), {summary.goals} goals, "
        f"{summary.applications} applications."
    )


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["partners", "performance", "goals", "applications"]),
    help="File kind, when the file name does not say (partners*.csv, performance*.csv, …).",
)
def import_(paths: tuple[Path, ...], kind: str | None) -> None:
    """Import CSV files (or directories of them) per the data contract.

    Each file is all-or-nothing: a file with any bad row writes nothing and every bad row
    is listed as file:line: column: reason. Re-importing the same file is safe.

    \b
    Example:
      partnerops import partners.csv performance_2026.csv
      partnerops import exports/
      partnerops import q3.csv --kind performance
    """
    from bot.cli_import import run_import

    settings = _settings()
    with _session(settings) as session:
        ok = run_import(session, list(paths), kind)
    if not ok:
        sys.exit(1)


@main.command()
@click.argument("question")
@click.option("--user", default=None, help="Who is asking (Slack user id or email).")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the planner, tool calls, tokens and time."
)
@click.option(
    "--offline", is_flag=True, help="Plan with the built-in router even if a model is set."
)
@click.option(
    "--conversation",
    default=None,
    metavar="ID",
    help="Continue a conversation kept in the database: the same ID, the same thread.",
)
@_TODAY
def ask(
    question: str,
    user: str | None,
    as_json: bool,
    offline: bool,
    conversation: str | None,
    today: datetime | None,
) -> None:
    """Answer one question on stdout.

    Planned by the language model when OPENAI_API_KEY or OPENAI_BASE_URL is set (the
    built-in router answers whenever the model can't), by the router otherwise.

    \b
    Example:
      partnerops ask "how did Northwind do last quarter?"
      partnerops ask "top 5 partners by revenue last month" --json
      partnerops ask "and the month before?" --conversation standup
    """
    from bot.assistant.answer import answer
    from bot.assistant.conversation import ConversationKey
    from bot.assistant.converse import converse
    from bot.render.text import render_answer_text
    from bot.runtime import model_planner

    key: ConversationKey | None = None
    if conversation is not None:
        try:
            key = ConversationKey.parse(conversation)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--conversation") from None
    settings = _settings()
    _logging()
    model = model_planner(settings, offline=offline)
    ctx = _context(settings, user, _day(today))
    with _session(settings) as session:
        if key is not None:
            result = converse(session, ctx, key, question, model=model, started=_started())
        else:
            result = answer(session, ctx, question, model=model, started=_started())
    text = render_answer_text(result.reports, result.framing)
    if as_json:
        payload: dict[str, Any] = {
            "question": question,
            "planner": result.planner,
            "answer": text,
            "framing": result.framing,
            "words": result.words,
            "fallback": result.fallback,
            "report": result.report.model_dump(mode="json"),
            "more_reports": [r.model_dump(mode="json") for r in result.more],
            "tool_calls": result.calls,
            "result": result.result,
            "tokens": result.usage,
            "timing_ms": result.timing,
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        click.echo(text, nl=False)


def _started() -> float | None:
    started = click.get_current_context().meta.get("partnerops.started")
    return started if isinstance(started, float) else None


def _logging(level: str | None = None) -> None:
    from bot.runtime import configure_logging

    configure_logging(level)


@main.command()
@click.option("--user", default=None, help="Who is asking (Slack user id or email).")
@click.option(
    "--offline", is_flag=True, help="Plan with the built-in router even if a model is set."
)
@_TODAY
def chat(user: str | None, offline: bool, today: datetime | None) -> None:
    """Talk to the assistant in the terminal; follow-ups use the conversation so far.

    \b
    Example:
      partnerops chat
      > revenue for northwind last month
      > and the month before?
    """
    from bot.chat import run_chat
    from bot.runtime import model_planner

    settings = _settings()
    _logging()
    model = model_planner(settings, offline=offline)
    with _session(settings) as session:
        run_chat(session, _context(settings, user, _day(today)), model=model)


@main.command()
@_TODAY
@click.pass_context
def run(ctx: click.Context, today: datetime | None) -> None:
    """Prepare the database (migrate, demo data if empty) and start the main job.

    Starts the Slack app when Slack tokens are configured, otherwise the terminal chat.

    \b
    Example:
      partnerops run
    """
    from storage.maintenance import partner_count

    settings = _settings()
    with _session(settings) as session:
        empty = partner_count(session) == 0
    if empty:
        click.echo("The database is empty: loading the demo program…", err=True)
        ctx.invoke(demo, today=today)
    if settings.slack_configured:
        from bot.cli_serve import serve

        ctx.invoke(serve)
    else:
        click.echo("No Slack tokens configured: starting the terminal assistant.", err=True)
        ctx.invoke(chat, today=today, offline=False)


def _register_subgroups() -> None:
    from bot.cli_applications import applications
    from bot.cli_digest import digest
    from bot.cli_scheduler import scheduler
    from bot.cli_serve import serve
    from bot.cli_slack import slack

    main.add_command(applications)
    main.add_command(digest)
    main.add_command(scheduler)
    main.add_command(serve)
    main.add_command(slack)


_register_subgroups()


if __name__ == "__main__":
    main()
