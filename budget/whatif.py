"""What-if: what up to five alternative payment schedules would have paid over a window of real history, per
municipality, provider and milestone, against what approved runs actually paid for the same window.

The models run on the payment runs' own rules: the same event stream (payments.calculation.stream_trajectories),
the same facts and triggers (payments/rules.py), the same ceiling rule (payments.calculation.hold_at_ceiling).
Each trajectory's events are read and turned into facts once, for all models together; no line is written. A
model pays, in the window, the milestones earned in it as if the model had been in force from the start (its
ceiling per contract counts what it would have paid before the window too).
"""
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from budget.services import region_for
from contracts.models import Contract, Milestone
from core.auth import can_see_municipality, scope_filter
from core.errors import DomainError
from core.extensions import db
from core.models import Municipality, Service, User
from core.formats import format_decimal
from core.terms import amount_on, tariff_on, terms_to_json, validate_milestones
from payments.calculation import hold_at_ceiling, stream_trajectories
from payments.models import LineStatus, PaymentLine, PaymentRun, RunStatus
from payments.rules import Evidence, earned_instances, term_of

MAX_MODELS = 5
ZERO = Decimal("0.00")
NEW, HELD = LineStatus.NEW.value, LineStatus.HELD.value


@dataclass
class Basis:
    """What the models are compared on: the contracts (one, or a service's in a region), and the schedule that
    the form starts from (the first contract's at today's tariff; for a service every distinct milestone)."""

    contracts: list[Contract]
    label: str
    milestones: list[dict]
    price: Decimal
    ceiling: Decimal | None


@dataclass
class Model:
    name: str
    price: Decimal
    ceiling: Decimal | None
    milestones: list[dict]


@dataclass
class Totals:
    total: Decimal = ZERO
    held: Decimal = ZERO
    by_municipality: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_provider: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_milestone: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))

    def add(self, municipality_id: int, provider_id: int, code: str, amount: Decimal) -> None:
        self.total += amount
        self.by_municipality[municipality_id] += amount
        self.by_provider[provider_id] += amount
        self.by_milestone[code] += amount


@dataclass
class Simulation:
    basis: Basis
    start: date
    end: date
    models: list[tuple[Model, Totals]]
    actual: Totals
    municipalities: dict
    providers: dict

    @property
    def rows(self) -> dict[str, list[tuple]]:
        """The rows of the comparison per dimension: (key, Dutch label), in name order."""
        labels = {m["code"]: m["label"] for m in self.basis.milestones}
        codes = set(self.actual.by_milestone).union(*(totals.by_milestone for _, totals in self.models))
        return {"by_municipality": sorted(((mid, m.name) for mid, m in self.municipalities.items()), key=_second),
                "by_provider": sorted(((pid, p.name) for pid, p in self.providers.items()), key=_second),
                "by_milestone": [(code, f"{labels.get(code, code)} ({code})") for code in
                                 sorted(codes, key=lambda c: (list(labels).index(c) if c in labels else 99, c))]}


def _second(pair: tuple):
    return pair[1]


def basis_for(user: User, *, today: date, contract_id: int | None = None, service: str | None = None,
              region_id: int | None = None) -> Basis:
    """A contract within the user's scope, or a service's contracts in one of the user's regions."""
    visible = sa.select(Contract).where(Contract.municipalities.any(scope_filter(user, Municipality.id)))
    if contract_id is not None:
        contracts = db.session.scalars(visible.where(Contract.id == contract_id)).all()
        if not contracts:
            raise DomainError("Onbekend contract.", field="contract_id")
        label = f"contract {contracts[0].reference}"
    else:
        region = region_for(region_id, user) if region_id is not None else None
        found = db.session.scalar(sa.select(Service).where(Service.code == (service or "")))
        if found is None or region is None:
            raise DomainError("Kies een contract, of een dienst en een regio.", field="service")
        members = [m.id for m in region.municipalities]
        contracts = db.session.scalars(visible.where(Contract.service_id == found.id, Contract.municipalities.any(
            Municipality.id.in_(members))).order_by(Contract.reference)).all()
        if not contracts:
            raise DomainError(f"Er zijn geen contracten voor {found.name} in regio {region.name}.", field="service")
        label = f"{found.name} in regio {region.name}"
    first = contracts[0]
    return Basis(contracts, label, _base_milestones(contracts, today),
                 tariff_on(first.price_per_trajectory, first.tariff_changes, today)[0], first.ceiling)


def _base_milestones(contracts: list[Contract], today: date) -> list[dict]:
    rows, seen = [], set()
    for contract in contracts:
        for milestone in contract.milestones:
            if milestone.code in seen:
                continue
            seen.add(milestone.code)
            rows.append({"code": milestone.code, "label": milestone.label, "kind": milestone.kind,
                         "trigger": milestone.trigger, "params": dict(milestone.params or {}),
                         "amount": amount_on(milestone, contract.price_per_trajectory, contract.tariff_changes, today)
                         if milestone.amount is not None else None,
                         "percentage": milestone.percentage, "sources": list(milestone.sources)})
    return rows


