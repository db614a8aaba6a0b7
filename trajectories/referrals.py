"""The conditions of a referral: what must hold before a participant is referred to a contract, and what the
referral records because of them."""
from contracts.models import Contract
from contracts.open_house import admission_of
from core.errors import DomainError
from core.models import ServiceKind
from procurement.models import ProcurementRoute

#: DUO's codes of indicatorAlfabetiseringsonderwijs in the PIP (NVT is recorded as empty).
ALFABETISERING = {"A": "Onderwijs voor analfabeet", "AA": "Onderwijs voor anders-analfabeet"}


def check_referral(contract: Contract, data: dict) -> dict:
    """Refuse a referral that breaks a condition (DomainError naming the field); else the columns it records."""
    return _leerroute_parts(contract, data) | _participant_choice(contract, data)


def _leerroute_parts(contract: Contract, data: dict) -> dict:
    """Alfabetisering and a duaal traject are parts of a leerroute: only a leerroute contract takes them."""
    alfabetisering = data.get("alfabetisering") if data.get("alfabetisering") in ALFABETISERING else None
    if contract.service.kind != ServiceKind.LEERROUTE:
        if alfabetisering:
            raise DomainError(f"Alfabetisering is een onderdeel van de leerroute; contract {contract.reference} is "
                              f"voor {contract.service.name}, geen leerroute.", field="alfabetisering")
        if data.get("is_duaal"):
            raise DomainError(f"Een duaal traject is een leerroute gecombineerd met werk; contract "
                              f"{contract.reference} is voor {contract.service.name}, geen leerroute.",
                              field="is_duaal")
    return {"alfabetisering": alfabetisering, "is_duaal": bool(data.get("is_duaal"))}


def _participant_choice(contract: Contract, data: dict) -> dict:
    """Under Open House the participant chooses the provider from the published list: the referral records that
    choice and the list version shown, which must list the contract's provider on the referral date."""
    number = data.get("provider_list_version")
    if contract.procurement_route != ProcurementRoute.OPEN_HOUSE:
        if number is not None:
            raise DomainError(f"Contract {contract.reference} volgt niet de route Open House; er is geen lijst van "
                              "toegelaten aanbieders.", field="provider_list_version")
        return {"chosen_by_participant": None, "provider_list_version": None}
    admission = admission_of(contract)
    if admission is None:
        raise DomainError(f"Contract {contract.reference} volgt de route Open House, maar komt niet uit een toelating "
                          "tot een Open House: er is geen lijst waaruit de deelnemer kon kiezen.", field="contract_id")
    if not data.get("chosen_by_participant"):
        raise DomainError(f"Bij Open House kiest de deelnemer zelf de aanbieder: leg vast dat de deelnemer "
                          f"{contract.provider.name} zelf heeft gekozen. Kiest de gemeente de aanbieder, dan is het "
                          "een overheidsopdracht.", field="chosen_by_participant")
    if number is None:
        raise DomainError("Geef de versie van de lijst van toegelaten aanbieders die de deelnemer heeft gezien.",
                          field="provider_list_version")
    version = admission.open_house.list_version(number)
    if version is None or version.published_on > data["referral_date"]:
        raise DomainError(f"Versie {number} van de lijst van toegelaten aanbieders van {admission.open_house.title} "
                          "was op de aanmelddatum niet gepubliceerd.", field="provider_list_version")
    if not version.lists(contract.provider_id):
        raise DomainError(f"{contract.provider.name} staat niet op versie {number} van de lijst van toegelaten "
                          "aanbieders; de deelnemer kon deze aanbieder daar niet kiezen.", field="provider_list_version")
    return {"chosen_by_participant": True, "provider_list_version": version}
