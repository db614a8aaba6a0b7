"""Budget lines and their versions, the funding source of each contract, and the municipalities a user may see
budgets of. The figures (realised, committed, forecast) live in their own modules."""
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from budget.models import (FUNDING_SOURCE_LABELS, VERSION_LABELS, VERSION_ORDER, BudgetLine, BudgetVersion,
                           ContractFunding, FundingSource, service_funding)
from contracts.models import Contract
from core import audit
from core.auth import can_see_municipality, scope_filter, visible_regions
from core.errors import DomainError
from core.extensions import db
from core.forms import options
from core.models import Municipality, Region, Service, User
from core.scope import Action, require

ZERO = Decimal("0.00")


def municipality_by_code(code: str, user: User, field: str = "municipality") -> Municipality:
    """A municipality within the user's scope, by CBS code; a Dutch error on the field otherwise."""
    found = db.session.scalar(sa.select(Municipality).where(Municipality.code == (code or "").strip().upper()))
    if found is None or not can_see_municipality(user, found):
        raise DomainError("Onbekende gemeente.", field=field)
    return found


def region_for(region_id: int, user: User) -> Region:
    found = db.session.scalar(visible_regions(user).where(Region.id == region_id))
    if found is None:
        raise DomainError("Onbekende regio.", field="region_id")
    return found


def visible_municipalities(user: User) -> list[Municipality]:
    return db.session.scalars(sa.select(Municipality).where(scope_filter(user, Municipality.id))
                              .order_by(Municipality.name)).all()


def overview_scope(user: User, *, municipality: str | None = None, region_id: int | None = None) -> list[Municipality]:
    """The municipalities of one overview: one municipality, a region's (those the user sees), or all the user sees."""
    if municipality:
        return [municipality_by_code(municipality, user)]
    if region_id is not None:
        return [m for m in region_for(region_id, user).municipalities if can_see_municipality(user, m)]
    return visible_municipalities(user)


def default_version(municipality: Municipality, year: int) -> BudgetVersion:
    """The latest version that has lines for this municipality and year (the primitieve begroting when none)."""
    used = db.session.scalars(sa.select(BudgetLine.version).distinct().where(
        BudgetLine.municipality_id == municipality.id, BudgetLine.year == year)).all()
    return max(used, key=VERSION_ORDER.get, default=BudgetVersion.PRIMITIEF)


def set_budget_line(municipality: Municipality, year: int, funding_source: FundingSource, amount: Decimal, *,
                    by: User, service: Service | None = None,
                    version: BudgetVersion | None = None) -> tuple[BudgetLine, bool]:
    """Set the amount of one line of a version (a new line, or a changed amount); audited. Returns (line, created)."""
    if not can_see_municipality(by, municipality):
        raise DomainError("Onbekende gemeente.", field="municipality")
    require(by, Action.BUDGET, [municipality])
    if amount < 0:
        raise DomainError("Een begrotingsbedrag is niet negatief.", field="amount")
    version = version or default_version(municipality, year)
    line = db.session.scalar(sa.select(BudgetLine).where(
        BudgetLine.municipality_id == municipality.id, BudgetLine.year == year,
        BudgetLine.funding_source == funding_source, BudgetLine.version == version,
        BudgetLine.service_id.is_(None) if service is None else BudgetLine.service_id == service.id))
    created = line is None
    if created:
        line = BudgetLine(municipality=municipality, year=year, funding_source=funding_source, service=service,
                          version=version, amount=amount, created_by=by)
        db.session.add(line)
        db.session.flush()
    before, line.amount = (None if created else line.amount), amount
    audit.record(by, "budget_line_set", line,
                 f"{municipality.name} {year} {FUNDING_SOURCE_LABELS[funding_source]}"
                 f"{f' ({service.name})' if service else ''}, {VERSION_LABELS[version]}: {amount}",
                 {"amount": [before, amount], "version": version, "funding_source": funding_source})
    return line, created


