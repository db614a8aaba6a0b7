"""Open House: uniform terms for a case, applications throughout the term, admission, suspension, exclusion."""
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort

from contracts.models import (ADMISSION_TRANSITIONS, Admission, AdmissionStatus, ContractStatus, OpenHouse,
                              ProviderListVersion, RunOff)
from contracts.services import create_contract, terms_from_case
from core import audit
from core.dates import now_utc
from core.errors import Conflict, DomainError
from core.extensions import db
from core.auth import can_see_municipality
from core.locks import lock_row
from core.models import Role, User
from core.scope import Action, OutOfScope, require
from core.terms import terms_to_json, validate_kpi_agreements, validate_milestones
from procurement.models import ProcurementCase, ProcurementRoute
from procurement.pve.templates import check_fits_service
from providers.models import Provider

#: The admission checklist an Open House starts with; the contract manager adapts it when opening the procedure,
#: after which it is fixed: every applicant is checked against the same published list (equal treatment).
DEFAULT_REQUIREMENTS = ["Geldig keurmerk Blik op Werk", "Inschrijving in het Handelsregister (KvK)",
                        "Verklaring Omtrent het Gedrag (VOG) van de docenten", "Aanbod voldoet aan het PvE",
                        "Akkoord met de uniforme voorwaarden"]


def case_route(case: ProcurementCase) -> str | None:
    """The route of the case's approved decision in force (None while nothing is decided)."""
    decision = case.decision_in_force
    return decision.route.value if decision is not None else None


def open_open_house(case: ProcurementCase, data: dict, by: User | None) -> OpenHouse:
    """Only for a case whose route is open_house; the terms default to the adopted PvE's."""
    require(by, Action.OPEN_HOUSE, case.municipalities)
    if case_route(case) not in (None, ProcurementRoute.OPEN_HOUSE.value):
        raise DomainError("Deze inkoopzaak volgt niet de route Open House.", field="procurement_case")
    if db.session.scalar(sa.select(OpenHouse.id).where(OpenHouse.procurement_case_id == case.id)):
        raise Conflict("Voor deze inkoopzaak bestaat al een Open House.", field="procurement_case")
    if data["ends_on"] < data["starts_on"]:
        raise DomainError("De einddatum ligt vóór de begindatum.", field="ends_on")
    terms = terms_from_case(case)
    price = data.get("price_per_trajectory") or terms.get("price_per_trajectory")
    if price is None or price < 0:
        raise DomainError("Geef de uniforme prijs per traject.", field="price_per_trajectory")
    given = all(data.get(name) for name in ("price_per_trajectory", "milestones", "kpis"))
    milestones = validate_milestones(data.get("milestones") or terms.get("milestones") or [])
    kpis = validate_kpi_agreements(data.get("kpis") or terms.get("kpis") or [])
    check_fits_service(case.service, milestones, kpis)
    open_house = OpenHouse(
        procurement_case=case, title=data["title"], starts_on=data["starts_on"], ends_on=data["ends_on"],
        price_per_trajectory=price, pve_version=None if given else terms.get("pve_version"),
        milestones=terms_to_json(milestones), kpis=terms_to_json(kpis),
        requirements=list(dict.fromkeys(data.get("requirements") or DEFAULT_REQUIREMENTS)))
    db.session.add(open_house)
    db.session.flush()
    audit.record(by, "open_house_opened", open_house, f"Open House {open_house.title} geopend")
    return open_house


def announce(open_house: OpenHouse, announced_on: date, url: str, by: User | None, today: date) -> OpenHouse:
    """Record the public announcement (date and URL) once it is published; admissions open only after it, and it
    no longer changes once a provider has been admitted."""
    require(by, Action.OPEN_HOUSE, open_house.procurement_case.municipalities)
    if announced_on > today:
        raise DomainError("Deze datum ligt in de toekomst; leg de aankondiging vast als zij gepubliceerd is.",
                          field="announced_on")
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DomainError("Geef het webadres van de aankondiging, beginnend met https://.", field="url")
    if open_house.list_versions:
        raise Conflict("Er zijn al aanbieders toegelaten; de aankondiging waarop zij zijn toegelaten blijft staan.",
                       field="announced_on")
    before = {"announced_on": open_house.announced_on, "announcement_url": open_house.announcement_url}
    open_house.announced_on, open_house.announcement_url = announced_on, url.strip()
    audit.record(by, "open_house_announced", open_house, f"Openbare aankondiging van {open_house.title} vastgelegd",
                 audit.diff(before, {"announced_on": announced_on, "announcement_url": url.strip()}))
    return open_house


def _require_announcement(open_house: OpenHouse, today: date) -> None:
    if not open_house.is_announced_on(today):
        raise Conflict("De toelatingsprocedure is nog niet openbaar aangekondigd; leg eerst de aankondiging vast "
                       "(datum en webadres). Zonder aankondiging kan niet elke aanbieder meedoen (HvJ EU C-410/14, "
                       "Falk Pharma).", field="announced_on")


