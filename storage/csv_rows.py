"""Reading and validating program CSV files, so the importer only ever writes clean rows."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from storage.models import (
    CommissionModel,
    GoalMetric,
    GoalScope,
    PartnerStatus,
    PartnerType,
)

MAX_ERRORS = 1000
"""Validation stops listing bad rows after this many; nobody reads more, and memory stays small."""

ROW = "row"
"""The column name used for problems with a whole row (wrong number of values, bad encoding)."""

BIGINT_MAX = 2**63 - 1
"""The largest count a BIGINT column holds."""

_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class RowError:
    """One bad value (or row, or header) in a file, located by its physical CSV line."""

    path: Path
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.path}: {self.column}: {self.reason}"
        return f"{self.path}:{self.line}: {self.column}: {self.reason}"


class Invalid(ValueError):
    """A value that breaks the data contract; the message is the reason shown to the user."""


# --- value parsers: str (stripped, non-empty) -> typed value, or raise Invalid -------------


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:37] + "...")


def text(max_length: int) -> Callable[[str], str]:
    """Free text that must fit its column."""

    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise Invalid(f"longer than {max_length} characters")
        return raw

    return parse


def choice(values: Sequence[str]) -> Callable[[str], str]:
    """One of a fixed set of lowercase names; matched case-insensitively, stored lowercase."""
    allowed = frozenset(values)
    listed = ", ".join(values)

    def parse(raw: str) -> str:
        value = raw.lower()
        if value not in allowed:
            raise Invalid(f"{_shown(raw)} is not one of {listed}")
        return value

    return parse


def iso_date(raw: str) -> date:
    """A calendar date written exactly as YYYY-MM-DD."""
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-" and raw.isascii():
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise Invalid(f"{_shown(raw)} is not a date (YYYY-MM-DD)")


def count(raw: str) -> int:
    """A whole number >= 0 that fits a BIGINT."""
    if raw.isascii() and raw.isdigit():
        value = int(raw)
        if value > BIGINT_MAX:
            raise Invalid(f"{_shown(raw)} is too large")
        return value
    if raw.startswith("-") and raw[1:].isascii() and raw[1:].isdigit():
        raise Invalid(f"{_shown(raw)} is negative; must be 0 or more")
    raise Invalid(f"{_shown(raw)} is not a whole number")


def _number(raw: str) -> Decimal:
    if not _NUMBER.fullmatch(raw):
        if "," in raw:
            raise Invalid(
                f"{_shown(raw)} is not a number (use . for decimals, no thousands separator)"
            )
        raise Invalid(f"{_shown(raw)} is not a number")
    return Decimal(raw)


def amount(scale: int, digits: int) -> Callable[[str], Decimal]:
    """A decimal >= 0 rounded (half up, as PostgreSQL does) to a Numeric(digits, scale) column."""
    places = Decimal(1).scaleb(-scale)
    limit = Decimal(10) ** (digits - scale)

    def parse(raw: str) -> Decimal:
        value = _number(raw)
        if value < 0:
            raise Invalid(f"{_shown(raw)} is negative; must be 0 or more")
        value = value.quantize(places, rounding=ROUND_HALF_UP)
        if value >= limit:
            raise Invalid(f"{_shown(raw)} is too large")
        return value

    return parse


money = amount(2, 16)
"""Money in the program currency: Numeric(16, 2)."""

PLAIN_MONEY = re.compile(r"[0-9]{1,14}(?:\.[0-9]{1,2})?")
"""Money already in its stored form (>= 0, at most 2 decimals, fits); `money` accepts more."""


_hundredths = amount(2, 5)
_fraction = amount(4, 6)


def percent(raw: str) -> Decimal:
    """A share from 0 to 100, in hundredths."""
    value = _hundredths(raw)
    if value > 100:
        raise Invalid(f"{_shown(raw)} is more than 100")
    return value


def country(raw: str) -> str:
    """An ISO 3166-1 alpha-2 code, stored uppercase."""
    if len(raw) == 2 and raw.isascii() and raw.isalpha():
        return raw.upper()
    raise Invalid(f"{_shown(raw)} is not a 2-letter country code (ISO 3166-1 alpha-2)")


def email(raw: str) -> str:
    """An address with one @ and no spaces; deliverability is not our business here."""
    if len(raw) > 320:
        raise Invalid("longer than 320 characters")
    local, at, domain = raw.partition("@")
    if not at or not local or not domain or "@" in domain or any(c.isspace() for c in raw):
        raise Invalid(f"{_shown(raw)} is not an email address")
    return raw


def tags(raw: str) -> list[str]:
    """`;`-separated labels: blanks dropped, repeats dropped, order kept."""
    labels: list[str] = []
    for part in raw.split(";"):
        label = part.strip()
        if len(label) > 100:
            raise Invalid(f"tag {_shown(label)} is longer than 100 characters")
        if label and label not in labels:
            labels.append(label)
    return labels


def checkpoints(raw: str) -> list[tuple[date, Decimal]]:
    """`YYYY-MM-DD=fraction;...` with dates and fractions (0..1) both strictly increasing."""
    points: list[tuple[date, Decimal]] = []
    for part in raw.split(";"):
        item = part.strip()
        if not item:
            continue
        day_text, equals, fraction_text = item.partition("=")
        if not equals:
            raise Invalid(f"{_shown(item)} is not YYYY-MM-DD=fraction")
        day = iso_date(day_text.strip())
        fraction = _fraction(fraction_text.strip())
        if fraction > 1:
            raise Invalid(f"fraction {_shown(fraction_text.strip())} is more than 1")
        if points and day <= points[-1][0]:
            raise Invalid(f"{day} is not after the previous checkpoint {points[-1][0]}")
        if points and fraction <= points[-1][1]:
            raise Invalid(f"fraction {fraction} on {day} is not more than the previous one")
        points.append((day, fraction))
    return points


# --- columns, headers and the row loop ----------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One contract column: its header name, parser, whether it must be present and non-empty."""

    name: str
    parse: Callable[[str], Any]
    required: bool = False
    default: Any = None


