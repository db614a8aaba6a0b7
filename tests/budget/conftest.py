"""A region whose payments have every complication: a tariff change, a retraction clawed back, a contract at its
ceiling (a held line), a dropout, a municipality paying from another funding source, and milestones earned but
not yet in an approved run."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest

from budget.models import FundingSource
from budget.services import set_contract_funding
from contracts.pricing import change_tariff
from core.models import Role
from payments.runs import approve_run, create_run
from tests.factories import service

TODAY = date(2026, 11, 23)
B1_SCHEDULE = [
    {"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("1000.00")},
    {"code": "AANW", "label": "Aanwezig", "kind": "inspanning", "trigger": "attendance_month",
     "params": {"min_rate": "0.80", "max_months": 3}, "amount": D("200.00")},
    {"code": "EXAM", "label": "Examen LE", "kind": "prestatie", "trigger": "exam",
     "params": {"components": ["LE"], "level": "B1"}, "percentage": D("30")},
    {"code": "AFR", "label": "Afgerond", "kind": "prestatie", "trigger": "completed", "amount": D("500.00")},
]
Z_SCHEDULE = [{"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("1500.00")}]


@dataclass
class World:
    region: object
    dordrecht: object
    zwijndrecht: object
    b1: object
    z: object
    trajectories: dict
    maker: object
    checker: object

    def pay(self, period: str, today: date = TODAY):
        run = create_run(period, region=self.region, by=self.maker, today=today)
        approve_run(run, by=self.checker)
        return run


@pytest.fixture
def world(make_region, make_municipality, make_contract, make_trajectory, make_event, make_user):
    dordrecht, zwijndrecht = make_municipality(name="Dordrecht"), make_municipality(name="Zwijndrecht")
    region = make_region(municipalities=[dordrecht, zwijndrecht])
    b1 = make_contract(municipalities=[dordrecht, zwijndrecht], milestones=B1_SCHEDULE, ends_on=date(2027, 12, 31))
    z = make_contract(municipalities=[dordrecht], milestones=Z_SCHEDULE, ceiling=D("2500.00"),
                      price_per_trajectory=D("5000.00"), service=service("z_route"))
    maker, checker = (make_user(Role.FINANCE, region=region) for _ in range(2))
    set_contract_funding(b1, FundingSource.EIGEN_MIDDELEN, municipality=zwijndrecht, by=maker)
    t = {name: make_trajectory(contract, municipality=where, referral_date=referral)
         for name, contract, where, referral in (
             ("attending", b1, dordrecht, date(2026, 1, 10)), ("dropout", b1, zwijndrecht, date(2026, 2, 1)),
             ("paid_z", z, dordrecht, date(2026, 3, 1)), ("held_z", z, dordrecht, date(2026, 4, 1)),
             ("referred", b1, zwijndrecht, date(2026, 10, 20)), ("completed", b1, dordrecht, date(2026, 3, 1)),
             ("started", b1, dordrecht, date(2026, 6, 1)))}
    world = World(region, dordrecht, zwijndrecht, b1, z, t, maker, checker)

    def attendance(trajectory, month, attended):
        return make_event(trajectory, "attendance", month, month=month, hours_offered=D(40),
                          hours_attended=D(attended), hours_excused=D(0))

    make_event(t["attending"], "start", date(2026, 2, 1))
    attendance(t["attending"], date(2026, 2, 1), 40)
    march = attendance(t["attending"], date(2026, 3, 1), 40)
    attendance(t["attending"], date(2026, 4, 1), 10)
    attendance(t["attending"], date(2026, 5, 1), 40)
    make_event(t["dropout"], "start", date(2026, 3, 1))
    attendance(t["dropout"], date(2026, 3, 1), 36)
    make_event(t["dropout"], "dropout", date(2026, 5, 15), reason="verhuizing")
    make_event(t["paid_z"], "start", date(2026, 3, 5))
    make_event(t["held_z"], "start", date(2026, 4, 10))
    make_event(t["completed"], "start", date(2026, 3, 10))
    make_event(t["started"], "start", date(2026, 6, 10))
    world.pay("2026-03")
    world.pay("2026-06")
    make_event(t["attending"], "retraction", date(2026, 7, 2), retracts_id=march.id)
    attendance(t["attending"], date(2026, 6, 1), 40)
    world.pay("2026-08")
    # Earned after the last approved run: an exam (before the new tariff) and a completion.
    make_event(t["completed"], "exam", date(2026, 9, 15), sender="duo", component="LE", level="B1",
               result="geslaagd")
    make_event(t["completed"], "completed", date(2026, 10, 5))
    # From October the price rises and the start pays less: the cap of paid + committed bites.
    change_tariff(b1, date(2026, 10, 1), D("12000.00"), {"START": "800.00"}, "Indexatie",
                  by=make_user(Role.CONTRACTMANAGER, region=region))
    return world
