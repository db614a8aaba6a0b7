"""Numbers, money and dates as Dutch readers expect them, through Babel (CLDR's nl_NL): one function per kind of
number. Every page (as a Jinja filter), PDF and spreadsheet formats text through these functions.

Shown numbers round half-up like the specs' money does (Babel itself would round half-even); amounts are first
rounded by core.money.
"""
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from core.dates import parse_period
from core.money import round_money

LOCALE = "nl_NL"
TIMEZONE = ZoneInfo("Europe/Amsterdam")
NONE = "-"
#: Month names as an axis or a column header abbreviates them (CLDR's own carry a full stop: "jan.").
SHORT_MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _number(value, pattern: str) -> str:
    with localcontext(rounding=ROUND_HALF_UP):
        return babel_numbers.format_decimal(Decimal(str(value)), pattern, locale=LOCALE, decimal_quantization=True)


def format_money(value) -> str:
    """€ 1.234,50 (rounded half-up to cents)."""
    return NONE if value is None else babel_numbers.format_currency(round_money(Decimal(str(value))), "EUR",
                                                                   locale=LOCALE)


def format_count(value) -> str:
    """A count without decimals: 1.234."""
    return NONE if value is None else _number(value, "#,##0")


def format_hours(value) -> str:
    """Hours with at most one decimal: 22,9; 48."""
    return NONE if value is None else _number(value, "#,##0.#")


def format_rate(fraction) -> str:
    """A ratio as a percentage with one decimal: 0.9 -> 90,0 %."""
    if fraction is None:
        return NONE
    with localcontext(rounding=ROUND_HALF_UP):
        return babel_numbers.format_percent(Decimal(str(fraction)), "#,##0.0 %", locale=LOCALE)


def format_decimal(value, places: int | None = None) -> str:
    """A number as it is, without trailing zeros (0.8500 -> 0,85; 10.0000 -> 10), or with `places` decimals."""
    if value is None:
        return NONE
    return _number(value, "#,##0." + ("0" * places if places is not None else "####"))


def format_date(value: date | datetime | None, long: bool = False) -> str:
    """16-11-2026, or long: 16 november 2026; a moment in Dutch time: 16-11-2026 14:05."""
    if value is None:
        return NONE
    if isinstance(value, datetime):
        return babel_dates.format_datetime(value, "dd-MM-yyyy HH:mm", tzinfo=TIMEZONE, locale=LOCALE)
    return babel_dates.format_date(value, "d MMMM yyyy" if long else "dd-MM-yyyy", locale=LOCALE)


def format_period(value: str | date) -> str:
    """A month: "2026-11" -> november 2026."""
    month = parse_period(value) if isinstance(value, str) else value
    return babel_dates.format_date(month, "MMMM yyyy", locale=LOCALE)


def format_month_name(value: date) -> str:
    """The month alone, as a row of a year's table reads it: november."""
    return babel_dates.format_date(value, "MMMM", locale=LOCALE)


def format_month(value: date) -> str:
    """A month in a table or axis: 11-2026."""
    return babel_dates.format_date(value, "MM-yyyy", locale=LOCALE)


def format_short_month(value: date) -> str:
    """A month on a chart's axis or in a column header: jan 2026."""
    return f"{SHORT_MONTHS[value.month - 1]} {value.year}"