@dataclass
class Parsed:
    """What validation found in one file: problems, warnings and how many data rows it has."""

    path: Path
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    row_count: int = 0

    def error(self, line: int, column: str, reason: str) -> None:
        self.errors.append(RowError(self.path, line, column, reason))

    def warn(self, line: int, column: str, message: str) -> None:
        """Warnings leave out the file (the report already names it): `line N: column: message`."""
        where = f"line {line}: " if line > 0 else ""
        self.warnings.append(f"{where}{column}: {message}")


RowHandler = Callable[[dict[str, Any], int, Parsed], None]
"""Takes one row whose values all parsed: applies cross-column rules, then keeps it."""


def _header(names: list[str], columns: Sequence[Column], parsed: Parsed) -> dict[str, int] | None:
    """Map contract column names to positions; report missing, repeated and unknown columns."""
    known = {c.name for c in columns}
    positions: dict[str, int] = {}
    for index, raw in enumerate(names):
        name = raw.strip().lower()
        if not name:
            parsed.warn(1, f"column {index + 1}", "has no name; ignored")
        elif name in positions:
            parsed.error(
                1, name, f"column appears twice (columns {positions[name] + 1} and {index + 1})"
            )
        else:
            if name not in known:
                parsed.warn(1, name, "unknown column; ignored")
            positions[name] = index
    for column in columns:
        if column.required and column.name not in positions:
            parsed.error(1, column.name, "required column is missing")
    if parsed.errors:
        return None
    return {name: index for name, index in positions.items() if name in known}


