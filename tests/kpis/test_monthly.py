"""The nightly job stores, per month, exactly what the live computation gives for that month: per contract (agreed
indicators), per provider (over all its contracts, and per municipality) and per municipality; rerunning it
changes nothing."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.extensions import db
from kpis import monthly, services
from kpis.models import KpiAggregateValue, KpiValue
from core.terms import KPI_NAMES
from trajectories.models import Trajectory
from tests.kpis.conftest import TODAY

MAR, APR = date(2026, 3, 1), date(2026, 4, 1)  # the last complete month; the current one (until TODAY)


def ev(type_, day, **fields):
    return (type_, day, fields)


def hours(month, offered, attended, excused="0", **kw):
    return ev("attendance", month + timedelta(days=3), month=month, hours_offered=Decimal(offered),
              hours_attended=Decimal(attended), hours_excused=Decimal(excused), **kw)


START = ev("start", date(2025, 12, 1))

# Each case: trajectories as (contract, municipality, referral date, events). Contracts: "p1" and "p2" of one
# provider (p1 in A and B, p2 in A), "q" of another provider in B. A fields value void=True adds a retraction.
CASES = {
    "no trajectories": [],
    "attendance with excused hours and a retraction, over two contracts": [
        ("p1", "A", date(2025, 11, 1), [START, hours(MAR, 40, 30, excused=4), hours(date(2026, 2, 1), 40, 40)]),
        ("p2", "A", date(2025, 11, 1), [START, hours(MAR, 40, 10), hours(MAR, 40, 40, void=True)]),
        ("q", "B", date(2025, 11, 1), [START, hours(MAR, 20, 20)]),
    ],
    "medians over contracts, dropouts and outflow": [
        ("p1", "A", date(2025, 1, 1), [ev("start", date(2025, 3, 1)), ev("completed", date(2026, 3, 10)),
                                       ev("outflow", date(2026, 3, 20), destination="werk")]),
        ("p2", "A", date(2025, 1, 1), [ev("start", date(2025, 6, 1)), ev("completed", date(2026, 3, 12))]),
        ("p1", "B", date(2025, 1, 1), [ev("start", date(2025, 9, 1)), ev("completed", date(2026, 3, 2))]),
        ("q", "B", date(2025, 1, 1), [START, ev("dropout", date(2026, 3, 5), reason="uitval")]),
        ("p1", "B", date(2025, 1, 1), [START, ev("dropout", date(2026, 4, 2), reason="verhuizing")]),
    ],
    "timely start under different weeks, exams and progress tests": [
        ("p1", "A", date(2026, 1, 12), [ev("start", date(2026, 2, 3)),
                                        ev("progress_test", date(2026, 3, 4), skill="LE", level="A2")]),
        ("p2", "A", date(2025, 12, 20), [ev("start", date(2026, 3, 2)),
                                         ev("exam", date(2026, 3, 9), component="LE", level="B1", result="geslaagd")]),
        ("q", "B", date(2026, 1, 5), [ev("exam", date(2026, 3, 9), component="SP", level="B1", result="gezakt"),
                                      ev("exam", date(2026, 3, 9), component="SP", level="A2", result="geslaagd")]),
    ],
    "an afschaling: no uitval, and the onderdeel's exams at its lowered level (issue 19)": [
        ("q", "B", date(2025, 11, 1), [START, ev("afschaling", date(2026, 2, 20), skill="SP", level="A2",
                                                 pip_version="2"),
                                       ev("exam", date(2026, 3, 9), component="SP", level="A2", result="geslaagd"),
                                       ev("exam", date(2026, 3, 9), component="LE", level="A2", result="gezakt")]),
        ("p1", "A", date(2025, 11, 1), [START, ev("afschaling", date(2026, 3, 3), skill="LE", level="A2",
                                                  pip_version="3"), hours(MAR, 40, 36)]),
    ],
}


@pytest.fixture
def world(make_municipality, make_provider, make_contract, make_trajectory, make_event):
    """Two municipalities, provider P with contracts p1 and p2 (differing on timely start, agreeing on attendance),
    provider Q with contract q; then the case's trajectories."""

    def make(case):
        a, b = make_municipality(name="Alblasserdam"), make_municipality(name="Barendrecht")
        p, q = make_provider(), make_provider()
        attendance = {"kpi": "attendance_rate", "params": {}, "norm": Decimal("0.8"), "direction": "min"}
        contracts = {
            "p1": make_contract(provider=p, municipalities=[a, b], kpis=[
                attendance, {"kpi": "timely_start", "params": {"weeks": 4}, "norm": Decimal("0.5"), "direction": "min"},
                {"kpi": "median_duration", "params": {}, "norm": Decimal("300"), "direction": "max"}]),
            "p2": make_contract(provider=p, municipalities=[a], kpis=[
                attendance, {"kpi": "timely_start", "params": {"weeks": 10}, "norm": Decimal("0.5"), "direction": "min"}]),
            "q": make_contract(provider=q, municipalities=[b], kpis=[
                {"kpi": "exam_pass_rate", "params": {"level": "A2"}, "norm": Decimal("0.6"), "direction": "min"}]),
        }
        towns = {"A": a, "B": b}
        for contract, town, referral, events in CASES[case]:
            trajectory = make_trajectory(contracts[contract], municipality=towns[town], referral_date=referral)
            for type_, day, fields in events:
                fields = dict(fields)
                void = fields.pop("void", False)
                event = make_event(trajectory, type_, day, **fields)
                if void:
                    make_event(trajectory, "retraction", day, retracts_id=event.id)
        db.session.flush()
        return contracts, (p, q), (a, b)

    return make


