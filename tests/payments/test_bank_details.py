"""Bank details take effect only when a second person approves them (core.bank_details, payments.bank_details):
who may propose and approve what, the proposer never approving their own, one pending proposal per target."""
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from core.audit_text import describe
from core.bank_details import BankChangeStatus, BankDetailChange
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import AuditEntry
from core.scope import OutOfScope
from payments import bank_details, verification
from payments.services import ledger_accounts, set_ledger_account
from providers.services import update_provider
from tests.factories import service
from tests.payments.conftest import NEW_BIC, NEW_IBAN, OLD_BIC, OLD_IBAN

PAYER = {"name": "Sociale Dienst Noord", "iban": "NL02ABNA0123456789", "bic": "ABNANL2A"}


def _propose_provider(w, who="manager", **data):
    update_provider(w.provider, data or {"iban": NEW_IBAN, "bic": NEW_BIC}, by=getattr(w, who))
    return w.provider.pending_bank_change


@pytest.mark.parametrize("who, allowed", [
    # staff of a whole region that works with the provider
    ("manager", True), ("finance", True),
    # no admin, regional or national, takes part in money (core.scope.MONEY)
    ("admin", False), ("national", False),
    # another region, only some municipalities, the wrong role, the provider itself
    ("south_manager", False), ("south_finance", False), ("south_admin", False), ("town_finance", False),
    ("inkoper", False), ("provider_user", False),
])
def test_who_may_propose_a_providers_bank_details(bank_world, who, allowed):
    if not allowed:
        with pytest.raises(OutOfScope):
            _propose_provider(bank_world, who)
        return
    change = _propose_provider(bank_world, who)
    assert (change.new_iban, change.new_bic, change.old_iban, change.status) == (NEW_IBAN, NEW_BIC, OLD_IBAN,
                                                                                 BankChangeStatus.PENDING)
    assert (bank_world.provider.iban, bank_world.provider.bic) == (OLD_IBAN, OLD_BIC)


@pytest.mark.parametrize("who, allowed", [
    # finance of a region that works with the provider; no admin (core.scope.MONEY)
    ("finance", True), ("admin", False), ("national", False),
    # the proposer's own role without the right to approve, another region, some municipalities only
    ("manager", False), ("south_finance", False), ("south_admin", False), ("town_finance", False),
])
def test_who_may_approve_a_providers_bank_details(bank_world, who, allowed):
    change = _propose_provider(bank_world, "manager")
    if not allowed:
        with pytest.raises(OutOfScope):
            bank_details.approve_change(change, by=getattr(bank_world, who))
        assert bank_world.provider.iban == OLD_IBAN
        return
    bank_details.approve_change(change, by=getattr(bank_world, who))
    assert (bank_world.provider.iban, bank_world.provider.bic) == (NEW_IBAN, NEW_BIC)
    assert change.status == BankChangeStatus.APPROVED and change.decided_by == getattr(bank_world, who)


@pytest.mark.parametrize("proposer", ["finance", "finance2"])
def test_the_proposer_never_approves_their_own(bank_world, proposer):
    change = _propose_provider(bank_world, proposer)
    with pytest.raises(OutOfScope, match="zelf voorgesteld"):
        bank_details.approve_change(change, by=getattr(bank_world, proposer))
    assert bank_world.provider.iban == OLD_IBAN and change.is_pending


def test_a_second_proposal_waits_for_the_first_to_be_decided(bank_world):
    first = _propose_provider(bank_world)
    with pytest.raises(Conflict, match="wacht al een wijziging"):
        _propose_provider(bank_world, "finance", iban="NL39RABO0300065264")
    bank_details.reject_change(first, by=bank_world.finance)
    second = _propose_provider(bank_world, "finance", iban="NL39RABO0300065264")
    assert second.new_iban == "NL39RABO0300065264" and second.new_bic is None  # a new bank: the old BIC goes
    assert bank_world.provider.iban == OLD_IBAN


@pytest.mark.parametrize("decide, status", [(bank_details.approve_change, "goedgekeurd"),
                                            (bank_details.reject_change, "afgewezen")])
def test_a_decided_change_is_not_decided_again(bank_world, decide, status):
    change = _propose_provider(bank_world)
    decide(change, by=bank_world.finance)
    for again in (bank_details.approve_change, bank_details.reject_change):
        with pytest.raises(Conflict, match=f"al {status}"):
            again(change, by=bank_world.finance2)


def test_rejected_the_old_details_stand_and_everything_is_audited(bank_world, app):
    change = _propose_provider(bank_world)
    bank_details.reject_change(change, by=bank_world.finance)
    assert (bank_world.provider.iban, bank_world.provider.bic) == (OLD_IBAN, OLD_BIC)
    approved = _propose_provider(bank_world)
    bank_details.approve_change(approved, by=bank_world.finance)
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "BankDetailChange")
                                 .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["bank_detail_change_proposed", "bank_detail_change_rejected",
                                           "bank_detail_change_proposed", "bank_detail_change_approved"]
    assert entries[0].changes["iban"] == [OLD_IBAN, NEW_IBAN] and entries[0].actor == bank_world.manager
    with app.test_request_context():
        assert describe(entries[-1]).startswith(f"Wijziging bankgegevens {approved.id} goedgekeurd")


@pytest.mark.parametrize("data, field", [
    ({"iban": "NL44RABO0123456780"}, "iban"),  # mod-97 fails
    ({"iban": NEW_IBAN, "bic": "RABONL"}, "bic"),
])
def test_a_proposal_is_validated(bank_world, data, field):
    with pytest.raises(DomainError) as refused:
        _propose_provider(bank_world, **data)
    assert refused.value.field == field and bank_world.provider.pending_bank_change is None


