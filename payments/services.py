"""Payment runs: make, recalculate, approve and cancel them; the paid totals; the finance settings."""
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

import sqlalchemy as sa
from flask import abort
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload

from contracts.models import Contract, Milestone
from core import audit
from core.bulk import copy_rows, plain_rows, stored
from core.auth import can_see_municipality, scope_filter, visible_regions
from core.dates import month_end, now_utc, parse_period
from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from core.models import Municipality, Region, Role, Service, User
from trajectories.models import ProgressEvent, Trajectory
from payments.models import (HELD_AT_CEILING, RUN_TRANSITIONS, Calculation, ContractLedger, LedgerAccount,
                             LineStatus, PaidInstance, PayingOrganisation, PaymentLine, PaymentRun, RunStatus,
                             payment_run_municipality)
from payments.rules import EVENT_FIELDS, earned_instances, facts_of, month_key, term_of
from providers.models import Provider

ZERO = Decimal("0.00")
EVENT_COLUMNS = tuple(sa.type_coerce(column, sa.BigInteger) if name.startswith("hours_") else column
                      for name in EVENT_FIELDS for column in getattr(ProgressEvent, name).property.columns)
LINE_COLUMNS = ["run_id", "trajectory_id", "contract_id", "provider_id", "municipality_id", "milestone_code",
                "milestone_label", "milestone_kind", "milestone_position", "month", "trigger_date", "amount_cents",
                "status", "reason"]
#: Lines go to the database in blocks of this many, so that memory does not grow with the scope.
LINE_BLOCK = 20_000
STREAM_CHUNK = 5000
#: Report the calculation's progress after this many trajectories.
PROGRESS_EVERY = 1000
CALCULATION_FAILED = "De berekening is mislukt; er zijn geen regels opgeslagen. Probeer het opnieuw met Herberekenen."


def visible_runs(user: User):
    """Runs the user may see: every municipality of the run within the user's scope."""
    outside = sa.exists().where(payment_run_municipality.c.run_id == PaymentRun.id,
                                sa.not_(scope_filter(user, payment_run_municipality.c.municipality_id)))
    return sa.select(PaymentRun).where(sa.not_(outside))


def create_run(period: str, *, region: Region | None = None, municipality: Municipality | None = None,
               by: User | None, today: date, background: bool = False) -> PaymentRun:
    """A draft run for a period and scope; refused while an overlapping draft exists or a later period is paid.

    With background=True the lines are not calculated here: the run is left CALCULATING for calculate_run.
    """
    if _cutoff(period).replace(day=1) > today:
        raise DomainError("Een betaalrun kan niet voor een toekomstige maand worden gemaakt.", field="period")
    if (region is None) == (municipality is None):
        raise DomainError("Kies een regio of één gemeente.", field="scope")
    members = list(region.municipalities) if region is not None else [municipality]
    _lock(members)
    _refuse_overlap(period, {m.id for m in members})
    run = PaymentRun(period=period, region=region, municipality=municipality, municipalities=members,
                     created_by=by, status=RunStatus.DRAFT)
    db.session.add(run)
    db.session.flush()
    if background:
        _queue(run)
        audit.record(by, "payment_run_created", run, f"{run}: wordt berekend", {"period": period})
        return run
    _calculate([run])
    audit.record(by, "payment_run_created", run, f"{run}: {run.total} te betalen, {run.held_total} aangehouden",
                 {"period": period, "total": run.total, "held_total": run.held_total})
    return run


def recalculate_run(run: PaymentRun, *, by: User, background: bool = False) -> PaymentRun:
    """Throw a draft's lines away and calculate them again against what is paid now (later, when background)."""
    _require_transition(run, RunStatus.DRAFT)
    if run.calculation == Calculation.CALCULATING:
        raise Conflict("Deze betaalrun wordt nog berekend; wacht tot de berekening klaar is.")
    before = {"total": run.total, "held_total": run.held_total}
    db.session.execute(sa.delete(PaymentLine).where(PaymentLine.run_id == run.id))
    if background:
        _queue(run)
        audit.record(by, "payment_run_recalculated", run, f"{run}: wordt opnieuw berekend",
                     audit.diff(before, {"total": ZERO, "held_total": ZERO}))
        return run
    _calculate([run])
    run.calculation, run.calculation_error = Calculation.DONE, None
    audit.record(by, "payment_run_recalculated", run, str(run),
                 audit.diff(before, {"total": run.total, "held_total": run.held_total}))
    return run


