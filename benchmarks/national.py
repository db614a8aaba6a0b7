"""National-scale benchmarks (issue 10). Each prints its figure and its ratio to the limit measured in the same run.

    python -m benchmarks.national --scale 1.0 --database-url postgresql:///bench_national
    python -m benchmarks.national --scale 0.1 --database-url sqlite:////tmp/bench.db

(a) payment run for the whole country for one month against one hand-written SQL query over the same events;
(b) progress import rows/s against COPY (PostgreSQL) or executemany (SQLite) of the same rows;
(c) the nightly KPI job, then the KPI dashboard of one region under 20 concurrent users (gunicorn + wrk);
(d) peak memory of the national run, at this scale and at a quarter of it (each in a fresh process);
(e) the national commitment, the national forecast and a what-if of five tariff models (benchmarks/budget.py),
    each against the national payment run measured in the same run; (f) their peak memory, as (d);
(g) the backtest of the forecast on the data set in its steady form (loaded anew, after every other section):
    the runs approved, the forecast of twelve months before against what they paid.
The database is dropped and rebuilt.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import budget, dataset  # noqa: E402
from config import TestConfig  # noqa: E402
from core import create_app  # noqa: E402
from core.extensions import db  # noqa: E402

#: One hand-written query: the total that a first run for the cut-off pays for dataset.SCHEDULE (no ceilings), with
#: its evidence rules: exams only from DUO or staff, the MAP only from staff. An afgeschaald onderdeel (issue 19)
#: counts at A2 from its afschaling's date on. A contract's run-off until a date stops what is earned after it; the
#: data set's run-off dates are month ends, so an attendance month counts when its first day is on or before the date.
#: Issue 19: UREN counts the taal and KNM bucket only, AANW every bucket; an effort (inspanning) milestone counts when
#: its day (for AANW and UREN the first of its month) is on or before the termijn's last day, or its extension's
#: where the contract pays effort in an extended termijn.
NATIONAL_TOTAL_SQL = """
WITH counting0 AS (
  SELECT e.trajectory_id, e.type, e."date" AS d, e.month, e.hours_offered_e2 AS offered,
         e.hours_attended_e2 AS attended, e.hours_excused_e2 AS excused, e.skill, e.level, e.component, e.result,
         e.module, e.destination, e.bucket, (e.sender = 'duo' OR e.sender LIKE 'user:%') AS official,
         e.sender LIKE 'user:%' AS by_staff
  FROM progress_event e
  WHERE e.type <> 'retraction' AND NOT EXISTS (SELECT 1 FROM progress_event r WHERE r.retracts_id = e.id)
), dropout AS (
  SELECT trajectory_id, MIN(d) AS d FROM counting0 WHERE type = 'dropout' GROUP BY trajectory_id
), c AS (
  SELECT c0.* FROM counting0 c0 LEFT JOIN dropout x ON x.trajectory_id = c0.trajectory_id
  WHERE x.d IS NULL OR c0.d <= x.d
), months AS (
  SELECT trajectory_id, month, SUM(offered) AS offered, SUM(attended) AS attended, SUM(COALESCE(excused, 0)) AS excused
  FROM c WHERE type = 'attendance' GROUP BY trajectory_id, month
), taal AS (
  SELECT trajectory_id, month, SUM(SUM(attended)) OVER (PARTITION BY trajectory_id ORDER BY month) AS running
  FROM c WHERE type = 'attendance' AND COALESCE(bucket, 'taal_knm') = 'taal_knm' GROUP BY trajectory_id, month
), qualifying AS (
  SELECT trajectory_id, month, ROW_NUMBER() OVER (PARTITION BY trajectory_id ORDER BY month) AS n
  FROM months WHERE offered - excused > 0 AND attended * 100 >= 80 * (offered - excused)
), lowered AS (
  SELECT trajectory_id, skill, MIN(d) AS d FROM c WHERE type = 'afschaling' AND level = 'A2'
  GROUP BY trajectory_id, skill
), skills AS (
  SELECT s.trajectory_id, s.name,
         MIN(CASE WHEN s.level IN ('B1', 'B2') THEN s.d WHEN s.d > l.d THEN s.d ELSE l.d END) AS d
  FROM (SELECT trajectory_id, COALESCE(skill, component) AS name, level, d FROM c
        WHERE (type = 'progress_test' AND skill IN ('LE', 'LU', 'SC', 'SP'))
           OR (type = 'exam' AND result = 'geslaagd' AND component IN ('LE', 'LU', 'SC', 'SP'))) s
  LEFT JOIN lowered l ON l.trajectory_id = s.trajectory_id AND l.skill = s.name
  WHERE s.level IN ('B1', 'B2') OR (l.d IS NOT NULL AND s.level = 'A2')
  GROUP BY s.trajectory_id, s.name
), exams AS (
  SELECT e.trajectory_id, e.component,
         MIN(CASE WHEN e.component = 'KNM' OR e.level IN ('B1', 'B2') THEN e.d WHEN e.d > l.d THEN e.d ELSE l.d END) AS d
  FROM c e LEFT JOIN lowered l ON l.trajectory_id = e.trajectory_id AND l.skill = e.component
  WHERE e.type = 'exam' AND e.result = 'geslaagd' AND e.official
    AND (e.component = 'KNM' OR (e.component IN ('LE', 'LU', 'SC', 'SP')
                                 AND (e.level IN ('B1', 'B2') OR (l.d IS NOT NULL AND e.level = 'A2'))))
  GROUP BY e.trajectory_id, e.component
), earned AS (
  SELECT trajectory_id, 'START' AS code, MIN(d) AS d FROM c WHERE type = 'start' GROUP BY trajectory_id
  UNION ALL
  SELECT trajectory_id, 'AANW', month FROM qualifying WHERE n <= 12 AND month <= :cutoff_month
  UNION ALL
  SELECT trajectory_id, 'B1', MAX(d) FROM skills GROUP BY trajectory_id HAVING COUNT(*) = 4
  UNION ALL
  SELECT trajectory_id, 'EXAMEN', MAX(d) FROM exams GROUP BY trajectory_id HAVING COUNT(*) = 5
  UNION ALL
  SELECT trajectory_id, 'MAP', MIN(d) FROM c WHERE type = 'module_completed' AND module = 'MAP' AND by_staff
  GROUP BY trajectory_id
  UNION ALL
  SELECT trajectory_id, 'UREN', MIN(month) FROM taal WHERE running >= 60000 GROUP BY trajectory_id
  UNION ALL
  SELECT trajectory_id, 'AF', MIN(d) FROM c WHERE type = 'completed' GROUP BY trajectory_id
  UNION ALL
  SELECT trajectory_id, 'WERK', MIN(d) FROM c WHERE type = 'outflow' AND destination = 'werk' GROUP BY trajectory_id
)
SELECT COALESCE(SUM(m.amount_cents), 0) FROM earned
JOIN trajectory t ON t.id = earned.trajectory_id
JOIN contract ct ON ct.id = t.contract_id
JOIN milestone m ON m.contract_id = t.contract_id AND m.code = earned.code
WHERE (earned.code = 'AANW' OR earned.d <= :cutoff)
  AND (ct.run_off <> 'tot_datum' OR earned.d <= ct.run_off_until)
  AND (m.kind <> 'inspanning' OR t.term_ends_on IS NULL OR earned.d <= CASE
       WHEN ct.pays_effort_in_extension AND t.term_extended_until IS NOT NULL THEN t.term_extended_until
       ELSE t.term_ends_on END)