def test_unchanged_bank_details_propose_nothing(bank_world):
    update_provider(bank_world.provider, {"iban": OLD_IBAN.lower(), "bic": OLD_BIC, "city": "Assen"},
                    by=bank_world.manager)
    assert bank_world.provider.pending_bank_change is None and bank_world.provider.city == "Assen"


def test_an_approval_refuses_details_changed_since_the_proposal(bank_world):
    change = _propose_provider(bank_world)
    bank_world.provider.iban = "NL39RABO0300065264"  # behind the proposal's back
    with pytest.raises(Conflict, match="gewijzigd sinds dit voorstel"):
        bank_details.approve_change(change, by=bank_world.finance)


def _scope(w, target):
    return {"region": w.north} if target == "region" else {"municipality": w.town}


@pytest.mark.parametrize("target, who, allowed", [
    # a region's paying organisation: the whole region (finding 3: not a user of one of its municipalities)
    ("region", "finance", True), ("region", "admin", False), ("region", "national", False),
    ("region", "town_finance", False), ("region", "south_finance", False), ("region", "manager", False),
    # a municipality's: that municipality, or its whole region
    ("municipality", "town_finance", True), ("municipality", "finance", True),
    ("municipality", "other_town_finance", False), ("municipality", "south_finance", False),
])
def test_who_may_propose_a_paying_organisation(bank_world, target, who, allowed):
    scope, user = _scope(bank_world, target), getattr(bank_world, who)
    if not allowed:
        with pytest.raises(OutOfScope):
            bank_details.propose_paying_organisation(PAYER, **scope, by=user)
        return
    assert bank_details.propose_paying_organisation(PAYER, **scope, by=user).is_pending
    assert bank_details.payer_of(**scope) is None


@pytest.mark.parametrize("target, proposer, approver, allowed", [
    ("region", "finance", "finance2", True), ("region", "finance", "admin", False),
    ("region", "finance", "town_finance", False), ("region", "finance", "south_admin", False),
    ("municipality", "town_finance", "town_finance2", True), ("municipality", "town_finance", "finance", True),
    ("municipality", "town_finance", "other_town_finance", False),
])
def test_who_may_approve_a_paying_organisation(bank_world, target, proposer, approver, allowed):
    scope = _scope(bank_world, target)
    change = bank_details.propose_paying_organisation(PAYER, **scope, by=getattr(bank_world, proposer))
    if not allowed:
        with pytest.raises(OutOfScope):
            bank_details.approve_change(change, by=getattr(bank_world, approver))
        assert bank_details.payer_of(**scope) is None
        return
    bank_details.approve_change(change, by=getattr(bank_world, approver))
    payer = bank_details.payer_of(**scope)
    assert (payer.name, payer.iban, payer.bic) == (PAYER["name"], PAYER["iban"], PAYER["bic"])


def test_a_paying_organisation_changes_by_a_second_proposal(bank_world):
    first = bank_details.propose_paying_organisation(PAYER, region=bank_world.north, by=bank_world.finance)
    bank_details.approve_change(first, by=bank_world.finance2)
    with pytest.raises(DomainError, match="al gelden"):
        bank_details.propose_paying_organisation(PAYER, region=bank_world.north, by=bank_world.finance)
    change = bank_details.propose_paying_organisation({"name": "SD Noord", "iban": NEW_IBAN}, region=bank_world.north,
                                                      by=bank_world.finance2)
    assert (change.old_name, change.old_iban, change.new_bic) == (PAYER["name"], PAYER["iban"], None)
    assert bank_details.payer_of(region=bank_world.north).iban == PAYER["iban"]
    bank_details.approve_change(change, by=bank_world.finance)
    assert (bank_details.payer_of(region=bank_world.north).name, bank_details.payer_of(region=bank_world.north).bic) \
        == ("SD Noord", None)


@pytest.mark.parametrize("who, allowed", [
    ("finance", True),
    # money is finance's own: no admin, regional or national (core.scope.MONEY)
    ("admin", False), ("national", False),
    # finding 6: another region's finance; also one municipality's finance, and the wrong role
    ("south_finance", False), ("town_finance", False), ("manager", False),
])
def test_ledger_accounts_and_the_sampling_rule_need_the_whole_region(bank_world, who, allowed):
    user = getattr(bank_world, who)
    calls = [lambda: set_ledger_account(bank_world.north, service("b1_route"), "inspanning", "470110", by=user),
             lambda: verification.set_sampling_rule(bank_world.north, D("10"), 3, by=user)]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(OutOfScope):
                call()
    assert (ledger_accounts(bank_world.north) == {(service("b1_route").id, "inspanning"): "470110"}) == allowed


def test_ledger_accounts_are_per_region(bank_world):
    set_ledger_account(bank_world.north, service("b1_route"), "inspanning", "470110", by=bank_world.finance)
    set_ledger_account(bank_world.south, service("b1_route"), "inspanning", "880110", by=bank_world.south_finance)
    set_ledger_account(bank_world.north, service("b1_route"), "inspanning", "470111", by=bank_world.finance2)
    key = (service("b1_route").id, "inspanning")
    assert (ledger_accounts(bank_world.north)[key], ledger_accounts(bank_world.south)[key]) == ("470111", "880110")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BankDetailChange)) == 0
