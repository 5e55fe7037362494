"""`partnerops serve`: the Slack app over HTTP (waitress) or Socket Mode."""

from __future__ import annotations

import contextlib
import signal
import sys
from datetime import datetime
from types import FrameType
from typing import TYPE_CHECKING

import click

from bot.cli_support import TODAY_OPTION, day_of, load, open_db

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.slack.runtime import SlackRuntime

ACK_SWITCH_INTERVAL = 0.0005
"""Seconds (CPython's default is 0.005)."""


@click.command()
@click.option(
    "--http",
    "mode",
    flag_value="http",
    help="Slack HTTP delivery (the default without SLACK_APP_TOKEN).",
)
@click.option(
    "--socket",
    "mode",
    flag_value="socket",
    help="Socket Mode (the default when SLACK_APP_TOKEN is set).",
)
@click.option("--port", default=3000, show_default=True, help="HTTP port; 0 picks a free one.")
@click.option("--host", default="0.0.0.0", show_default=True, help="HTTP interface.")
@TODAY_OPTION
def serve(mode: str | None, port: int, host: str, today: datetime | None) -> None:
    """Run the Slack app: /slack/events for events, /partners, buttons and modals;
    /healthz for a load balancer. Several instances may share one PostgreSQL database.

    \b
    Examples:
      partnerops serve --http --port 3000     # behind a public HTTPS URL
      partnerops serve --socket               # no public URL needed (SLACK_APP_TOKEN)
    """
    from bot.runtime import configure_logging, model_planner
    from bot.slack.app import build_app
    from bot.slack.runtime import build_runtime

    settings = load()
    configure_logging("INFO")
    # Answers are CPU work on the same interpreter; a short switch interval lets the threads
    # acknowledging Slack take the GIL back quickly after each read and write.
    sys.setswitchinterval(ACK_SWITCH_INTERVAL)
    mode = mode or ("socket" if settings.slack_app_token else "http")
    missing = [
        name
        for name, value, needed in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token, True),
            ("SLACK_SIGNING_SECRET", settings.slack_signing_secret, mode == "http"),
            ("SLACK_APP_TOKEN", settings.slack_app_token, mode == "socket"),
        )
        if needed and value is None
    ]
    if missing:
        raise click.ClickException(
            f"{' and '.join(missing)} must be set (in the environment or .env) for "
            f"`serve --{mode}`; see README “Add it to Slack”."
        )
    engine = open_db(settings)
    try:
        rt = build_runtime(settings, engine, model=model_planner(settings), today=day_of(today))
    except Exception as error:  # auth.test failed: a bad token or an unreachable Slack
        raise click.ClickException(f"could not reach Slack with SLACK_BOT_TOKEN: {error}") from None
    app = build_app(rt, socket_mode=mode == "socket")
    digests = _start_digests(rt) if settings.digest_scheduler else None
    try:
        if mode == "socket":
            from bot.slack.server import serve_socket_mode

            click.echo("partnerops: connecting to Slack over Socket Mode…", err=True)
            serve_socket_mode(app, rt)
            return
        from bot.slack.server import make_http_server

        server = make_http_server(app, rt, host=host, port=port)

        def stop(_signal: int, _frame: FrameType | None) -> None:
            server.close()

        signal.signal(signal.SIGTERM, stop)
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        click.echo(
            f"partnerops: listening on http://{shown}:{server.effective_port}/slack/events",
            err=True,
        )
        sys.stderr.flush()
        with contextlib.suppress(KeyboardInterrupt, OSError):  # SIGTERM closes the socket
            server.run()
    finally:
        if digests is not None:
            digests.shutdown(wait=False)
        rt.close()
        engine.dispose()


def _start_digests(rt: SlackRuntime) -> BackgroundScheduler:
    """The digest scheduler beside the app: a pass a minute on the app's database and
    client (every instance may run it; each digest is still posted once)."""
    from bot.digests.scheduler import start_background
    from bot.slack.digests import digest_client, pass_runner

    click.echo("partnerops: digest scheduler running (a pass every minute)", err=True)
    return start_background(pass_runner(rt.settings, rt.engine, digest_client(rt.settings)))
