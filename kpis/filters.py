"""The indicator dashboard's filters: provider, service and municipality narrow the contracts, status the values."""
import sqlalchemy as sa

from contracts.models import Contract, contract_municipality
from core.extensions import db
from core.models import Municipality, Service, User
from kpis.services import visible_contracts
from providers.models import Provider

STATUS_LABELS = {"red": "Rood (norm niet gehaald)", "green": "Groen (norm gehaald)", "grey": "Geen waarde"}


def contract_clauses(provider_id: int | None, service_id: int | None, municipality_id: int | None) -> list:
    """WHERE clauses on Contract for the chosen provider, service and municipality (None: any)."""
    clauses = []
    if provider_id:
        clauses.append(Contract.provider_id == provider_id)
    if service_id:
        clauses.append(Contract.service_id == service_id)
    if municipality_id:
        clauses.append(Contract.id.in_(sa.select(contract_municipality.c.contract_id).where(
            contract_municipality.c.municipality_id == municipality_id)))
    return clauses


def with_status(cards: list[dict], status: str | None) -> list[dict]:
    """Only the values of this status, and only the contracts that have one; every card when no status is chosen."""
    if not status:
        return cards
    kept = [card | {"rows": [row for row in card["rows"] if row.status == status]} for card in cards]
    return [card for card in kept if card["rows"]]


def choices(user: User) -> dict[str, list[tuple]]:
    """What the filters offer: the providers, services and municipalities of the contracts the user sees."""
    contracts = visible_contracts(user).subquery()
    providers = db.session.execute(sa.select(Provider.id, Provider.name).where(Provider.id.in_(
        sa.select(contracts.c.provider_id))).order_by(Provider.name)).all()
    services = db.session.execute(sa.select(Service.id, Service.name).where(Service.id.in_(
        sa.select(contracts.c.service_id))).order_by(Service.name)).all()
    municipalities = db.session.execute(sa.select(Municipality.id, Municipality.name).where(Municipality.id.in_(
        sa.select(contract_municipality.c.municipality_id).where(contract_municipality.c.contract_id.in_(
            sa.select(contracts.c.id))))).order_by(Municipality.name)).all()
    return {"provider": providers, "service": services, "municipality": municipalities,
            "status": list(STATUS_LABELS.items())}
