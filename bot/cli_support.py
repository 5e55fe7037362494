"""What every `partnerops` command shares: settings, a session and a context, with setup
errors shown as one line instead of a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from bot.settings import Settings
    from tools.context import ToolContext


def load() -> Settings:
    from bot.runtime import RuntimeSetupError, load_settings

    try:
        return load_settings()
    except RuntimeSetupError as error:
        raise click.ClickException(str(error)) from None


def open_db(settings: Settings, *, migrate: bool = True) -> Engine:
    from bot.runtime import RuntimeSetupError, open_engine

    try:
        return open_engine(settings, migrate=migrate)
    except RuntimeSetupError as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def db_session(settings: Settings) -> Iterator[Session]:
    """A committed-on-success session on the configured database."""
    from storage.db import session_scope

    engine = open_db(settings)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def tool_context(
    settings: Settings,
    user: str | None,
    today: date | None,
    user_name: str | None = None,
) -> ToolContext:
    from bot.runtime import build_context

    return build_context(settings, user=user, user_name=user_name, today=today)


TODAY_OPTION = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Answer as if today were this date (YYYY-MM-DD); default: today in PARTNEROPS_TIMEZONE.",
)

JSON_OPTION = click.option(
    "--json", "as_json", is_flag=True, help="Print the tool call and raw result as JSON."
)


def day_of(value: datetime | None) -> date | None:
    return value.date() if value else None
