"""CSV import per the data contract: validate a whole file, then upsert it in one transaction.

Each file is all-or-nothing. `import_file` reads and checks every row first; if any row is
bad it writes nothing and raises `ImportFailed` whose report lists every problem as
`file:line: column: reason` (physical CSV lines, the header is line 1). Otherwise it
upserts the rows by their keys, writes one audit entry and commits the session, so a
caller's own pending changes are committed with it. On a database error it rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.csv_rows import (
    APPLICATION_COLUMNS,
    BIGINT_MAX,
    GOAL_COLUMNS,
    PARTNER_COLUMNS,
    PERFORMANCE_COLUMNS,
    PLAIN_MONEY,
    Column,
    FastRow,
    Invalid,
    Parsed,
    RowError,
    goal_rules,
    iso_date,
    parse_file,
    partner_rules,
    unique_key,
    unknown_partner,
)
from storage.models import (
    Application,
    ApplicationStatus,
    AuditEntry,
    Goal,
    GoalCheckpoint,
    Partner,
    PartnerTag,
)
from storage.performance_upsert import PerformanceRow, upsert_performance

__all__ = [
    "FileReport",
    "ImportFailed",
    "ImportKind",
    "Progress",
    "RowError",
    "detect_kind",
    "import_file",
    "import_paths",
]

Progress = Callable[[int, int], None]
"""progress(done, total): rows handled so far out of the file's rows (reading + writing)."""

_CHUNK = 500
"""Keys per `IN (...)` list, well under every backend's bound-parameter limit."""


class ImportKind(StrEnum):
    PARTNERS = "partners"
    PERFORMANCE = "performance"
    GOALS = "goals"
    APPLICATIONS = "applications"


_PREFIXES = (
    ("partners", ImportKind.PARTNERS),
    ("perf", ImportKind.PERFORMANCE),
    ("goals", ImportKind.GOALS),
    ("applications", ImportKind.APPLICATIONS),
)
_ORDER = {
    ImportKind.PARTNERS: 0,
    ImportKind.GOALS: 1,
    ImportKind.PERFORMANCE: 1,
    ImportKind.APPLICATIONS: 2,
}
"""Dependency order: goals and performance refer to partners."""


def detect_kind(path: Path) -> ImportKind | None:
    """The kind a file name announces: partners*.csv, perf*.csv, goals*.csv, applications*.csv."""
    name = path.name.lower()
    if not name.endswith(".csv"):
        return None
    for prefix, kind in _PREFIXES:
        if name.startswith(prefix):
            return kind
    return None


@dataclass
class FileReport:
    """What importing one file did (or, with errors, why it wrote nothing)."""

    path: Path
    kind: ImportKind | None
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(Exception):
    """A file was rejected as a whole; `report.errors` lists every reason."""

    def __init__(self, report: FileReport) -> None:
        count = len(report.errors)
        super().__init__(
            f"{report.path}: {count} problem{'s' if count != 1 else ''}; nothing was imported"
        )
        self.report = report


# --- progress -----------------------------------------------------------------------------


def _estimate_rows(path: Path) -> int:
    """Data lines in the file (newlines minus the header), counted fast on bytes."""
    lines = 0
    last = b"\n"
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 0  # parse_file reports why the file cannot be read
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


