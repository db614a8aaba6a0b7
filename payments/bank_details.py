"""Deciding bank detail changes (core.bank_details) and what a run pins: a provider's new IBAN and BIC, and a
paying organisation, take effect only when a second person with BANK_APPROVAL in scope approves them; an approved
run keeps the debtor and creditors it was approved with (payments.md, "Bank details and pins")."""
import hashlib

import sqlalchemy as sa

from core import bank_details
from core.auth import scope_filter
from core.bank_details import BankChangeStatus, BankDetailChange, normalise_bic, normalise_iban
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import Municipality, Region, Role, User, provider_region
from core.scope import Action, require, require_provider
from payments.models import PayingOrganisation, PaymentLine, PaymentRun, RunCreditor, RunStatus
from payments.services import paying_organisation
from providers.models import Provider

CHANGED_MEANWHILE = "De bankgegevens zijn gewijzigd sinds dit voorstel; wijs het af en stel het opnieuw voor."


def payer_of(region: Region | None = None, municipality: Municipality | None = None) -> PayingOrganisation | None:
    key = (PayingOrganisation.region_id == region.id) if region is not None else (
        PayingOrganisation.municipality_id == municipality.id)
    return db.session.scalar(sa.select(PayingOrganisation).where(key))


def _payer_scope(by: User, action: Action, region: Region | None, municipality: Municipality | None) -> None:
    """A region's paying organisation needs the whole region, a municipality's that municipality."""
    if region is not None:
        require(by, action, region=region)
    else:
        require(by, action, [municipality])


def propose_paying_organisation(data: dict, *, region: Region | None = None, municipality: Municipality | None = None,
                                by: User) -> BankDetailChange:
    """Propose who pays for a region or municipality (name, IBAN with mod-97, BIC); a second person approves."""
    _payer_scope(by, Action.PAYING_ORGANISATION, region, municipality)
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError("Geef de naam van de betalende organisatie.", field="name")
    new = (name, normalise_iban(data.get("iban")), normalise_bic(data.get("bic")))
    current = payer_of(region, municipality)
    old = (current.name, current.iban, current.bic) if current is not None else (None, None, None)
    if new == old:
        raise DomainError("Dit zijn de bankgegevens die al gelden.", field="iban")
    target = {"region": region} if region is not None else {"municipality": municipality}
    return bank_details.propose(target, _label(region, municipality), old, new, by=by)


def _label(region: Region | None, municipality: Municipality | None) -> str:
    return f"betalende organisatie regio {region.name}" if region is not None else (
        f"betalende organisatie gemeente {municipality.name}")


def label(change: BankDetailChange) -> str:
    """What the change is of, in words ("aanbieder Taalschool", "betalende organisatie regio Drechtsteden")."""
    if change.provider_id is not None:
        return f"aanbieder {db.session.get(Provider, change.provider_id).name}"
    return _label(change.region, change.municipality)


def _require_approver(change: BankDetailChange, by: User) -> None:
    if change.provider_id is not None:
        require_provider(by, Action.BANK_APPROVAL, db.session.get(Provider, change.provider_id))
    else:
        _payer_scope(by, Action.BANK_APPROVAL, change.region, change.municipality)


def approve_change(change: BankDetailChange, *, by: User) -> BankDetailChange:
    """A second person approves: the new details take effect (the proposer never approves their own)."""
    _require_approver(change, by)
    return bank_details.decide(change, label(change), approve=True, by=by, apply=_apply)


def reject_change(change: BankDetailChange, *, by: User) -> BankDetailChange:
    """Rejected (or withdrawn by its proposer), the old details stand."""
    _require_approver(change, by)
    return bank_details.decide(change, label(change), approve=False, by=by)


def _apply(change: BankDetailChange) -> None:
    if change.provider_id is not None:
        target = db.session.get(Provider, change.provider_id)
    else:
        target = payer_of(change.region, change.municipality)
    if target is None:
        target = PayingOrganisation(region=change.region, municipality=change.municipality)
        db.session.add(target)
    elif (target.iban, target.bic) != (change.old_iban, change.old_bic):
        raise Conflict(CHANGED_MEANWHILE)
    if change.provider_id is None:
        target.name = change.new_name
    target.iban, target.bic = change.new_iban, change.new_bic
    db.session.flush()


