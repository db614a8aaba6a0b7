"""Budget control at national scale (issue 20), run from benchmarks/national.py as section e: the national
commitment, the national forecast and a what-if of five tariff models over the national history, each with its
ratio to the national payment run measured in the same run; and (section f) their peak memory in a fresh process
at this scale and at a quarter of it."""
import json
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from benchmarks import dataset

ROOT = Path(__file__).resolve().parent.parent


def _timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def _municipality_ids() -> list[int]:
    from core.extensions import db
    from core.models import Municipality

    return db.session.scalars(sa.select(Municipality.id)).all()


def commitment() -> Decimal:
    from budget.positions import book

    return sum(book(_municipality_ids(), dataset.TODAY).committed.values(), Decimal("0.00"))


def national_forecast() -> float:
    from budget.forecast import POINT, forecast

    found = forecast(_municipality_ids(), dataset.TODAY)
    return float(sum(series[POINT].sum() for target in (found.running, found.new) for series in target.values()))


def five_models():
    """The data set's schedule, and four others: more for the start, more for results, a ceiling, percentages."""
    from budget.whatif import model_of

    schedule = [{"code": code, "label": code.title(), "kind": kind, "trigger": trigger, "params": params,
                 "amount": amount, **({"sources": sources} if sources else {})}
                for code, kind, trigger, params, amount, sources in dataset.SCHEDULE]

    def changed(**amounts):
        return [{**m, "amount": amounts.get(m["code"], m["amount"])} for m in schedule]

    percentages = [{**{k: v for k, v in m.items() if k != "amount"}, "amount": None,
                    "percentage": str((Decimal(m["amount"]) / 30).quantize(Decimal("0.01")))} for m in schedule]
    return [model_of("Huidig", Decimal("3000.00"), None, schedule),
            model_of("Meer start", Decimal("3000.00"), None, changed(START="900.00", AANW="100.00")),
            model_of("Meer resultaat", Decimal("3000.00"), None, changed(START="250.00", B1="1400.00", WERK="900.00")),
            model_of("Plafond", Decimal("3000.00"), Decimal("200000.00"), schedule),
            model_of("Percentages", Decimal("3300.00"), None, percentages)]


def national_what_if():
    from budget.whatif import Basis, simulate
    from contracts.models import Contract
    from core.extensions import db
    from core.models import Role, User

    contracts = db.session.scalars(sa.select(Contract).order_by(Contract.id)).all()
    basis = Basis(contracts, "alle contracten", [], contracts[0].price_per_trajectory, None)
    result = simulate(basis, date(2020, 1, 1), dataset.CUTOFF, five_models(), user=User(role=Role.NATIONAL_ADMIN))
    return [(model.name, totals.total, totals.held) for model, totals in result.models], result.actual.total


def bench(app, run_seconds: float) -> dict:
    """(e) commitment, forecast and what-if, each timed, against the run's seconds."""
    from core.extensions import db

    with app.app_context():
        committed, commitment_s = _timed(commitment)
        expected, forecast_s = _timed(national_forecast)
        (models, actual), what_if_s = _timed(national_what_if)
        db.session.rollback()
    return {"committed": committed, "commitment_s": commitment_s, "forecast": expected, "forecast_s": forecast_s,
            "models": models, "actual": actual, "what_if_s": what_if_s, "run_s": run_seconds}


def peak_memory(database_url: str, call: str) -> float:
    """(f) peak RSS in MB of `call` (commitment, national_forecast or national_what_if) in a fresh process."""
    code = ("import json, resource, sys; sys.path.insert(0, %r); from benchmarks import national as n, budget as b; "
            "app = n.make_app(%r); ctx = app.app_context(); ctx.push(); b.%s(); "
            "print(json.dumps({'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"
            ) % (str(ROOT), database_url, call)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])["peak_mb"]


