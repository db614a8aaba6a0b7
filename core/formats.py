"""Numbers and dates as Dutch readers expect them; every page, PDF and spreadsheet formats through these functions."""
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from core.dates import parse_period

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


def format_decimal(value: Decimal | None, places: int | None = None) -> str:
    """A decimal with a decimal comma: without trailing zeros (10.0000 -> "10", 0.8500 -> "0,85"), or rounded
    half-up to `places` decimals."""
    if value is None:
        return "-"
    value = value.normalize() if places is None else value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{value:f}".replace(".", ",")


def format_rate(fraction: Decimal | None) -> str:
    """A ratio as a percentage with one decimal: 0.9 -> "90,0 %"."""
    return "-" if fraction is None else f"{format_decimal(fraction * 100, places=1)} %"


def format_date(value: date | datetime | None, long: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo("Europe/Amsterdam"))
        return f"{local:%d-%m-%Y %H:%M}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if long else f"{value:%d-%m-%Y}"


def format_period(value: str | date) -> str:
    """A month: "2026-11" -> "november 2026"."""
    month = parse_period(value) if isinstance(value, str) else value
    return f"{MONTHS[month.month - 1]} {month.year}"