def model_of(name: str, price: Decimal, ceiling: Decimal | None, milestones: list, index: int = 0) -> Model:
    """A model with a valid schedule (core.terms, as contracts check theirs): one DomainError lists every problem,
    each named models.<model>.milestones.<row>.<field>."""
    where = f"models.{index}"
    if price is None or price < 0:
        raise DomainError(f"{name}: de prijs per traject mag niet negatief zijn.",
                          field=f"{where}.price_per_trajectory")
    if ceiling is not None and ceiling < 0:
        raise DomainError(f"{name}: het plafond mag niet negatief zijn.", field=f"{where}.ceiling")
    try:
        return Model(name, price, ceiling, validate_milestones(milestones))
    except DomainError as exc:
        raise DomainError(f"{name}: {exc.message}", field=f"{where}.milestones", errors=[
            {**error, "field": f"{where}.milestones.{error['index']}.{error['field'] or ''}".rstrip(".")}
            for error in exc.errors or []]) from None


def simulate(basis: Basis, start: date, end: date, models: list[Model], *, user: User) -> Simulation:
    """What each model would have paid for the milestones earned from `start` through `end`, in the user's
    municipalities, and what was paid for them."""
    if not 1 <= len(models) <= MAX_MODELS:
        raise DomainError(f"Vergelijk één tot en met {MAX_MODELS} modellen.", field="models")
    if start > end:
        raise DomainError("De periode begint na haar einde.", field="from")
    terms = [[term_of(Milestone(position=n, **m), model.price) for n, m in enumerate(model.milestones, start=1)]
             for model in models]
    results = [Totals() for _ in models]
    municipalities, providers = {}, {}
    for contract in basis.contracts:
        members = [m for m in contract.municipalities if can_see_municipality(user, m)]
        municipalities.update({m.id: m for m in members})
        providers[contract.provider_id] = contract.provider
        _run_contract(contract, [m.id for m in members], start, end, models, terms, results)
    actual = _paid(basis.contracts, list(municipalities), start, end)
    return Simulation(basis, start, end, list(zip(models, results)), actual, municipalities, providers)


def _run_contract(contract: Contract, member_ids: list[int], start: date, end: date, models: list[Model],
                  terms: list, results: list[Totals]) -> None:
    """One pass over the contract's trajectories for every model; a model with a ceiling holds its lines at it
    in the runs' order (payments.calculation.hold_at_ceiling), contract by contract so memory stays small."""
    waiting = [[] for _ in models]
    cutoff = min(end, contract.pays_until or end)  # the contract's run-off holds under every model (issue 19)
    with closing(stream_trajectories(member_ids, contract_id=contract.id)) as stream:
        for (_, reference, contract_id, municipality_id, provider_id, effort_until), events, _ in stream:
            evidence = Evidence(events, effort_until)
            for n, model in enumerate(models):
                for e in earned_instances(terms[n], evidence, cutoff)[0]:
                    line = (e.trigger_date >= start, municipality_id, contract_id, provider_id, e.term.code,
                            e.term.amount_on(e.trigger_date), NEW, None)
                    if model.ceiling is not None:
                        waiting[n].append(((e.trigger_date, reference, e.term.position, e.month or date.min),
                                           e.term.amount_on(e.trigger_date), line))
                    elif line[0]:
                        results[n].add(municipality_id, provider_id, e.term.code, e.term.amount_on(e.trigger_date))
    for n, model in enumerate(models):
        if model.ceiling is None:
            continue
        lines, _, _ = hold_at_ceiling(waiting[n], {contract.id: model.ceiling}, {contract.id: ZERO})
        for in_window, municipality_id, _, provider_id, code, amount, status, _ in lines:
            if in_window and status == HELD:
                results[n].held += amount
            elif in_window:
                results[n].add(municipality_id, provider_id, code, amount)


def _paid(contracts: list[Contract], member_ids: list[int], start: date, end: date) -> Totals:
    """What approved runs paid for milestones triggered in the window (a clawback counts against its milestone)."""
    line = PaymentLine.__table__.c
    cents = sa.func.sum(sa.type_coerce(line.amount_cents, sa.BigInteger))
    rows = db.session.execute(
        sa.select(line.municipality_id, line.provider_id, line.milestone_code, cents)
        .join(PaymentRun.__table__, PaymentRun.__table__.c.id == line.run_id)
        .where(PaymentRun.__table__.c.status == RunStatus.APPROVED.value, line.status != HELD,
               line.contract_id.in_([c.id for c in contracts]), line.municipality_id.in_(member_ids or [-1]),
               line.trigger_date.between(start, end))
        .group_by(line.municipality_id, line.provider_id, line.milestone_code)).all()
    totals = Totals()
    for municipality_id, provider_id, code, amount in rows:
        totals.add(municipality_id, provider_id, code, Decimal(int(amount)).scaleb(-2))
    return totals


