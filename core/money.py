"""Money is Decimal in Python, integer cents in the database, a two-decimal string in JSON.

Rounding happens here and nowhere else: half-up, as the specs say (Python's default is half-even).
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa

CENT = Decimal("0.01")


def round_money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percentage_of(percentage: Decimal, amount: Decimal) -> Decimal:
    return round_money(Decimal(amount) * Decimal(percentage) / 100)


def parse_decimal(text: str, places: int = 2) -> Decimal:
    """Parse '12,5' or '12.50' with at most `places` decimals; ValueError otherwise."""
    cleaned = str(text).strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite() or -value.as_tuple().exponent > places:
        raise ValueError(text)
    return value


class ScaledDecimal(sa.types.TypeDecorator):
    """A Decimal stored as an integer of its smallest unit (cents for places=2)."""

    impl = sa.BigInteger
    cache_ok = True

    def __init__(self, places: int = 2):
        super().__init__()
        self.places = places
        self.unit = Decimal(1).scaleb(-places)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = Decimal(value).scaleb(self.places)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.places} decimals")
        return int(scaled)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).scaleb(-self.places).quantize(self.unit)


def Money():  # noqa: N802 - reads as a type in column declarations
    return ScaledDecimal(2)