class _Tracker:
    """Maps reading and writing onto one 0..total scale, half each, for a progress bar."""

    def __init__(self, callback: Progress | None, path: Path) -> None:
        self.callback = callback
        self.total = _estimate_rows(path) if callback is not None else 0
        self.read_rows = 0

    def read(self, rows: int) -> None:
        self.read_rows = rows
        self._report(rows)

    def wrote(self, done: int, of: int) -> None:
        if of:
            self._report(self.read_rows + self.read_rows * done // of)

    def _report(self, units: int) -> None:
        if self.callback is not None:
            total = max(self.total, self.read_rows)
            self.callback(min(units // 2, total), total)

    def finish(self, rows: int) -> None:
        if self.callback is not None:
            self.callback(rows, rows)


# --- one loader per kind: keeps validated rows, then writes them ------------------------


class _Loader:
    """Keeps the validated rows of one kind, then writes them; subclasses fill in the kind."""

    columns: Sequence[Column] = ()

    def handle(self, values: dict[str, Any], line: int, parsed: Parsed) -> None:
        raise NotImplementedError

    def fast(self, positions: Mapping[str, int]) -> FastRow | None:
        """A shortcut for clean rows of big files; None means every row takes the full checks."""
        return None

    def warnings(self) -> list[str]:
        """File-level remarks known only after every row was seen."""
        return []

    def write(self, session: Session, tracker: _Tracker) -> tuple[int, int]:
        """Upsert the kept rows; (inserted, updated). Runs inside the caller's transaction."""
        raise NotImplementedError


def _key_ids(session: Session, key: InstrumentedAttribute[str]) -> dict[str, int]:
    """All keys of one table mapped to their row ids."""
    table = key.class_
    rows = session.execute(select(key, table.id))
    return {k: i for k, i in rows}


def _chunks(items: Sequence[int]) -> list[Sequence[int]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _split(
    rows: list[dict[str, Any]], key: str, existing: dict[str, int], fields: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows to insert (new keys) and rows to update by id (known keys), limited to `fields`."""
    new: list[dict[str, Any]] = []
    old: list[dict[str, Any]] = []
    for values in rows:
        data = {name: values[name] for name in fields}
        row_id = existing.get(values[key])
        if row_id is None:
            new.append(data)
        else:
            old.append({"id": row_id, **data})
    return new, old


class _Partners(_Loader):
    columns = PARTNER_COLUMNS
    fields = tuple(c.name for c in PARTNER_COLUMNS if c.name != "tags")

    def __init__(self, session: Session) -> None:
        self.rows: list[dict[str, Any]] = []
        self.rules = partner_rules()

    def handle(self, values: dict[str, Any], line: int, parsed: Parsed) -> None:
        self.rules(values, line, parsed)
        self.rows.append(values)

    def write(self, session: Session, tracker: _Tracker) -> tuple[int, int]:
        existing = _key_ids(session, Partner.partner_key)
        new, old = _split(self.rows, "partner_key", existing, self.fields)
        if new:
            session.execute(insert(Partner), new)
        if old:
            session.execute(update(Partner), old)
        for chunk in _chunks([row["id"] for row in old]):
            session.execute(delete(PartnerTag).where(PartnerTag.partner_id.in_(chunk)))
        ids = _key_ids(session, Partner.partner_key) if new else existing
        tags = [
            {"partner_id": ids[values["partner_key"]], "tag": tag}
            for values in self.rows
            for tag in values["tags"]
        ]
        if tags:
            session.execute(insert(PartnerTag), tags)
        return len(new), len(old)


class _Goals(_Loader):
    columns = GOAL_COLUMNS
    fields = ("goal_key", "name", "scope", "tier", "partner_id", "metric", "target", "start", "end")

    def __init__(self, session: Session) -> None:
        self.rows: list[dict[str, Any]] = []
        self.rules = goal_rules(_key_ids(session, Partner.partner_key))

    def handle(self, values: dict[str, Any], line: int, parsed: Parsed) -> None:
        self.rules(values, line, parsed)
        self.rows.append(values)

    def write(self, session: Session, tracker: _Tracker) -> tuple[int, int]:
        existing = _key_ids(session, Goal.goal_key)
        new, old = _split(self.rows, "goal_key", existing, self.fields)
        if new:
            session.execute(insert(Goal), new)
        if old:
            session.execute(update(Goal), old)
        for chunk in _chunks([row["id"] for row in old]):
            session.execute(delete(GoalCheckpoint).where(GoalCheckpoint.goal_id.in_(chunk)))
        ids = _key_ids(session, Goal.goal_key) if new else existing
        points = [
            {"goal_id": ids[values["goal_key"]], "due_on": day, "fraction": fraction}
            for values in self.rows
            for day, fraction in values["checkpoints"]
        ]
        if points:
            session.execute(insert(GoalCheckpoint), points)
        return len(new), len(old)


class _Applications(_Loader):
    """Applications upsert their applicant data; decision fields are never touched."""

    columns = APPLICATION_COLUMNS
    fields = tuple(c.name for c in APPLICATION_COLUMNS)

    def __init__(self, session: Session) -> None:
        self.rows: list[dict[str, Any]] = []
        self.unique = unique_key("application_key")

    def handle(self, values: dict[str, Any], line: int, parsed: Parsed) -> None:
        self.unique(values, line, parsed)
        self.rows.append(values)

    def write(self, session: Session, tracker: _Tracker) -> tuple[int, int]:
        existing = _key_ids(session, Application.application_key)
        new, old = _split(self.rows, "application_key", existing, self.fields)
        if new:
            pending = ApplicationStatus.PENDING.value
            session.execute(insert(Application), [{**row, "status": pending} for row in new])
        if old:
            session.execute(update(Application), old)
        return len(new), len(old)


_PERFORMANCE_REQUIRED = (
    "date",
    "partner_key",
    "clicks",
    "leads",
    "conversions",
    "revenue",
    "payout",
)


class _Performance(_Loader):
    """Daily rows keyed by (partner, day); a later row for the same key replaces the earlier."""

    columns = PERFORMANCE_COLUMNS

    def __init__(self, session: Session) -> None:
        self.partner_ids = _key_ids(session, Partner.partner_key)
        self.rows: dict[tuple[int, date], PerformanceRow] = {}
        self.replaced: list[int] = []

    def handle(self, values: dict[str, Any], line: int, parsed: Parsed) -> None:
        partner_key = values["partner_key"]
        partner_id = self.partner_ids.get(partner_key)
        if partner_id is None:
            parsed.error(line, "partner_key", unknown_partner(partner_key))
            return
        key = (partner_id, values["date"])
        if key in self.rows:
            self.replaced.append(line)
        self.rows[key] = (
            partner_id,
            values["date"],
            values["clicks"],
            values["leads"],
            values["conversions"],
            values["revenue"],
            values["payout"],
            values["reversals"],
        )

    def fast(self, positions: Mapping[str, int]) -> FastRow:
        """The shortcut for clean rows; anything unusual goes to the full checks and messages."""
        i_date, i_key, i_clicks, i_leads, i_conversions, i_revenue, i_payout = (
            positions[name] for name in _PERFORMANCE_REQUIRED
        )
        i_reversals = positions.get("reversals")
        days: dict[str, date] = {}
        partner_ids, rows, replaced = self.partner_ids, self.rows, self.replaced
        plain_money = PLAIN_MONEY.fullmatch

        def accept(record: list[str], line: int) -> bool:
            day = days.get(record[i_date])
            if day is None:
                try:
                    day = days.setdefault(record[i_date], iso_date(record[i_date]))
                except Invalid:
                    return False
            partner_id = partner_ids.get(record[i_key])
            clicks, leads, conversions = record[i_clicks], record[i_leads], record[i_conversions]
            reversals = "0" if i_reversals is None else record[i_reversals] or "0"
            revenue, payout = record[i_revenue], record[i_payout]
            digits = clicks + leads + conversions + reversals
            if (
                partner_id is None
                or not (clicks.isdigit() and leads.isdigit() and conversions.isdigit())
                or not (reversals.isdigit() and digits.isascii() and len(digits) < 60)
                or plain_money(revenue) is None
                or plain_money(payout) is None
            ):
                return False
            counts = (int(clicks), int(leads), int(conversions), int(reversals))
            if max(counts) > BIGINT_MAX:
                return False
            key = (partner_id, day)
            if key in rows:
                replaced.append(line)
            rows[key] = (partner_id, day, *counts[:3], Decimal(revenue), Decimal(payout), counts[3])
            return True

        return accept

    def warnings(self) -> list[str]:
        if not self.replaced:
            return []
        count = len(self.replaced)
        lines = ", ".join(str(line) for line in self.replaced[:5]) + (", …" if count > 5 else "")
        return [
            f"{count} row{'s' if count != 1 else ''} repeated an earlier (date, partner_key) "
            f"and replaced it (line{'s' if count != 1 else ''} {lines})"
        ]

    def write(self, session: Session, tracker: _Tracker) -> tuple[int, int]:
        return upsert_performance(session, list(self.rows.values()), tracker.wrote)


_LOADERS: dict[ImportKind, Callable[[Session], _Loader]] = {
    ImportKind.PARTNERS: _Partners,
    ImportKind.PERFORMANCE: _Performance,
    ImportKind.GOALS: _Goals,
    ImportKind.APPLICATIONS: _Applications,
}


# --- public entry points ----------------------------------------------------------------


def _kind(path: Path, kind: ImportKind | str | None) -> ImportKind | None:
    if kind is not None:
        return ImportKind(kind)
    return detect_kind(path)


def _unknown_kind(path: Path) -> RowError:
    names = "partners*.csv, performance*.csv (or perf*.csv), goals*.csv or applications*.csv"
    return RowError(
        path, 0, "file", f"cannot tell what the file holds; name it {names}, or give its kind"
    )


def import_file(
    session: Session,
    path: Path,
    kind: ImportKind | str | None = None,
    *,
    progress: Progress | None = None,
    actor: str = "cli",
) -> FileReport:
    """Validate and import one CSV file atomically; commit it, or raise ImportFailed.

    `kind` defaults to what the file name says (see detect_kind). `progress(done, total)`
    is called as rows are read and written. The audit log gets one entry per imported file.
    """
    path = Path(path)
    resolved = _kind(path, kind)
    report = FileReport(path, resolved)
    if resolved is None:
        report.errors.append(_unknown_kind(path))
        raise ImportFailed(report)
    tracker = _Tracker(progress, path)
    loader = _LOADERS[resolved](session)
    parsed = parse_file(path, loader.columns, loader.handle, fast=loader.fast, on_row=tracker.read)
    report.rows = parsed.row_count
    report.warnings = parsed.warnings
    report.errors = parsed.errors
    report.warnings.extend(loader.warnings())
    if report.errors:
        raise ImportFailed(report)
    tracker.read(parsed.row_count)
    try:
        report.inserted, report.updated = loader.write(session, tracker)
        session.add(
            AuditEntry(
                actor=actor,
                action="import",
                entity_type=resolved.value,
                entity_key=path.name[:200],
                after={"inserted": report.inserted, "updated": report.updated},
            )
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.expire_all()
    tracker.finish(report.rows)
    return report


def _expand(paths: Sequence[Path]) -> list[Path]:
    """Directories become their *.csv files (sorted by name); files stay as given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv"))
        else:
            files.append(path)
    return files


def import_paths(
    session: Session,
    paths: Sequence[Path],
    kind: ImportKind | str | None = None,
    progress_factory: Callable[[Path, ImportKind], Progress] | None = None,
    *,
    actor: str = "cli",
) -> list[FileReport]:
    """Import files and directories' *.csv in dependency order; one report per file.

    Files run partners first, then goals and performance, then applications (stable
    within a kind), so a directory's partners file is committed before the rows that
    refer to it. `kind`, when given, applies to every file; otherwise each file's name
    decides. A rejected file does not stop the others; check each report's `ok`.
    `progress_factory(path, kind)` supplies each file's `progress` callback.
    """
    chosen = ImportKind(kind) if kind is not None else None
    reports: list[FileReport] = []
    for path in map(Path, paths):
        if path.is_dir() and not _expand([path]):
            reports.append(
                FileReport(path, chosen, errors=[RowError(path, 0, "file", "no *.csv files here")])
            )
    files = [(path, _kind(path, chosen)) for path in _expand(paths)]
    files.sort(key=lambda item: -1 if item[1] is None else _ORDER[item[1]])
    for path, file_kind in files:
        if file_kind is None:
            reports.append(FileReport(path, None, errors=[_unknown_kind(path)]))
            continue
        progress = progress_factory(path, file_kind) if progress_factory is not None else None
        try:
            reports.append(import_file(session, path, file_kind, progress=progress, actor=actor))
        except ImportFailed as failure:
            reports.append(failure.report)
    return reports