"""


def make_app(database_url: str):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": database_url})


def _timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def sql_total() -> Decimal:
    cutoff = dataset.CUTOFF
    cents = db.session.scalar(sa.text(NATIONAL_TOTAL_SQL), {"cutoff": cutoff, "cutoff_month": cutoff.replace(day=1)})
    return Decimal(int(cents)).scaleb(-2)


def national_run() -> Decimal:
    """The scheduled job: one draft run per region for the month; their totals added up."""
    from payments.models import PaymentRun
    from payments.runs import make_monthly_runs

    make_monthly_runs(dataset.TODAY)
    db.session.flush()
    total = db.session.scalar(sa.select(sa.func.sum(sa.type_coerce(PaymentRun.__table__.c.total_cents, sa.BigInteger)))
                              .where(PaymentRun.period == dataset.PERIOD))
    return Decimal(int(total or 0)).scaleb(-2)


def bench_payment_run(app) -> dict:
    """(a) the national run against the SQL total; rolled back afterwards so it can run again."""
    with app.app_context():
        expected, sql_seconds = _timed(sql_total)
        total, seconds = _timed(national_run)
        db.session.rollback()
    return {"total": total, "sql_total": expected, "seconds": seconds, "sql_seconds": sql_seconds,
            "ratio": seconds / sql_seconds}


def bench_import(app, rows: int) -> dict:
    """(b) import_csv of `rows` rows, uploaded by a provider's user, against bulk loading the same rows (COPY on
    PostgreSQL). Rebuilds the schema."""
    from benchmarks.progress_import import import_as_uploader, setup, uploader, write_csv
    from trajectories.models import ProgressEvent
    from trajectories.services import sender_for

    setup(app)
    with tempfile.TemporaryDirectory() as folder, app.app_context():
        path = Path(folder) / "bench.csv"
        write_csv(path, rows)
        with path.open("rb") as stream:
            result, seconds = _timed(lambda: import_as_uploader(stream, today=dataset.TODAY))
        db.session.rollback()
        user = uploader()
        sender = sender_for(user)
        columns = ("trajectory_id", "sender", "event_id", "type", "date", "month", "hours_offered_e2",
                   "hours_attended_e2", "hours_excused_e2", "source", "created_by_id", "created_at")
        with path.open(encoding="utf-8") as lines:
            next(lines)
            trajectories = dict(db.session.execute(sa.select(sa.text("reference, id FROM trajectory"))).all())

            def parsed():
                for line in lines:
                    event_id, trajectory, kind, day, month, offered, attended, excused = line.rstrip("\n").split(";")
                    yield (trajectories[trajectory], sender, event_id, kind, date.fromisoformat(day),
                           date.fromisoformat(month + "-01"), int(offered) * 100,
                           int(Decimal(attended.replace(",", ".")) * 100), int(excused) * 100, "csv", user.id,
                           "2026-11-23 00:00:00")

            copied, copy_seconds = _timed(lambda: dataset.bulk_load("progress_event", columns, parsed()))
        db.session.rollback()
        db.session.execute(sa.delete(ProgressEvent))
        db.session.commit()
    rate = result.rows / seconds
    return {"rows": result.rows, "accepted": result.accepted, "seconds": seconds, "rows_per_s": rate,
            "copy_rows_per_s": copied / copy_seconds, "ratio_to_copy": rate / (copied / copy_seconds),
            "ratio_to_target": rate / 50_000}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(base: str, email: str):
    import re

    import requests

    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = session.post(f"{base}/login", data={"csrf_token": token, "email": email, "password": dataset.PASSWORD},
                          timeout=30, allow_redirects=False)
    assert answer.status_code in (302, 303), answer.status_code
    return session


def refresh_kpis(database_url: str) -> dict:
    """The nightly kpi_monthly_values job over the whole data set, as the scheduler runs it (one transaction)."""
    from kpis.models import KpiAggregateValue, KpiValue
    from kpis.monthly import refresh_monthly_values

    app = make_app(database_url)
    with app.app_context():
        message, seconds = _timed(lambda: refresh_monthly_values(dataset.TODAY))
        db.session.commit()
        rows = sum(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (KpiValue, KpiAggregateValue))
        db.session.remove()
    return {"message": message, "seconds": seconds, "rows": rows}


def bench_dashboard(database_url: str, users: int = 20, seconds: float = 15.0, workers: int = 4,
                    path: str = "/indicatoren/") -> dict:
    """(c) the nightly KPI job, then gunicorn serving the region dashboard to `users` concurrent logged-in contract
    managers, driven by wrk (benchmarks/dashboard.lua: one session cookie per user, p95 from wrk's histogram)."""
    job = refresh_kpis(database_url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_ENV": "development",
           "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning", "benchmarks.national:bench_wsgi()"],
                              cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        sessions = [_login(base, "cm01@bench.nl") for _ in range(users)]
        page = sessions[0].get(base + path, timeout=30)
        cookies = ["; ".join(f"{c.name}={c.value}" for c in s.cookies) for s in sessions]
        threads = min(users, os.cpu_count() or 1)
        out = subprocess.run(["wrk", "--threads", str(threads), "--connections", str(users), "--duration",
                              f"{max(1, round(seconds))}s", "--timeout", "30s", "--script", str(ROOT / "benchmarks" / "dashboard.lua"),
                              base + path, "--", *cookies], capture_output=True, text=True)
        if out.returncode:
            raise RuntimeError(f"wrk failed: {out.stderr.strip()}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    p95 = figures["p95_us"] / 1000
    return {"requests": figures["requests"], "errors": figures["errors"], "per_s": figures["requests"] / seconds,
            "p50_ms": figures["p50_us"] / 1000, "p95_ms": p95, "ratio": p95 / 200, "job": job,
            "shows_stored_values": page.status_code == 200 and "Berekend op" in page.text}


def bench_wsgi():
    """The app gunicorn serves in bench_dashboard: the production factory on DATABASE_URL, dev keys allowed."""
    from config import DevelopmentConfig

    return create_app(DevelopmentConfig)


def peak_memory(database_url: str) -> dict:
    """(d) the national run in a fresh process; its peak RSS (max RSS of the child)."""
    code = ("import json, resource, sys; sys.path.insert(0, %r); from benchmarks import national as n; "
            "app = n.make_app(%r); ctx = app.app_context(); ctx.push(); total = n.national_run(); "
            "print(json.dumps({'total': str(total), "
            "'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))") % (str(ROOT), database_url)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _load(database_url: str, scale: float) -> dict:
    app = make_app(database_url)
    with app.app_context():
        stats, seconds = _timed(lambda: dataset.generate(scale))
    print(f"data set at scale {scale}: {stats['trajectories']:,} trajectories, {stats['events']:,} events, "
          f"{stats['contracts']} contracts in {stats['municipalities']} municipalities, loaded in {seconds:.1f} s "
          f"({stats['events'] / seconds:,.0f} events/s)", flush=True)
    return app


def ensure_database(database_url: str) -> str:
    """Create the PostgreSQL database the URL names if it is not there yet (SQLite makes its file itself)."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.scalar(sa.text("select 1 from pg_database where datname = :n"), {"n": url.database}):
                conn.execute(sa.text(f'create database "{url.database}"'))
        admin.dispose()
    return database_url


def _quarter_url(database_url: str) -> str:
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return url.set(database=str(url.database) + ".quarter").render_as_string(hide_password=False)
    return ensure_database(url.set(database=f"{url.database}_quarter").render_as_string(hide_password=False))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", default="sqlite:////tmp/bench-national.db")
    parser.add_argument("--import-rows", type=int, default=None, help="default: 1,000,000 x scale")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--sections", default="abcdefg", help="which benchmarks to run, e.g. c (default: abcdefg)")
    parser.add_argument("--backtest-svg", type=Path, default=None, help="(g) also write the backtest chart here")
    args = parser.parse_args(argv)
    ensure_database(args.database_url)
    backend = args.database_url.split(":")[0]
    print(f"== {backend}, scale {args.scale} ==", flush=True)

    if "b" in args.sections:
        _print_import(args, backend)
    if set(args.sections) & set("acdefg"):
        app = _load(args.database_url, args.scale)
    if set(args.sections) & set("ae"):
        run = _print_payment_run(app)
    if "e" in args.sections:
        budget.report(budget.bench(app, run["seconds"]))
    if "c" in args.sections:
        _print_dashboard(args)
    if set(args.sections) & set("df"):
        _print_memory(args)
    if "g" in args.sections:
        budget.report_backtest(budget.backtest_figure(app, args.scale, args.backtest_svg))


def _print_import(args, backend: str) -> None:
    rows = args.import_rows or max(1000, round(1_000_000 * args.scale))
    b = bench_import(make_app(args.database_url), rows)
    limit = "COPY" if backend.startswith("postgresql") else "executemany"
    print(f"(b) progress import: {b['rows']:,} rows in {b['seconds']:.1f} s = {b['rows_per_s']:,.0f} rows/s; "
          f"{limit} of the same rows {b['copy_rows_per_s']:,.0f} rows/s (import = {b['ratio_to_copy']:.2f}x {limit}); "
          f"target 50,000 rows/s: {b['ratio_to_target']:.2f}x -> {'met' if b['rows_per_s'] >= 50_000 else 'NOT met'}",
          flush=True)


def _print_payment_run(app) -> dict:
    a = bench_payment_run(app)
    print(f"(a) national payment run {dataset.PERIOD}: {a['seconds']:.1f} s, total {a['total']}; hand-written SQL "
          f"{a['sql_seconds']:.1f} s, total {a['sql_total']} ({'equal' if a['total'] == a['sql_total'] else 'DIFFERENT'}); "
          f"ratio {a['ratio']:.2f}x (target <= 2x, < 30 s) -> "
          f"{'met' if a['ratio'] <= 2 and a['seconds'] < 30 else 'NOT met'}", flush=True)
    return a


def _print_dashboard(args) -> None:
    c = bench_dashboard(args.database_url, users=args.users, seconds=args.seconds)
    print(f"(c) nightly job kpi_monthly_values: {c['job']['seconds']:.1f} s for {c['job']['rows']:,} stored values "
          f"({c['job']['message']})", flush=True)
    print(f"(c) region dashboard, {args.users} users, {args.seconds:.0f} s: {c['requests']} requests "
          f"({c['per_s']:.0f}/s, {c['errors']} errors), p50 {c['p50_ms']:.0f} ms, p95 {c['p95_ms']:.0f} ms = "
          f"{c['ratio']:.2f}x the 200 ms limit -> {'met' if c['p95_ms'] < 200 and not c['errors'] else 'NOT met'}",
          flush=True)


def _print_memory(args) -> None:
    calls = ("commitment", "national_forecast", "national_what_if") if "f" in args.sections else ()
    full, figures = peak_memory(args.database_url), {call: budget.peak_memory(args.database_url, call) for call in calls}
    quarter_url = _quarter_url(args.database_url)
    _load(quarter_url, args.scale / 4)
    quarter, quarters = peak_memory(quarter_url), {call: budget.peak_memory(quarter_url, call) for call in calls}
    if calls:
        budget.report_memory(figures, quarters, args.scale)
    if "d" not in args.sections:
        return
    print(f"(d) peak memory of the national run: {full['peak_mb']:.0f} MB at scale {args.scale}, "
          f"{quarter['peak_mb']:.0f} MB at scale {args.scale / 4} (growth {full['peak_mb'] / quarter['peak_mb']:.2f}x "
          f"for 4x the events); limit 500 MB: {full['peak_mb'] / 500:.2f}x -> "
          f"{'met' if full['peak_mb'] < 500 else 'NOT met'}", flush=True)


if __name__ == "__main__":
    main()