def visible_lines(user: User, *, year: int | None = None, municipality: Municipality | None = None):
    """Budget lines within the user's scope, by municipality, year, source, service and version."""
    stmt = (sa.select(BudgetLine).join(Municipality).where(scope_filter(user, BudgetLine.municipality_id))
            .order_by(Municipality.name, BudgetLine.year, BudgetLine.funding_source, BudgetLine.service_id,
                      BudgetLine.version))
    if year is not None:
        stmt = stmt.where(BudgetLine.year == year)
    if municipality is not None:
        stmt = stmt.where(BudgetLine.municipality_id == municipality.id)
    return stmt


def lines_in_force(municipality_ids: list[int], year: int) -> list[BudgetLine]:
    """Per key (municipality, source, service) the line of the latest version that names it."""
    lines = db.session.scalars(sa.select(BudgetLine).where(BudgetLine.municipality_id.in_(municipality_ids or [-1]),
                                                           BudgetLine.year == year)).all()
    latest: dict[tuple, BudgetLine] = {}
    for line in lines:
        key = (line.municipality_id, line.funding_source, line.service_id)
        if key not in latest or VERSION_ORDER[line.version] > VERSION_ORDER[latest[key].version]:
            latest[key] = line
    return sorted(latest.values(), key=lambda l: (l.municipality_id, l.funding_source, l.service_id or 0))


def mark_in_force(lines: list[BudgetLine]) -> list[BudgetLine]:
    """Set `in_force` on each line: whether it is the line in force for its key (no later version names it)."""
    current = {line.id for year in {l.year for l in lines}
               for line in lines_in_force(sorted({l.municipality_id for l in lines if l.year == year}), year)}
    for line in lines:
        line.in_force = line.id in current
    return lines


def budget_by_source(municipality_ids: list[int], year: int) -> dict[tuple[int, FundingSource], Decimal]:
    """The budget in force per (municipality, funding source): its lines in force added up."""
    totals: dict = defaultdict(lambda: ZERO)
    for line in lines_in_force(municipality_ids, year):
        totals[line.municipality_id, line.funding_source] += line.amount
    return dict(totals)


def set_contract_funding(contract: Contract, funding_source: FundingSource, *, by: User,
                         municipality: Municipality | None = None) -> ContractFunding:
    """Say which source pays a contract (for one of its municipalities, or for all); audited."""
    require(by, Action.BUDGET, [municipality] if municipality is not None else contract.municipalities)
    if municipality is not None and municipality not in contract.municipalities:
        raise DomainError("Deze gemeente neemt niet deel aan het contract.", field="municipality")
    row = db.session.scalar(sa.select(ContractFunding).where(
        ContractFunding.contract_id == contract.id,
        ContractFunding.municipality_id.is_(None) if municipality is None
        else ContractFunding.municipality_id == municipality.id))
    before = row.funding_source if row is not None else funding_source_of(contract, municipality)
    row = row or ContractFunding(contract=contract, municipality=municipality, funding_source=funding_source)
    row.funding_source = funding_source
    db.session.add(row)
    db.session.flush()
    audit.record(by, "contract_funding_set", row,
                 f"{contract.reference}{f' ({municipality.name})' if municipality else ''}: "
                 f"{FUNDING_SOURCE_LABELS[funding_source]}", {"funding_source": [before, funding_source]})
    return row


def funding_source_of(contract: Contract, municipality: Municipality | None = None) -> FundingSource:
    return funding_resolver([contract.id])(contract.id, municipality.id if municipality else None)