def calculate_run(run: PaymentRun, *, by: User | None, on_progress: Callable[[int], None] | None = None) -> PaymentRun:
    """The background half of create_run/recalculate_run(background=True): calculate a CALCULATING run's lines."""
    return calculate_runs([run], by=by, on_progress=on_progress)[0]


def calculate_runs(runs: list[PaymentRun], *, by: User | None,
                   on_progress: Callable[[int], None] | None = None) -> list[PaymentRun]:
    """calculate_run for CALCULATING runs of one period with disjoint scopes, in one pass over their events."""
    if any(run.calculation != Calculation.CALCULATING for run in runs):
        raise Conflict("Deze betaalrun wacht niet op een berekening.")
    if runs:
        _calculate(runs, on_progress)
    for run in runs:
        run.calculation, run.processed = Calculation.DONE, run.to_process
        audit.record(by, "payment_run_calculated", run, f"{run}: {run.total} te betalen, {run.held_total} aangehouden",
                     {"total": run.total, "held_total": run.held_total})
    return runs


def calculation_failed(run: PaymentRun, message: str = CALCULATION_FAILED) -> PaymentRun:
    """Record why a calculation failed; the caller rolled its lines back, so the run has none (retry: recalculate)."""
    run.calculation, run.calculation_error, run.processed = Calculation.FAILED, message[:300], 0
    run.total = run.held_total = ZERO
    return run


def calculation_status(run: PaymentRun, processed: int) -> dict:
    """What a status poll answers while (and after) a run is calculated."""
    return {"id": run.id, "status": run.status.value, "calculation": run.calculation.value,
            "busy": run.calculation == Calculation.CALCULATING, "processed": processed, "total": run.to_process,
            "error": run.calculation_error}


def approve_run(run: PaymentRun, *, by: User) -> PaymentRun:
    """Four eyes: a finance user other than the creator approves; the database refuses double pay and ceilings."""
    if by.role not in (Role.FINANCE, Role.ADMIN):
        raise Forbidden("Alleen een financieel medewerker keurt een betaalrun goed.")
    if run.created_by_id == by.id:
        raise Forbidden("U heeft deze betaalrun zelf gemaakt; een andere financieel medewerker keurt hem goed.")
    _require_transition(run, RunStatus.APPROVED)
    if run.calculation != Calculation.DONE:
        raise Conflict("Deze betaalrun is nog niet (goed) berekend; wacht op de berekening of herbereken hem.")
    try:
        with db.session.begin_nested():
            _book(run)
    except (IntegrityError, OperationalError):  # unique key, ceiling check or a deadlock victim
        raise Conflict("Deze betaalrun botst met een betaalrun die intussen is goedgekeurd; herbereken hem eerst.")
    run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, by, now_utc()
    audit.record(by, "payment_run_approved", run, f"{run}: {run.total} goedgekeurd",
                 {"status": [RunStatus.DRAFT, RunStatus.APPROVED], "total": run.total})
    return run


def cancel_run(run: PaymentRun, *, by: User) -> PaymentRun:
    _require_transition(run, RunStatus.CANCELLED)
    run.status = RunStatus.CANCELLED
    audit.record(by, "payment_run_cancelled", run, str(run), {"status": [RunStatus.DRAFT, RunStatus.CANCELLED]})
    return run


def paid_total(contract: Contract) -> Decimal:
    """What approved runs paid on this contract, over all municipalities."""
    ledger = db.session.get(ContractLedger, contract.id)
    return ledger.paid_total if ledger is not None else ZERO


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


