"""Demo data: four providers in Drechtsteden with contracts for the leerroutes and KNM/MAP, one user each, and the
region's B1-route Open House with two providers admitted.

Every other contract was tendered (the KNM contract too: it pays on the exam result, which a subsidy may not)."""
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from contracts import open_house, services
from contracts.models import AdmissionStatus, ContractStatus, RunOff
from core.dates import today
from core.demo import demo_password
from core.extensions import db
from core.models import Service, ServiceKind
from core.services import orderable_service
from procurement.models import ProcurementCase, ProcurementRoute
from procurement.pve.templates import Z_ROUTE
from providers.services import create_provider_user, register_provider

PROVIDERS = [
    # name, KvK, IBAN, BIC, street, postcode, city, contact, keurmerk valid for this many days
    ("Taalhuis Drechtsteden B.V.", "68750110", "NL44RABO0123456789", "RABONL2U", "Spuiboulevard 12", "3311GR",
     "Dordrecht", "Sanne de Vries", 700),
    ("Inburgeringscentrum Zwijndrecht", "71234567", "NL20INGB0001234567", "INGBNL2A", "Burgemeester Jansenlaan 40",
     "3331HA", "Zwijndrecht", "Ahmed El Amrani", 45),
    ("Leerwerkplaats De Merwede", "80456123", "NL91ABNA0417164300", "ABNANL2A", "Merwedestraat 5", "3351AS",
     "Papendrecht", "Joke Bakker", 400),
    ("Wereldwijs KNM en Participatie", "59871234", "NL22SNSB0912345678", "SNSBNL2A", "Weteringsingel 2", "3342AB",
     "Hendrik-Ido-Ambacht", "Priya Ramdin", 900),
]

#: Blik op Werk suspended the Z-route provider's keurmerk two weeks ago: its running trajectories are flagged on the
#: start page, and a new referral to it is refused (trajectories.demo).
SUSPENDED_KVK = "80456123"

B1_SCHEDULE = [
    {"code": "START", "label": "Start B1-route", "kind": "inspanning", "trigger": "start", "percentage": "10"},
    {"code": "AANW", "label": "Maand voldoende aanwezig", "kind": "inspanning", "trigger": "attendance_month",
     "params": {"min_rate": "0.80", "max_months": 12}, "amount": "300.00"},
    {"code": "A2", "label": "Niveau A2 op lezen en luisteren", "kind": "prestatie", "trigger": "level",
     "params": {"skills": ["LE", "LU"], "level": "A2"}, "percentage": "15"},
    {"code": "B1", "label": "Inburgeringsexamen B1 behaald", "kind": "prestatie", "trigger": "exam",
     "params": {"components": ["LE", "LU", "SC", "SP"], "level": "B1"}, "percentage": "25"},
    {"code": "AFR", "label": "Traject afgerond", "kind": "prestatie", "trigger": "completed", "amount": "500.00"},
]
ONDERWIJS_SCHEDULE = [
    {"code": "START", "label": "Start onderwijsroute", "kind": "inspanning", "trigger": "start", "percentage": "10"},
    {"code": "UREN", "label": "400 lesuren gevolgd", "kind": "inspanning", "trigger": "hours",
     "params": {"hours": "400"}, "percentage": "20"},
    {"code": "B1", "label": "Examen B1 behaald", "kind": "prestatie", "trigger": "exam",
     "params": {"components": ["LE", "LU", "SC", "SP"]}, "percentage": "30"},
    {"code": "UITSTR", "label": "Doorstroom naar opleiding", "kind": "prestatie", "trigger": "outflow",
     "params": {"destinations": ["opleiding"]}, "amount": "1500.00"},
]
KNM_SCHEDULE = [
    {"code": "START", "label": "Start KNM", "kind": "inspanning", "trigger": "start", "percentage": "40"},
    {"code": "KNM", "label": "Examen KNM behaald", "kind": "prestatie", "trigger": "exam",
     "params": {"components": ["KNM"]}, "percentage": "60"},
]
MAP_SCHEDULE = [
    {"code": "START", "label": "Start MAP", "kind": "inspanning", "trigger": "start", "percentage": "50"},
    {"code": "MAP", "label": "Module Arbeidsmarkt en Participatie afgerond", "kind": "prestatie",
     "trigger": "module", "params": {"module": "MAP"}, "percentage": "50"},
]
KPIS = [{"kpi": "timely_start", "params": {"weeks": 10}, "norm": "0.90", "direction": "min"},
        {"kpi": "attendance_rate", "norm": "0.80", "direction": "min"},
        {"kpi": "dropout_rate", "norm": "0.15", "direction": "max"}]
