"""The nightly job `kpi_monthly_values`: every value a dashboard shows, for each of the last 13 months, stored.

Stored are a contract's agreed indicators (contract-wide and per municipality: `KpiValue`), and every indicator per
provider (over all its contracts, and per municipality) and per municipality (all its trajectories, whatever the
contract: `KpiAggregateValue`). Each value equals the live computation over the same month (services.compute).

The rules run once per cell: one contract's trajectories in one municipality, for one month and one set of params.
Every larger group is the combination of its cells (rules.combine: counts and hours add up, medians merge), since
each trajectory lies in exactly one contract and one municipality. Contracts are read one at a time as plain
columns, so memory follows the largest contract, and the values are written in bulk. The job replaces every stored
value, so running it twice leaves the same rows.
"""
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from contracts.models import Contract
from core.bulk import insert_rows
from core.dates import now_utc
from core.extensions import db
from core.models import Municipality
from kpis.models import KpiAggregateValue, KpiValue
from kpis.rules import combine, status
from kpis.services import (STORED_MONTHS, add_months, agreed_terms, compute, full_params,
                                      last_complete_month, load_timelines, month_window, raise_alerts)
from trajectories.models import Trajectory


def _spec(kpi: str, params: dict | None) -> tuple:
    """An indicator with its params (defaults filled in), hashable: cells are computed once per spec."""
    return kpi, tuple(sorted(full_params(kpi, params).items()))


def _cells(contract: Contract, specs: set, windows: list) -> dict:
    """{(municipality_id, month index, spec): Result} over the contract's trajectories, one municipality each."""
    groups = {m.id: [] for m in contract.municipalities}
    for timeline in load_timelines(Trajectory.contract_id == contract.id):
        groups.setdefault(timeline.municipality_id, []).append(timeline)
    return {(municipality_id, index, spec): combine(spec[0], [compute(timelines, spec[0], dict(spec[1]), *window)])
            for municipality_id, timelines in groups.items() for index, window in enumerate(windows)
            for spec in specs}


def _contract_rows(contract: Contract, cells: dict, months: list, computed_at) -> list[dict]:
    rows, municipality_ids = [], {m for m, _, _ in cells}
    for agreement in contract.kpi_agreements:
        spec = _spec(agreement.kpi, agreement.params)
        for index, month in enumerate(months):
            found = {m: cells[(m, index, spec)] for m in municipality_ids}
            scopes = [(0, combine(agreement.kpi, found.values()))] + [(m.id, found[m.id]) for m in
                                                                      contract.municipalities]
            rows += [{"contract_id": contract.id, "municipality_id": key or None, "scope_key": key,
                      "kpi": agreement.kpi, "month": month, "value": result.value, "numerator": result.numerator,
                      "denominator": result.denominator, "norm": agreement.norm, "direction": agreement.direction,
                      "status": status(result.value, agreement.norm, agreement.direction), "computed_at": computed_at}
                     for key, result in scopes]
    return rows


def _aggregate_rows(groups: dict, terms: dict, months: list, computed_at) -> list[dict]:
    """groups: {(provider_key, scope_key, month index, kpi): [Result]}; terms: {provider_key: agreed_terms}."""
    rows = []
    for (provider_key, scope_key, index, kpi), results in groups.items():
        result = combine(kpi, results)
        _, norm, direction = terms[provider_key][kpi]
        rows.append({"provider_id": provider_key or None, "municipality_id": scope_key or None,
                     "provider_key": provider_key, "scope_key": scope_key, "kpi": kpi, "month": months[index],
                     "value": result.value, "numerator": result.numerator, "denominator": result.denominator,
                     "norm": norm, "direction": direction, "status": status(result.value, norm, direction),
                     "computed_at": computed_at})
    return rows


def refresh_monthly_values(today: date) -> str:
    """Replace the stored values of the last 13 months (the current one until today), then raise alerts."""
    first = add_months(today.replace(day=1), 1 - STORED_MONTHS)
    months = [add_months(first, i) for i in range(STORED_MONTHS)]
    windows = [month_window(month, today) for month in months]
    computed_at = now_utc()
    contracts = db.session.scalars(sa.select(Contract).order_by(Contract.id).options(
        selectinload(Contract.kpi_agreements), selectinload(Contract.municipalities))).all()
    by_provider = defaultdict(list)
    for contract in contracts:
        by_provider[contract.provider_id] += contract.kpi_agreements
    terms = {0: agreed_terms([])} | {provider_id: agreed_terms(a) for provider_id, a in by_provider.items()}
    groups = defaultdict(list)
    for municipality_id in db.session.scalars(sa.select(Municipality.id)):
        for index in range(len(months)):
            for kpi in terms[0]:
                groups[(0, municipality_id, index, kpi)] = []
    db.session.execute(sa.delete(KpiValue))
    db.session.execute(sa.delete(KpiAggregateValue))
    running = [c for c in contracts if c.starts_on <= today and c.ends_on >= first]
    running_ids = {c.id for c in running}
    default_specs = {kpi: _spec(kpi, params) for kpi, (params, _, _) in terms[0].items()}
    for contract in contracts:
        provider_specs = {kpi: _spec(kpi, params) for kpi, (params, _, _) in terms[contract.provider_id].items()}
        agreed = {_spec(a.kpi, a.params) for a in contract.kpi_agreements} if contract.id in running_ids else set()
        cells = _cells(contract, agreed | set(provider_specs.values()) | set(default_specs.values()), windows)
        for (municipality_id, index, spec), result in cells.items():
            kpi = spec[0]
            if spec == provider_specs[kpi]:
                groups[(contract.provider_id, 0, index, kpi)].append(result)
                groups[(contract.provider_id, municipality_id, index, kpi)].append(result)
            if spec == default_specs[kpi]:
                groups[(0, municipality_id, index, kpi)].append(result)
        if contract.id in running_ids:
            insert_rows(KpiValue, _contract_rows(contract, cells, months, computed_at))
    insert_rows(KpiAggregateValue, _aggregate_rows(groups, terms, months, computed_at))
    alerts = sum(len(raise_alerts(contract, last_complete_month(today))) for contract in running)
    return (f"{len(running)} contracten, {len(by_provider)} aanbieders, {len(months)} maanden, "
            f"{alerts} nieuwe signalen")
