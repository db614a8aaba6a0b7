from datetime import date
from decimal import Decimal

import pytest

TODAY = date(2026, 4, 10)  # last complete month: March 2026


@pytest.fixture
def monitored(make_contract, make_trajectory, make_event, make_municipality):
    """A contract in two municipalities agreeing attendance >= 0.8: February green, March red in Dordrecht."""

    def make(**kw):
        dordrecht, zwijndrecht = make_municipality(name="Dordrecht"), make_municipality(name="Zwijndrecht")
        contract = make_contract(municipalities=[dordrecht, zwijndrecht], kpis=[
            {"kpi": "attendance_rate", "params": {}, "norm": Decimal("0.8"), "direction": "min"}], **kw)
        for municipality, march in ((dordrecht, "20"), (zwijndrecht, "40")):
            trajectory = make_trajectory(contract, municipality=municipality)
            make_event(trajectory, "start", date(2026, 1, 20))
            for month, attended in ((date(2026, 2, 1), "40"), (date(2026, 3, 1), march)):
                make_event(trajectory, "attendance", month, month=month, hours_offered=Decimal(40),
                           hours_attended=Decimal(attended), hours_excused=Decimal(0))
        return contract

    return make
