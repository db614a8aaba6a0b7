"""Numbers, money and dates as Dutch readers expect them (Babel, nl_NL), one function per kind of number."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from core.formats import (format_count, format_date, format_decimal, format_hours, format_money, format_month,
                          format_period, format_rate, format_short_month)

NBSP = "\xa0"


@pytest.mark.parametrize("function, value, shown", [
    # money: euro sign, points between thousands, two decimals, rounded half-up to cents
    (format_money, Decimal("1234.5"), f"€{NBSP}1.234,50"),
    (format_money, Decimal("1234567.5"), f"€{NBSP}1.234.567,50"),
    (format_money, "10500.00", f"€{NBSP}10.500,00"),
    (format_money, Decimal("0.125"), f"€{NBSP}0,13"),
    (format_money, Decimal("-250"), f"€{NBSP}-250,00"),
    (format_money, None, "-"),
    # rates: a percentage with one decimal, half-up
    (format_rate, Decimal("0.9"), "90,0 %"),
    (format_rate, Decimal("0.12345"), "12,3 %"),
    (format_rate, Decimal("0.00125"), "0,1 %"),
    (format_rate, 1, "100,0 %"),
    (format_rate, None, "-"),
    # counts without decimals, with points between thousands
    (format_count, 7, "7"),
    (format_count, 1000000, "1.000.000"),
    (format_count, Decimal("41.0000"), "41"),
    # hours with at most one decimal
    (format_hours, Decimal("22.94"), "22,9"),
    (format_hours, Decimal("22.95"), "23"),
    (format_hours, Decimal("48.00"), "48"),
    (format_hours, Decimal("1250.5"), "1.250,5"),
    # scores, norms and other numbers as they are, without trailing zeros or exponent
    (format_decimal, Decimal("10.0000"), "10"),
    (format_decimal, Decimal("0.8500"), "0,85"),
    (format_decimal, Decimal("1E+2"), "100"),
    (format_decimal, Decimal("12345.5"), "12.345,5"),
    (format_decimal, 3.75, "3,75"),
    (format_decimal, None, "-"),
])
def test_numbers_read_as_dutch_people_read_them(function, value, shown):
    assert function(value) == shown


def test_a_fixed_number_of_decimals_rounds_half_up():
    assert (format_decimal(Decimal("0.125"), 2), format_decimal(Decimal("12.3"), 1)) == ("0,13", "12,3")


@pytest.mark.parametrize("value, long, shown", [
    (date(2026, 11, 16), False, "16-11-2026"),
    (date(2026, 3, 1), True, "1 maart 2026"),
    # a moment in Dutch time: winter UTC+1, summer UTC+2
    (datetime(2026, 11, 16, 13, 5, tzinfo=timezone.utc), False, "16-11-2026 14:05"),
    (datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc), False, "02-07-2026 00:30"),
    (None, False, "-"),
])
def test_dates_read_day_month_year(value, long, shown):
    assert format_date(value, long=long) == shown


def test_months_read_as_words_or_month_and_year():
    assert (format_period("2026-11"), format_period(date(2027, 1, 1)), format_month(date(2026, 3, 1))) == (
        "november 2026", "januari 2027", "03-2026")
    # on a chart's axis: the short name without CLDR's full stop, and the year
    assert [format_short_month(date(2026, m, 1)) for m in (1, 3, 5, 12)] == ["jan 2026", "mrt 2026", "mei 2026",
                                                                             "dec 2026"]
