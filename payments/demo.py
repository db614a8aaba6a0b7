"""The payments part of `flask demo load`: finance settings, one approved run and one run in review.

Uses the trajectories that earlier demo steps made; when there are none (this branch alone) it adds a small
provider, contract and trajectory set of its own.
"""
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from contracts.models import Contract, Milestone
from core.dates import today
from core.extensions import db
from core.models import Service
from trajectories.models import ProgressEvent, Trajectory
from payments.runs import approve_run, create_run
from payments.bank_details import approve_change, propose_paying_organisation
from payments.services import set_ledger_account
from procurement.models import ProcurementRoute
from providers.models import Provider

SCHEDULE = [("START", "Start leerroute", "inspanning", "start", {}, Decimal("1500.00"), None),
            ("AANW", "Maand voldoende aanwezig", "inspanning", "attendance_month", {"min_rate": "0.80", "max_months": 12},
             Decimal("250.00"), None),
            ("B1", "Taalniveau B1 bereikt", "prestatie", "level", {"skills": ["LE", "LU", "SC", "SP"], "level": "B1"},
             None, Decimal("20")),
            ("UITSTROOM", "Uitstroom naar werk", "prestatie", "outflow", {"destinations": ["werk"]},
             Decimal("750.00"), None)]


def load(state: dict) -> None:
    region, users = state["region"], state["users"]
    maker, checker = users["financien@drechtsteden.demo"], users["financien2@drechtsteden.demo"]
    payer = propose_paying_organisation({"name": "Sociale Dienst Drechtsteden", "iban": "NL02ABNA0123456789",
                                         "bic": "ABNANL2A"}, region=region, by=maker)
    approve_change(payer, by=checker)
    for service in db.session.scalars(sa.select(Service)):
        set_ledger_account(region, service, "inspanning", f"4{service.position:02d}10", by=maker)
        set_ledger_account(region, service, "prestatie", f"4{service.position:02d}20", by=maker)
    if not db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)):
        _own_trajectories(region, today())
    month = today().replace(day=1)
    earlier = (month - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    approved = create_run(earlier.strftime("%Y-%m"), region=region, by=maker, today=today())
    approve_run(approved, by=checker)
    create_run((month - timedelta(days=1)).strftime("%Y-%m"), region=region, by=checker, today=today())
    db.session.commit()


def _own_trajectories(region, now: date) -> None:
    provider = Provider(name="Taalhuis Drechtsteden BV", kvk_number="90000001", iban="NL91ABNA0417164300",
                        bic="ABNANL2A", keurmerk_valid_until=date(now.year + 1, 12, 31))
    contract = Contract(reference="DEMO-PAY-B1", provider=provider,
                        service=db.session.scalar(sa.select(Service).where(Service.code == "b1_route")),
                        procurement_route=ProcurementRoute.AANBESTEDING, starts_on=date(now.year - 1, 1, 1),
                        ends_on=date(now.year + 1, 12, 31), price_per_trajectory=Decimal("10000.00"),
                        ceiling=Decimal("60000.00"), municipalities=list(region.municipalities))
    contract.milestones = [Milestone(position=i, code=c, label=l, kind=k, trigger=t, params=p, amount=a, percentage=pc)
                           for i, (c, l, k, t, p, a, pc) in enumerate(SCHEDULE, start=1)]
    db.session.add(contract)
    start = (now.replace(day=1) - timedelta(days=150)).replace(day=1)
    for n in range(12):
        municipality = region.municipalities[n % len(region.municipalities)]
        trajectory = Trajectory(reference=f"TRJ-DEMO-{n + 1:04d}", contract=contract, municipality=municipality,
                                referral_date=start, participant_pseudonym=f"DEMO-P{n + 1:04d}")
        db.session.add(trajectory)
        _events(trajectory, n, start, now)
    db.session.flush()


def _events(trajectory: Trajectory, n: int, start: date, now: date) -> None:
    counter = iter(range(1, 1000))

    def add(type, day, **fields):
        db.session.add(ProgressEvent(trajectory=trajectory, sender="user:demo", type=type, occurred_on=day,
                                     event_id=f"DEMO-{trajectory.reference}-{next(counter)}", source="manual", **fields))

    add("start", start + timedelta(days=n))
    month = start
    while month < now.replace(day=1) - timedelta(days=1):
        attended = Decimal(16 if n % 3 else 11)
        add("attendance", month + timedelta(days=27), month=month, hours_offered=Decimal(16), hours_attended=attended,
            hours_excused=Decimal(0))
        month = (month + timedelta(days=32)).replace(day=1)
    if n % 4 == 0:
        for skill in ("LE", "LU", "SC", "SP"):
            add("progress_test", start + timedelta(days=100), skill=skill, level="B1")
    if n % 6 == 0:
        add("outflow", now.replace(day=1) - timedelta(days=20), destination="werk")