def set_paying_organisation(data: dict, *, region: Region | None = None, municipality: Municipality | None = None,
                            by: User) -> PayingOrganisation:
    """Set or change who pays for a region or municipality; the IBAN must pass mod-97."""
    from stdnum import iban as iban_check

    if not iban_check.is_valid(data["iban"]):
        raise DomainError("Dit is geen geldig IBAN.", field="iban")
    key = (PayingOrganisation.region_id == region.id) if region is not None else (
        PayingOrganisation.municipality_id == municipality.id)
    organisation = db.session.scalar(sa.select(PayingOrganisation).where(key)) or PayingOrganisation(
        region=region, municipality=municipality)
    before = {"name": organisation.name, "iban": organisation.iban, "bic": organisation.bic}
    organisation.name, organisation.iban = data["name"].strip(), iban_check.compact(data["iban"])
    organisation.bic = (data.get("bic") or "").strip().upper() or None
    db.session.add(organisation)
    db.session.flush()
    audit.record(by, "paying_organisation_set", organisation, organisation.name,
                 audit.diff(before, {"name": organisation.name, "iban": organisation.iban, "bic": organisation.bic}))
    return organisation


def set_ledger_account(service, kind: str, account: str, *, by: User) -> LedgerAccount:
    row = db.session.scalar(sa.select(LedgerAccount).where(LedgerAccount.service_id == service.id,
                                                           LedgerAccount.kind == kind))
    row = row or LedgerAccount(service=service, kind=kind)
    before = row.account
    row.account = account.strip()
    db.session.add(row)
    db.session.flush()
    audit.record(by, "ledger_account_set", row, f"{service.code}/{kind}", {"account": [before, row.account]})
    return row


def ledger_accounts() -> dict[tuple[int, str], str]:
    return {(r.service_id, r.kind): r.account for r in db.session.scalars(sa.select(LedgerAccount))}


def _cutoff(period: str) -> date:
    try:
        return month_end(parse_period(period))
    except ValueError:
        raise DomainError("Geef de periode als JJJJ-MM.", field="period") from None


def _lock(municipalities: list[Municipality]) -> None:
    """Serialise run creation per municipality (PostgreSQL row locks; SQLite writes one at a time anyway)."""
    ids = sorted(m.id for m in municipalities)
    db.session.execute(sa.select(Municipality.id).where(Municipality.id.in_(ids)).order_by(Municipality.id)
                       .with_for_update())


def _refuse_overlap(period: str, member_ids: set[int]) -> None:
    overlapping = (sa.select(PaymentRun.status, sa.func.max(PaymentRun.period))
                   .join(payment_run_municipality, payment_run_municipality.c.run_id == PaymentRun.id)
                   .where(payment_run_municipality.c.municipality_id.in_(member_ids))
                   .where(PaymentRun.status != RunStatus.CANCELLED).group_by(PaymentRun.status))
    found = dict(db.session.execute(overlapping).all())
    if RunStatus.DRAFT in found:
        raise Conflict("Er is al een conceptbetaalrun voor (een deel van) deze gemeenten; keur die goed of annuleer hem.")
    if found.get(RunStatus.APPROVED, "") > period:
        raise Conflict(f"Periode {found[RunStatus.APPROVED]} is al betaald; een eerdere periode wordt niet heropend.")


def _require_transition(run: PaymentRun, target: RunStatus) -> None:
    """Only a draft changes (RunStatus.DRAFT as target: recalculated in place)."""
    allowed = RUN_TRANSITIONS[run.status] | ({RunStatus.DRAFT} if run.status == RunStatus.DRAFT else set())
    if target not in allowed:
        raise Conflict(f"Deze betaalrun is {run.status_label.lower()} en kan niet meer worden gewijzigd.")


def _queue(run: PaymentRun) -> None:
    member_ids = [m.id for m in run.municipalities]
    run.calculation, run.calculation_error, run.processed = Calculation.CALCULATING, None, 0
    run.total = run.held_total = ZERO
    run.to_process = db.session.scalar(sa.select(sa.func.count(Trajectory.id)).where(
        Trajectory.municipality_id.in_(member_ids)))