def live(indicators):
    return {i.kpi: (i.result.value, i.result.numerator, i.result.denominator, i.norm, i.direction, i.status)
            for i in indicators}


def row_tuple(row):
    return row.value, row.numerator, row.denominator, row.norm, row.direction, row.status


@pytest.mark.parametrize("case", CASES)
def test_every_stored_value_equals_the_live_computation_of_its_month(world, case):
    contracts, providers, towns = world(case)
    monthly.refresh_monthly_values(TODAY)
    aggregates = db.session.scalars(sa.select(KpiAggregateValue)).all()
    # per provider: whole and in each of its contracts' municipalities; per municipality: every indicator
    assert len(aggregates) == 13 * len(KPI_NAMES) * (3 + 2 + 2)
    for month in {r.month for r in aggregates}:
        start, end = services.month_window(month, TODAY)
        expected = {}
        for provider in providers:
            for town in (None, *towns):
                found = live(services.provider_indicators(provider, start, end, municipality=town))
                if town is None or town in {m for c in contracts.values() if c.provider == provider
                                            for m in c.municipalities}:
                    expected[(provider.id, town.id if town else 0)] = found
        for town in towns:
            expected[(0, town.id)] = live(services.municipality_indicators(town, start, end))
        stored = {}
        for row in aggregates:
            if row.month == month:
                stored.setdefault((row.provider_key, row.scope_key), {})[row.kpi] = row_tuple(row)
        assert stored == expected, month
        for contract in contracts.values():
            rows = db.session.scalars(sa.select(KpiValue).where(KpiValue.contract_id == contract.id,
                                                                KpiValue.month == month)).all()
            for town in (None, *contract.municipalities):
                found = live(services.contract_indicators(contract, start, end, municipality=town))
                assert {r.kpi: row_tuple(r) for r in rows if r.scope_key == (town.id if town else 0)} == found


def test_the_provider_norm_is_kept_only_where_its_contracts_agree(world):
    _, (p, q), _ = world("no trajectories")
    monthly.refresh_monthly_values(TODAY)
    norms = dict(db.session.execute(sa.select(KpiAggregateValue.kpi, KpiAggregateValue.norm).where(
        KpiAggregateValue.provider_key == p.id, KpiAggregateValue.scope_key == 0, KpiAggregateValue.month == MAR)).all())
    assert norms["attendance_rate"] == Decimal("0.8") and norms["timely_start"] is None
    # q's only contract agrees exams at A2: its stored exam values are judged by that agreement
    exam = db.session.scalar(sa.select(KpiAggregateValue).where(
        KpiAggregateValue.provider_key == q.id, KpiAggregateValue.scope_key == 0, KpiAggregateValue.month == MAR,
        KpiAggregateValue.kpi == "exam_pass_rate"))
    assert (exam.norm, exam.direction) == (Decimal("0.6"), "min")


def _snapshot():
    return {model.__name__: sorted(
        tuple(str(v) for k, v in vars(row).items() if k not in ("id", "computed_at", "_sa_instance_state"))
        for row in db.session.scalars(sa.select(model)))
        for model in (KpiValue, KpiAggregateValue)}


def test_rerunning_the_job_leaves_the_same_rows(world):
    world("medians over contracts, dropouts and outflow")
    monthly.refresh_monthly_values(TODAY)
    first = _snapshot()
    db.session.expunge_all()
    monthly.refresh_monthly_values(TODAY)
    db.session.expunge_all()
    assert _snapshot() == first and len(first["KpiValue"]) == 13 * (3 * 3 + 2 * 2 + 1 * 2)
    # and the values are those of the latest run
    times = db.session.scalars(sa.select(KpiAggregateValue.computed_at).distinct()).all()
    assert len(times) == 1


def test_the_job_reads_the_events_as_they_are_at_each_run(world, make_event):
    contracts, _, (a, _) = world("attendance with excused hours and a retraction, over two contracts")
    monthly.refresh_monthly_values(TODAY)
    wide = sa.select(KpiAggregateValue.value).where(KpiAggregateValue.provider_key == 0,
                                                    KpiAggregateValue.scope_key == a.id,
                                                    KpiAggregateValue.kpi == "attendance_rate",
                                                    KpiAggregateValue.month == MAR)
    assert db.session.scalar(wide) == Decimal("0.5263")  # (30 + 10) / (36 + 40)
    trajectory = db.session.scalar(sa.select(Trajectory).where(Trajectory.contract_id == contracts["p2"].id))
    make_event(trajectory, "attendance", APR + timedelta(days=2), month=MAR, hours_offered=Decimal(40), hours_attended=Decimal(40),
               hours_excused=Decimal(0))
    assert db.session.scalar(wide) == Decimal("0.5263")  # stored: unchanged until the next run
    monthly.refresh_monthly_values(TODAY)
    assert db.session.scalar(wide) == Decimal("0.6897")  # (30 + 10 + 40) / (36 + 40 + 40)