def _first_bad_utf8_line(path: Path) -> int:
    """The physical line holding the first byte sequence that is not UTF-8 (error path only)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return data.count(b"\n", 0, error.start) + 1
    return 1


FastRow = Callable[[list[str], int], bool]
"""Accepts one record of the common clean shape quickly (True), or leaves it to the full checks."""


def parse_file(
    path: Path,
    columns: Sequence[Column],
    handle_row: RowHandler,
    *,
    fast: Callable[[Mapping[str, int]], FastRow | None] | None = None,
    on_row: Callable[[int], None] | None = None,
) -> Parsed:
    """Validate every row of `path` in one pass, handing each well-formed row to `handle_row`.

    `fast(positions)` may supply a shortcut for clean rows (big files); any row it declines
    goes through the column parsers and `handle_row`, which word the errors. `on_row` is
    called with the rows read so far every 10,000 rows. Whatever the handlers kept must be
    discarded by the caller when the result has errors.
    """
    parsed = Parsed(path)
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        parsed.error(0, "file", f"cannot read it: {error.strerror or error}")
        return parsed
    with stream:
        reader = csv.reader(stream)
        try:
            header = next(reader, None)
            if header is None:
                parsed.error(1, "header", "the file is empty; expected a header row")
                return parsed
            positions = _header(header, columns, parsed)
            if positions is not None:
                plan = [(c, positions.get(c.name)) for c in columns]
                shortcut = fast(positions) if fast is not None else None
                _rows(reader, len(header), plan, handle_row, shortcut, parsed, on_row)
        except UnicodeDecodeError:
            line = _first_bad_utf8_line(path)
            parsed.error(line, ROW, "not valid UTF-8; save the file as UTF-8 and import it again")
        except csv.Error as error:
            parsed.error(reader.line_num + 1, ROW, f"unreadable CSV: {error}")
    if parsed.row_count == 0 and not parsed.errors:
        parsed.warnings.append("no data rows")
    return parsed


def _rows(
    reader: Any,
    width: int,
    plan: list[tuple[Column, int | None]],
    handle_row: RowHandler,
    fast: FastRow | None,
    parsed: Parsed,
    on_row: Callable[[int], None] | None,
) -> None:
    """The row loop: blank lines skipped, each record checked by its first physical line."""
    errors = parsed.errors
    line_num: int = reader.line_num
    count = parsed.row_count
    try:
        for record in reader:
            line = line_num + 1
            line_num = reader.line_num
            if len(record) != width:
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue  # a blank line
                count += 1
                parsed.error(
                    line,
                    ROW,
                    f"{len(record)} values but the header has {width} columns "
                    "(quote values that contain commas)",
                )
            else:
                count += 1
                if fast is None or not fast(record, line):
                    values = _values(record, plan, line, parsed)
                    if values is not None:
                        handle_row(values, line, parsed)
            if on_row is not None and count % 10_000 == 0:
                on_row(count)
            if len(errors) >= MAX_ERRORS:
                parsed.error(line, ROW, f"stopped checking after {MAX_ERRORS} errors")
                break
    finally:
        parsed.row_count = count


def _values(
    record: list[str], plan: list[tuple[Column, int | None]], line: int, parsed: Parsed
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    ok = True
    for column, index in plan:
        raw = record[index].strip() if index is not None else ""
        if not raw:
            if column.required:
                parsed.error(line, column.name, "required value is empty")
                ok = False
            values[column.name] = column.default
            continue
        try:
            values[column.name] = column.parse(raw)
        except Invalid as error:
            parsed.error(line, column.name, str(error))
            ok = False
    return values if ok else None


# --- the four contract files --------------------------------------------------------------


def _names(kind: type[Any]) -> list[str]:
    return [member.value for member in kind]


PARTNER_COLUMNS = (
    Column("partner_key", text(100), required=True),
    Column("name", text(200), required=True),
    Column("type", choice(_names(PartnerType)), required=True),
    Column("status", choice(_names(PartnerStatus)), required=True),
    Column("tier", text(50)),
    Column("country", country),
    Column("owner", text(200)),
    Column("exec_sponsor", text(200)),
    Column("contact_name", text(200)),
    Column("contact_email", email),
    Column("website", text(500)),
    Column("joined_on", iso_date),
    Column("commission_model", choice(_names(CommissionModel))),
    Column("commission_rate", amount(4, 12)),
    Column("audience_overlap_pct", percent),
    Column("tags", tags, default=[]),
)

PERFORMANCE_COLUMNS = (
    Column("date", iso_date, required=True),
    Column("partner_key", text(100), required=True),
    Column("clicks", count, required=True),
    Column("leads", count, required=True),
    Column("conversions", count, required=True),
    Column("revenue", money, required=True),
    Column("payout", money, required=True),
    Column("reversals", count, default=0),
)

GOAL_COLUMNS = (
    Column("goal_key", text(100), required=True),
    Column("name", text(200), required=True),
    Column("scope", choice(_names(GoalScope)), required=True),
    Column("tier", text(50)),
    Column("partner_key", text(100)),
    Column("metric", choice(_names(GoalMetric)), required=True),
    Column("target", amount(2, 18), required=True),
    Column("start", iso_date, required=True),
    Column("end", iso_date, required=True),
    Column("checkpoints", checkpoints, default=[]),
)

APPLICATION_COLUMNS = (
    Column("application_key", text(100), required=True),
    Column("name", text(200), required=True),
    Column("email", email, required=True),
    Column("type", choice(_names(PartnerType)), required=True),
    Column("company", text(200)),
    Column("website", text(500)),
    Column("country", country),
    Column("audience_size", count),
    Column("message", text(20_000)),
    Column("submitted_at", iso_date, required=True),
)


def unique_key(column: str) -> RowHandler:
    """Reject a second row with the same value in `column` (keys that must be unique)."""
    first_seen: dict[str, int] = {}

    def check(values: dict[str, Any], line: int, parsed: Parsed) -> None:
        key = values[column]
        earlier = first_seen.setdefault(key, line)
        if earlier != line:
            parsed.error(
                line, column, f"duplicate {column} {_shown(key)} (first on line {earlier})"
            )

    return check


def unknown_partner(key: str) -> str:
    """The reason given for a partner_key that is neither in the database nor imported first."""
    return f"unknown partner_key {_shown(key)}; import it in a partners file first"


def partner_rules() -> RowHandler:
    """Partner rules across columns: unique key; a revshare rate is a percent of revenue."""
    unique = unique_key("partner_key")

    def check(values: dict[str, Any], line: int, parsed: Parsed) -> None:
        unique(values, line, parsed)
        rate = values["commission_rate"]
        revshare = values["commission_model"] == CommissionModel.REVSHARE
        if revshare and rate is not None and rate > 100:
            parsed.error(
                line, "commission_rate", f"{rate} is more than 100 (revshare is a percent)"
            )

    return check


def goal_rules(partner_ids: Mapping[str, int]) -> RowHandler:
    """Goal rules across columns: unique key, scope needs tier/partner, dates and checkpoints.

    Sets `partner_id` from `partner_key` (None unless scope is partner).
    """
    unique = unique_key("goal_key")

    def check(values: dict[str, Any], line: int, parsed: Parsed) -> None:
        unique(values, line, parsed)
        scope = values["scope"]
        for column, needed in (("tier", GoalScope.TIER), ("partner_key", GoalScope.PARTNER)):
            if scope == needed and values[column] is None:
                parsed.error(line, column, f"required when scope is {scope}")
            elif scope != needed and values[column] is not None:
                parsed.warn(line, column, f"ignored because scope is {scope}")
                values[column] = None
        key = values["partner_key"]
        values["partner_id"] = None if key is None else partner_ids.get(key)
        if key is not None and values["partner_id"] is None:
            parsed.error(line, "partner_key", unknown_partner(key))
        if values["target"] <= 0:
            parsed.error(line, "target", "must be more than 0")
        start, end = values["start"], values["end"]
        if end < start:
            parsed.error(line, "end", f"{end} is before start {start}")
            return
        for day, _fraction in values["checkpoints"]:
            if not start <= day <= end:
                parsed.error(line, "checkpoints", f"{day} is outside {start}..{end}")
                return

    return check
