"""How typed values read to a person: the one formatter of money, percentages, counts and
dates, for tables, facts, changes and the figures inside sentences (`Line`) alike."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tools.report import Bullet, Cell, Change, Line, Money, Percent, Ratio

SYMBOLS = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "KRW": "₩", "INR": "₹", "PLN": "zł ",
}  # fmt: skip
"""Currencies shown by symbol; any other currency reads as its ISO code after the figure."""
ZERO_DECIMAL = frozenset({"JPY", "KRW"})
"""Currencies without minor units: amounts read in whole units (₩12,500, not ₩12,500.00)."""
_CENT = Decimal("0.01")


def money(value: Money, quantum: Decimal | None = None) -> str:
    """'$1,234' from 1,000 up, '$12.35' below; '₩12,500' (no minor unit); '10.00 CHF'."""
    code = value.currency.upper()
    whole = code in ZERO_DECIMAL
    if quantum is None:
        quantum = Decimal(1) if whole else _CENT
    rounded = value.amount.quantize(quantum, rounding=ROUND_HALF_UP)
    if abs(rounded) >= 1000:
        rounded = rounded.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    digits = f"{abs(rounded):,}"
    symbol = SYMBOLS.get(code)
    if symbol is None:
        return f"{sign}{digits} {code}"
    return f"{sign}{symbol}{digits}"


def percent(value: Decimal, places: int = 1) -> str:
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,}%"


def exact_percent(value: Decimal) -> str:
    """A rate as agreed, with the decimals it has (to four): '12.5%', '10%', '12.25%'."""
    kept = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
    return f"{kept:,f}%"


def cell(value: Cell | Line) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, Line):
        return line(value)
    if isinstance(value, Money):
        return money(value)
    if isinstance(value, Percent):
        return exact_percent(value.value) if value.exact else percent(value.value)
    if isinstance(value, Ratio):
        return f"{value.value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}×"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        places = Decimal(1) if abs(value) >= 100 else Decimal("0.01")
        return f"{value.quantize(places, rounding=ROUND_HALF_UP):,}"
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    return str(value)


def _signed(text: str) -> str:
    """'+12' / '-12'; a figure that rounds to zero gets no sign ('0.0%', not '-0.0%')."""
    unsigned = text.lstrip("+-")
    if not any(ch in "123456789" for ch in unsigned):
        return unsigned
    return text if text.startswith("-") else "+" + text


def _visible(value: Decimal, places: int, extra: int = 2) -> Decimal:
    """`value` at `places` decimals, or up to `extra` more if that is what keeps it non-zero.

    A conversion rate that moved 3.42% → 3.40% reads "-0.02 pts", not "0.0 pts" next to a
    "-0.6%" that says something did change.
    """
    for digits in range(places, places + extra + 1):
        rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        if rounded != 0:
            return rounded
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def change(value: Change) -> str:
    """'+6.3% (+$97,995) vs October 2026': relative, then absolute (rates in points)."""
    absolute = value.absolute
    if isinstance(absolute, Percent):
        signed = _signed(f"{_visible(absolute.value, 1)}") + " pts"
    elif (
        isinstance(absolute, Money)
        and absolute.currency.upper() not in ZERO_DECIMAL
        and Decimal("0.0005") <= abs(absolute.amount) < Decimal("0.005")
    ):
        signed = _signed(money(absolute, Decimal("0.001")))  # an EPC moving a fraction of a cent
    elif isinstance(absolute, Money):
        signed = _signed(money(absolute))
    elif isinstance(absolute, Ratio):
        signed = _signed(f"{_visible(absolute.value, 2)}×")
    else:
        signed = _signed(cell(absolute))
    against = value.against
    if value.previous is not None:
        against = f"{against} ({cell(value.previous)})"
    if value.percent is None:
        return f"{signed} vs {against}"
    relative = _visible(value.percent, 1, extra=1)
    if relative == 0:
        return f"flat vs {against}"  # under 0.005 %: noise, whatever the absolute says
    return f"{_signed(f'{relative}%')} ({signed}) vs {against}"


def line(value: Line) -> str:
    """A Line with each figure formatted as a cell (a Change as a change) and put in place."""
    shown = {
        name: change(item) if isinstance(item, Change) else cell(item)
        for name, item in value.values.items()
    }
    return value.template.format_map(shown)


def bullet(value: Bullet) -> str:
    """A bullet's words: plain text as it is, a Line with its figures formatted."""
    return value if isinstance(value, str) else line(value)


def numeric_columns(rows: list[list[str]], width: int) -> list[bool]:
    """Which columns of rendered cells hold only figures, to be right-aligned."""
    return [bool(rows) and all(_looks_numeric(row[i]) for row in rows) for i in range(width)]


_SYMBOL_PATTERN = "|".join(
    re.escape(s) for s in sorted({s.strip() for s in SYMBOLS.values()}, key=len, reverse=True)
)
_NUMERIC = re.compile(
    rf"[+-]?(?:(?:{_SYMBOL_PATTERN}) ?)?\d[\d,]*(?:\.\d+)?(?: [A-Z]{{3}}|%|×| pts)?"
)


def _looks_numeric(text: str) -> bool:
    """A rendered figure: '$1,234', '-zł 12.50', '12.50 CHF', '3.5%', '4.20×', or 'n/a'."""
    return text == "n/a" or _NUMERIC.fullmatch(text) is not None