def apply(open_house: OpenHouse, provider: Provider, by: User | None, today: date) -> Admission:
    """Providers may apply throughout the term, once per Open House, after its public announcement: a provider
    user for its own provider, staff of the case's municipalities for any. An application gives the case's region
    no say over the provider's master data; its admission (an active contract) does (core.scope)."""
    if by is not None and by.role == Role.PROVIDER and by.provider_id != provider.id:
        raise OutOfScope("U meldt alleen uw eigen organisatie aan.")
    if by is not None and by.role != Role.PROVIDER:
        require(by, Action.OPEN_HOUSE_APPLICATION, open_house.procurement_case.municipalities)
    if not open_house.is_open or today > open_house.ends_on:
        raise Conflict("Aanmelden voor dit Open House is niet (meer) mogelijk.")
    _require_announcement(open_house, today)
    if db.session.scalar(sa.select(Admission.id).where(Admission.open_house_id == open_house.id,
                                                       Admission.provider_id == provider.id)):
        raise Conflict(f"{provider.name} heeft zich al aangemeld.", field="provider")
    admission = Admission(open_house=open_house, provider=provider,
                          checklist={r: False for r in open_house.requirements})
    db.session.add(admission)
    db.session.flush()
    audit.record(by, "open_house_applied", admission, f"{provider.name} meldt zich aan voor {open_house.title}")
    return admission


def decide(admission: Admission, status: AdmissionStatus, motivation: str, by: User | None, today: date,
           checklist: dict | None = None) -> Admission:
    """Admit (every requirement met), refuse, suspend or exclude, always with a motivation.

    The first admission gives the provider a contract on the uniform terms; exclusion terminates it."""
    require(by, Action.OPEN_HOUSE, admission.open_house.procurement_case.municipalities)
    status = AdmissionStatus(status)
    if not (motivation or "").strip():
        raise DomainError("Geef een motivering.", field="motivation")
    lock_row(admission)  # of two decisions at the same moment, the second sees the first (one contract, not two)
    if status not in ADMISSION_TRANSITIONS[admission.status]:
        raise Conflict(f"Een aanmelding met status {admission.status} kan niet naar {status}.", field="status")
    if checklist is not None:
        admission.checklist = {r: bool(checklist.get(r)) for r in admission.open_house.requirements}
    if status == AdmissionStatus.ADMITTED and not all(admission.checklist.values()):
        raise DomainError("Toelaten kan pas als aan alle eisen is voldaan.", field="checklist")
    if status == AdmissionStatus.ADMITTED:
        _require_announcement(admission.open_house, today)
    before = admission.status
    admission.status, admission.motivation = status, motivation.strip()
    admission.decided_at, admission.decided_by = now_utc(), by
    if status == AdmissionStatus.ADMITTED and admission.contract is None:
        admission.contract = _uniform_contract(admission, by, today)
    if status == AdmissionStatus.EXCLUDED and admission.contract is not None:
        admission.contract.status = ContractStatus.TERMINATED
    if AdmissionStatus.ADMITTED in (before, status):
        _publish_list(admission.open_house, today)
    audit.record(by, f"open_house_{status}", admission, f"{admission.provider.name}: {motivation.strip()}",
                 {"status": [before, status], "checklist": [None, admission.checklist]})
    return admission


def _uniform_contract(admission: Admission, by: User | None, today: date):
    house, case = admission.open_house, admission.open_house.procurement_case
    return create_contract({
        "reference": f"OH{house.id}-{admission.provider.kvk_number}", "provider": admission.provider,
        "service": case.service, "procurement_route": ProcurementRoute.OPEN_HOUSE, "procurement_case": case,
        "municipalities": list(case.municipalities), "starts_on": max(today, house.starts_on),
        "ends_on": house.ends_on, "price_per_trajectory": house.price_per_trajectory,
        "milestones": house.milestones, "kpis": house.kpis, "pve_version": house.pve_version,
        "run_off": RunOff.UNTIL_TRAJECTORY_END},  # the uniform terms: a participant's choice is paid to its end
        by=by, scoped=False)


def admitted(open_house: OpenHouse) -> list[Admission]:
    return [a for a in open_house.applications if a.status == AdmissionStatus.ADMITTED]


def _publish_list(open_house: OpenHouse, today: date) -> ProviderListVersion:
    """A new dated version of the list of admitted providers, whenever a provider comes on it or goes off it."""
    version = ProviderListVersion(number=len(open_house.list_versions) + 1, published_on=today, providers=[
        {"provider_id": a.provider_id, "name": a.provider.name, "city": a.provider.city} for a in admitted(open_house)])
    open_house.list_versions.append(version)
    return version




def visible_open_house(user: User, open_house_id: int) -> OpenHouse:
    """Staff see the Open Houses of cases in their scope, providers every one (they may apply); else 404."""
    house = db.get_or_404(OpenHouse, open_house_id)
    municipalities = house.procurement_case.municipalities
    if user.role != Role.PROVIDER and not any(can_see_municipality(user, m) for m in municipalities):
        abort(404)
    return house


def public_open_houses():
    return sa.select(OpenHouse).order_by(OpenHouse.starts_on.desc(), OpenHouse.id)
