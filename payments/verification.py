"""Evidence rules after the calculation (issue 18): claims that staff verify before they are earned, and the sample of
an approved run's result lines that staff check after payment; a run applies both through Verdicts."""
import math
import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from core import audit, files
from core.auth import scope_filter
from core.bulk import insert_rows
from core.dates import now_utc
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import Municipality, Role, User
from core.scope import Action, require
from payments.models import (ClaimAttachment, ClaimStatus, EvidenceClaim, LineStatus, PaymentLine, PaymentRun,
                             SampledLine, SampleStatus, SamplingRule)
from trajectories.models import Trajectory
from trajectories.services import record_events, sender_for

#: Without a rule for the region: 5% of an approved run's result lines are checked, at least 5.
DEFAULT_SAMPLING = (Decimal("5"), 5)
#: Attachments of accepted claims live in the file storage under claims.
ATTACHMENT_FOLDER = "claims"
_NONE: dict = {}


class Verdicts:
    """What staff decided about the milestone instances of a run's scope: claims (accepted ones are earned, open ones
    held, rejected ones not earned) and sampled lines found unjustified (never earned again: clawed back)."""

    def __init__(self, member_ids: list[int]):
        in_scope = Trajectory.municipality_id.in_(member_ids)
        self.claims: dict[int, dict] = defaultdict(dict)
        for trajectory_id, code, key, status, note in db.session.execute(
                sa.select(EvidenceClaim.trajectory_id, EvidenceClaim.milestone_code, EvidenceClaim.month_key,
                          EvidenceClaim.status, EvidenceClaim.note)
                .join(Trajectory, EvidenceClaim.trajectory_id == Trajectory.id).where(in_scope)):
            self.claims[trajectory_id][code, key] = (status, note)
        self.refused: dict[int, dict] = defaultdict(dict)
        for trajectory_id, code, key, reason in db.session.execute(
                sa.select(SampledLine.trajectory_id, SampledLine.milestone_code, SampledLine.month_key,
                          SampledLine.reason)
                .join(Trajectory, SampledLine.trajectory_id == Trajectory.id)
                .where(in_scope, SampledLine.status == SampleStatus.UNJUSTIFIED)):
            self.refused[trajectory_id][code, key] = reason
        self.found: list[dict] = []

    def settle(self, trajectory: tuple, run_id: int, earned: list, claimed: list) -> tuple[dict, dict]:
        """(instances earned, accepted claims included; instances held for verification) by key; a claim seen for
        the first time is noted for record_claims."""
        trajectory_id = trajectory[0]
        earned_by_key = {e.key: e for e in earned}
        verdicts, waiting = self.claims.get(trajectory_id, _NONE), {}
        for e in claimed:
            status = verdicts.get(e.key, (None,))[0]
            if status == ClaimStatus.ACCEPTED:
                earned_by_key[e.key] = e
            elif status != ClaimStatus.REJECTED:
                waiting[e.key] = e
                if status is None:
                    self.found.append(self._claim(trajectory, run_id, e))
        for key in self.refused.get(trajectory_id, _NONE):
            earned_by_key.pop(key, None)
            waiting.pop(key, None)
        return earned_by_key, waiting

    def clawback_reason(self, trajectory_id: int, code: str, key: str) -> str:
        """Why a paid instance is no longer earned, for the correction line and the journal."""
        refused = self.refused.get(trajectory_id, _NONE).get((code, key))
        if refused is not None:
            return f"steekproef: {refused}"[:300]
        status, note = self.claims.get(trajectory_id, _NONE).get((code, key), (None, ""))
        return f"claim afgewezen: {note}"[:300] if status == ClaimStatus.REJECTED else "ingetrokken"

    def record_claims(self) -> None:
        insert_rows(EvidenceClaim, self.found)

    @staticmethod
    def _claim(trajectory: tuple, run_id: int, e) -> dict:
        trajectory_id, _, contract_id, municipality_id, provider_id, _ = trajectory
        return {"trajectory_id": trajectory_id, "contract_id": contract_id, "provider_id": provider_id,
                "municipality_id": municipality_id, "milestone_code": e.term.code, "milestone_label": e.term.label,
                "month": e.month, "month_key": e.key[1], "trigger_date": e.trigger_date, "status": ClaimStatus.OPEN,
                "found_in_run_id": run_id, "created_at": now_utc(), "note": ""}