def _calculate(runs: list[PaymentRun], on_progress: Callable[[int], None] | None = None) -> None:
    """Steps 1-5 of payments.md for runs of one period and disjoint scopes, in one streaming pass over their
    events (one pass for the whole country, not one per region); lines are copied in blocks."""
    cutoff = month_end(parse_period(runs[0].period))
    run_of = {m.id: run.id for run in runs for m in run.municipalities}
    terms, cents = _terms(list(run_of))
    ceilings = dict(db.session.execute(sa.select(Contract.id, Contract.ceiling).where(
        Contract.id.in_(terms), Contract.ceiling.is_not(None))).all())
    new, correction = LineStatus.NEW.value, LineStatus.CORRECTION.value
    block, totals = [], defaultdict(lambda: ZERO)
    waiting, corrected = defaultdict(list), defaultdict(lambda: defaultdict(lambda: ZERO))  # per run
    with closing(_stream(list(run_of))) as stream:  # its server-side cursors closed now, also on an error
        for done, (trajectory, events, paid) in enumerate(stream, start=1):
            if on_progress and done % PROGRESS_EVERY == 0:
                on_progress(done)
            trajectory_id, reference, contract_id, municipality_id, provider_id = trajectory
            run_id = run_of[municipality_id]
            earned = {e.key: e for e in earned_instances(terms.get(contract_id, []), facts_of(events), cutoff)}
            owed = set()
            for _, code, key, amount, *paid_line in paid:
                owed.add((code, key))
                if (code, key) not in earned:  # paid and no longer earned: claw back
                    block.append((run_id, *paid_line, correction, "ingetrokken"))
                    totals[run_id] -= amount
                    corrected[run_id][paid_line[1]] -= amount
            for key, e in earned.items():
                if key in owed:
                    continue
                line = (run_id, trajectory_id, contract_id, provider_id, municipality_id, e.term.code, e.term.label,
                        e.term.kind, e.term.position, e.month, e.trigger_date, cents[contract_id, e.term.code], new,
                        None)
                if contract_id in ceilings:  # held or not is known once every line of the contract is in
                    waiting[run_id].append(((e.trigger_date, reference, e.term.position, e.month or date.min),
                                            e.term.amount, line))
                else:
                    block.append(line)
                    totals[run_id] += e.term.amount
            if len(block) >= LINE_BLOCK:
                copy_rows(PaymentLine.__table__, LINE_COLUMNS, block)
                block.clear()
    for run in runs:
        if on_progress:
            on_progress(run.to_process)
        lines, accepted, held = _hold_at_ceiling(waiting[run.id], ceilings, corrected[run.id])
        block += lines
        run.total, run.held_total = totals[run.id] + accepted, held
    copy_rows(PaymentLine.__table__, LINE_COLUMNS, block)
    calculated_at = now_utc()
    for run in runs:
        run.calculated_at = calculated_at


def _terms(member_ids: list[int]) -> tuple[dict[int, list], dict[tuple[int, str], int]]:
    """The schedule per contract of the scope, and each milestone's amount as a line stores it."""
    rows = db.session.execute(
        sa.select(Milestone, Contract.price_per_trajectory).join(Contract, Milestone.contract_id == Contract.id)
        .where(Contract.id.in_(sa.select(Trajectory.contract_id).where(Trajectory.municipality_id.in_(member_ids))))
        .order_by(Milestone.contract_id, Milestone.position)).all()
    terms: dict[int, list] = defaultdict(list)
    for milestone, price in rows:
        terms[milestone.contract_id].append(term_of(milestone, price))
    cents = {(cid, term.code): stored(PaymentLine, "amount", term.amount)
             for cid, schedule in terms.items() for term in schedule}
    return terms, cents


