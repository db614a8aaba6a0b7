"""One clock: the application and the suite read the time only through core.dates, so a test can pin the day."""
import ast
from datetime import date, timezone
from pathlib import Path

import pytest

from core import dates
from core.models import Role

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "procurement", "providers", "contracts", "trajectories", "kpis", "payments", "benchmarks", "tests")
#: Calls that read the system's clock for a date or a moment; durations (time.perf_counter) are not dates.
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
               ("time", "time")}


def clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
            if (name, node.func.attr) in CLOCK_CALLS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}.{node.func.attr}()")
    return found


def test_only_core_dates_reads_the_system_clock():
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if p != ROOT / "core" / "dates.py"]
    assert files and [read for path in files for read in clock_reads(path)] == []


@pytest.mark.parametrize("day", [date(2027, 1, 1), date(2028, 2, 29), date(2030, 12, 31)])
def test_a_clock_from_a_day_is_that_day_in_the_netherlands(day):
    previous = dates.set_clock(dates.clock_from(day, hour=0))  # midnight: still the day before in UTC
    try:
        assert dates.today() == day and dates.now_utc().tzinfo == timezone.utc
        assert dates.now_utc().date() < day
    finally:
        dates.set_clock(previous)


@pytest.mark.today("2030-12-31")
def test_the_marker_pins_the_day_before_the_first_fixture(ctx):
    assert dates.today() == date(2030, 12, 31)


@pytest.mark.today("2028-02-29")
@pytest.mark.parametrize("period, status", [("2028-02", 201), ("2028-03", 422)])
def test_the_api_reads_the_pinned_day(api, make_region, make_user, period, status):
    region = make_region()
    answer = api(make_user(Role.FINANCE, region=region)).post(
        "/api/v1/payment-runs", json={"period": period, "region_id": region.id})
    assert answer.status_code == status, answer.json
