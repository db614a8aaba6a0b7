"""How indicator values read in Dutch: ratios as percentages, the median duration in days."""
from decimal import ROUND_HALF_UP, Decimal

from core.terms import DIRECTIONS

DAYS = ("median_duration",)


def format_value(value: Decimal | None, kpi: str) -> str:
    if value is None:
        return "-"
    if kpi in DAYS:
        return f"{value.quantize(Decimal(1), ROUND_HALF_UP)} dagen"
    return f"{(value * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)} %".replace(".", ",")


def format_norm(norm: Decimal | None, direction: str | None, kpi: str) -> str:
    if norm is None:
        return "-"
    return f"{DIRECTIONS[direction]} {format_value(norm, kpi)}"
