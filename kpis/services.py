"""Indicator values per contract, provider and municipality over any window (live); reads of the values the nightly
job (monthly.py) stored, for the dashboards; alerts; drill-downs."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from contracts.models import Contract, KpiAgreement, contract_municipality
from core import audit
from core.auth import scope_filter, visible_municipality_ids
from core.dates import month_end, now_utc
from core.errors import DomainError
from core.extensions import db
from core.scope import Action, require
from core.models import Municipality, User
from core.terms import KPI_NAMES, KPI_PARAMS
from kpis.models import KpiAggregateValue, KpiAlert, KpiValue
from kpis.rules import RULES, Result, build_timelines, status
from trajectories.models import ProgressEvent, Trajectory
from providers.models import Provider

STORED_MONTHS = 13  # the current month so far plus the twelve complete months the trend shows


@dataclass
class Indicator:
    """A computed value with the agreement it is judged by (norm and direction are None when not agreed)."""

    result: Result
    norm: Decimal | None = None
    direction: str | None = None

    @property
    def kpi(self) -> str:
        return self.result.kpi

    @property
    def status(self) -> str:
        return status(self.result.value, self.norm, self.direction)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_complete_month(today: date) -> date:
    return add_months(today.replace(day=1), -1)


def month_window(month: date, today: date | None = None) -> tuple[date, date]:
    """A calendar month as a window; the current month runs until today."""
    end = month_end(month)
    return month, min(end, today) if today else end


def check_window(start: date, end: date) -> None:
    if start > end:
        raise DomainError("De begindatum ligt na de einddatum.", field="from")


# Scope and lookups

def visible_contracts(user: User):
    """Contracts of which at least one municipality lies in the user's scope."""
    ids = visible_municipality_ids(user)
    stmt = sa.select(Contract).order_by(Contract.reference)
    if ids is None:
        return stmt
    return stmt.where(Contract.id.in_(sa.select(contract_municipality.c.contract_id)
                                      .where(contract_municipality.c.municipality_id.in_(ids or [-1]))))


def get_contract(user: User, contract_id: int) -> Contract:
    """The contract when the user may see it, else 404 (not 403: its existence is not revealed)."""
    return db.first_or_404(visible_contracts(user).where(Contract.id == contract_id))


def get_provider(user: User, provider_id: int) -> Provider:
    provider = db.get_or_404(Provider, provider_id)
    if db.session.scalar(visible_contracts(user).where(Contract.provider_id == provider.id).limit(1)) is None:
        abort(404)
    return provider


def get_municipality(user: User, code: str) -> Municipality:
    return db.first_or_404(sa.select(Municipality).where(Municipality.code == code,
                                                         scope_filter(user, Municipality.id)))


def sees_whole_contract(user: User, contract: Contract) -> bool:
    ids = visible_municipality_ids(user)
    return ids is None or {m.id for m in contract.municipalities} <= ids


def contract_municipality_for(user: User, contract: Contract, code: str | None) -> Municipality | None:
    """The municipality to narrow to: one of the contract's, within the user's scope; None for all."""
    if not code:
        return None
    found = next((m for m in contract.municipalities if m.code == code), None)
    ids = visible_municipality_ids(user)
    if found is None or (ids is not None and found.id not in ids):
        raise DomainError("Deze gemeente neemt niet deel aan het contract of valt buiten uw bereik.",
                          field="municipality")
    return found


# Computation

#: The columns the rules read: timelines are built from plain rows, not ORM objects.
EVENT_COLUMNS = (ProgressEvent.id, ProgressEvent.trajectory_id, ProgressEvent.type, ProgressEvent.occurred_on,
                 ProgressEvent.month, ProgressEvent.hours_offered, ProgressEvent.hours_attended,
                 ProgressEvent.hours_excused, ProgressEvent.bucket, ProgressEvent.skill, ProgressEvent.level,
                 ProgressEvent.component, ProgressEvent.result, ProgressEvent.reason, ProgressEvent.destination,
                 ProgressEvent.retracts_id)