def funding_resolver(contract_ids) -> "callable":
    """resolve(contract_id, municipality_id) -> the funding source: the contract's own setting for that
    municipality, else its setting for all municipalities, else its service's default."""
    contract_ids = list(contract_ids)
    rows = db.session.scalars(sa.select(ContractFunding).where(ContractFunding.contract_id.in_(contract_ids)))
    own = {(row.contract_id, row.municipality_id): row.funding_source for row in rows}
    services = dict(db.session.execute(sa.select(Contract.id, Service.code).join(Service)
                                       .where(Contract.id.in_(contract_ids))).all())

    def resolve(contract_id: int, municipality_id: int | None) -> FundingSource:
        return own.get((contract_id, municipality_id)) or own.get((contract_id, None)) or service_funding(
            services.get(contract_id, ""))
    return resolve


def scope_of(scope: str, user: User) -> tuple[list[Municipality], str]:
    """A page's scope (r:<region id> or m:<CBS code>, as payments.services.scope_choices gives them): its
    municipalities within the user's scope and its label."""
    kind, _, value = (scope or "").partition(":")
    if kind == "r" and value.isdigit():
        region = region_for(int(value), user)
        return [m for m in region.municipalities if can_see_municipality(user, m)], f"regio {region.name}"
    if kind == "m":
        municipality = municipality_by_code(value, user)
        return [municipality], f"gemeente {municipality.name}"
    municipalities = visible_municipalities(user)
    return municipalities, "al uw gemeenten"


def line_form(form, user: User):
    form.municipality.choices = options((m.code, m.name) for m in visible_municipalities(user))
    form.service.choices = options([("", "Alle diensten"), *((s.code, s.name) for s in db.session.scalars(
        sa.select(Service).order_by(Service.position)))])
    return form


def set_budget_line_from(data: dict, *, by: User) -> tuple[BudgetLine, bool]:
    """set_budget_line with the municipality and service given by code, as the form and the API send them."""
    service = None
    if data.get("service"):
        service = db.session.scalar(sa.select(Service).where(Service.code == data["service"]))
        if service is None:
            raise DomainError("Onbekende dienst.", field="service")
    return set_budget_line(municipality_by_code(data["municipality"], by), data["year"],
                           FundingSource(data["funding_source"]), data["amount"], by=by, service=service,
                           version=BudgetVersion(data["version"]) if data.get("version") else None)


def visible_contracts(user: User) -> list[Contract]:
    """Contracts with at least one municipality in the user's scope."""
    return db.session.scalars(sa.select(Contract).where(Contract.municipalities.any(
        scope_filter(user, Municipality.id))).order_by(Contract.reference)).all()


def funding_form(form, user: User):
    form.contract.choices = options((c.id, f"{c.reference} ({c.service.name}, {c.provider.name})")
                                    for c in visible_contracts(user))
    form.municipality.choices = options([("", "Alle gemeenten van het contract"),
                                         *((m.code, m.name) for m in visible_municipalities(user))])
    return form


def set_contract_funding_from(data: dict, *, by: User) -> ContractFunding:
    contract = next((c for c in visible_contracts(by) if c.id == data["contract"]), None)
    if contract is None:
        raise DomainError("Onbekend contract.", field="contract")
    municipality = municipality_by_code(data["municipality"], by) if data.get("municipality") else None
    return set_contract_funding(contract, FundingSource(data["funding_source"]), by=by, municipality=municipality)


def funding_overview(user: User) -> list[tuple[Contract, list[tuple[Municipality, str, bool]]]]:
    """Per visible contract, per municipality in scope: the source that pays it and whether the contract says so
    itself (else its service's default)."""
    contracts = visible_contracts(user)
    resolve = funding_resolver(c.id for c in contracts)
    own = {(row.contract_id, row.municipality_id) for row in db.session.scalars(
        sa.select(ContractFunding).where(ContractFunding.contract_id.in_([c.id for c in contracts] or [-1])))}
    return [(contract, [(m, FUNDING_SOURCE_LABELS[resolve(contract.id, m.id)],
                         (contract.id, m.id) in own or (contract.id, None) in own)
                        for m in contract.municipalities if can_see_municipality(user, m)])
            for contract in contracts]
