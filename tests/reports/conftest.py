"""A region across a year boundary: milestones of 2026 paid in 2026, one earned in December 2026 and paid only in
January 2027 (an accrual at the year's end until that run is approved), a start of 2025 clawed back in 2026 (a
correction for an earlier year), a contract at its ceiling (a held line), a trajectory still running at the year's
end (a commitment carried), and a municipality paying from another funding source."""
from datetime import date
from decimal import Decimal as D

import pytest

from budget.models import FundingSource
from budget.services import set_contract_funding
from core.extensions import db
from core.models import Role
from payments.models import LedgerAccount
from tests.budget.conftest import World
from tests.factories import service

TODAY = date(2027, 1, 20)
SCHEDULE = [
    {"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("1000.00")},
    {"code": "AFR", "label": "Afgerond", "kind": "prestatie", "trigger": "completed", "amount": D("500.00")},
]
Z_SCHEDULE = [{"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("1500.00")}]


@pytest.fixture
def world(make_region, make_municipality, make_contract, make_trajectory, make_event, make_user):
    dordrecht, zwijndrecht = make_municipality(name="Dordrecht"), make_municipality(name="Zwijndrecht")
    region = make_region(municipalities=[dordrecht, zwijndrecht])
    b1 = make_contract(municipalities=[dordrecht, zwijndrecht], milestones=SCHEDULE, starts_on=date(2025, 1, 1),
                       ends_on=date(2028, 12, 31))
    z = make_contract(municipalities=[dordrecht], milestones=Z_SCHEDULE, ceiling=D("1500.00"),
                      price_per_trajectory=D("1500.00"), service=service("z_route"), starts_on=date(2025, 1, 1))
    db.session.add_all([LedgerAccount(region=region, service=service("b1_route"), kind="inspanning", account="4711"),
                        LedgerAccount(region=region, service=service("b1_route"), kind="prestatie", account="4712"),
                        LedgerAccount(region=region, service=service("z_route"), kind="inspanning", account="4721")])
    maker, checker = (make_user(Role.FINANCE, region=region) for _ in range(2))
    set_contract_funding(b1, FundingSource.EIGEN_MIDDELEN, municipality=zwijndrecht, by=maker)
    t = {name: make_trajectory(contract, municipality=where, referral_date=referral)
         for name, contract, where, referral in (
             ("clawed", b1, dordrecht, date(2025, 10, 1)), ("paid", b1, dordrecht, date(2026, 2, 1)),
             ("december", b1, dordrecht, date(2026, 5, 1)), ("running", b1, dordrecht, date(2026, 8, 1)),
             ("own_funds", b1, zwijndrecht, date(2026, 3, 1)), ("z_paid", z, dordrecht, date(2026, 3, 1)),
             ("z_held", z, dordrecht, date(2026, 4, 1)))}
    world = World(region, dordrecht, zwijndrecht, b1, z, t, maker, checker)
    clawed = make_event(t["clawed"], "start", date(2025, 11, 10))
    world.pay("2025-11", today=date(2025, 12, 5))
    make_event(t["paid"], "start", date(2026, 3, 5))
    make_event(t["december"], "start", date(2026, 6, 1))
    make_event(t["running"], "start", date(2026, 9, 1))
    make_event(t["own_funds"], "start", date(2026, 4, 2))
    make_event(t["z_paid"], "start", date(2026, 3, 10))
    make_event(t["z_held"], "start", date(2026, 4, 10))
    make_event(t["clawed"], "retraction", date(2026, 2, 3), retracts_id=clawed.id)
    world.pay("2026-11", today=date(2026, 12, 3))
    make_event(t["december"], "completed", date(2026, 12, 20))
    make_event(t["own_funds"], "completed", date(2026, 12, 28))
    return world