EXAM_KPIS = KPIS + [{"kpi": "exam_pass_rate", "params": {"level": "B1"}, "norm": "0.60", "direction": "min"}]
# reference, provider index, service, schedule, kpis, price, ceiling, months left (None: through 2027)
CONTRACTS = [
    ("DS-B1-2026-01", 0, "b1_route", B1_SCHEDULE, EXAM_KPIS, "10500.00", "1260000.00", None),
    ("DS-B1-2026-02", 1, "b1_route", B1_SCHEDULE, EXAM_KPIS, "10500.00", "630000.00", 5),
    # the Z-route on its own template: hours, an A1 aim and the municipality's closing interview, no exam
    ("DS-Z-2026-01", 2, "z_route", list(Z_ROUTE.milestones), list(Z_ROUTE.kpis), "8900.00", "445000.00", None),
    ("DS-OND-2026-01", 0, "onderwijsroute", ONDERWIJS_SCHEDULE, EXAM_KPIS, "12000.00", "360000.00", None),
    ("DS-KNM-2026-01", 3, "knm", KNM_SCHEDULE, KPIS[:1], "650.00", "97500.00", None),
    ("DS-MAP-2026-01", 3, "map", MAP_SCHEDULE, KPIS[:1], "1150.00", "172500.00", None),
]


def load(state: dict) -> None:
    day = today()
    providers = []
    for name, kvk, iban, bic, street, postcode, city, contact, keurmerk_days in PROVIDERS:
        provider = register_provider({
            "name": name, "kvk_number": kvk, "iban": iban, "bic": bic, "street": street, "postcode": postcode,
            "city": city, "contact_name": contact, "keurmerk_valid_until": day + timedelta(days=keurmerk_days),
            "contact_email": f"info@{kvk}.aanbieder.demo", **({"keurmerk_status": "geschorst",
            "keurmerk_status_since": day - timedelta(days=14)} if kvk == SUSPENDED_KVK else {})}, by=None)
        providers.append(provider)
        email, password = f"planner@{kvk}.aanbieder.demo", demo_password()
        state.setdefault("users", {})[email] = create_provider_user(provider, email, f"Planner {name}", password,
                                                                    by=None)
        state["logins"].append((email, "provider", password))
    municipalities = list(state["municipalities"].values())
    for reference, index, service, schedule, kpis, price, ceiling, months_left in CONTRACTS:
        # the end of next year at the latest: a demo loaded in a later year still has contracts in force
        ends_on = day + timedelta(days=30 * months_left) if months_left else max(date(2027, 12, 31),
                                                                                 date(day.year + 1, 12, 31))
        state.setdefault("contracts", {})[reference] = services.create_contract({
            "reference": reference, "provider": providers[index], "service": orderable_service(service),
            "procurement_route": ProcurementRoute.AANBESTEDING,
            "municipalities": municipalities, "starts_on": date(2026, 1, 1), "ends_on": ends_on,
            "price_per_trajectory": Decimal(price), "ceiling": Decimal(ceiling), "extension_count": 2,
            "extension_months": 12, "option_deadline": min(ends_on, day + timedelta(days=50)) if months_left else
            date(2027, 6, 30), "status": ContractStatus.ACTIVE, "milestones": schedule, "kpis": kpis,
            **_run_off(service, ends_on)}, by=None)
    state["providers"] = {p.kvk_number: p for p in providers}
    _open_house(state, providers, day)
    services.refresh_alerts(day)


def _run_off(service: str, ends_on: date) -> dict:
    """The leerroutes pay a running trajectory to its end; the other services for six months after the contract."""
    if orderable_service(service).kind == ServiceKind.LEERROUTE:
        return {"run_off": RunOff.UNTIL_TRAJECTORY_END}
    return {"run_off": RunOff.UNTIL_DATE, "run_off_until": ends_on + timedelta(days=183)}


def _open_house(state: dict, providers: list, day: date) -> None:
    """The region's B1-route Open House: announced on the day its planning publishes it, two providers admitted
    since (list versions 1 and 2), a third still applying."""
    case = db.session.scalar(sa.select(ProcurementCase).join(ProcurementCase.service).where(
        ProcurementCase.region_id == state["region"].id, Service.code == "b1_route"))
    if case is None or open_house.case_route(case) != ProcurementRoute.OPEN_HOUSE:
        return
    announced = next((m.due_on for m in case.milestones if m.code == "publication"), day - timedelta(days=26))
    house = open_house.open_open_house(case, {"title": "Open House B1-route Drechtsteden", "starts_on": announced,
                                              "ends_on": announced + timedelta(days=4 * 365)}, by=None)
    open_house.announce(house, announced, "https://www.tenderned.nl/aankondigingen/overzicht/demo-b1-open-house",
                        by=None, today=day)
    for provider, days_ago in ((providers[0], 20), (providers[1], 10)):
        admission = open_house.apply(house, provider, by=None, today=day - timedelta(days=days_ago + 3))
        open_house.decide(admission, AdmissionStatus.ADMITTED, "Voldoet aan alle toelatingseisen.", by=None,
                          today=day - timedelta(days=days_ago), checklist={r: True for r in house.requirements})
    open_house.apply(house, providers[2], by=None, today=day - timedelta(days=2))
