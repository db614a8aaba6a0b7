"""The clock and the one UTC datetime column type.

Everything that asks what time it is asks `now_utc()` or `today()`; services take `today=` as an argument, views
and jobs call these. The clock behind them is the system's, and tests can replace it (`set_clock`), so that no
test depends on the day it runs.
"""
import calendar
from collections.abc import Callable
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

NETHERLANDS = ZoneInfo("Europe/Amsterdam")


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


_clock: Callable[[], datetime] = system_clock


def set_clock(clock: Callable[[], datetime]) -> Callable[[], datetime]:
    """Make `clock` the one that now_utc() reads; returns the clock it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def clock_from(day: date, hour: int = 12) -> Callable[[], datetime]:
    """A clock that starts at `hour` o'clock on `day` in the Netherlands and then runs with the system's."""
    offset = datetime.combine(day, datetime.min.time().replace(hour=hour), NETHERLANDS) - system_clock()
    return lambda: system_clock() + offset


def now_utc() -> datetime:
    return _clock()


def today() -> date:
    """Today in the Netherlands."""
    return now_utc().astimezone(NETHERLANDS).date()


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_period(text: str) -> date:
    """'YYYY-MM' -> the first day of that month; ValueError when malformed."""
    year, _, month = text.partition("-")
    if len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
        raise ValueError(text)
    return date(int(year), int(month), 1)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite drops tzinfo)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)
