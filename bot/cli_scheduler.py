"""`partnerops scheduler`: the digest scheduler alone, for deployments that run the web
app and the worker separately."""

from __future__ import annotations

import click

from bot.cli_support import load, open_db


@click.command()
def scheduler() -> None:
    """Run the weekly digest scheduler: one pass a minute, until interrupted.

    Several schedulers (and `serve` instances) may run at once on one database: each
    digest is still posted once. Set PARTNEROPS_DIGEST_SCHEDULER=false on `serve`
    instances when this runs instead.

    \b
    Example:
      partnerops scheduler
    """
    from bot.digests.scheduler import run_blocking
    from bot.runtime import configure_logging
    from bot.slack.digests import digest_client, pass_runner

    settings = load()
    configure_logging("INFO")
    if settings.slack_bot_token is None:
        raise click.ClickException("SLACK_BOT_TOKEN must be set: the scheduler posts to Slack.")
    engine = open_db(settings)
    click.echo("partnerops: digest scheduler running (a pass every minute)", err=True)
    try:
        run_blocking(pass_runner(settings, engine, digest_client(settings)))
    finally:
        engine.dispose()
