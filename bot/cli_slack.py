"""`partnerops slack …`: setting up the Slack app (its manifest), without opening Slack."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click

FORMATS: tuple[str, ...] = ("json", "yaml") if importlib.util.find_spec("yaml") else ("json",)
"""Output formats: YAML only where PyYAML is installed (Slack takes either)."""


@click.group()
def slack() -> None:
    """Set up the Slack app.

    \b
    Example:
      partnerops slack manifest --socket > manifest.json
    """


@slack.command()
@click.option(
    "--url",
    metavar="URL",
    help="The app's public https URL; a base (https://your.host) gets /slack/events.",
)
@click.option("--socket", is_flag=True, help="Socket Mode: no public URL, an xapp- token.")
@click.option("--name", default="partnerops", show_default=True, help="The app's name in Slack.")
@click.option(
    "--format",
    "output",
    type=click.Choice(FORMATS),
    default="json",
    show_default=True,
    help="How to print it" + ("." if len(FORMATS) > 1 else " (install PyYAML for yaml)."),
)
def manifest(url: str | None, socket: bool, name: str, output: str) -> None:
    """Print the Slack app manifest to paste into api.slack.com/apps → Create New App →
    From an app manifest.

    \b
    Examples:
      partnerops slack manifest --socket                     # no public URL needed
      partnerops slack manifest --url https://your.host      # HTTP delivery
    """
    from bot.slack.manifest import manifest as build
    from bot.slack.manifest import manifest_json

    if socket and url:
        raise click.UsageError("Give --url or --socket, not both: Socket Mode needs no URL.")
    if not socket and not url:
        raise click.UsageError(
            "Give --url https://your.host (Slack calls it) or --socket (no public URL)."
        )
    try:
        document = build(request_url=url, socket_mode=socket, name=name)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    click.echo(_yaml(document) if output == "yaml" else manifest_json(document), nl=False)


def _yaml(document: dict[str, Any]) -> str:
    """The manifest as YAML, keys in the manifest's own order."""
    yaml: Any = importlib.import_module("yaml")
    text: str = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return text
