"""Reading payment runs (within the user's scope) and the finance settings: paying organisations and ledger
accounts. What changes a run lives in payments/runs.py, bank details in payments/bank_details.py."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from core import audit
from core.auth import can_see_municipality, scope_filter, visible_regions
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import Municipality, Region, Role, Service, User
from core.scope import Action, held_regions, require
from payments.models import (Calculation, LedgerAccount, LineStatus, PayingOrganisation, PaymentLine, PaymentRun,
                             RunStatus, SamplingRule, payment_run_municipality)
from providers.models import Provider


def visible_runs(user: User):
    """Runs the user may see: every municipality of the run within the user's scope."""
    outside = sa.exists().where(payment_run_municipality.c.run_id == PaymentRun.id,
                                sa.not_(scope_filter(user, payment_run_municipality.c.municipality_id)))
    return sa.select(PaymentRun).where(sa.not_(outside))


def calculation_status(run: PaymentRun, processed: int) -> dict:
    """What a status poll answers while (and after) a run is calculated."""
    return {"id": run.id, "status": run.status.value, "calculation": run.calculation.value,
            "busy": run.calculation == Calculation.CALCULATING, "processed": processed, "total": run.to_process,
            "error": run.calculation_error}


def totals_by(run: PaymentRun, column) -> list[tuple[int, Decimal, Decimal]]:
    """(id, paid amount, held amount) per provider or municipality of a run."""
    cents = sa.type_coerce(PaymentLine.__table__.c.amount_cents, sa.BigInteger)  # plain cents, summed exactly
    paid = sa.func.sum(sa.case((PaymentLine.status != LineStatus.HELD, cents), else_=0))
    held = sa.func.sum(sa.case((PaymentLine.status == LineStatus.HELD, cents), else_=0))
    rows = db.session.execute(sa.select(column, paid, held).where(PaymentLine.run_id == run.id)
                              .group_by(column).order_by(column))
    return [(key, Decimal(p).scaleb(-2), Decimal(h).scaleb(-2)) for key, p, h in rows]


def paying_organisation(run: PaymentRun) -> PayingOrganisation | None:
    """The municipality's own setting first, then its region's."""
    if run.municipality_id is not None:
        own = db.session.scalar(sa.select(PayingOrganisation).where(
            PayingOrganisation.municipality_id == run.municipality_id))
        if own is not None:
            return own
        regions = [r.id for r in run.municipality.regions]
    else:
        regions = [run.region_id]
    return db.session.scalar(sa.select(PayingOrganisation).where(PayingOrganisation.region_id.in_(regions or [-1]))
                             .order_by(PayingOrganisation.id))


def set_ledger_account(region: Region, service, kind: str, account: str, *, by: User | None) -> LedgerAccount:
    """A region's ledger account for a service and milestone kind; only who holds the whole region sets it."""
    require(by, Action.LEDGER_ACCOUNTS, region=region)
    row = db.session.scalar(sa.select(LedgerAccount).where(
        LedgerAccount.region_id == region.id, LedgerAccount.service_id == service.id, LedgerAccount.kind == kind))
    row = row or LedgerAccount(region=region, service=service, kind=kind)
    before = row.account
    row.account = account.strip()
    db.session.add(row)
    db.session.flush()
    audit.record(by, "ledger_account_set", row, f"{region.name}: {service.code}/{kind}",
                 {"account": [before, row.account]})
    return row


def run_region(run: PaymentRun) -> Region | None:
    """The region whose ledger accounts book a run: its own, or its municipality's."""
    return run.region if run.region_id is not None else home_region(run.municipality)


def home_region(municipality: Municipality) -> Region | None:
    """The municipality's region (the first, by id, should it be in more than one)."""
    return min(municipality.regions, key=lambda r: r.id, default=None)


def ledger_accounts(region: Region | None) -> dict[tuple[int, str], str]:
    """{(service id, milestone kind): account} of one region."""
    return {(r.service_id, r.kind): r.account for r in db.session.scalars(
        sa.select(LedgerAccount).where(LedgerAccount.region_id == (region.id if region is not None else -1)))}


class RunView:
    """A run with its lines and split totals, for the JSON answer and the detail page."""

    def __init__(self, run: PaymentRun, lines: list[PaymentLine]):
        self.run, self.lines = run, lines
        by_provider, by_municipality = totals_by(run, PaymentLine.provider_id), totals_by(run, PaymentLine.municipality_id)
        providers = {p.id: p for p in db.session.scalars(sa.select(Provider).where(
            Provider.id.in_([row[0] for row in by_provider])))}
        municipalities = {m.id: m for m in db.session.scalars(sa.select(Municipality).where(
            Municipality.id.in_([row[0] for row in by_municipality])))}
        self.by_provider = [{"provider_id": pid, "kvk_number": providers[pid].kvk_number, "provider": providers[pid],
                             "amount": paid, "held": held} for pid, paid, held in by_provider]
        self.by_municipality = [{"code": municipalities[mid].code, "municipality": municipalities[mid],
                                 "amount": paid, "held": held} for mid, paid, held in by_municipality]
        self.warnings = sepa_warnings(run, self.by_provider)

    def __getattr__(self, name):
        return getattr(self.run, name)


