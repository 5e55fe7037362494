"""How typed values read to a person; the only place money is rounded."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tools.report import Cell, Change, Money, Percent, Ratio

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "PLN": "zł ", "KRW": "₩"}


def money(value: Money) -> str:
    rounded = value.amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
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


def change(value: Change) -> str:
    absolute = value.absolute
    if isinstance(absolute, Percent):
        signed = _signed(f"{absolute.value:.1f}") + " pts"
    elif isinstance(absolute, Money):
        signed = _signed(money(absolute))
    else:
        signed = _signed(cell(absolute))
    if value.percent is None:
        return f"{signed} vs {value.against}"
    return f"{_signed(percent(value.percent))} ({signed}) vs {value.against}"
