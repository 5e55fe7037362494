"""`partnerops import`: progress while files load, then what each file did or why it didn't."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from storage.importer import FileReport, ImportKind, import_paths

MAX_ERRORS_SHOWN = 50


@contextmanager
def _progress(
    console: Console,
) -> Iterator[Callable[[Path, ImportKind], Callable[[int, int], None]]]:
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )

    def factory(path: Path, kind: ImportKind) -> Callable[[int, int], None]:
        task = bar.add_task(f"{path.name} ({kind})", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return update

    with bar:
        yield factory


def run_import(session: Session, paths: list[Path], kind: str | None) -> bool:
    """Import and print one summary line per file; False if any file was rejected."""
    console = Console(stderr=True)
    with _progress(console) as factory:
        reports = import_paths(session, paths, kind, factory)
    for report in reports:
        _print(report)
    return all(report.ok for report in reports)


def _print(report: FileReport) -> None:
    for warning in report.warnings:
        click.echo(f"warning: {report.path}: {warning}", err=True)
    if report.ok:
        click.echo(
            f"{report.path}: {report.kind}: {report.rows:,} row{'s' if report.rows != 1 else ''} — "
            f"{report.inserted:,} inserted, {report.updated:,} updated"
        )
        return
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        click.echo(str(error), err=True)
    hidden = len(report.errors) - MAX_ERRORS_SHOWN
    if hidden > 0:
        click.echo(f"… and {hidden:,} more problems in {report.path}", err=True)
    click.echo(
        f"{report.path}: rejected, nothing from this file was imported "
        f"({len(report.errors):,} problem{'s' if len(report.errors) != 1 else ''}).",
        err=True,
    )
