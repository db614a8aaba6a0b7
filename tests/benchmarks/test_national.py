"""The benchmarks run end to end at a tiny scale: every figure is produced, and the payment run pays to the cent
what the hand-written SQL query computes over the same events. No timings are asserted here."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from benchmarks import budget, dataset, national
from core.extensions import db
from core.terms import KPI_NAMES
from trajectories.models import ProgressEvent, Trajectory


def test_generator_loads_the_mix_in_bulk(file_app):
    with file_app.app_context():
        stats = dataset.generate(scale=0.002)
        kinds = dict(db.session.execute(sa.select(ProgressEvent.type, sa.func.count()).group_by(ProgressEvent.type)).all())
        assert stats["trajectories"] == db.session.scalar(sa.select(sa.func.count(Trajectory.id))) == 200
        assert stats["events"] == sum(kinds.values())
        assert 30 * 200 < stats["events"] < 50 * 200
        assert {"start", "attendance", "progress_test", "exam", "module_completed", "dropout"} <= kinds.keys()
        assert stats["municipalities"] == 350 and stats["contracts"] == 140


def test_every_benchmark_produces_its_figure(file_app):
    url = file_app.config["SQLALCHEMY_DATABASE_URI"]
    imported = national.bench_import(file_app, 500)
    assert imported["rows"] == imported["accepted"] == 500 and imported["copy_rows_per_s"] > 0

    with file_app.app_context():
        dataset.generate(scale=0.002)
    run = national.bench_payment_run(file_app)
    assert run["total"] == run["sql_total"] > Decimal("0")
    assert run["ratio"] > 0

    dashboard = national.bench_dashboard(url, users=2, seconds=1, workers=1)
    assert dashboard["requests"] > 0 and dashboard["errors"] == 0 and dashboard["p95_ms"] > 0
    # the nightly job ran first: 140 contracts x 3 agreed indicators x (1 + 10 municipalities) x 13 months, and
    # every indicator per provider (whole and per municipality) and per municipality
    assert dashboard["job"]["rows"] == 140 * 3 * 11 * 13 + (140 * 11 + 350) * len(KPI_NAMES) * 13
    assert dashboard["shows_stored_values"]

    memory = national.peak_memory(url)
    assert Decimal(memory["total"]) == run["total"] and memory["peak_mb"] > 0


def test_the_budget_benchmarks_produce_their_figures(file_app):
    with file_app.app_context():
        dataset.generate(scale=0.002)
    figures = budget.bench(file_app, run_seconds=1.0)
    assert figures["committed"] > 0 and figures["forecast"] > 0
    names = [name for name, _, _ in figures["models"]]
    assert names == ["Huidig", "Meer start", "Meer resultaat", "Plafond", "Percentages"]
    totals = {name: total for name, total, _ in figures["models"]}
    # The data set's own schedule pays everything earned through the cut-off: what a first run pays.
    with file_app.app_context():
        assert totals["Huidig"] == national.sql_total()


def test_the_benchmark_database_is_created_when_missing(database_url, tmp_path):
    """`make bench` on a fresh machine: the database BENCH_DB names need not exist yet."""
    if not database_url.startswith("postgresql"):
        target = f"sqlite:///{tmp_path / 'bench.db'}"
        assert national.ensure_database(target) == target and not (tmp_path / "bench.db").exists()
        return
    url = sa.make_url(database_url).set(database=f"{sa.make_url(database_url).database}_fresh_bench")
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    exists = sa.text("select count(*) from pg_database where datname = :n")
    with admin.connect() as conn:
        conn.execute(sa.text(f'drop database if exists "{url.database}"'))
        national.ensure_database(url.render_as_string(hide_password=False))
        national.ensure_database(url.render_as_string(hide_password=False))  # a second time: no error
        assert conn.scalar(exists, {"n": url.database}) == 1
        conn.execute(sa.text(f'drop database "{url.database}"'))
    admin.dispose()


@pytest.mark.parametrize("disabled", [
    # effort milestones paid after the termijn, extended or not (issue 19)
    ("payments.rules.Term.is_effort", property(lambda term: False)),
    # an hours milestone counting every bucket instead of the one it names
    ("payments.rules._months", lambda facts, bucket: facts.months),
])
def test_the_oracle_catches_the_termijn_and_bucket_rules_when_disabled(file_app, monkeypatch, disabled):
    """The run pays what the SQL query computes; with one of issue 19's rules switched off it no longer does."""
    with file_app.app_context():
        dataset.generate(scale=0.002)
        expected = national.sql_total()
        assert national.national_run() == expected
        db.session.rollback()
        monkeypatch.setattr(*disabled)
        assert national.national_run() != expected
        db.session.rollback()


def _oracle_counts(kpi: str, start, end) -> tuple[int, int]:
    """(numerator, denominator) of one of issue 19's indicators over every trajectory of the data set, counted
    here from the rows themselves: the PIP within 10 weeks of the kennisgeving, the start within 6 weeks of the
    PIP, and completion (or still running) within the termijn."""
    from datetime import timedelta

    voided = sa.select(ProgressEvent.retracts_id).where(ProgressEvent.retracts_id.is_not(None))
    first = {(tid, kind): day for tid, kind, day in db.session.execute(
        sa.select(ProgressEvent.trajectory_id, ProgressEvent.type, sa.func.min(ProgressEvent.occurred_on))
        .where(ProgressEvent.id.not_in(voided)).group_by(ProgressEvent.trajectory_id, ProgressEvent.type))}
    numerator = denominator = 0
    for t in db.session.scalars(sa.select(Trajectory)):
        started, completed = first.get((t.id, "start")), first.get((t.id, "completed"))
        ended = min([d for d in (completed, first.get((t.id, "dropout"))) if d], default=None)
        if kpi in ("timely_pip", "start_after_pip"):
            since, done, weeks = (t.kennisgeving_on, t.pip_date, 10) if kpi == "timely_pip" else (
                t.pip_date, started, 6)
            due = since + timedelta(weeks=weeks)
            denominator += start <= due <= end
            numerator += start <= due <= end and done is not None and done <= due
            continue
        last_day = t.term_extended_until or t.term_ends_on
        running = started is not None and started <= end and (ended is None or ended >= start)
        if last_day is None or not running or (ended is not None and ended <= end and ended != completed):
            continue
        denominator += 1
        numerator += (completed if completed is not None and completed <= end else end) <= last_day
    return numerator, denominator


@pytest.mark.parametrize("kpi", ["timely_pip", "start_after_pip", "on_course_in_term"])
def test_the_termijn_indicators_count_what_the_rows_say(file_app, kpi):
    """Issue 19's indicators over the whole data set and every month of its courses, against a count of the rows."""
    from datetime import date

    from kpis.services import compute, load_timelines

    window = (date(2023, 1, 1), dataset.CUTOFF)
    with file_app.app_context():
        dataset.generate(scale=0.002)
        result = compute(load_timelines(sa.true()), kpi, {}, *window)
        expected = _oracle_counts(kpi, *window)
        assert expected[1] > 0 and (result.numerator, result.denominator) == expected