# Claims.

def visible_claims(user: User):
    """Staff see the claims of their municipalities, a provider its own."""
    stmt = sa.select(EvidenceClaim).order_by(EvidenceClaim.status != ClaimStatus.OPEN, EvidenceClaim.trigger_date,
                                             EvidenceClaim.id)
    if user.role == Role.PROVIDER:
        return stmt.where(EvidenceClaim.provider_id == (user.provider_id or -1))
    return stmt.where(scope_filter(user, EvidenceClaim.municipality_id))


def get_claim(claim_id: int, user: User) -> EvidenceClaim:
    return db.first_or_404(visible_claims(user).where(EvidenceClaim.id == claim_id))


def accept_claim(claim: EvidenceClaim, note: str, attachment: tuple[str, bytes] | None, *, by: User,
                 today: date) -> EvidenceClaim:
    """Staff accept an open claim with a note (and optionally a file): the next run earns it. A MAP, PVT or Z-route
    claim is the municipality's confirmation: it is recorded as the staff member's own completion, which DUO is
    told of."""
    _decide(claim, ClaimStatus.ACCEPTED, note, by, "Geef een toelichting bij het accepteren.")
    if attachment is not None:
        stored = files.store(*attachment, folder=ATTACHMENT_FOLDER)
        db.session.add(ClaimAttachment(claim=claim, created_by=by, **stored.columns))
    milestone = next((m for m in claim.contract.milestones if m.code == claim.milestone_code), None)
    if milestone is not None and milestone.trigger == "module":
        record_events([{"event_id": f"claim.{claim.id}", "trajectory": claim.trajectory.reference,
                        "type": "module_completed", "date": claim.trigger_date.isoformat(),
                        "module": milestone.params["module"]}],
                      sender=sender_for(by), source="manual", by=by, today=today)
    audit.record(by, "evidence_claim_accepted", claim.trajectory,
                 f"{claim.trajectory}: claim {claim.milestone_code} geaccepteerd: {claim.note}",
                 {"status": [ClaimStatus.OPEN, ClaimStatus.ACCEPTED],
                  "attachment": attachment[0] if attachment else None})
    return claim


def reject_claim(claim: EvidenceClaim, reason: str, *, by: User) -> EvidenceClaim:
    """Staff reject an open claim with a reason that the provider sees; it is not earned (a payment is clawed back)."""
    _decide(claim, ClaimStatus.REJECTED, reason, by, "Geef de reden van de afwijzing; de aanbieder ziet die.")
    audit.record(by, "evidence_claim_rejected", claim.trajectory,
                 f"{claim.trajectory}: claim {claim.milestone_code} afgewezen: {claim.note}",
                 {"status": [ClaimStatus.OPEN, ClaimStatus.REJECTED]})
    return claim


def _decide(claim: EvidenceClaim, status: ClaimStatus, text: str, by: User, missing: str) -> None:
    """Settle an open claim once: the conditional UPDATE makes a second, simultaneous decision find it decided."""
    require(by, Action.VERIFICATION, [claim.municipality])
    if not (text or "").strip():
        raise DomainError(missing, field="note")
    _settle_once(claim, EvidenceClaim.status == ClaimStatus.OPEN, "Over deze claim is al besloten.",
                 status=status, note=text.strip()[:2000], decided_by_id=by.id, decided_at=now_utc())


def _settle_once(row, still_open, refusal: str, **values) -> None:
    model = type(row)
    taken = db.session.execute(sa.update(model).where(model.id == row.id, still_open).values(**values)
                               .execution_options(synchronize_session=False)).rowcount
    if not taken:
        raise Conflict(refusal)
    db.session.refresh(row)


# Sampled post-payment verification.

