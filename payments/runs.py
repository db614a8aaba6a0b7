"""The life of a payment run: make, calculate, recalculate, approve and cancel it (payments.md, "A run"), and the
monthly job. Approval books what a run pays in paid_instance and contract_ledger, whose keys and check refuse a
second payment or a passed ceiling in the database itself.

Every transition first takes the run's row lock and reads the run again (core.locks), so that of two transitions
at the same moment the second sees what the first did and is refused with a 409 instead of overwriting it."""
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from contracts.models import Contract, ContractLedger
from core import audit
from core.dates import month_end, now_utc, parse_period
from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from core.locks import lock_row, locked
from core.models import Municipality, Region, User
from core.scope import Action, require
from payments.bank_details import pin, review_key
from payments.calculation import ZERO, calculate
from payments.models import (RUN_TRANSITIONS, Calculation, LineStatus, PaidInstance, PaymentLine, PaymentRun,
                             RunStatus, payment_run_municipality)
from payments.rules import month_key
from payments.services import resolve_scope
from payments.verification import draw_sample
from trajectories.models import Trajectory

CALCULATION_FAILED = "De berekening is mislukt; er zijn geen regels opgeslagen. Probeer het opnieuw met Herberekenen."
CANCELLED_WHILE_CALCULATING = "De betaalrun is geannuleerd voordat de berekening klaar was; er zijn geen regels opgeslagen."
NOT_WAITING = "Deze betaalrun wacht niet (meer) op een berekening."


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
    require(by, Action.RUNS, members, region=region)
    _lock_scope(members)
    _refuse_overlap(period, {m.id for m in members})
    run = PaymentRun(period=period, region=region, municipality=municipality, municipalities=members,
                     created_by=by, status=RunStatus.DRAFT)
    db.session.add(run)
    db.session.flush()
    if background:
        _queue(run)
        audit.record(by, "payment_run_created", run, f"{run}: wordt berekend", {"period": period})
        return run
    calculate([run])
    audit.record(by, "payment_run_created", run, f"{run}: {run.total} te betalen, {run.held_total} aangehouden",
                 {"period": period, "total": run.total, "held_total": run.held_total})
    return run


def recalculate_run(run: PaymentRun, *, by: User, background: bool = False) -> PaymentRun:
    """Throw a draft's lines away and calculate them again against what is paid now (later, when background)."""
    _require_scope(run, by)
    lock_row(run)
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
    calculate([run])
    run.calculation, run.calculation_error = Calculation.DONE, None
    audit.record(by, "payment_run_recalculated", run, str(run),
                 audit.diff(before, {"total": run.total, "held_total": run.held_total}))
    return run


def _require_scope(run: PaymentRun, by: User | None) -> None:
    """A region's run is changed by who holds the whole region, a municipality's by who holds that municipality."""
    require(by, Action.RUNS, run.municipalities, region=run.region)


def calculate_run(run: PaymentRun, *, by: User | None, on_progress: Callable[[int], None] | None = None) -> PaymentRun:
    """The background half of create_run/recalculate_run(background=True): calculate a CALCULATING run's lines."""
    return calculate_runs([run], by=by, on_progress=on_progress)[0]


def calculate_runs(runs: list[PaymentRun], *, by: User | None,
                   on_progress: Callable[[int], None] | None = None) -> list[PaymentRun]:
    """calculate_run for CALCULATING runs of one period with disjoint scopes, in one pass over their events.

    The runs are locked only once their lines are in, because the progress reports write the run's row through a
    connection of their own (core.background); a run cancelled or calculated by another delivery meanwhile refuses.
    """
    if any(run.calculation != Calculation.CALCULATING for run in runs):
        raise Conflict(NOT_WAITING)
    if runs:
        calculate(runs, on_progress)
    for run in sorted(runs, key=lambda r: r.id):
        lock_row(run)
        _require_transition(run, RunStatus.DRAFT)
        if run.calculation != Calculation.CALCULATING:
            raise Conflict(NOT_WAITING)
    for run in runs:
        run.calculation, run.processed = Calculation.DONE, run.to_process
        audit.record(by, "payment_run_calculated", run, f"{run}: {run.total} te betalen, {run.held_total} aangehouden",
                     {"total": run.total, "held_total": run.held_total})
    return runs


