"""Effective-dated tariffs reach the payment run: a line pays what its milestone pays on its trigger date
(core.terms.amount_on), through the tariff-change service, the run service and the API."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from contracts.pricing import change_tariff
from core.extensions import db
from core.models import Role
from payments.models import PaymentLine
from payments.runs import approve_run, create_run

TODAY = date(2026, 11, 23)
START = {"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "percentage": D("20")}
KNM = {"code": "KNM", "label": "KNM-examen", "kind": "prestatie", "trigger": "exam",
       "params": {"components": ["KNM"]}, "amount": D("500.00")}
RAISE = (date(2026, 3, 1), "12000.00", {"KNM": "600.00"})  # the change: price 10,000 -> 12,000, KNM 500 -> 600


@pytest.fixture
def world(make_contract, make_trajectory, make_event, make_user):
    """world(changes, start on, KNM passed on, period) -> {code: amount} of a fresh run's lines."""

    def run(changes, started, passed, period):
        contract = make_contract(milestones=[START, KNM], price_per_trajectory=D("10000.00"))
        for effective_on, price, amounts in changes:
            change_tariff(contract, effective_on, D(price), {k: D(v) for k, v in amounts.items()}, "Indexatie",
                          by=None)
        trajectory = make_trajectory(contract=contract)
        make_event(trajectory, "start", started)
        make_event(trajectory, "exam", passed, sender="duo", source="duo", component="KNM", result="geslaagd")
        finance = make_user(Role.FINANCE, municipalities=contract.municipalities)
        made = create_run(period, municipality=contract.municipalities[0], by=finance, today=TODAY)
        return {line.milestone_code: line.amount for line in db.session.scalars(
            sa.select(PaymentLine).where(PaymentLine.run_id == made.id))}

    return run


@pytest.mark.parametrize("changes, started, passed, period, pays", [
    # no change: 20% of 10,000 and the fixed 500
    ([], date(2026, 3, 1), date(2026, 3, 2), "2026-03", {"START": D("2000.00"), "KNM": D("500.00")}),
    # the issue: a change per 1 March, milestones earned on 1 and 2 March
    ([RAISE], date(2026, 3, 1), date(2026, 3, 2), "2026-03", {"START": D("2400.00"), "KNM": D("600.00")}),
    # earned the day before the change: the old tariff, also in a run made after the change
    ([RAISE], date(2026, 2, 28), date(2026, 2, 28), "2026-03", {"START": D("2000.00"), "KNM": D("500.00")}),
    # a change in the middle of the run's period: each line by its own trigger date
    ([(date(2026, 3, 15), "12000.00", {"KNM": "600.00"})], date(2026, 3, 10), date(2026, 3, 20), "2026-03",
     {"START": D("2000.00"), "KNM": D("600.00")}),
    # a change on the trigger date itself applies
    ([(date(2026, 3, 15), "12000.00", {"KNM": "600.00"})], date(2026, 3, 15), date(2026, 3, 14), "2026-03",
     {"START": D("2400.00"), "KNM": D("500.00")}),
    # two changes: the second raises the price only, so KNM keeps the 600 of the first
    ([RAISE, (date(2026, 6, 1), "13000.00", {})], date(2026, 6, 1), date(2026, 6, 2), "2026-06",
     {"START": D("2600.00"), "KNM": D("600.00")}),
    ([RAISE, (date(2026, 6, 1), "13000.00", {})], date(2026, 5, 31), date(2026, 4, 1), "2026-06",
     {"START": D("2400.00"), "KNM": D("600.00")}),
    # a later change that sets the amount again
    ([RAISE, (date(2026, 6, 1), "13000.00", {"KNM": "650.00"})], date(2026, 2, 1), date(2026, 6, 30), "2026-06",
     {"START": D("2000.00"), "KNM": D("650.00")}),
])
def test_a_line_pays_the_tariff_in_force_on_its_trigger_date(world, changes, started, passed, period, pays):
    assert world(changes, started, passed, period) == pays


def test_a_paid_milestone_keeps_its_amount_after_a_later_change(make_contract, make_trajectory, make_event, make_user):
    contract = make_contract(milestones=[START], price_per_trajectory=D("10000.00"))
    make_event(make_trajectory(contract=contract), "start", date(2026, 2, 1))
    maker, checker = (make_user(Role.FINANCE, municipalities=contract.municipalities) for _ in range(2))
    first = create_run("2026-02", municipality=contract.municipalities[0], by=maker, today=TODAY)
    approve_run(first, by=checker)
    change_tariff(contract, date(2026, 2, 1), D("12000.00"), {}, "Met terugwerkende kracht", by=None)
    second = create_run("2026-03", municipality=contract.municipalities[0], by=maker, today=TODAY)
    assert (first.total, second.total) == (D("2000.00"), D("0.00"))


@pytest.mark.today("2026-11-23")
def test_the_api_run_pays_the_changed_tariff(api, make_contract, make_trajectory, make_event, make_user):
    """The issue's report, through the API: the tariff change, then a run for 2026-03."""
    contract = make_contract(milestones=[START, KNM], price_per_trajectory=D("10000.00"))
    trajectory = make_trajectory(contract=contract)
    make_event(trajectory, "start", date(2026, 3, 1))
    make_event(trajectory, "exam", date(2026, 3, 2), sender="duo", source="duo", component="KNM", result="geslaagd")
    manager = api(make_user(Role.CONTRACTMANAGER, municipalities=contract.municipalities))
    changed = manager.post(f"/api/v1/contracts/{contract.id}/tariff-changes", json={
        "effective_on": "2026-03-01", "price_per_trajectory": "12000.00", "amounts": {"KNM": "600.00"},
        "reason": "Indexatie 2026"})
    assert changed.status_code == 201, changed.json
    finance = api(make_user(Role.FINANCE, municipalities=contract.municipalities))
    run = finance.post("/api/v1/payment-runs", json={"period": "2026-03",
                                                     "municipality": contract.municipalities[0].code})
    assert run.status_code == 201, run.json
    assert sorted((line["milestone"], line["amount"]) for line in run.json["lines"]) == [("KNM", "600.00"),
                                                                                          ("START", "2400.00")]
    assert run.json["total"] == "3000.00"
