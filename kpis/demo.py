"""Demo data: a contract with agreed indicators and a year of progress, then the nightly computation, so that
contract managers find red and green indicators, trends and an alert on their start page."""
import random
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from contracts.models import Contract, KpiAgreement
from core.dates import today
from core.extensions import db
from core.models import Service
from kpis.monthly import refresh_monthly_values
from kpis.services import add_months
from trajectories.models import ProgressEvent, Trajectory
from procurement.models import ProcurementRoute
from providers.models import Provider

AGREEMENTS = [("timely_start", {"weeks": 10}, "0.8000", "min"), ("attendance_rate", {}, "0.8500", "min"),
              ("dropout_rate", {}, "0.1000", "max"), ("level_progress", {}, "0.3000", "min"),
              ("outflow_work_rate", {}, "0.2500", "min")]


def load(state: dict) -> None:
    """Adds the KPI demo contract unless another demo step already agreed indicators, then computes."""
    day = today()
    if db.session.scalar(sa.select(KpiAgreement.id).limit(1)) is None:
        _demo_contract(state, day)
        db.session.flush()
    refresh_monthly_values(day)


def _demo_contract(state: dict, day) -> None:
    rng = random.Random(7)
    provider = Provider(name="Taalhuis Indicator B.V.", kvk_number="90000007", iban="NL91ABNA0417164300",
                        bic="ABNANL2A", keurmerk_valid_until=day + timedelta(days=400))
    municipalities = list(state["municipalities"].values())
    contract = Contract(reference="KPI-DEMO-2026", provider=provider, procurement_route=ProcurementRoute.AANBESTEDING,
                        service=db.session.scalar(sa.select(Service).where(Service.code == "b1_route")),
                        starts_on=add_months(day.replace(day=1), -15), ends_on=add_months(day.replace(day=1), 24),
                        price_per_trajectory=Decimal("9500.00"), municipalities=municipalities,
                        kpi_agreements=[KpiAgreement(kpi=k, params=p, norm=Decimal(n), direction=d)
                                        for k, p, n, d in AGREEMENTS])
    db.session.add(contract)
    for n in range(40):
        referral = contract.starts_on + timedelta(days=10 * n)
        trajectory = Trajectory(reference=f"TRJ-KPI-{n:04d}", contract=contract,
                                municipality=municipalities[n % len(municipalities)], referral_date=referral,
                                participant_pseudonym=f"KPI-P{n:04d}")
        db.session.add(trajectory)
        _demo_events(trajectory, rng, referral, day, n)


def _demo_events(trajectory, rng, referral, day, n) -> None:
    # Later referrals start later and attend less, so the recent months turn red.
    started = referral + timedelta(days=rng.randint(20, 60) + (n // 3) * 3)
    if started >= day:
        return
    events = [("start", started, {})]
    month = add_months(started.replace(day=1), 1)
    while month < day.replace(day=1):
        offered = Decimal(40)
        attended = Decimal(rng.randint(26, 40) - (n // 8) * 2)
        events.append(("attendance", month, {"month": month, "hours_offered": offered,
                                             "hours_attended": max(attended, Decimal(0)), "hours_excused": Decimal(2)}))
        month = add_months(month, 1)
    for step, level in ((90, "A1"), (200, "A2")):
        if started + timedelta(days=step) < day:
            events.append(("progress_test", started + timedelta(days=step), {"skill": "LE", "level": level}))
    if n % 7 == 3 and started + timedelta(days=120) < day:
        events.append(("dropout", started + timedelta(days=120), {"reason": "uitval"}))
    elif started + timedelta(days=330) < day:
        events.append(("completed", started + timedelta(days=330), {}))
        if n % 2 == 0:
            events.append(("outflow", started + timedelta(days=340), {"destination": "werk"}))
    for i, (kind, on, fields) in enumerate(events):
        if on <= day:
            db.session.add(ProgressEvent(trajectory=trajectory, sender="demo", event_id=f"{trajectory.reference}-{i}",
                                         type=kind, occurred_on=on, source="manual", **fields))
