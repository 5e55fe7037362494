"""`partnerops applications …`: list, show, and the explicit approve/reject writes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from bot.cli_support import JSON_OPTION, TODAY_OPTION, day_of, db_session, load, tool_context


@click.group()
def applications() -> None:
    """Review partner applications; approving or rejecting needs an approver.

    \b
    Example:
      partnerops applications list
      partnerops applications approve app-003 --user U012ABCDEF --reason "great fit"
    """


def _echo(report: Any, call: dict[str, Any], raw: dict[str, Any] | None, as_json: bool) -> None:
    from bot.render.text import render_text

    if as_json:
        payload = {
            "answer": render_text(report),
            "report": report.model_dump(mode="json"),
            "tool_calls": [call],
            "result": raw,
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report), nl=False)


def _show(tool: str, arguments: dict[str, Any], today: datetime | None, as_json: bool) -> None:
    from bot.assistant.answer import run_tool

    settings = load()
    with db_session(settings) as session:
        result = run_tool(session, tool_context(settings, None, day_of(today)), tool, arguments)
    _echo(result.report, {"tool": tool, "arguments": arguments}, result.result, as_json)


@applications.command(name="list")
@click.option("--limit", default=20, show_default=True, help="How many to show (1–100).")
@TODAY_OPTION
@JSON_OPTION
def list_(limit: int, today: datetime | None, as_json: bool) -> None:
    """Pending applications, oldest first.

    \b
    Example:
      partnerops applications list --limit 5 --json
    """
    _show("pending_applications", {"n": limit}, today, as_json)


@applications.command()
@click.argument("application")
@TODAY_OPTION
@JSON_OPTION
def show(application: str, today: datetime | None, as_json: bool) -> None:
    """One application by key or applicant name.

    \b
    Example:
      partnerops applications show app-003
    """
    _show("application_detail", {"application": application}, today, as_json)


def _decide(
    application: str,
    user: str,
    reason: str | None,
    approve: bool,
    today: datetime | None,
    as_json: bool,
) -> None:
    from tools.applications import approve_application, reject_application
    from tools.errors import ToolError

    settings = load()
    action = "approve_application" if approve else "reject_application"
    try:
        with db_session(settings) as session:
            ctx = tool_context(settings, user, day_of(today))
            if approve:
                result = approve_application(session, ctx, application, reason=reason)
            else:
                result = reject_application(session, ctx, application, reason=reason or "")
    except ToolError as error:
        raise click.ClickException(error.message) from None
    call = {"tool": action, "arguments": {"application": application, "reason": reason}}
    _echo(result.report(), call, result.model_dump(mode="json"), as_json)


@applications.command()
@click.argument("application")
@click.option("--user", required=True, help="Your Slack user id (must be in PARTNEROPS_APPROVERS).")
@click.option("--reason", default=None, help="Why (recorded in the audit log).")
@TODAY_OPTION
@JSON_OPTION
def approve(
    application: str, user: str, reason: str | None, today: datetime | None, as_json: bool
) -> None:
    """Approve an application: creates or activates the partner; audited.

    \b
    Example:
      partnerops applications approve app-003 --user U012ABCDEF --reason "great fit"
    """
    _decide(application, user, reason, True, today, as_json)


@applications.command()
@click.argument("application")
@click.option("--user", required=True, help="Your Slack user id (must be in PARTNEROPS_APPROVERS).")
@click.option("--reason", required=True, help="Why (recorded and kept with the application).")
@TODAY_OPTION
@JSON_OPTION
def reject(application: str, user: str, reason: str, today: datetime | None, as_json: bool) -> None:
    """Reject an application with a reason; the record is kept; audited.

    \b
    Example:
      partnerops applications reject app-004 --user U012ABCDEF --reason "off-brand content"
    """
    _decide(application, user, reason, False, today, as_json)