def load_timelines(where) -> list:
    """The timelines of the trajectories matching `where` (a clause on Trajectory), events in one query."""
    trajectories = db.session.execute(sa.select(
        Trajectory.id, Trajectory.municipality_id, Trajectory.referral_date, Trajectory.kennisgeving_on,
        Trajectory.pip_date, sa.func.coalesce(Trajectory.term_extended_until, Trajectory.term_ends_on)
        .label("term_last_day")).where(where).order_by(Trajectory.id)).all()
    events = db.session.execute(sa.select(*EVENT_COLUMNS).join(Trajectory, Trajectory.id == ProgressEvent.trajectory_id)
                                .where(where)).all()
    return build_timelines(trajectories, events)


def _trajectory_filter(user: User | None, *clauses):
    scope = scope_filter(user, Trajectory.municipality_id) if user is not None else sa.true()
    return sa.and_(scope, *clauses)


def full_params(kpi: str, params: dict | None) -> dict:
    defaults = {name: p.default for name, p in KPI_PARAMS[kpi].items() if p.default is not None}
    return defaults | (params or {})


def compute(timelines, kpi: str, params: dict | None, start: date, end: date) -> Result:
    return RULES[kpi](timelines, start, end, **full_params(kpi, params))


def contract_indicators(contract: Contract, start: date, end: date, *, user: User | None = None,
                        municipality: Municipality | None = None) -> list[Indicator]:
    """The contract's agreed indicators over [start, end], over the trajectories the user may see."""
    check_window(start, end)
    clauses = [Trajectory.contract_id == contract.id]
    if municipality is not None:
        clauses.append(Trajectory.municipality_id == municipality.id)
    timelines = load_timelines(_trajectory_filter(user, *clauses))
    return [Indicator(compute(timelines, a.kpi, a.params, start, end), a.norm, a.direction)
            for a in sorted(contract.kpi_agreements, key=lambda a: list(KPI_NAMES).index(a.kpi))]


def agreed_terms(agreements) -> dict[str, tuple[dict, Decimal | None, str | None]]:
    """Per indicator the (params, norm, direction) over several contracts: the agreements' when they all agree,
    otherwise the default params and no norm."""
    terms = {}
    for kpi in KPI_NAMES:
        agreed = {(tuple(sorted(a.params.items())), a.norm, a.direction) for a in agreements if a.kpi == kpi}
        params, norm, direction = next(iter(agreed)) if len(agreed) == 1 else ((), None, None)
        terms[kpi] = (dict(params), norm, direction)
    return terms


def _all_indicators(timelines, start: date, end: date, agreements) -> list[Indicator]:
    """Every indicator; judged by a norm only when all the agreements on it agree on params, norm and direction."""
    return [Indicator(compute(timelines, kpi, params, start, end), norm, direction)
            for kpi, (params, norm, direction) in agreed_terms(agreements).items()]


def provider_indicators(provider: Provider, start: date, end: date, *, user: User | None = None,
                        municipality: Municipality | None = None) -> list[Indicator]:
    """Every indicator over all the provider's contracts."""
    check_window(start, end)
    contract_ids = sa.select(Contract.id).where(Contract.provider_id == provider.id)
    clauses = [Trajectory.contract_id.in_(contract_ids)]
    if municipality is not None:
        clauses.append(Trajectory.municipality_id == municipality.id)
    agreements = db.session.scalars(sa.select(KpiAgreement).where(KpiAgreement.contract_id.in_(contract_ids))).all()
    return _all_indicators(load_timelines(_trajectory_filter(user, *clauses)), start, end, agreements)


def municipality_indicators(municipality: Municipality, start: date, end: date) -> list[Indicator]:
    """Every indicator over all the trajectories of one municipality, whatever the contract."""
    check_window(start, end)
    return _all_indicators(load_timelines(Trajectory.municipality_id == municipality.id), start, end, [])


def drill_down(contract: Contract, kpi: str, start: date, end: date, *, user: User,
               municipality: Municipality | None = None) -> tuple[Indicator, list, list]:
    """One agreed indicator with the trajectories behind its numerator and its denominator."""
    indicator = next((i for i in contract_indicators(contract, start, end, user=user, municipality=municipality)
                      if i.kpi == kpi), None)
    if indicator is None:
        abort(404)
    ids = indicator.result.numerator_ids | indicator.result.denominator_ids
    by_id = {t.id: t for t in db.session.scalars(sa.select(Trajectory).where(Trajectory.id.in_(ids or [-1])))}
    def listed(subset):
        return sorted((by_id[i] for i in subset), key=lambda t: t.reference)
    return indicator, listed(indicator.result.numerator_ids), listed(indicator.result.denominator_ids)


