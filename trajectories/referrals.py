"""The conditions of a referral: what must hold before a participant is referred to a contract."""
from contracts.models import Contract
from core.errors import DomainError
from core.models import ServiceKind

#: DUO's codes of indicatorAlfabetiseringsonderwijs in the PIP (NVT is recorded as empty).
ALFABETISERING = {"A": "Onderwijs voor analfabeet", "AA": "Onderwijs voor anders-analfabeet"}


def check_referral(contract: Contract, data: dict) -> None:
    """Alfabetisering and a duaal traject are parts of a leerroute: only a leerroute contract takes them."""
    if contract.service.kind == ServiceKind.LEERROUTE:
        return
    if data.get("alfabetisering") in ALFABETISERING:
        raise DomainError(f"Alfabetisering is een onderdeel van de leerroute; contract {contract.reference} is voor "
                          f"{contract.service.name}, geen leerroute.", field="alfabetisering")
    if data.get("is_duaal"):
        raise DomainError(f"Een duaal traject is een leerroute gecombineerd met werk; contract {contract.reference} "
                          f"is voor {contract.service.name}, geen leerroute.", field="is_duaal")