def calculation_failed(run: PaymentRun, message: str = CALCULATION_FAILED) -> PaymentRun:
    """Record why a calculation failed; the caller rolled its lines back, so the run has none (retry: recalculate).

    Nothing changes when the run no longer waits for this calculation (another delivery of it finished first)."""
    lock_row(run)
    if run.calculation != Calculation.CALCULATING:
        return run
    run.calculation, run.calculation_error, run.processed = Calculation.FAILED, message[:300], 0
    run.total = run.held_total = ZERO
    return run


def approve_run(run: PaymentRun, *, by: User, review: str | None = None) -> PaymentRun:
    """Four eyes: a finance user other than the creator approves; the database refuses double pay and ceilings.
    `review` is the key of what the approver saw (bank_details.review_key): a run recalculated, or with a bank
    detail change decided, since then is refused."""
    _require_scope(run, by)
    if run.created_by_id == by.id:
        raise Forbidden("U heeft deze betaalrun zelf gemaakt; een andere financieel medewerker keurt hem goed.")
    seen = run.calculated_at
    lock_row(run)
    _require_transition(run, RunStatus.APPROVED)
    if run.calculation != Calculation.DONE:
        raise Conflict("Deze betaalrun is nog niet (goed) berekend; wacht op de berekening of herbereken hem.")
    if run.calculated_at != seen or review not in (None, review_key(run)):
        raise Conflict("Deze betaalrun is gewijzigd sinds u haar bekeek (herberekend of met gewijzigde "
                       "bankgegevens); bekijk haar opnieuw en keur haar daarna goed.")
    try:
        with db.session.begin_nested():
            _book(run)
    except (IntegrityError, OperationalError):  # unique key, ceiling check or a deadlock victim
        raise Conflict("Deze betaalrun botst met een betaalrun die intussen is goedgekeurd; herbereken hem eerst.")
    run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, by, now_utc()
    pin(run)
    draw_sample(run)
    audit.record(by, "payment_run_approved", run, f"{run}: {run.total} goedgekeurd",
                 {"status": [RunStatus.DRAFT, RunStatus.APPROVED], "total": run.total})
    return run


def cancel_run(run: PaymentRun, *, by: User) -> PaymentRun:
    _require_scope(run, by)
    lock_row(run)
    _require_transition(run, RunStatus.CANCELLED)
    run.status = RunStatus.CANCELLED
    calculation_failed(run, CANCELLED_WHILE_CALCULATING)  # no worker takes it now (tasks.waiting); nothing if done
    audit.record(by, "payment_run_cancelled", run, str(run), {"status": [RunStatus.DRAFT, RunStatus.CANCELLED]})
    return run


def create_run_from(data: dict, *, by: User, today: date, background: bool = False) -> PaymentRun:
    """create_run with the scope given as a region id or a municipality code within the user's scope."""
    if (data.get("region_id") is None) == (not data.get("municipality")):
        raise DomainError("Kies een regio of één gemeente.", field="region_id")
    scope = f"r:{data['region_id']}" if data.get("region_id") is not None else f"m:{data['municipality']}"
    region, municipality = resolve_scope(scope, by)
    return create_run(data["period"], region=region, municipality=municipality, by=by, today=today,
                      background=background)


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


def _cutoff(period: str) -> date:
    try:
        return month_end(parse_period(period))
    except ValueError:
        raise DomainError("Geef de periode als JJJJ-MM.", field="period") from None


def _lock_scope(municipalities: list[Municipality]) -> None:
    """Serialise run creation per municipality, in id order so that overlapping scopes wait instead of deadlocking."""
    ids = sorted(m.id for m in municipalities)
    db.session.execute(locked(sa.select(Municipality.id).where(Municipality.id.in_(ids)).order_by(Municipality.id),
                              Municipality))


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
