"""The conditions of a referral: what must hold before a participant is referred to a contract, and what the
referral records because of them. A refused referral is kept in the contract's audit log."""
from datetime import date

from contracts.models import CONTRACT_STATUS_LABELS, AdmissionStatus, Contract
from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import Municipality, ServiceKind, User
from procurement.models import ProcurementRoute
from procurement.pve.templates import template_for

#: DUO's codes of indicatorAlfabetiseringsonderwijs in the PIP (NVT is recorded as empty).
ALFABETISERING = {"A": "Onderwijs voor analfabeet", "AA": "Onderwijs voor anders-analfabeet"}


class ReferralRefused(DomainError):
    """A referral breaks one of its conditions; the view records the refusal on the contract."""


def check_referral(contract: Contract, municipality: Municipality, data: dict) -> dict:
    """Refuse a referral that breaks a condition (ReferralRefused naming the field); else the columns it records."""
    day = data["referral_date"]
    if not contract.is_in_force_on(day):
        raise ReferralRefused(f"Contract {contract.reference} is op {day:%d-%m-%Y} niet actief (looptijd "
                              f"{contract.starts_on:%d-%m-%Y} tot en met {contract.ends_on:%d-%m-%Y}, status "
                              f"{CONTRACT_STATUS_LABELS[contract.status].lower()}).", field="contract_id")
    if municipality not in contract.municipalities:
        raise ReferralRefused(f"{municipality.name} neemt geen deel aan contract {contract.reference}.",
                              field="municipality")
    if barrier := delivery_barrier(contract, day):
        raise ReferralRefused(barrier, field="contract_id")
    return _leerroute_parts(contract, data) | _participant_choice(contract, data)


def delivery_barrier(contract: Contract, day: date) -> str | None:
    """Why the contract's provider may not take a participant on `day`: no valid keurmerk where the route needs
    one, or a suspended or ended Open House admission. None when nothing stands in the way."""
    provider = contract.provider
    if template_for(contract.service).requires_keurmerk and not provider.has_valid_keurmerk_on(day):
        return (f"{provider.name} heeft op {day:%d-%m-%Y} geen geldig keurmerk Blik op Werk "
                f"({provider.keurmerk_text.lower()}); dat is vereist voor de {contract.service.name}.")
    admission = contract.admission
    if admission is None:
        return None
    house = admission.open_house
    if admission.status == AdmissionStatus.SUSPENDED:
        return f"De toelating van {provider.name} tot {house.title} is geschorst: {admission.motivation}"
    if admission.status == AdmissionStatus.EXCLUDED:
        return f"{provider.name} is uitgesloten van {house.title}: {admission.motivation}"
    if day > house.ends_on:
        return f"{house.title} is op {house.ends_on:%d-%m-%Y} geëindigd."
    return None


def record_refusal(data: dict, refusal: ReferralRefused, by: User | None) -> None:
    """The contract's audit log keeps which referral was refused when and why (the participant by reference only)."""
    contract = db.session.get(Contract, data["contract_id"])
    audit.record(by, "referral_refused", contract, f"Aanmelding {data.get('reference')} voor contract "
                 f"{contract.reference} geweigerd: {refusal.message}",
                 {"reference": data.get("reference"), "municipality": data.get("municipality"),
                  "referral_date": data.get("referral_date"), "field": refusal.field})


def _leerroute_parts(contract: Contract, data: dict) -> dict:
    """Alfabetisering and a duaal traject are parts of a leerroute: only a leerroute contract takes them."""
    alfabetisering = data.get("alfabetisering") if data.get("alfabetisering") in ALFABETISERING else None
    if contract.service.kind != ServiceKind.LEERROUTE:
        if alfabetisering:
            raise ReferralRefused(f"Alfabetisering is een onderdeel van de leerroute; contract {contract.reference} is "
                              f"voor {contract.service.name}, geen leerroute.", field="alfabetisering")
        if data.get("is_duaal"):
            raise ReferralRefused(f"Een duaal traject is een leerroute gecombineerd met werk; contract "
                              f"{contract.reference} is voor {contract.service.name}, geen leerroute.",
                              field="is_duaal")
    return {"alfabetisering": alfabetisering, "is_duaal": bool(data.get("is_duaal"))}


def _participant_choice(contract: Contract, data: dict) -> dict:
    """Under Open House the participant chooses the provider from the published list: the referral records that
    choice and the list version shown, which must list the contract's provider on the referral date."""
    number = data.get("provider_list_version")
    if contract.procurement_route != ProcurementRoute.OPEN_HOUSE:
        if number is not None:
            raise ReferralRefused(f"Contract {contract.reference} volgt niet de route Open House; er is geen lijst van "
                              "toegelaten aanbieders.", field="provider_list_version")
        return {"chosen_by_participant": None, "provider_list_version": None}
    admission = contract.admission
    if admission is None:
        raise ReferralRefused(f"Contract {contract.reference} volgt de route Open House, maar komt niet uit een toelating "
                          "tot een Open House: er is geen lijst waaruit de deelnemer kon kiezen.", field="contract_id")
    if not data.get("chosen_by_participant"):
        raise ReferralRefused(f"Bij Open House kiest de deelnemer zelf de aanbieder: leg vast dat de deelnemer "
                          f"{contract.provider.name} zelf heeft gekozen. Kiest de gemeente de aanbieder, dan is het "
                          "een overheidsopdracht.", field="chosen_by_participant")
    if number is None:
        raise ReferralRefused("Geef de versie van de lijst van toegelaten aanbieders die de deelnemer heeft gezien.",
                          field="provider_list_version")
    version = admission.open_house.list_version(number)
    if version is None or version.published_on > data["referral_date"]:
        raise ReferralRefused(f"Versie {number} van de lijst van toegelaten aanbieders van {admission.open_house.title} "
                          "was op de aanmelddatum niet gepubliceerd.", field="provider_list_version")
    if not version.lists(contract.provider_id):
        raise ReferralRefused(f"{contract.provider.name} staat niet op versie {number} van de lijst van toegelaten "
                          "aanbieders; de deelnemer kon deze aanbieder daar niet kiezen.", field="provider_list_version")
    return {"chosen_by_participant": True, "provider_list_version": version}
