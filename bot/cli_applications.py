"""`partnerops applications …`: list, show, and the explicit approve/reject writes."""

from __future__ import annotations

import click


@click.group()
def applications() -> None:
    """Review partner applications; approving or rejecting needs an approver.

    \b
    Example:
      partnerops applications list
      partnerops applications approve app-003 --user U012ABCDEF --reason "great fit"
    """


def _show(tool: str, arguments: dict[str, object], user: str | None = None) -> None:
    from bot.assistant.answer import run_tool
    from bot.cli import _context, _session, _settings
    from bot.render.text import render_text

    settings = _settings()
    with _session(settings) as session:
        result = run_tool(session, _context(settings, user, None), tool, arguments)
    click.echo(render_text(result.report), nl=False)


@applications.command(name="list")
@click.option("--limit", default=20, show_default=True)
def list_(limit: int) -> None:
    """Pending applications, oldest first."""
    _show("pending_applications", {"limit": limit})


@applications.command()
@click.argument("application")
def show(application: str) -> None:
    """One application by key or applicant name."""
    _show("application_detail", {"application": application})


def _decide(application: str, user: str, reason: str | None, approve: bool) -> None:
    from bot.cli import _context, _session, _settings
    from bot.render.text import render_text
    from tools.applications import approve_application, reject_application
    from tools.errors import ToolError

    settings = _settings()
    try:
        with _session(settings) as session:
            ctx = _context(settings, user, None)
            if approve:
                result = approve_application(session, ctx, application, reason=reason)
            else:
                result = reject_application(session, ctx, application, reason=reason or "")
    except ToolError as error:
        raise click.ClickException(error.message) from None
    click.echo(render_text(result.report()), nl=False)


@applications.command()
@click.argument("application")
@click.option("--user", required=True, help="Your Slack user id (must be in PARTNEROPS_APPROVERS).")
@click.option("--reason", default=None, help="Why (recorded in the audit log).")
def approve(application: str, user: str, reason: str | None) -> None:
    """Approve an application: creates or activates the partner; audited."""
    _decide(application, user, reason, approve=True)


@applications.command()
@click.argument("application")
@click.option("--user", required=True, help="Your Slack user id (must be in PARTNEROPS_APPROVERS).")
@click.option("--reason", required=True, help="Why (recorded and kept with the application).")
def reject(application: str, user: str, reason: str) -> None:
    """Reject an application with a reason; the record is kept; audited."""
    _decide(application, user, reason, approve=False)
