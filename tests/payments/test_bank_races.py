"""Bank detail decisions that race (core.bank_details): two approvals, or an approval and a rejection, of one
proposal at the same moment; and two proposals for one provider. The proposal's row lock (and for proposals the
partial unique key) lets one through; the other gets a Dutch 409, and the provider's details are those of the
one decision that won."""
import sqlalchemy as sa

from core.bank_details import BankChangeStatus, BankDetailChange
from core.extensions import db
from core.models import AuditEntry
from providers.models import Provider
from providers.services import update_provider
from tests.races import at_once, postgresql_only, statuses

pytestmark = postgresql_only
IBANS = ["NL44RABO0123456789", "NL39RABO0300065264", "NL91ABNA0417164300"]


def _propose(w, iban):
    update_provider(w.provider, {"iban": iban}, by=w.manager)
    change = w.provider.pending_bank_change
    db.session.commit()
    return change.id


def _current(w) -> tuple[str, list]:
    db.session.rollback()  # read what the racing requests committed
    provider = db.session.get(Provider, w.provider.id)
    changes = db.session.scalars(sa.select(BankDetailChange).where(BankDetailChange.provider_id == provider.id)
                                 .order_by(BankDetailChange.id)).all()
    return provider.iban, changes


def _decided(change_id: int) -> list[str]:
    return db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "BankDetailChange", AuditEntry.object_id == change_id,
        AuditEntry.action != "bank_detail_change_proposed")).all()


def test_two_approvals_at_once_apply_the_change_once(bank_world, api):
    first, second = api(bank_world.finance), api(bank_world.finance2)
    for iban in IBANS[:2]:
        change_id = _propose(bank_world, iban)
        url = f"/api/v1/bank-detail-changes/{change_id}/approve"
        answers = at_once(lambda: first.post(url), lambda: second.post(url))
        assert statuses(*answers) == [200, 409]
        assert "al goedgekeurd" in next(a for a in answers if a.status_code == 409).json["detail"]
        current, changes = _current(bank_world)
        assert current == iban and changes[-1].status == BankChangeStatus.APPROVED
        assert _decided(change_id) == ["bank_detail_change_approved"]


def test_an_approval_racing_a_rejection_leaves_one_decision_and_its_details(bank_world, api):
    approver, rejecter = api(bank_world.finance), api(bank_world.finance2)
    for iban in IBANS[:2]:
        before, _ = _current(bank_world)
        change_id = _propose(bank_world, iban)
        base = f"/api/v1/bank-detail-changes/{change_id}"
        answers = at_once(lambda: approver.post(f"{base}/approve"), lambda: rejecter.post(f"{base}/reject"))
        assert statuses(*answers) == [200, 409]
        current, changes = _current(bank_world)
        won = changes[-1].status
        assert current == (iban if won == BankChangeStatus.APPROVED else before)
        assert len(_decided(change_id)) == 1


def test_two_proposals_at_once_leave_one_pending(bank_world, api):
    manager, finance = api(bank_world.manager), api(bank_world.finance)
    url = f"/api/v1/providers/{bank_world.provider.id}"
    answers = at_once(lambda: manager.patch(url, json={"iban": IBANS[0]}),
                      lambda: finance.patch(url, json={"iban": IBANS[1]}))
    assert statuses(*answers) == [200, 409]
    current, changes = _current(bank_world)
    assert [c.status for c in changes] == [BankChangeStatus.PENDING] and current == IBANS[2]