def sampling_rule(run: PaymentRun) -> tuple[Decimal, int]:
    """(percentage, minimum) for a run: its region's rule (a municipality's: its first region's), or the default."""
    regions = [run.region_id] if run.region_id is not None else [r.id for r in run.municipality.regions]
    rule = db.session.scalar(sa.select(SamplingRule).where(SamplingRule.region_id.in_(regions or [-1]))
                             .order_by(SamplingRule.region_id))
    return (rule.percentage, rule.minimum) if rule is not None else DEFAULT_SAMPLING


def sample_size(lines: int, percentage: Decimal, minimum: int) -> int:
    """`percentage` of the lines rounded up, at least `minimum`, at most all of them."""
    return min(lines, max(minimum, math.ceil(lines * percentage / 100)))


def sample_of(run: PaymentRun) -> list[int]:
    """The ids of the run's result lines to check: drawn with the run's id as seed, so the same on every call."""
    ids = db.session.scalars(sa.select(PaymentLine.id).where(
        PaymentLine.run_id == run.id, PaymentLine.status == LineStatus.NEW, PaymentLine.milestone_kind == "prestatie",
        PaymentLine.amount > 0).order_by(PaymentLine.id)).all()
    size = sample_size(len(ids), *sampling_rule(run))
    return sorted(random.Random(f"steekproef:{run.id}").sample(ids, size))


def draw_sample(run: PaymentRun) -> int:
    """At approval: list the run's sampled result lines for checking."""
    chosen = sample_of(run)
    lines = db.session.scalars(sa.select(PaymentLine).where(PaymentLine.id.in_(chosen))).all()
    db.session.add_all(SampledLine(run_id=run.id, line_id=line.id, trajectory_id=line.trajectory_id,
                                   municipality_id=line.municipality_id, milestone_code=line.milestone_code,
                                   month_key=line.month.strftime("%Y-%m") if line.month else "-") for line in lines)
    return len(lines)


def visible_samples(user: User):
    return (sa.select(SampledLine).where(scope_filter(user, SampledLine.municipality_id))
            .order_by(SampledLine.status != SampleStatus.OPEN, SampledLine.run_id, SampledLine.id))


def get_sample(sample_id: int, user: User) -> SampledLine:
    return db.first_or_404(visible_samples(user).where(SampledLine.id == sample_id))


def check_sample(sample: SampledLine, justified: bool, reason: str, *, by: User) -> SampledLine:
    """Staff record whether a sampled line was paid rightly; unjustified (with the reason) is clawed back by the
    next run, with the reason in its journal."""
    require(by, Action.VERIFICATION, [db.session.get(Municipality, sample.municipality_id)])
    if not justified and not (reason or "").strip():
        raise DomainError("Geef de reden waarom deze betaling onterecht is.", field="reason")
    status = SampleStatus.JUSTIFIED if justified else SampleStatus.UNJUSTIFIED
    _settle_once(sample, SampledLine.status == SampleStatus.OPEN, "Deze regel uit de steekproef is al gecontroleerd.",
                 status=status, reason=(reason or "").strip()[:200], checked_by_id=by.id, checked_at=now_utc())
    audit.record(by, "sampled_line_checked", sample.run, f"{sample.run}: regel {sample.line_id} {sample.status_label}"
                 + (f": {sample.reason}" if sample.reason else ""), {"status": [SampleStatus.OPEN, status]})
    return sample


def set_sampling_rule(region, percentage: Decimal, minimum: int, *, by: User) -> SamplingRule:
    """A region's sampling rule; only who holds the whole region (finance or its admin) sets it."""
    require(by, Action.RUNS, region=region)
    if not Decimal(0) < percentage <= Decimal(100) or minimum < 0:
        raise DomainError("Geef een percentage van meer dan 0 tot en met 100 en een minimum van 0 of meer.",
                          field="percentage")
    rule = db.session.scalar(sa.select(SamplingRule).where(SamplingRule.region_id == region.id)) or SamplingRule(
        region=region)
    before = {"percentage": rule.percentage, "minimum": rule.minimum}
    rule.percentage, rule.minimum = percentage, minimum
    db.session.add(rule)
    db.session.flush()
    audit.record(by, "sampling_rule_set", rule, f"Steekproef {region}: {percentage}%, minimaal {minimum}",
                 audit.diff(before, {"percentage": percentage, "minimum": minimum}))
    return rule
