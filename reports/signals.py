"""The open risks of a council report: the signals of its period for its municipalities, from the budget (a source
expected to run out), the indicators (KPI alerts of the period's months) and the contracts (contract ends, option
deadlines, ceilings and keurmerken raised by the daily job and not resolved before the period began)."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from budget.overview import Overview
from contracts.models import Alert, AlertKind, Contract, contract_municipality
from core.extensions import db
from core.models import Municipality
from core.formats import format_period
from core.terms import KPI_NAMES
from kpis.models import KpiAlert
from core.term_text import kpi_norm, kpi_value

KIND_LABELS = {"budget": "Begroting", "kpi": "Prestatie-indicator", AlertKind.CONTRACT_END: "Einde contract",
               AlertKind.OPTION_DEADLINE: "Verlengingsoptie", AlertKind.CEILING: "Plafond",
               AlertKind.KEURMERK: "Keurmerk"}


@dataclass(frozen=True)
class Signal:
    kind: str
    on: date | None
    message: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def period_signals(municipalities: list[Municipality], start: date, end: date,
                   money: Overview | None) -> list[Signal]:
    """The period's signals, budget first, then by date."""
    ids = [m.id for m in municipalities] or [-1]
    contracts = sa.select(contract_municipality.c.contract_id).where(contract_municipality.c.municipality_id.in_(ids))
    found = [Signal("budget", cell.runs_out, f"{cell.funding_source_label} {cell.municipality.name}: naar verwachting "
                    f"op in {format_period(cell.runs_out)}")
             for cell in (money.cells if money else []) if cell.runs_out]
    alerts = db.session.scalars(sa.select(KpiAlert).where(
        KpiAlert.contract_id.in_(contracts), KpiAlert.month.between(start.replace(day=1), end),
        sa.or_(KpiAlert.municipality_id.is_(None), KpiAlert.municipality_id.in_(ids)))
        .order_by(KpiAlert.month, KpiAlert.id)).all()
    found += [Signal("kpi", a.month, f"{KPI_NAMES[a.kpi]} {kpi_value(a.value, a.kpi)}, norm "
                     f"{kpi_norm(a.norm, a.direction, a.kpi)}, contract "
                     f"{db.session.get(Contract, a.contract_id).reference}") for a in alerts]
    providers = sa.select(Contract.provider_id).where(Contract.id.in_(contracts))
    raised = db.session.scalars(sa.select(Alert).where(
        Alert.raised_on <= end, sa.or_(Alert.resolved_on.is_(None), Alert.resolved_on >= start),
        sa.or_(Alert.contract_id.in_(contracts), sa.and_(Alert.contract_id.is_(None),
                                                           Alert.provider_id.in_(providers))))
        .order_by(Alert.due_on, Alert.id)).all()
    found += [Signal(a.kind, a.due_on, a.message) for a in raised]
    return found