# Alerts (raised by the nightly job, monthly.py)

def raise_alerts(contract: Contract, month: date) -> list[KpiAlert]:
    """An alert for each stored value that is red in `month` but was not red the month before (once each)."""
    rows = db.session.scalars(sa.select(KpiValue).where(
        KpiValue.contract_id == contract.id, KpiValue.month.in_([month, add_months(month, -1)]))).all()
    before = {(r.scope_key, r.kpi): r.status for r in rows if r.month != month}
    existing = set(db.session.execute(sa.select(KpiAlert.scope_key, KpiAlert.kpi).where(
        KpiAlert.contract_id == contract.id, KpiAlert.month == month)).all())
    alerts = []
    for row in rows:
        key = (row.scope_key, row.kpi)
        if row.month == month and row.status == "red" and before.get(key) != "red" and key not in existing:
            alert = KpiAlert(contract=contract, municipality=row.municipality, scope_key=row.scope_key, kpi=row.kpi,
                             month=month, value=row.value, norm=row.norm, direction=row.direction)
            db.session.add(alert)
            db.session.flush()
            audit.record(None, "kpi_alert", alert, f"{contract.reference}: {KPI_NAMES[row.kpi]} rood in {month:%Y-%m}")
            alerts.append(alert)
    return alerts


def visible_alerts(user: User, only_open: bool = True):
    """Alerts on contracts the user may see: per municipality within the user's scope, contract-wide only to
    users who see every municipality of the contract."""
    stmt = (sa.select(KpiAlert).where(KpiAlert.contract_id.in_(visible_contracts(user).with_only_columns(Contract.id)))
            .order_by(KpiAlert.month.desc(), KpiAlert.id.desc()))
    ids = visible_municipality_ids(user)
    if ids is not None:
        partly_visible = sa.select(contract_municipality.c.contract_id).where(
            contract_municipality.c.municipality_id.not_in(ids or [-1]))
        stmt = stmt.where(sa.or_(KpiAlert.municipality_id.in_(ids or [-1]), sa.and_(
            KpiAlert.municipality_id.is_(None), KpiAlert.contract_id.not_in(partly_visible))))
    return stmt.where(KpiAlert.handled_at.is_(None)) if only_open else stmt


def handle_alert(alert: KpiAlert, note: str, *, by: User) -> KpiAlert:
    """Mark an alert as handled, with what was done about it."""
    require(by, Action.ALERTS, [alert.municipality] if alert.municipality else alert.contract.municipalities)
    if not alert.is_open:
        raise DomainError("Dit signaal is al afgehandeld.", field="note")
    alert.handled_at, alert.handled_by, alert.note = now_utc(), by, note.strip()[:500]
    audit.record(by, "kpi_alert_handled", alert, f"{alert.contract.reference}: {KPI_NAMES[alert.kpi]}",
                 {"note": [None, alert.note]})
    return alert


# Reads for the dashboards (stored values only)

def stored_values(contract: Contract, user: User, months: list[date]) -> list[KpiValue]:
    """The stored rows of these months: contract-wide when the user sees the whole contract, and per visible
    municipality."""
    stmt = sa.select(KpiValue).where(KpiValue.contract_id == contract.id, KpiValue.month.in_(months))
    if not sees_whole_contract(user, contract):
        stmt = stmt.where(KpiValue.scope_key != 0, scope_filter(user, KpiValue.municipality_id))
    return db.session.scalars(stmt.options(selectinload(KpiValue.municipality))
                              .order_by(KpiValue.month, KpiValue.scope_key)).all()


def red_first(rows):
    order = {"red": 0, "grey": 1, "green": 2}
    return sorted(rows, key=lambda r: (order[r.status], list(KPI_NAMES).index(r.kpi),
                                       r.municipality.name if r.municipality else ""))


def values_computed() -> bool:
    """Whether the nightly job has stored values (it stores some for every municipality)."""
    return db.session.scalar(sa.select(KpiAggregateValue.id).limit(1)) is not None


def latest_computed_at(rows) -> datetime | None:
    return max((r.computed_at for r in rows), default=None)


