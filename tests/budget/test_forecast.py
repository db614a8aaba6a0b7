"""The forecast: never above the commitment, a band around it, the region's own history where it is long enough
(else the service's defaults), and the referrals a procurement case expects."""
from datetime import date
from decimal import Decimal as D

import numpy as np
import pytest

from budget.forecast import HIGH, LOW, POINT, forecast, horizon
from budget.survival import MIN_HISTORY
from tests.budget.conftest import TODAY

START = [{"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("1000.00")}]


def test_the_forecast_of_running_trajectories_never_exceeds_their_commitment(world):
    found = forecast([world.dordrecht.id, world.zwijndrecht.id], TODAY)
    assert found.running
    for key, series in found.running.items():
        committed = float(found.book.committed[key])
        assert series.sum(axis=1) == pytest.approx(np.minimum(series.sum(axis=1), committed))
        cumulative = np.cumsum(series, axis=1)
        assert np.all(cumulative[LOW] <= cumulative[POINT] + 1e-6) and np.all(cumulative[POINT] <= cumulative[HIGH] + 1e-6)


def test_the_horizon_runs_from_this_month_through_december_two_years_on():
    months = horizon(date(2026, 11, 23))
    assert (months[0], months[-1], len(months)) == (date(2026, 11, 1), date(2028, 12, 1), 26)


def test_earned_and_unpaid_falls_in_this_month_and_a_ceiling_stops_the_rest(world):
    found = forecast([world.dordrecht.id], TODAY)
    held = found.running[world.z.id, world.dordrecht.id]
    assert held[POINT][0] == pytest.approx(1000.0)  # 1,500 held, but only 1,000 room under the ceiling
    assert held[POINT][1:].sum() == 0


@pytest.fixture
def history(make_region, make_contract, make_trajectory, make_event):
    """A contract whose trajectories all earn their start two months after the referral, but every fifth
    drops out before it; one newcomer alone in its municipality, referred this month."""
    region = make_region()
    home, newcomers = region.municipalities
    contract = make_contract(municipalities=[home, newcomers], milestones=START)
    for n in range(MIN_HISTORY + 10):
        referral = date(2024, 1 + n % 10, 5)
        trajectory = make_trajectory(contract, municipality=home, referral_date=referral)
        if n % 5 == 0:
            make_event(trajectory, "dropout", referral.replace(month=referral.month + 1), reason="verhuisd")
        else:
            make_event(trajectory, "start", referral.replace(month=referral.month + 2))
            make_event(trajectory, "completed", referral.replace(year=2025))
    make_trajectory(contract, municipality=newcomers, referral_date=TODAY.replace(day=2))
    return contract, home, newcomers


def test_a_long_enough_history_gives_the_timing_and_chance_of_each_milestone(history):
    contract, _, newcomers = history
    found = forecast([newcomers.id], TODAY)
    series = found.running[contract.id, newcomers.id][POINT]
    assert found.sources[contract.id, "START"] == "contract"
    assert series[2] == pytest.approx(800.0)  # four in five start, in the second month after the referral
    assert series.sum() == pytest.approx(800.0)


def test_a_thin_history_falls_back_to_the_services_defaults(world):
    found = forecast([world.dordrecht.id], TODAY)
    assert set(found.sources.values()) == {"standaard"}


def test_expected_referrals_of_the_procurement_case_add_to_the_forecast(history, make_procurement_case):
    contract, home, newcomers = history
    contract.procurement_case = make_procurement_case(municipalities=[home, newcomers],
                                                      expected_participants_per_year=24)
    found = forecast([newcomers.id], TODAY)
    new = found.new[contract.id, newcomers.id]
    # One referral a month from December; each starts two months on in four cases out of five.
    assert new[POINT][:3] == pytest.approx([0, 0, 0])
    assert new[POINT][3] == pytest.approx(800.0)
    assert new[LOW][3] < new[POINT][3] < new[HIGH][3]


@pytest.mark.today("2026-11-23")
def test_the_backtest_sets_the_forecast_of_a_year_ago_against_what_was_paid_since(history, make_trajectory,
                                                                                  make_event, make_user):
    from budget.backtest import backtest
    from core.models import Role
    from payments.runs import approve_run, create_run

    contract, home, newcomers = history
    for n in range(10):  # referred a year ago; eight start after the forecast was made, two drop out
        trajectory = make_trajectory(contract, municipality=home, referral_date=date(2025, 9, 5))
        if n < 8:
            make_event(trajectory, "start", date(2025, 11, 5))
        else:
            make_event(trajectory, "dropout", date(2025, 12, 1), reason="verhuisd")
    region = home.regions[0]
    maker, checker = (make_user(Role.FINANCE, region=region) for _ in range(2))
    approve_run(create_run("2026-10", region=region, by=maker, today=TODAY), by=checker)
    found = backtest([home.id, newcomers.id], TODAY)
    assert found.made_on == date(2025, 10, 31)
    assert (found.months[0], found.months[-1]) == (date(2025, 11, 1), date(2026, 10, 1))
    assert found.paid[0] == D("8000.00") and sum(found.paid) == D("8000.00")
    # Four in five of the history started in their second month: the forecast expected 8 of the 10 in November.
    assert found.forecast[0] == D("8000.00") and found.error == 0
