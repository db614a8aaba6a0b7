"""The 12-month trends of the indicator pages and the dashboard's count of values per status and month, checked
against what the `monitored` fixture recorded (tests/kpis/conftest.py), as each user's scope sees it."""
from decimal import Decimal

import pytest

from core.models import Role
from kpis import monthly, services, trends
from kpis.filters import contract_clauses
from kpis.services import add_months
from tests.kpis.conftest import ATTENDED, NORM, OFFERED, TODAY

pytestmark = pytest.mark.today(TODAY.isoformat())
MONTHS = [add_months(TODAY.replace(day=1), n) for n in range(-12, 0)]  # April 2025 to March 2026


def expected(names: list[str], month) -> tuple[Decimal | None, str]:
    """The attendance of these municipalities together in a month, and its status against the norm."""
    hours = [ATTENDED[name].get(month) for name in names]
    if None in hours:
        return None, "grey"
    value = sum(hours) / (OFFERED * len(names))
    return value, "green" if value >= NORM else "red"


def user_for(make_user, contract, scope: tuple[str, ...]):
    if not scope:
        return make_user(Role.ADMIN)
    return make_user(Role.CONTRACTMANAGER, municipalities=[m for m in contract.municipalities if m.name in scope])


def groups(scope: tuple[str, ...]) -> list[list[str]]:
    """What a dashboard shows: the whole contract to who sees all its municipalities, else each one in scope."""
    return [[name] for name in scope] if scope and set(scope) != set(ATTENDED) else [list(ATTENDED)]


@pytest.mark.parametrize("scope", [
    # who sees every municipality of the contract: its contract-wide trend
    (), ("Dordrecht", "Zwijndrecht"),
    # who sees some of them: a trend per municipality in scope
    ("Dordrecht",), ("Zwijndrecht",),
])
def test_a_contract_trend_has_each_month_with_its_value_norm_and_status(monitored, make_user, scope):
    contract = monitored()
    monthly.refresh_monthly_values(TODAY)
    found = trends.contract_overview(contract, user_for(make_user, contract, scope), TODAY)
    assert found["months"] == MONTHS
    by_names = {(m.name,) if m else tuple(ATTENDED): points for (kpi, m), points in found["trend"].items()}
    assert sorted(by_names) == sorted(tuple(names) for names in groups(scope))
    for names, points in by_names.items():
        assert [p.month for p in points] == MONTHS
        assert [(p.value, p.status) for p in points] == [expected(list(names), m) for m in MONTHS]
        assert {(p.norm, p.direction) for p in points} == {(NORM, "min")}


def test_a_trend_month_without_a_stored_value_is_empty(monitored, make_user):
    contract = monitored()
    monthly.refresh_monthly_values(add_months(TODAY, -1))  # stores up to March; February is the last complete month
    later = add_months(TODAY, 1).replace(day=10)
    points = trends.contract_overview(contract, make_user(Role.ADMIN), later)["trend"][("attendance_rate", None)]
    assert points[-1] == trends.TrendMonth(add_months(later.replace(day=1), -1))  # April: not computed
    assert (points[-2].value, points[-2].status) == expected(list(ATTENDED), points[-2].month)


@pytest.mark.parametrize(("scope", "status"), [
    # the whole contract: red in March, green in February, grey before
    ((), "red"), ((), "green"), ((), "grey"),
    # Dordrecht alone is red in March, Zwijndrecht stays green
    (("Dordrecht",), "red"), (("Zwijndrecht",), "red"), (("Zwijndrecht",), "green"),
])
def test_the_dashboard_counts_values_of_a_status_per_month_in_the_users_scope(monitored, make_user, scope, status):
    contract = monitored()
    monthly.refresh_monthly_values(TODAY)
    user = user_for(make_user, contract, scope)
    counts = trends.status_per_month(user, TODAY, status=status)
    assert counts == [(m, sum(expected(names, m)[1] == status for names in groups(scope))) for m in MONTHS]
    listed = [row for card in services.dashboard(user, TODAY)["cards"] for row in card["rows"]]
    assert counts[-1][1] == sum(row.status == status for row in listed)  # the last month is what the page lists


@pytest.mark.parametrize(("chosen", "contracts"), [
    # no filter: both contracts count; a provider's filter: only its own; one nobody has: none
    (None, 2), ("first", 1), ("nobody", 0),
])
def test_the_dashboard_count_follows_the_filters(monitored, make_user, make_provider, chosen, contracts):
    first, _ = monitored(), monitored()
    monthly.refresh_monthly_values(TODAY)
    provider = {None: None, "first": first.provider_id, "nobody": make_provider().id}[chosen]
    counts = trends.status_per_month(make_user(Role.ADMIN), TODAY, contract_clauses(provider, None, None))
    assert counts == [(m, contracts * (expected(list(ATTENDED), m)[1] == "red")) for m in MONTHS]