def visible_changes(user: User):
    """Changes of the providers the user's region works with, and of the paying organisations in its scope."""
    stmt = sa.select(BankDetailChange).order_by(
        (BankDetailChange.status == BankChangeStatus.PENDING).desc(), BankDetailChange.proposed_at.desc(),
        BankDetailChange.id.desc())
    if user.role == Role.NATIONAL_ADMIN:
        return stmt
    works_with = sa.select(provider_region.c.provider_id).where(provider_region.c.region_id == (user.region_id or -1))
    return stmt.where(sa.or_(BankDetailChange.provider_id.in_(works_with),
                             BankDetailChange.region_id == (user.region_id or -1),
                             scope_filter(user, BankDetailChange.municipality_id),
                             BankDetailChange.proposed_by_id == user.id))


def get_change(change_id: int, user: User) -> BankDetailChange:
    return db.first_or_404(visible_changes(user).where(BankDetailChange.id == change_id))


def _payer_keys(run: PaymentRun) -> list[str]:
    if run.region_id is not None:
        return [f"region:{run.region_id}"]
    return [f"municipality:{run.municipality_id}", *(f"region:{r.id}" for r in run.municipality.regions)]


def run_changes(run: PaymentRun) -> list[BankDetailChange]:
    """For a run's review: changes of its providers and payer approved since the previous approved run of the same
    scope, and those pending now; an approved run shows those approved up to its approval (what it pinned)."""
    providers = sa.select(PaymentLine.provider_id).where(PaymentLine.run_id == run.id).distinct()
    scope = (PaymentRun.region_id == run.region_id) if run.region_id is not None else (
        PaymentRun.municipality_id == run.municipality_id)
    before = sa.select(sa.func.max(PaymentRun.approved_at)).where(scope, PaymentRun.status == RunStatus.APPROVED,
                                                                  PaymentRun.id != run.id)
    shown = BankDetailChange.status == BankChangeStatus.APPROVED
    if run.approved_at is not None:
        before = before.where(PaymentRun.approved_at < run.approved_at)
        shown = sa.and_(shown, BankDetailChange.decided_at <= run.approved_at)
    else:
        shown = sa.or_(shown, BankDetailChange.status == BankChangeStatus.PENDING)
    previous = db.session.scalar(before)
    if previous is not None:
        shown = sa.and_(shown, sa.or_(BankDetailChange.decided_at > previous, BankDetailChange.decided_at.is_(None)))
    return db.session.scalars(sa.select(BankDetailChange).where(
        sa.or_(BankDetailChange.provider_id.in_(providers), BankDetailChange.target_key.in_(_payer_keys(run))), shown)
        .order_by(BankDetailChange.proposed_at, BankDetailChange.id)).all()


def review_key(run: PaymentRun) -> str:
    """What a reviewer saw of a draft run: when its lines were calculated and the bank detail changes shown with
    them. An approval that names another key is refused: the run changed since it was looked at."""
    seen = [run.calculated_at.isoformat() if run.calculated_at else "",
            *(f"{change.id}:{change.status.value}" for change in run_changes(run))]
    return hashlib.sha256("|".join(seen).encode()).hexdigest()[:16]


def pin(run: PaymentRun) -> None:
    """At approval: the debtor (when one is set) and every provider of the run as they stand now."""
    pin_debtor(run)
    rows = db.session.execute(sa.select(Provider.id, Provider.name, Provider.iban, Provider.bic).where(
        Provider.id.in_(sa.select(PaymentLine.provider_id).where(PaymentLine.run_id == run.id).distinct())))
    db.session.add_all(RunCreditor(run_id=run.id, provider_id=pid, name=name, iban=iban, bic=bic)
                       for pid, name, iban, bic in rows)


def pin_debtor(run: PaymentRun) -> None:
    """Pin the run's paying organisation; a run approved before one was set gets it at its first SEPA file."""
    debtor = paying_organisation(run)
    if run.debtor_iban is None and debtor is not None:
        run.debtor_name, run.debtor_iban, run.debtor_bic = debtor.name, debtor.iban, debtor.bic


def creditors(run: PaymentRun) -> dict[int, RunCreditor]:
    return {c.provider_id: c for c in db.session.scalars(sa.select(RunCreditor).where(RunCreditor.run_id == run.id))}