def as_table(simulation: Simulation, totals: Totals, name: str) -> dict:
    """One column of the comparison in the API's shape: totals per municipality (code), provider and milestone."""
    return {"name": name, "total": totals.total, "held": totals.held,
            "by_municipality": [{"municipality": simulation.municipalities[mid].code, "amount": amount}
                                for mid, amount in sorted(totals.by_municipality.items())],
            "by_provider": [{"provider_id": pid, "kvk_number": simulation.providers[pid].kvk_number, "amount": amount}
                            for pid, amount in sorted(totals.by_provider.items())],
            "by_milestone": [{"milestone": code, "amount": amount}
                             for code, amount in sorted(totals.by_milestone.items())]}


def comparison(simulation: Simulation) -> dict:
    return {"start": simulation.start, "end": simulation.end, "basis": simulation.basis.label,
            "actual": as_table(simulation, simulation.actual, "Werkelijk betaald"),
            "models": [as_table(simulation, totals, model.name) for model, totals in simulation.models]}


def basis_choices(user: User) -> list[tuple[str, str]]:
    """What the form offers to compare on: each visible contract (c:<id>) and each service in a region that has
    contracts (s:<service code>:<region id>)."""
    contracts = db.session.scalars(sa.select(Contract).where(Contract.municipalities.any(
        scope_filter(user, Municipality.id))).order_by(Contract.reference)).all()
    choices = [(f"c:{c.id}", f"Contract {c.reference} ({c.service.name}, {c.provider.name})") for c in contracts]
    pairs = sorted({(c.service.position, c.service.code, c.service.name, region.id, region.name)
                    for c in contracts for m in c.municipalities for region in m.regions
                    if can_see_municipality(user, m)})
    return choices + [(f"s:{code}:{region_id}", f"{name} in regio {region}")
                      for _, code, name, region_id, region in pairs]


def chosen_basis(choice: str | None, user: User, *, today: date) -> tuple[list, str, Basis | None]:
    """The form's choices, the one chosen (the first when none or an unknown one is asked) and its basis."""
    choices = basis_choices(user)
    if choice not in {value for value, _ in choices}:
        choice = choices[0][0] if choices else ""
    return choices, choice, basis_from_choice(choice, user, today=today) if choices else None


def basis_from_choice(choice: str, user: User, *, today: date) -> Basis:
    kind, _, rest = (choice or "").partition(":")
    if kind == "c" and rest.isdigit():
        return basis_for(user, today=today, contract_id=int(rest))
    code, _, region_id = rest.partition(":")
    if kind == "s" and region_id.isdigit():
        return basis_for(user, today=today, service=code, region_id=int(region_id))
    raise DomainError("Kies een contract, of een dienst en een regio.", field="basis")


def _cell(milestone: dict) -> str:
    if milestone.get("amount") is not None:
        return format_decimal(Decimal(milestone["amount"]), 2)
    return f"{Decimal(milestone['percentage']).normalize():f}".replace(".", ",") + "%"


def form_columns(basis: Basis) -> list[dict]:
    """The form's first column: the basis's own schedule; the other columns empty."""
    current = {"name": "Huidig schema", "price": basis.price, "ceiling": basis.ceiling,
               "cells": [_cell(m) for m in basis.milestones]}
    return [current] + [{"name": "", "price": None, "ceiling": None, "cells": [""] * len(basis.milestones)}
                        for _ in range(MAX_MODELS - 1)]


def models_from_columns(columns: list[dict], basis: Basis) -> list[Model]:
    """The filled columns as models: each milestone of the basis with what the column pays for it (amount or
    percentage); a milestone left empty is not paid; a column without any value is left out."""
    models = []
    for n, column in enumerate(columns):
        cells = column["cells"]
        if not (column.get("name") or column.get("price") is not None or any(value for value in cells)):
            continue
        milestones = [{**row, "amount": value[0], "percentage": value[1]}
                      for row, value in zip(basis.milestones, cells) if value is not None]
        name = (column.get("name") or "").strip() or f"Model {n + 1}"
        price = column["price"] if column.get("price") is not None else basis.price
        models.append(model_of(name, price, column.get("ceiling"), terms_to_json(milestones), n))
    return models


def form_defaults(basis: Basis | None, today: date) -> dict:
    """The form as it opens: the twelve months before this one, the basis's own schedule as the first model."""
    first = today.replace(day=1)
    return {"start": first.replace(year=first.year - 1), "end": first - timedelta(days=1),
            "models": form_columns(basis) if basis else []}
