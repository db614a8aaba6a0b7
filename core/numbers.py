"""Numbers as Dutch readers expect them; every page, PDF and spreadsheet formats through these functions."""
from decimal import ROUND_HALF_UP, Decimal


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
