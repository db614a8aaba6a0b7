"""Bank details are money: a change of a provider's IBAN and BIC, or of a paying organisation (the debtor of a
region's or a municipality's SEPA files), is a proposal that takes effect only when a second person approves it
(core.scope rule 5). One proposal per target waits at a time (a partial unique key decides between two sent at
the same moment); a decision takes the proposal's row lock, so of two decisions at the same moment the second sees
the first and is refused with a 409.

What is proposed for whom, who may approve it and how an approval is applied is the domain's business (providers
propose, payments decides); this module keeps the proposals and their life.
"""
import enum
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from core import audit
from core.conflicts import on_conflict
from core.dates import UTCDateTime, now_utc
from core.errors import Conflict, DomainError
from core.extensions import db, enum_type
from core.locks import lock_row
from core.models import Municipality, Region, User
from core.scope import OutOfScope

PENDING_ELSEWHERE = "Er wacht al een wijziging van de bankgegevens van {} op goedkeuring; keur die eerst goed of af."


class BankChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


BANK_CHANGE_STATUS_LABELS = {BankChangeStatus.PENDING: "Wacht op goedkeuring",
                             BankChangeStatus.APPROVED: "Goedgekeurd", BankChangeStatus.REJECTED: "Afgewezen"}


class BankDetailChange(db.Model):
    """A proposed change of name, IBAN and BIC of one target: a provider, or the paying organisation of a region or
    a municipality (exactly one of the three is set). Old values are what stood when it was proposed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "provider:<id>", "region:<id>" or "municipality:<id>": the target, for the one-pending-proposal key.
    target_key: Mapped[str] = mapped_column(sa.String(40), index=True)
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))
    old_name: Mapped[str | None] = mapped_column(sa.String(200))
    old_iban: Mapped[str | None] = mapped_column(sa.String(34))
    old_bic: Mapped[str | None] = mapped_column(sa.String(11))
    new_name: Mapped[str] = mapped_column(sa.String(200))
    new_iban: Mapped[str] = mapped_column(sa.String(34))
    new_bic: Mapped[str | None] = mapped_column(sa.String(11))
    status: Mapped[BankChangeStatus] = mapped_column(enum_type(BankChangeStatus, 10), default=BankChangeStatus.PENDING)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.CheckConstraint("(CASE WHEN provider_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN region_id IS NULL THEN 0 "
                           "ELSE 1 END) + (CASE WHEN municipality_id IS NULL THEN 0 ELSE 1 END) = 1",
                           name="one_target"),
        sa.Index("uq_bank_detail_change_pending", "target_key", unique=True,
                 sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"),
                 info=on_conflict(None, "Er wacht al een wijziging van deze bankgegevens op goedkeuring; keur die "
                                        "eerst goed of af.")),
    )

    @property
    def status_label(self) -> str:
        return BANK_CHANGE_STATUS_LABELS[self.status]

    @property
    def is_pending(self) -> bool:
        return self.status == BankChangeStatus.PENDING


def normalise_iban(value: str | None) -> str:
    """An IBAN that passes mod-97, upper case without spaces."""
    try:
        return stdnum_iban.validate(value or "")
    except StdnumError:
        raise DomainError("Dit IBAN is niet geldig (controleer het controlegetal).", field="iban") from None


def normalise_bic(value: str | None) -> str | None:
    if not (value or "").strip():
        return None
    try:
        return stdnum_bic.validate(value)
    except StdnumError:
        raise DomainError("Deze BIC is niet geldig.", field="bic") from None


def pending_change(target_key: str) -> BankDetailChange | None:
    return db.session.scalar(sa.select(BankDetailChange).where(BankDetailChange.target_key == target_key,
                                                               BankDetailChange.status == BankChangeStatus.PENDING))


def propose(target: dict, label: str, old: tuple, new: tuple, *, by: User) -> BankDetailChange:
    """A pending change of `target` ({"provider_id": ...}, {"region": ...} or {"municipality": ...}) from the
    (name, IBAN, BIC) `old` to `new`; refused (409) while another change of the same target waits."""
    key = target_key(**target)
    if pending_change(key) is not None:
        raise Conflict(PENDING_ELSEWHERE.format(label), field="iban")
    change = BankDetailChange(target_key=key, **target, old_name=old[0], old_iban=old[1], old_bic=old[2],
                              new_name=new[0], new_iban=new[1], new_bic=new[2], proposed_by=by)
    db.session.add(change)
    db.session.flush()
    audit.record(by, "bank_detail_change_proposed", change, f"Bankgegevens {label}: {new[1]} voorgesteld",
                 audit.diff(dict(zip(("name", "iban", "bic"), old)), dict(zip(("name", "iban", "bic"), new))))
    return change


def target_key(provider_id: int | None = None, region: Region | None = None,
               municipality: Municipality | None = None) -> str:
    if provider_id is not None:
        return f"provider:{provider_id}"
    return f"region:{region.id}" if region is not None else f"municipality:{municipality.id}"


def decide(change: BankDetailChange, label: str, *, approve: bool, by: User,
           apply: Callable[[BankDetailChange], None] | None = None) -> BankDetailChange:
    """Approve (apply it) or reject a pending change, under its row lock. The proposer never approves their own;
    they may reject it. The caller has checked that `by` may decide for the target and applies an approval."""
    lock_row(change)
    if not change.is_pending:
        raise Conflict(f"Deze wijziging van de bankgegevens is al {change.status_label.lower()}.")
    if approve and change.proposed_by_id == by.id:
        raise OutOfScope("U heeft deze wijziging zelf voorgesteld; een tweede persoon keurt haar goed.")
    before = change.status
    change.status = BankChangeStatus.APPROVED if approve else BankChangeStatus.REJECTED
    change.decided_by, change.decided_at = by, now_utc()
    if approve:
        apply(change)
    audit.record(by, "bank_detail_change_approved" if approve else "bank_detail_change_rejected", change,
                 f"Bankgegevens {label}: {change.new_iban} {change.status_label.lower()}",
                 {"status": [before, change.status]})
    return change
