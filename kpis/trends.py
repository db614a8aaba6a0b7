"""The 12-month trends of the indicator pages (stored values only): per indicator its months with value, norm and
status, and on the dashboard the number of indicators of one status per month over the contracts it shows."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from contracts.models import Contract, contract_municipality
from core.auth import visible_municipality_ids
from core.extensions import db
from core.models import Municipality, User
from kpis.models import KpiAggregateValue, KpiValue
from kpis.services import (add_months, dashboard, headline_values, last_complete_month, latest_computed_at,
                           red_first, sees_whole_contract, shown_contracts, stored_values)
from providers.models import Provider

TREND_MONTHS = 12


@dataclass(frozen=True)
class TrendMonth:
    """One month of an indicator's trend; value, norm and status are None when nothing was stored for it."""

    month: date
    value: Decimal | None = None
    norm: Decimal | None = None
    direction: str | None = None
    status: str | None = None


def trend_months(today: date) -> tuple[date, list[date]]:
    """The last complete month and the twelve months up to it, oldest first."""
    month = last_complete_month(today)
    return month, [add_months(month, -i) for i in reversed(range(TREND_MONTHS))]


def trend(months: list[date], rows) -> list[TrendMonth]:
    """Per month the stored value, norm and status of one indicator (`rows` are its rows of one scope)."""
    by_month = {row.month: row for row in rows}
    return [TrendMonth(m, row.value, row.norm, row.direction, row.status) if (row := by_month.get(m)) else
            TrendMonth(m) for m in months]


def _series(rows, months: list[date]) -> dict:
    """The latest month red first, and per (indicator, municipality) its trend."""
    grouped = {}
    for row in rows:
        grouped.setdefault((row.kpi, row.municipality), []).append(row)
    return {"headline": red_first([r for r in rows if r.month == months[-1]]), "computed_at": latest_computed_at(rows),
            "trend": {key: trend(months, found) for key, found in grouped.items()}}


def contract_overview(contract: Contract, user: User, today: date) -> dict:
    """The contract page: latest values red first, a 12-month trend per indicator, municipalities side by side."""
    month, months = trend_months(today)
    rows = stored_values(contract, user, months)
    whole = sees_whole_contract(user, contract)
    municipalities = sorted({r.municipality for r in rows if r.municipality is not None}, key=lambda m: m.code)
    side_by_side = {(r.kpi, r.municipality_id): r for r in rows if r.month == month and r.municipality_id}
    return {"month": month, "months": months, **_series([r for r in rows if r.scope_key == 0 or not whole], months),
            "computed_at": latest_computed_at(rows), "municipalities": municipalities, "side_by_side": side_by_side}


def provider_overview(provider: Provider, user: User, today: date) -> dict:
    """The provider page: every indicator over all its contracts (per visible municipality for users who see
    only some of its contracts' municipalities) with a 12-month trend, and its contracts' cards."""
    month, months = trend_months(today)
    ids = visible_municipality_ids(user)
    served = set(db.session.scalars(sa.select(contract_municipality.c.municipality_id).join(
        Contract, Contract.id == contract_municipality.c.contract_id).where(Contract.provider_id == provider.id)))
    stmt = sa.select(KpiAggregateValue).where(KpiAggregateValue.provider_key == provider.id,
                                              KpiAggregateValue.month.in_(months))
    if ids is None or served <= ids:
        stmt = stmt.where(KpiAggregateValue.scope_key == 0)
    else:
        stmt = stmt.where(KpiAggregateValue.scope_key != 0, KpiAggregateValue.municipality_id.in_(ids or [-1]))
    rows = db.session.scalars(stmt.options(selectinload(KpiAggregateValue.municipality))).all()
    return {"month": month, "months": months, **_series(rows, months),
            "cards": dashboard(user, today, provider)["cards"]}


def municipality_overview(municipality: Municipality, today: date) -> dict:
    """The municipality page: every indicator over all its trajectories, with a 12-month trend."""
    month, months = trend_months(today)
    rows = db.session.scalars(sa.select(KpiAggregateValue).where(
        KpiAggregateValue.provider_key == 0, KpiAggregateValue.scope_key == municipality.id,
        KpiAggregateValue.month.in_(months))).all()
    return {"month": month, "months": months, **_series(rows, months)}


def status_per_month(user: User, today: date, where: tuple = (), status: str = "red") -> list[tuple[date, int]]:
    """Per month of the trend the number of values of this status among those the dashboard shows (of the contracts
    that `where` leaves): in the last month as many as the dashboard lists with that status."""
    _, months = trend_months(today)
    shown = shown_contracts(user, where=where)
    counts = dict(db.session.execute(sa.select(KpiValue.month, sa.func.count()).where(
        KpiValue.month.in_(months), KpiValue.status == status, headline_values(user, shown))
        .group_by(KpiValue.month)).all()) if shown else {}
    return [(month, counts.get(month, 0)) for month in months]