def _stream(member_ids: list[int]):
    """(trajectory row, its counting events, its paid instances) per trajectory of the scope, ordered by id:
    three queries ordered by trajectory, read side by side through server-side cursors."""
    in_scope = Trajectory.municipality_id.in_(member_ids)
    trajectories = (sa.select(Trajectory.id, Trajectory.reference, Trajectory.contract_id, Trajectory.municipality_id,
                              Contract.provider_id).join(Contract).where(in_scope).order_by(Trajectory.id))
    retracted = sa.select(ProgressEvent.retracts_id).where(ProgressEvent.retracts_id.is_not(None))
    events = (sa.select(*EVENT_COLUMNS).join(Trajectory, ProgressEvent.trajectory_id == Trajectory.id)
              .where(in_scope, ProgressEvent.type != "retraction", ProgressEvent.id.not_in(retracted))
              .order_by(ProgressEvent.trajectory_id, ProgressEvent.occurred_on, ProgressEvent.id))
    line, paid_cents = PaymentLine.__table__.c, sa.type_coerce(PaidInstance.__table__.c.amount_cents, sa.BigInteger)
    paid = (sa.select(PaidInstance.trajectory_id, PaidInstance.milestone_code, PaidInstance.month_key,
                      PaidInstance.amount, line.trajectory_id, line.contract_id, line.provider_id, line.municipality_id,
                      line.milestone_code, line.milestone_label, line.milestone_kind, line.milestone_position,
                      line.month, line.trigger_date, -paid_cents)
            .join(PaymentLine, PaidInstance.line_id == PaymentLine.id)
            .join(Trajectory, PaidInstance.trajectory_id == Trajectory.id).where(in_scope)
            .order_by(PaidInstance.trajectory_id))
    yield from _side_by_side(*(plain_rows(query, STREAM_CHUNK) for query in (trajectories, events, paid)))


def _side_by_side(trajectories, *streams):
    """Per trajectory, the rows of each stream for it; every stream (and `trajectories`) is ordered by trajectory id,
    its first column."""
    groups = [groupby(stream, itemgetter(0)) for stream in streams]
    pending = [next(group, None) for group in groups]
    for trajectory in trajectories:
        found = []
        for n, group in enumerate(groups):
            while pending[n] is not None and pending[n][0] < trajectory[0]:
                pending[n] = next(group, None)
            own = pending[n] is not None and pending[n][0] == trajectory[0]
            found.append(list(pending[n][1]) if own else [])
            if own:
                pending[n] = next(group, None)
        yield trajectory, *found


def _hold_at_ceiling(waiting: list, ceilings: dict, corrected: dict) -> tuple[list[tuple], Decimal, Decimal]:
    """Step 4: per contract, accept new lines in order while paid + corrections + accepted stays <= ceiling.

    Returns the lines (held ones marked) with the accepted and the held total."""
    running = {cid: _ledger_total(cid) + corrected[cid] for cid in ceilings}
    full, lines, accepted, held = set(), [], ZERO, ZERO
    for _, amount, line in sorted(waiting, key=itemgetter(0)):
        contract_id = line[2]
        if contract_id not in full and running[contract_id] + amount <= ceilings[contract_id]:
            running[contract_id] += amount
            accepted += amount
            lines.append(line)
        else:
            full.add(contract_id)
            held += amount
            lines.append((*line[:-2], LineStatus.HELD.value, HELD_AT_CEILING))
    return lines, accepted, held


def _ledger_total(contract_id: int) -> Decimal:
    ledger = db.session.get(ContractLedger, contract_id)
    return ledger.paid_total if ledger is not None else ZERO


def _book(run: PaymentRun) -> None:
    """Record what this run pays; unique key and check constraint fail when a concurrent approval got there first."""
    lines = db.session.scalars(sa.select(PaymentLine).where(PaymentLine.run_id == run.id,
                                                            PaymentLine.status != LineStatus.HELD)).all()
    deltas: dict[int, Decimal] = defaultdict(lambda: ZERO)
    instances = []
    for line in lines:
        deltas[line.contract_id] += line.amount
        key = month_key(line.month)
        if line.status == LineStatus.NEW:
            instances.append({"trajectory_id": line.trajectory_id, "milestone_code": line.milestone_code,
                              "month_key": key, "contract_id": line.contract_id, "amount": line.amount,
                              "line_id": line.id})
            continue
        removed = db.session.execute(sa.delete(PaidInstance).where(
            PaidInstance.trajectory_id == line.trajectory_id, PaidInstance.milestone_code == line.milestone_code,
            PaidInstance.month_key == key, PaidInstance.amount == -line.amount)).rowcount
        if removed != 1:
            raise Conflict("Een teruggevorderde mijlpaal is intussen al verrekend; herbereken de betaalrun eerst.")
    if instances:  # sorted, so that concurrent approvals wait on each other instead of deadlocking
        instances.sort(key=lambda i: (i["trajectory_id"], i["milestone_code"], i["month_key"]))
        db.session.execute(sa.insert(PaidInstance), instances)
    ceilings = dict(db.session.execute(sa.select(Contract.id, Contract.ceiling).where(Contract.id.in_(deltas))).all())
    for contract_id in sorted(deltas):
        _add_to_ledger(contract_id, deltas[contract_id], ceilings[contract_id])


