"""Demo data: about 40 trajectories on the demo contracts with a plausible history of progress events."""
import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from contracts.models import Contract, ContractStatus
from core import dates, services as core_services
from core.demo import demo_password
from core.extensions import db
from core.models import Role, Service, ServiceKind, User
from trajectories.models import Trajectory, TrajectoryStatus
from trajectories.referrals import ReferralRefused, delivery_barrier, record_refusal
from trajectories.services import create_trajectory, record_events
from trajectories.switches import switch_route
from trajectories.termijn import legal_end, set_dates
from procurement.models import ProcurementRoute
from providers.models import Provider

TRAJECTORIES = 40
FIRST_NAMES = ["Amina", "Yusuf", "Sara", "Daniel", "Mariam", "Omar", "Lina", "Tesfay", "Nour", "Ahmad", "Fatima",
               "Samir", "Hana", "Bilal", "Rahel", "Karim", "Aya", "Tigist", "Jamal", "Olena"]
LAST_NAMES = ["Haddad", "Tesfaye", "Kowalski", "Mohammadi", "Bakr", "Yilmaz", "Hailu", "Shevchenko", "Nasser",
              "Alizadeh"]


def load(state: dict) -> None:
    """Runs after the contracts step: uses the active contracts it made, or makes one when there are none."""
    today = dates.today()
    rng = random.Random(2026)
    contracts = db.session.scalars(sa.select(Contract).where(Contract.status == ContractStatus.ACTIVE)
                                   .order_by(Contract.id)).all() or [_contract(state, today)]
    _provider_login(state, contracts[0].provider)
    staff = state.get("users", {}).get("contract@drechtsteden.demo")
    for n in range(TRAJECTORIES):
        contract = contracts[n % len(contracts)]
        municipality = contract.municipalities[n % len(contract.municipalities)]
        referral = max(contract.starts_on, min(contract.ends_on, today - timedelta(days=rng.randint(45, 700))))
        if referral >= today:
            referral = max(contract.starts_on, today - timedelta(days=30))
        leerroute = contract.service.kind == ServiceKind.LEERROUTE
        trajectory = create_trajectory({
            "reference": f"TRJ-{referral.year}-{n + 1:05d}", "contract_id": contract.id,
            "municipality": municipality.code, "referral_date": referral,
            "pip_date": min(today, referral + timedelta(days=rng.randint(5, 20))) if rng.random() < 0.9 else None,
            "participant": {"name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "bsn": _bsn(rng)},
            "alfabetisering": rng.choice(["A", "AA"]) if leerroute and rng.random() < 0.2 else None,
            "is_duaal": leerroute and rng.random() < 0.15, **_participant_choice(contract, referral),
        }, by=staff, today=today)
        provider_events, duo_events, staff_events = _history(rng, trajectory.reference, contract.service.code,
                                                             referral, today)
        record_events(provider_events, sender=f"provider:{contract.provider_id}", source="api", by=None, today=today)
        record_events(duo_events, sender="duo", source="duo", by=None, today=today)
        if staff_events:
            record_events(staff_events, sender=f"user:{staff.id}", source="manual", by=staff, today=today)
    _refused_referral(contracts, staff, today)
    _switch(staff, today)
    _lowered_onderdeel(staff, today)
    _provider_reported_level(today)
    _termijn(staff, today)


def _running(service: str, started_before: date) -> list[Trajectory]:
    trajectories = db.session.scalars(sa.select(Trajectory).join(Trajectory.contract).join(Contract.service)
                                      .where(Service.code == service, ~Trajectory.switched_to.has())
                                      .order_by(Trajectory.id)).all()
    return [t for t in trajectories if t.status == TrajectoryStatus.ACTIVE and t.events[0].occurred_on < started_before]


def _switch(staff: User, today: date) -> None:
    """A B1-route participant who switched to the onderwijsroute after a new PIP today: the B1-route trajectory
    closes with reason schakelen, the new one starts on the onderwijsroute contract (issue 19)."""
    target = db.session.scalar(sa.select(Contract).join(Contract.service).where(
        Service.code == "onderwijsroute", Contract.status == ContractStatus.ACTIVE).order_by(Contract.id))
    old = next(t for t in _running("b1_route", today) if t.municipality in target.municipalities)
    switch_route(old, {"reference": f"{old.reference}-OR", "contract_id": target.id, "switched_on": today,
                       "pip_date": today, **_participant_choice(target, today)}, by=staff, today=today)


def _lowered_onderdeel(staff: User, today: date) -> None:
    """A running B1-route participant afgeschaald in spreken after a new PIP: A2 is the aim for it from then on,
    and the participant continues in the route (issue 19)."""
    since = today - timedelta(days=30)
    trajectory = _running("b1_route", since)[0]
    record_events([{"event_id": f"{trajectory.reference}-AFSCHALING", "trajectory": trajectory.reference,
                    "type": "afschaling", "date": since.isoformat(), "skill": "SP", "pip_version": "2"}],
                  sender=f"user:{staff.id}", source="manual", by=staff, today=today)


def _provider_reported_level(today: date) -> None:
    """A provider's own progress tests at A2 on reading and listening, ten weeks ago: the A2 result milestone pays
    only on DUO's or the municipality's evidence, so the approved demo run finds a claim for staff to verify, whatever
    the random history drew (payments.md, evidence rules)."""
    day = today - timedelta(days=70)
    trajectory = _running("b1_route", day - timedelta(days=30))[-1]
    record_events([{"event_id": f"{trajectory.reference}-A2-{skill}", "trajectory": trajectory.reference,
                    "type": "progress_test", "date": day.isoformat(), "skill": skill, "level": "A2"}
                   for skill in ("LE", "LU")],
                  sender=f"provider:{trajectory.contract.provider_id}", source="api", by=None, today=today)


def _termijn(staff: User, today: date) -> None:
    """Every trajectory's kennisgeving and inburgeringstermijn (three years from it), as DUO gives them; two running
    B1-route trajectories' termijn ended two and three months ago, the second extended by DUO: their effort
    milestones stop after the termijn (issue 19). A generator of its own, so the histories stay as they were."""
    rng = random.Random(19)
    for trajectory in db.session.scalars(sa.select(Trajectory).order_by(Trajectory.id)):
        kennisgeving = min(trajectory.referral_date, trajectory.pip_date or today) - timedelta(days=rng.randint(20, 80))
        set_dates(trajectory, {"kennisgeving_on": kennisgeving, "term_ends_on": legal_end(kennisgeving)}, by=staff,
                  today=today)
    for trajectory, ended, extended in zip(_running("b1_route", today - timedelta(days=200))[1:3], (60, 90),
                                           (None, 180)):
        set_dates(trajectory, {"term_ends_on": today - timedelta(days=ended),
                               "term_extended_until": today + timedelta(days=extended) if extended else None},
                  by=staff, today=today)


def _refused_referral(contracts: list[Contract], staff: User | None, today: date) -> None:
    """A referral today to a provider whose keurmerk is suspended: refused, and kept in the contract's audit log."""
    barred = next((c for c in contracts if delivery_barrier(c, today)), None)
    if barred is None:
        return
    data = {"reference": f"TRJ-{today.year}-GEWEIGERD", "contract_id": barred.id,
            "municipality": barred.municipalities[0].code, "referral_date": today}
    try:
        create_trajectory(data, by=staff, today=today)
    except ReferralRefused as refusal:
        record_refusal(data, refusal, by=staff)


def _history(rng: random.Random, reference: str, service: str, referral: date, today: date) -> tuple[list, list, list]:
    """Start, monthly attendance, progress tests, sometimes an interruption, dropout or completion as the route
    ends: exams for the B1-route and onderwijsroute, the municipality's closing interview for the Z-route (no exam),
    the KNM exam, the MAP final interview."""
    own, duo, staff, seq = [], [], [], iter(range(1, 1000))

    def add(kind: str, day: date, target=own, **fields):
        target.append({"event_id": f"{reference}-{next(seq):03d}", "trajectory": reference, "type": kind,
                       "date": day.isoformat(), **fields})
        return target[-1]["event_id"]

    start = referral + timedelta(days=rng.randint(7, 30))
    if start >= today:
        return own, duo, staff
    add("start", start)
    fate = rng.random()
    months = (today.year - start.year) * 12 + today.month - start.month
    end_after = months if fate > 0.45 else rng.randint(3, max(3, months))
    month = date(start.year, start.month, 1)
    for i in range(min(months, end_after)):
        month_end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        offered = Decimal(rng.choice([32, 40, 48]))
        attended = min(offered, (offered * Decimal(rng.uniform(0.6, 1.0))).quantize(Decimal("0.5")))
        excused = min(offered - attended, Decimal(rng.choice([0, 0, 2, 4])))
        event_id = add("attendance", month_end, month=month.strftime("%Y-%m"), hours_offered=str(offered),
                       hours_attended=str(attended), hours_excused=str(excused))
        if service == "z_route":  # as many hours of participation as of taal and KNM (issue 19)
            add("attendance", month_end, month=month.strftime("%Y-%m"), hours_offered=str(offered),
                hours_attended=str(attended), hours_excused=str(excused), bucket="participatie")
        if rng.random() < 0.03:  # a correction: void the report and send it again
            add("retraction", month_end, retracts=event_id)
            add("attendance", month_end, month=month.strftime("%Y-%m"), hours_offered=str(offered),
                hours_attended=str(min(offered, attended + 2)), hours_excused=str(excused))
        if i in (3, 7):
            add("progress_test", month_end - timedelta(days=3), skill=rng.choice(["LE", "LU", "SC", "SP"]),
                level=(["A0", "A1"] if service == "z_route" else ["A1", "A2"])[i // 7])
        month = month_end + timedelta(days=1)
    last = month - timedelta(days=1)  # before the start when it started this month: no end then
    if fate < 0.12 and start < last < today:
        add("dropout", last, reason=rng.choice(["uitval", "verhuizing", "ontheffing"]))
    elif fate < 0.45 and last < today and months >= 6:
        if service == "z_route":  # no central exam: the municipality's closing interview ends the route
            add("module_completed", last - timedelta(days=10), staff, module="ZROUTE")
        elif service == "map":
            add("module_completed", last - timedelta(days=10), module="MAP")
        elif service == "knm":
            add("exam", last - timedelta(days=10), duo, component="KNM", result="geslaagd")
        else:
            add("module_completed", last - timedelta(days=20), module="MAP")
            for component in ("LE", "LU", "SC", "SP"):
                add("exam", last - timedelta(days=10), duo, component=component, level="B1",
                    result="geslaagd" if rng.random() < 0.8 else "gezakt")
            add("exam", last - timedelta(days=10), duo, component="KNM", result="geslaagd")
        add("completed", last)
        if rng.random() < 0.6:
            add("outflow", min(today, last + timedelta(days=rng.randint(10, 60))),
                destination=rng.choice(["werk", "opleiding"]))
    elif months >= 4 and rng.random() < 0.2:
        paused = last - timedelta(days=40)
        add("interruption", paused, reason="Ziekte")
        add("resumption", paused + timedelta(days=21))
    return own, duo, staff


def _participant_choice(contract: Contract, referral: date) -> dict:
    """Under Open House the participant chose the provider from the latest list version that named it."""
    admission = contract.admission if contract.procurement_route == ProcurementRoute.OPEN_HOUSE else None
    if admission is None:
        return {}
    shown = [v for v in admission.open_house.list_versions
             if v.published_on <= referral and v.lists(contract.provider_id)]
    return {"chosen_by_participant": True, "provider_list_version": shown[-1].number}


def _bsn(rng: random.Random) -> str:
    """A random number that passes the elfproef (demo data only)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def _contract(state: dict, today: date) -> Contract:
    provider = db.session.scalar(sa.select(Provider).order_by(Provider.id)) or Provider(
        name="Taalhuis Drechtsteden", kvk_number="90000001", iban="NL91ABNA0417164300", bic="ABNANL2A",
        keurmerk_valid_until=date(today.year + 2, 12, 31))
    contract = Contract(reference="DEMO-VOORTGANG-B1", provider=provider,
                        procurement_route=ProcurementRoute.AANBESTEDING,
                        service=db.session.scalar(sa.select(Service).where(Service.code == "b1_route")),
                        starts_on=date(today.year - 2, 1, 1), ends_on=date(today.year + 2, 12, 31),
                        price_per_trajectory=Decimal("12500.00"),
                        municipalities=list(state["municipalities"].values()))
    db.session.add(contract)
    db.session.flush()
    return contract


def _provider_login(state: dict, provider: Provider) -> None:
    """A login for the provider of the first contract, unless the providers step already made one."""
    if db.session.scalar(sa.select(User.id).where(User.provider_id == provider.id)):
        return
    email, password = "voortgang@aanbieder.demo", demo_password()
    core_services.create_user(email, Role.PROVIDER, password, by=None, name=provider.name, provider_id=provider.id)
    state["logins"].append((email, Role.PROVIDER.value, password))
