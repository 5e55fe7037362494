"""How typed values read to a person; the only place money is rounded."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tools.report import Cell, Change, Money, Percent, Ratio

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "PLN": "zł ", "KRW": "₩"}


def money(value: Money, quantum: Decimal = Decimal("0.01")) -> str:
    rounded = value.amount.quantize(quantum, rounding=ROUND_HALF_UP)
    if abs(rounded) >= 1000:
        rounded = rounded.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    digits = f"{abs(rounded):,}"
    symbol = _SYMBOLS.get(value.currency)
    if symbol is None:
        return f"{sign}{digits} {value.currency}"
    return f"{sign}{symbol}{digits}"


def percent(value: Decimal, places: int = 1) -> str:
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,}%"


def cell(value: Cell) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, Money):
        return money(value)
    if isinstance(value, Percent):
        return percent(value.value)
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
    elif isinstance(absolute, Money) and Decimal("0.0005") <= abs(absolute.amount) < Decimal(
        "0.005"
    ):
        signed = _signed(money(absolute, Decimal("0.001")))  # an EPC moving a fraction of a cent
    elif isinstance(absolute, Money):
        signed = _signed(money(absolute))
    elif isinstance(absolute, Ratio):
        signed = _signed(f"{_visible(absolute.value, 2)}×")
    else:
        signed = _signed(cell(absolute))
    if value.percent is None:
        return f"{signed} vs {value.against}"
    relative = _visible(value.percent, 1, extra=1)
    if relative == 0:
        return f"flat vs {value.against}"  # under 0.005 %: noise, whatever the absolute says
    return f"{_signed(f'{relative}%')} ({signed}) vs {value.against}"


def numeric_columns(rows: list[list[str]], width: int) -> list[bool]:
    """Which columns of rendered cells hold only figures, to be right-aligned."""
    return [bool(rows) and all(_looks_numeric(row[i]) for row in rows) for i in range(width)]


def _looks_numeric(text: str) -> bool:
    stripped = text.lstrip("+-$€£¥₩").rstrip("%×").replace(",", "").replace(".", "")
    return stripped.isdigit() or text == "n/a"
