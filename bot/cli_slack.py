"""`partnerops slack …`: setting up the Slack app (its manifest), without opening Slack."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import click

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
"""Hosts allowed over plain http, for a local tunnel or a test; Slack itself needs https."""


@click.group()
def slack() -> None:
    """Set up the Slack app.

    \b
    Example:
      partnerops slack manifest --socket > manifest.json
    """


def _checked_url(url: str) -> str:
    """An https URL (or http on localhost); anything else is a usage error saying why."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return url.strip()
    if parts.scheme == "http" and host in LOCAL_HOSTS:
        return url.strip()
    if parts.scheme == "http" and host:
        raise click.BadParameter(
            f"“{url}” is plain http; Slack only calls https URLs. Put the app behind HTTPS "
            "(e.g. https://your.host) or use --socket.",
            param_hint="--url",
        )
    raise click.BadParameter(
        f"“{url}” is not a URL Slack can call; give one like https://your.host.",
        param_hint="--url",
    )


@slack.command()
@click.option(
    "--url",
    metavar="URL",
    help="The app's public https URL: a base (https://your.host) gets /slack/events.",
)
@click.option("--socket", is_flag=True, help="Socket Mode: no public URL, an xapp- token.")
@click.option("--name", default="partnerops", show_default=True, help="The app's name in Slack.")
def manifest(url: str | None, socket: bool, name: str) -> None:
    """Print the Slack app manifest (JSON) to paste into api.slack.com/apps →
    Create New App → From a manifest.

    \b
    Examples:
      partnerops slack manifest --socket                     # no public URL needed
      partnerops slack manifest --url https://your.host      # HTTP delivery
    """
    from bot.slack.manifest import manifest as build

    if socket and url:
        raise click.UsageError("Give --url or --socket, not both: Socket Mode needs no URL.")
    if not socket and not url:
        raise click.UsageError(
            "Give --url https://your.host (Slack calls it) or --socket (no public URL)."
        )
    request_url = _checked_url(url) if url else None
    try:
        document = build(request_url=request_url, socket_mode=socket, name=name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--url") from None
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
