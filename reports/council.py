"""The council report's tables (Raadsrapportage) for a scope (one municipality, or a region's) and a period:
volumes per leerroute and participatietraject, the indicators of the scope and of each provider against its norms
with a trend per month, the process indicators per municipality and per month or quarter (reports.process), money
per funding source (the Begroting's figures), and the period's signals.

Everything is read from the same services as the pages it reports on (kpis, budget), nothing is stored; the
narrative sections and their approval live in reports.narrative.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from budget.overview import ZERO, Cell, Overview, overview
from budget.realised import realised
from contracts.models import Contract, KpiAgreement
from core.dates import month_end
from core.errors import DomainError
from core.extensions import db
from core.models import Municipality, Service
from kpis.services import Indicator, add_months, agreed_terms, compute, load_timelines
from providers.models import Provider
from reports.process import ProcessIndicator, process_indicators
from reports.signals import Signal, period_signals
from trajectories.models import Trajectory

#: The volume columns, in order, with their Dutch headings. A trajectory ends by completion or by a dropout, whose
#: reason tells uitval and a route switch (schakelen) from the other endings (verhuizing, ontheffing, overig).
#: Afgeschaald counts the trajectories with an afschaling in the period: they go on in their route (issue 19).
VOLUMES = {"referred": "Aangemeld", "running": "Lopend op de einddatum", "completed": "Afgerond",
           "uitval": "Uitval", "switched": "Geschakeld", "afgeschaald": "Afgeschaald",
           "ended_otherwise": "Anders beëindigd"}
DROPOUT_COLUMNS = {"uitval": "uitval", "schakelen": "switched"}
#: The longest period a report covers.
MAX_MONTHS = 24


@dataclass
class VolumeRow:
    service: Service | None  # None: the total
    counts: dict = field(default_factory=lambda: dict.fromkeys(VOLUMES, 0))

    @property
    def label(self) -> str:
        return self.service.name if self.service is not None else "Totaal"


@dataclass
class MonthValue:
    month: date
    indicator: Indicator


@dataclass
class Trend:
    """One indicator over the whole period and per month of it."""

    whole: Indicator
    by_month: list[MonthValue]


@dataclass
class ProviderTrends:
    provider: Provider
    trends: list[Trend]


@dataclass
class MoneyRow:
    """One funding source: the Begroting's figures of the year, and what was realised within the period."""

    cell: Cell
    realised_in_period: Decimal


@dataclass
class CouncilTables:
    label: str
    municipalities: list[Municipality]
    start: date
    end: date
    today: date
    months: list[date]
    volumes: list[VolumeRow]
    total: VolumeRow
    indicators: list[Trend]
    providers: list[ProviderTrends]
    #: The Begroting of the period's last year; None for a role that keeps no budgets.
    money: Overview | None
    #: Per funding source the year's totals and what was realised within the period.
    money_rows: list[MoneyRow] | None
    signals: list[Signal]
    #: PIP in time, start after the PIP, on course within the termijn: over the scope's trajectories.
    process: list[ProcessIndicator]


def period_months(start: date, end: date) -> list[date]:
    """The first day of every month the period touches; refused when it runs backwards or over MAX_MONTHS."""
    if start > end:
        raise DomainError("De begindatum ligt na de einddatum.", field="from")
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    if len(months) > MAX_MONTHS:
        raise DomainError(f"Een raadsrapportage beslaat hoogstens {MAX_MONTHS} maanden.", field="to")
    return months


def council_tables(municipalities: list[Municipality], label: str, start: date, end: date, *, today: date,
                   with_money: bool) -> CouncilTables:
    """Every table of the council report for these municipalities over [start, end]."""
    months = period_months(start, end)
    ids = [m.id for m in municipalities]
    rows, total = volumes(ids, start, end)
    windows = [(start, end)] + [(m, min(month_end(m), end)) for m in months]
    providers = db.session.scalars(sa.select(Provider).where(Provider.id.in_(
        sa.select(Contract.provider_id).join(Trajectory, Trajectory.contract_id == Contract.id)
        .where(Trajectory.municipality_id.in_(ids or [-1])))).order_by(Provider.name)).all()
    money = overview(municipalities, end.year, today=today) if with_money else None
    process = process_indicators(municipalities, load_timelines(Trajectory.municipality_id.in_(ids or [-1])), start,
                                 end, months)
    return CouncilTables(label, municipalities, start, end, today, months, rows, total, _trends(ids, windows),
                         [ProviderTrends(p, _trends(ids, windows, p)) for p in providers], money,
                         _money_rows(money, ids, start, end), period_signals(municipalities, start, end, money),
                         process)


def _money_rows(money: Overview | None, ids: list[int], start: date, end: date) -> list[MoneyRow] | None:
    if money is None:
        return None
    in_period = defaultdict(lambda: ZERO)
    for (_, source), by_month in realised(ids, start, end).items():
        in_period[source] += sum(by_month.values(), ZERO)
    return [MoneyRow(cell, in_period[cell.funding_source]) for cell in money.totals]


def volumes(municipality_ids: list[int], start: date, end: date) -> tuple[list[VolumeRow], VolumeRow]:
    """Per service with trajectories in scope: referred in the period, running at its end, and ended in it."""
    service_of = dict(db.session.execute(sa.select(Trajectory.id, Contract.service_id).join(Contract).where(
        Trajectory.municipality_id.in_(municipality_ids or [-1]))).all())
    rows: dict[int, VolumeRow] = {}
    for timeline in load_timelines(Trajectory.municipality_id.in_(municipality_ids or [-1])):
        if timeline.referral_date > end:
            continue
        counts = rows.setdefault(service_of[timeline.trajectory_id], VolumeRow(None)).counts
        counts["referred"] += start <= timeline.referral_date
        ended = timeline.ended_on
        counts["running"] += ended is None or ended > end
        counts["afgeschaald"] += any(start <= e.occurred_on <= end for e in timeline.by_type.get("afschaling", []))
        if ended is not None and start <= ended <= end:
            last = timeline.first("completed", "dropout")
            column = "completed" if last.type == "completed" else DROPOUT_COLUMNS.get(last.reason, "ended_otherwise")
            counts[column] += 1
    services = {s.id: s for s in db.session.scalars(sa.select(Service).where(Service.id.in_(rows)))}
    result = sorted((VolumeRow(services[sid], row.counts) for sid, row in rows.items()),
                    key=lambda r: (r.service.kind, r.service.position))
    total = VolumeRow(None, {column: sum(r.counts[column] for r in result) for column in VOLUMES})
    return result, total


def _trends(municipality_ids: list[int], windows: list[tuple[date, date]],
            provider: Provider | None = None) -> list[Trend]:
    """Every indicator over the whole period (windows[0]) and per month (the rest); a provider's are over its
    contracts only, judged by its agreements where they all agree."""
    where = [Trajectory.municipality_id.in_(municipality_ids or [-1])]
    agreements = []
    if provider is not None:
        contract_ids = sa.select(Contract.id).where(Contract.provider_id == provider.id)
        where.append(Trajectory.contract_id.in_(contract_ids))
        agreements = db.session.scalars(sa.select(KpiAgreement).where(KpiAgreement.contract_id.in_(contract_ids))).all()
    timelines = load_timelines(sa.and_(*where))
    terms = agreed_terms(agreements)
    series = [[Indicator(compute(timelines, kpi, params, start, last), norm, direction)
               for kpi, (params, norm, direction) in terms.items()] for start, last in windows]
    return [Trend(whole, [MonthValue(start, month[n]) for (start, _), month in zip(windows[1:], series[1:])])
            for n, whole in enumerate(series[0])]