def report(e: dict) -> None:
    run = e["run_s"]
    print(f"(e) national commitment: {e['commitment_s']:.1f} s = {e['commitment_s'] / run:.2f}x the payment run "
          f"({run:.1f} s), committed {e['committed']:,.2f}; target <= 1x -> "
          f"{'met' if e['commitment_s'] <= run else 'NOT met'}", flush=True)
    print(f"(e) national forecast (commitment included): {e['forecast_s']:.1f} s = {e['forecast_s'] / run:.2f}x the "
          f"payment run, expected {e['forecast']:,.2f} through {dataset.TODAY.year + 2}; target <= 1x -> "
          f"{'met' if e['forecast_s'] <= run else 'NOT met'}", flush=True)
    models = ", ".join(f"{name} {total:,.2f} (held {held:,.2f})" for name, total, held in e["models"])
    print(f"(e) what-if, five models over the national history: {e['what_if_s']:.1f} s = "
          f"{e['what_if_s'] / run:.2f}x the payment run; target <= 2x -> "
          f"{'met' if e['what_if_s'] <= 2 * run else 'NOT met'}; paid {e['actual']:,.2f}; {models}", flush=True)


def report_memory(full: dict, quarter: dict, scale: float) -> None:
    for name in full:
        print(f"(f) peak memory of {name}: {full[name]:.0f} MB at scale {scale}, {quarter[name]:.0f} MB at "
              f"{scale / 4} (growth {full[name] / quarter[name]:.2f}x for 4x the events)", flush=True)


def backtest_figure(app, scale: float, svg_path: Path | None) -> dict:
    """(g) the data set loaded anew in its steady form, the national runs for its month approved, then the
    forecast of twelve months before against what they paid for the trajectories referred by then; the chart
    written to `svg_path` (for the README)."""
    from budget.backtest import backtest
    from core.charts import Band, Line, line_chart
    from core.extensions import db
    from core.models import Role, User
    from payments.models import PaymentRun
    from payments.runs import approve_run, make_monthly_runs

    with app.app_context():
        dataset.generate(scale, steady=True)
        checker = User(email="backtest@bench.nl", password_hash="-", role=Role.FINANCE)
        db.session.add(checker)
        make_monthly_runs(dataset.TODAY)
        for run in db.session.scalars(sa.select(PaymentRun).where(PaymentRun.period == dataset.PERIOD)):
            approve_run(run, by=checker)
        found, seconds = _timed(lambda: backtest(_municipality_ids(), dataset.TODAY))
        if svg_path is not None:
            labels = [f"{m:%m-%y}" for m in found.months]
            chart = line_chart("Backtest: prognose van twaalf maanden terug tegen wat is betaald",
                               f"Per maand vanaf {found.made_on:%d-%m-%Y}: de prognose met haar bandbreedte en "
                               "wat goedgekeurde betaalruns betaalden, voor de trajecten die toen liepen.", labels,
                               [Line("Betaald", found.paid), Line("Prognose", found.forecast, "dashed")],
                               band=Band("Bandbreedte", found.low, found.high))
            css = "\n".join(line for line in (ROOT / "static" / "app.css").read_text().splitlines()
                            if ".app-chart" in line)
            svg_path.write_text(str(chart).replace(">", f"><style>{css}</style>", 1))
        db.session.rollback()
    return {"backtest": found, "seconds": seconds}


def report_backtest(g: dict) -> None:
    found = g["backtest"]
    error = found.error
    print(f"(g) backtest: forecast made {found.made_on} for the next 12 months {sum(found.forecast):,.2f} "
          f"(band {sum(found.low):,.2f} to {sum(found.high):,.2f}) against paid {sum(found.paid):,.2f}: "
          f"{'-' if error is None else f'{error:+.1%}'} ({g['seconds']:.1f} s)", flush=True)
    for month, forecast, low, high, paid in zip(found.months, found.forecast, found.low, found.high, found.paid):
        print(f"    {month:%Y-%m}  forecast {forecast:>14,.2f}  band {low:>14,.2f} - {high:>14,.2f}  "
              f"paid {paid:>14,.2f}", flush=True)