def _add_to_ledger(contract_id: int, delta: Decimal, ceiling: Decimal | None) -> None:
    if db.session.get(ContractLedger, contract_id, with_for_update=True) is None:
        db.session.add(ContractLedger(contract_id=contract_id, paid_total=ZERO))
        db.session.flush()
    ledger = db.session.get(ContractLedger, contract_id, populate_existing=True, with_for_update=True)
    if ceiling is not None and delta > 0 and ledger.paid_total + delta > ceiling:
        raise Conflict(f"Contract {contract_id}: het plafond zou worden overschreden; herbereken de betaalrun eerst.")
    table = ContractLedger.__table__
    db.session.execute(sa.update(table).where(table.c.contract_id == contract_id).values(
        paid_total_cents=table.c.paid_total_cents + delta,  # bound through Money(): cents in the database
        ceiling_cents=ceiling if delta > 0 else None))
    db.session.expire(ledger)


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

    def __getattr__(self, name):
        return getattr(self.run, name)


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


def create_run_from(data: dict, *, by: User, today: date, background: bool = False) -> PaymentRun:
    """create_run with the scope given as a region id or a municipality code within the user's scope."""
    if (data.get("region_id") is None) == (not data.get("municipality")):
        raise DomainError("Kies een regio of één gemeente.", field="region_id")
    scope = f"r:{data['region_id']}" if data.get("region_id") is not None else f"m:{data['municipality']}"
    region, municipality = resolve_scope(scope, by)
    return create_run(data["period"], region=region, municipality=municipality, by=by, today=today,
                      background=background)


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


def make_monthly_runs(today: date) -> str:
    """The scheduled job: a draft run per region for the previous month, unless one overlaps or it is paid.

    The runs are made first and then calculated together: one pass over the country's events, not one per region.
    No savepoint per region: create_run refuses before it writes (and on SQLite, releasing the outermost savepoint
    would commit).
    """
    period = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    runs, skipped = [], 0
    for region in db.session.scalars(sa.select(Region).order_by(Region.id)):
        try:
            runs.append(create_run(period, region=region, by=None, today=today, background=True))
        except DomainError:
            skipped += 1
    calculate_runs(runs, by=None)
    return f"{len(runs)} betaalrun(s) gemaakt voor {period}, {skipped} overgeslagen"


ACTIONS = {"recalculate": recalculate_run, "approve": approve_run, "cancel": cancel_run}


def scope_choices(user: User) -> list[tuple[str, str]]:
    """Regions and municipalities the user may make runs for, as form choices r:<id> and m:<code>."""
    regions = [(f"r:{r.id}", f"Regio {r.name}") for r in db.session.scalars(visible_regions(user))]
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
    """The paying organisations within the user's scope and every ledger account."""
    region_ids = [r.id for r in db.session.scalars(visible_regions(user))]
    payers = db.session.scalars(sa.select(PayingOrganisation).where(sa.or_(
        PayingOrganisation.region_id.in_(region_ids or [-1]),
        scope_filter(user, PayingOrganisation.municipality_id))).order_by(PayingOrganisation.id)).all()
    accounts = db.session.scalars(sa.select(LedgerAccount).order_by(LedgerAccount.service_id,
                                                                    LedgerAccount.kind)).all()
    return {"payers": payers, "accounts": accounts}


def start_panel(user: User, today: date) -> dict:
    """For the start page: drafts waiting for a second finance user."""
    drafts = db.session.scalars(visible_runs(user).where(PaymentRun.status == RunStatus.DRAFT)
                                .order_by(PaymentRun.id)).all()
    return {"drafts": drafts}
