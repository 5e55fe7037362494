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


def change(value: Change) -> str:
    absolute = value.absolute
    if isinstance(absolute, Money):
        text = money(absolute)
        signed = text if text.startswith("-") else "+" + text
    elif isinstance(absolute, Percent):
        signed = f"{absolute.value:+.1f} pts"
    else:
        signed = "+" + cell(absolute) if not cell(absolute).startswith("-") else cell(absolute)
    if value.percent is None:
        return f"{signed} vs {value.against}"
    return (
        f"{percent(value.percent) if value.percent < 0 else '+' + percent(value.percent)} "
        f"({signed}) vs {value.against}"
    )