def _partly_visible(user: User):
    """A column: whether some municipality of the contract lies outside the user's scope."""
    ids = visible_municipality_ids(user)
    if ids is None:
        return sa.false()
    return sa.exists().where(contract_municipality.c.contract_id == Contract.id,
                             contract_municipality.c.municipality_id.not_in(ids or [-1]))


def shown_contracts(user: User, provider: Provider | None = None, where: tuple = ()) -> list[tuple[Contract, bool]]:
    """The visible contracts (of one provider, narrowed by `where` on Contract), each with whether the user sees
    only some of its municipalities."""
    stmt = visible_contracts(user).add_columns(_partly_visible(user)).options(joinedload(Contract.provider))
    if provider is not None:
        stmt = stmt.where(Contract.provider_id == provider.id)
    return db.session.execute(stmt.where(*where)).all()


def headline_values(user: User, shown: list[tuple[Contract, bool]]):
    """A clause on KpiValue: what a dashboard shows of these contracts, their contract-wide values, or the values
    per municipality in the user's scope where the user sees only some of the contract's municipalities."""
    partly = {contract.id for contract, part in shown if part}
    whole = {contract.id for contract, _ in shown} - partly
    return sa.or_(sa.and_(KpiValue.contract_id.in_(whole), KpiValue.scope_key == 0),
                  sa.and_(KpiValue.contract_id.in_(partly), KpiValue.scope_key != 0,
                          scope_filter(user, KpiValue.municipality_id)))


def dashboard(user: User, today: date, provider: Provider | None = None, where: tuple = ()) -> dict:
    """Per visible contract (of one provider, narrowed by `where` on Contract) the last complete month's values, red
    contracts and red values first: contract-wide (with the number of red municipality values), or per municipality
    for users who see only some of its municipalities. Two queries, whatever the number of contracts."""
    month = last_complete_month(today)
    found = shown_contracts(user, provider, where)
    partly = {contract.id for contract, part in found if part}
    whole = {contract.id for contract, _ in found} - partly
    rows = db.session.scalars(sa.select(KpiValue).where(KpiValue.month == month, sa.or_(
        headline_values(user, found),
        sa.and_(KpiValue.contract_id.in_(whole), KpiValue.scope_key != 0, KpiValue.status == "red")))
        .options(joinedload(KpiValue.municipality))).all() if found else []
    headline, red_municipalities = defaultdict(list), defaultdict(int)
    for row in rows:
        if (row.scope_key == 0) != (row.contract_id in partly):
            headline[row.contract_id].append(row)
        if row.scope_key != 0 and row.status == "red":
            red_municipalities[row.contract_id] += 1
    cards = [{"contract": c, "rows": red_first(headline[c.id]), "red": sum(r.status == "red" for r in headline[c.id]),
              "red_municipalities": red_municipalities[c.id]} for c, _ in found]
    return {"month": month, "cards": sorted(cards, key=lambda c: (-c["red"], c["contract"].reference)),
            "computed_at": latest_computed_at(rows)}


def panel_context(user: User, today: date) -> dict:
    """Start page: open alerts and the number of red indicators last month."""
    alerts = db.session.scalars(visible_alerts(user).limit(5)).all()
    cards = dashboard(user, today)["cards"]
    return {"alerts": alerts, "open_alerts": db.session.scalar(
        sa.select(sa.func.count()).select_from(visible_alerts(user).subquery())),
        "red": sum(card["red"] for card in cards), "contracts": len(cards)}


def scorecard(contract: Contract, first: date, last: date, *, user: User) -> dict:
    """The scorecard for a meeting: the period as a whole, each month of it and each municipality."""
    if first > last:
        raise DomainError("De eerste maand ligt na de laatste.", field="from")
    if (last.year - first.year) * 12 + last.month - first.month >= 24:
        raise DomainError("Een scorekaart beslaat hoogstens 24 maanden.", field="to")
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    end = month_end(last)
    whole = contract_indicators(contract, first, end, user=user)
    ids = visible_municipality_ids(user)
    municipalities = [m for m in contract.municipalities if ids is None or m.id in ids]
    return {"contract": contract, "first": first, "last": last, "indicators": whole,
            "monthly": [(m, contract_indicators(contract, m, month_end(m), user=user)) for m in months],
            "by_municipality": [(m, contract_indicators(contract, first, end, user=user, municipality=m))
                                for m in municipalities]}