def sepa_warnings(run: PaymentRun, by_provider: list[dict]) -> list[str]:
    """What would stop the SEPA file of this run: no paying organisation for its scope, or a provider to be paid
    without an IBAN. Shown before approval, so that it is put right before the file is needed."""
    warnings = []
    if paying_organisation(run) is None:
        warnings.append(f"Er is geen betalende organisatie (naam en IBAN) ingesteld voor {run.scope_label}; "
                        "stel die in onder Financiële instellingen (een tweede persoon keurt haar goed onder "
                        "Bankgegevens), anders kan het SEPA-bestand niet worden gemaakt.")
    warnings += [f"{row['provider'].name} (KvK {row['kvk_number']}) heeft geen IBAN; vul dat aan in het "
                 "aanbiedersregister, anders kan het SEPA-bestand niet worden gemaakt." for row in by_provider
                 if row["amount"] > 0 and not (row["provider"].iban or "").strip()]
    return warnings


def run_view(run: PaymentRun, filters: dict | None = None) -> RunView:
    stmt = (sa.select(PaymentLine).where(PaymentLine.run_id == run.id)
            .options(joinedload(PaymentLine.trajectory), joinedload(PaymentLine.provider),
                     joinedload(PaymentLine.municipality))
            .order_by(PaymentLine.trigger_date, PaymentLine.id))
    return RunView(run, db.session.scalars(filter_lines(stmt, filters or {})).all())


def filter_lines(stmt, filters: dict):
    """Narrow run lines by provider, municipality, contract and status (the review filters)."""
    columns = {"provider_id": PaymentLine.provider_id, "municipality_id": PaymentLine.municipality_id,
               "contract_id": PaymentLine.contract_id, "status": PaymentLine.status}
    for name, column in columns.items():
        if filters.get(name):
            stmt = stmt.where(column == filters[name])
    return stmt


def get_run(run_id: int, user: User) -> PaymentRun:
    """The run if the user may see it; 404 otherwise (also outside the scope)."""
    return db.first_or_404(visible_runs(user).where(PaymentRun.id == run_id))


def specification_access(run_id: int, provider_id: int, user: User) -> tuple[PaymentRun, int]:
    """A provider sees only its own specification of an approved run; finance any provider in the run."""
    if user.role == Role.PROVIDER:
        if provider_id != user.provider_id:
            abort(404)
        run = db.first_or_404(sa.select(PaymentRun).where(PaymentRun.id == run_id))
    else:
        run = get_run(run_id, user)
    if run.status != RunStatus.APPROVED:
        raise Conflict("Een specificatie is er alleen van een goedgekeurde betaalrun.")
    has_lines = db.session.scalar(sa.select(PaymentLine.id).where(
        PaymentLine.run_id == run.id, PaymentLine.provider_id == provider_id).limit(1))
    if has_lines is None:
        abort(404)
    return run, provider_id


def provider_runs(provider_id: int):
    """Approved runs with lines of this provider: what the provider portal lists."""
    return (sa.select(PaymentRun).where(PaymentRun.status == RunStatus.APPROVED, sa.exists().where(
        PaymentLine.run_id == PaymentRun.id, PaymentLine.provider_id == provider_id)).order_by(PaymentRun.id.desc()))


def scope_choices(user: User) -> list[tuple[str, str]]:
    """Regions (held whole) and municipalities the user may make runs for, as form choices r:<id> and m:<code>."""
    regions = [(f"r:{r.id}", f"Regio {r.name}") for r in db.session.scalars(held_regions(user))]
    municipalities = db.session.scalars(sa.select(Municipality).where(scope_filter(user, Municipality.id))
                                        .order_by(Municipality.name))
    return regions + [(f"m:{m.code}", f"Gemeente {m.name}") for m in municipalities]


def scope_data(period: str, scope: str) -> dict:
    kind, _, value = scope.partition(":")
    if kind == "r" and value.isdigit():
        return {"period": period, "region_id": int(value)}
    return {"period": period, "municipality": value}


def resolve_scope(scope: str, user: User) -> tuple[Region | None, Municipality | None]:
    data = scope_data("", scope)
    if "region_id" in data:
        region = db.session.scalar(visible_regions(user).where(Region.id == data["region_id"]))
        if region is None:
            raise DomainError("Onbekende regio.", field="scope")
        return region, None
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == data["municipality"]))
    if municipality is None or not can_see_municipality(user, municipality):
        raise DomainError("Onbekende gemeente.", field="scope")
    return None, municipality


def service_choices() -> list[tuple[str, str]]:
    return [(str(s.id), s.name) for s in db.session.scalars(sa.select(Service).order_by(Service.position))]


def settings_overview(user: User) -> dict:
    """The paying organisations within the user's scope, and the ledger accounts of the regions it holds whole."""
    region_ids = [r.id for r in db.session.scalars(visible_regions(user))]
    held = [r.id for r in db.session.scalars(held_regions(user))]
    payers = db.session.scalars(sa.select(PayingOrganisation).where(sa.or_(
        PayingOrganisation.region_id.in_(region_ids or [-1]),
        scope_filter(user, PayingOrganisation.municipality_id))).order_by(PayingOrganisation.id)).all()
    accounts = db.session.scalars(sa.select(LedgerAccount).where(LedgerAccount.region_id.in_(held or [-1]))
                                  .order_by(LedgerAccount.region_id, LedgerAccount.service_id,
                                            LedgerAccount.kind)).all()
    rules = db.session.scalars(sa.select(SamplingRule).where(SamplingRule.region_id.in_(region_ids or [-1]))
                               .order_by(SamplingRule.region_id)).all()
    return {"payers": payers, "accounts": accounts, "sampling_rules": rules}


def start_panel(user: User, today: date) -> dict:
    """For the start page: drafts waiting for a second finance user."""
    drafts = db.session.scalars(visible_runs(user).where(PaymentRun.status == RunStatus.DRAFT)
                                .order_by(PaymentRun.id)).all()
    return {"drafts": drafts}
