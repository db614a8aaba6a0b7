from datetime import date
from decimal import Decimal

import pytest

TODAY = date(2026, 4, 10)  # last complete month: March 2026
#: What `monitored` records: hours offered per month, and hours attended per municipality and month.
OFFERED = Decimal(40)
ATTENDED = {"Dordrecht": {date(2026, 2, 1): Decimal(40), date(2026, 3, 1): Decimal(20)},
            "Zwijndrecht": {date(2026, 2, 1): Decimal(40), date(2026, 3, 1): Decimal(40)}}
NORM = Decimal("0.8")


@pytest.fixture
def monitored(make_contract, make_trajectory, make_event, make_municipality):
    """A contract in two municipalities agreeing attendance >= 0.8: February green, March red in Dordrecht."""

    def make(**kw):
        municipalities = [make_municipality(name=name) for name in ATTENDED]
        contract = make_contract(municipalities=municipalities, kpis=[
            {"kpi": "attendance_rate", "params": {}, "norm": NORM, "direction": "min"}], **kw)
        for municipality in municipalities:
            trajectory = make_trajectory(contract, municipality=municipality)
            make_event(trajectory, "start", date(2026, 1, 20))
            for month, attended in ATTENDED[municipality.name].items():
                make_event(trajectory, "attendance", month, month=month, hours_offered=OFFERED,
                           hours_attended=attended, hours_excused=Decimal(0))
        return contract

    return make
