"""The trigger and run rules of payments.md as tables, through the run service."""
from datetime import date
from decimal import Decimal as D

import pytest

from contracts.models import RunOff
from core.models import Role
from core.terms import SOURCES
from payments.models import LineStatus
from payments.runs import create_run

TODAY = date(2026, 11, 23)


def ms(code, trigger, amount="100.00", **params):
    """A milestone that any source may earn: these tables are about the triggers (test_payment_evidence.py holds
    the evidence rules)."""
    return {"code": code, "label": f"Mijlpaal {code}", "kind": "prestatie", "trigger": trigger, "params": params,
            "amount": D(amount), "sources": list(SOURCES)}


def att(month, offered, attended, excused="0", bucket="taal_knm"):
    return ("attendance", month.replace(day=28), {"month": month, "hours_offered": D(offered),
                                                  "hours_attended": D(attended), "hours_excused": D(excused),
                                                  "bucket": bucket})


def ev(type, day, **fields):
    return (type, day, fields)


def low(skill, level="A2", pip_version="2"):
    return {"skill": skill, "level": level, "pip_version": pip_version}


@pytest.fixture
def run_for(make_contract, make_trajectory, make_event, make_user):
    """run_for(milestones, events, period) -> [(code, month, trigger date, amount, status)] of a fresh run."""

    def run(milestones, events, period="2026-10", trajectory=None, **contract):
        c = make_contract(milestones=milestones, **contract)
        trajectory = make_trajectory(contract=c, reference="TRJ-A", **(trajectory or {}))
        for type, day, fields in events:
            make_event(trajectory, type, day, **fields)
        finance = make_user(Role.FINANCE, municipalities=c.municipalities)
        made = create_run(period, municipality=c.municipalities[0], by=finance, today=TODAY)
        return sorted((l.milestone_code, l.month, l.trigger_date, l.amount, l.status)
                      for l in _lines(made))

    return run


def _lines(run):
    from core.extensions import db
    from payments.models import PaymentLine
    return db.session.scalars(db.select(PaymentLine).where(PaymentLine.run_id == run.id)).all()


N = LineStatus.NEW
CASES = [
    # start: its date; after the cut-off nothing
    ([ms("S", "start")], [ev("start", date(2026, 3, 2))], [("S", None, date(2026, 3, 2), D("100.00"), N)]),
    ([ms("S", "start")], [ev("start", date(2026, 11, 2))], []),
    # attendance_month: rate attended / (offered - excused) >= min_rate; a month with nothing due earns nothing
    ([ms("M", "attendance_month", "50.00", min_rate="0.80")],
     [att(date(2026, 2, 1), "10", "8"), att(date(2026, 3, 1), "10", "7.99"), att(date(2026, 4, 1), "10", "6", "2.5"),
      att(date(2026, 5, 1), "4", "0", "4")],
     [("M", date(2026, 2, 1), date(2026, 2, 28), D("50.00"), N), ("M", date(2026, 4, 1), date(2026, 4, 30), D("50.00"), N)]),
    # attendance_month: only the first max_months qualifying months
    ([ms("M", "attendance_month", "50.00", min_rate="0.80", max_months=2)],
     [att(date(2026, m, 1), "10", "9") for m in (2, 3, 4)],
     [("M", date(2026, 2, 1), date(2026, 2, 28), D("50.00"), N), ("M", date(2026, 3, 1), date(2026, 3, 31), D("50.00"), N)]),
    # attendance_month: the month ending after the cut-off does not count yet
    ([ms("M", "attendance_month")], [att(date(2026, 11, 1), "10", "10")], []),
    # hours: the last day of the month in which the running total reaches the hours
    ([ms("H", "hours", hours="100")], [att(date(2026, 2, 1), "60", "60"), att(date(2026, 3, 1), "60", "39.99"),
                                       att(date(2026, 4, 1), "60", "0.01")],
     [("H", None, date(2026, 4, 30), D("100.00"), N)]),
    ([ms("H", "hours", hours="100")], [att(date(2026, 2, 1), "60", "60")], []),
    # hours buckets (issue 19): a milestone naming one counts only its hours; without one, every bucket's
    ([ms("H", "hours", hours="100", bucket="participatie")],
     [att(date(2026, 2, 1), "60", "60"), att(date(2026, 3, 1), "60", "60"),
      att(date(2026, 3, 1), "60", "50", bucket="participatie"), att(date(2026, 5, 1), "60", "50", bucket="participatie")],
     [("H", None, date(2026, 5, 31), D("100.00"), N)]),
    ([ms("H", "hours", hours="100")],
     [att(date(2026, 2, 1), "60", "60"), att(date(2026, 2, 1), "60", "40", bucket="map")],
     [("H", None, date(2026, 2, 28), D("100.00"), N)]),
    # ... a month's attendance rate over its buckets together, or over the one named
    ([ms("M", "attendance_month", "50.00", min_rate="0.80")],
     [att(date(2026, 2, 1), "10", "10"), att(date(2026, 2, 1), "10", "6", bucket="participatie")],
     [("M", date(2026, 2, 1), date(2026, 2, 28), D("50.00"), N)]),
    ([ms("M", "attendance_month", "50.00", min_rate="0.80", bucket="participatie")],
     [att(date(2026, 2, 1), "10", "10"), att(date(2026, 2, 1), "10", "6", bucket="participatie")], []),
    # level: every skill, progress test or passed exam at that level or higher; the latest of the earliest dates
    ([ms("L", "level", skills=["LE", "SP"], level="A2")],
     [ev("progress_test", date(2026, 3, 1), skill="LE", level="A2"), ev("progress_test", date(2026, 2, 1), skill="LE", level="A1"),
      ev("exam", date(2026, 5, 1), component="SP", level="B1", result="geslaagd")],
     [("L", None, date(2026, 5, 1), D("100.00"), N)]),
    ([ms("L", "level", skills=["LE", "SP"], level="A2")],
     [ev("progress_test", date(2026, 3, 1), skill="LE", level="B1"),
      ev("exam", date(2026, 5, 1), component="SP", level="B1", result="gezakt")], []),
    # exam: every component passed at the level or higher; KNM any passed KNM exam
    ([ms("E", "exam", components=["KNM", "LE"], level="B1")],
     [ev("exam", date(2026, 4, 1), component="KNM", result="geslaagd"),
      ev("exam", date(2026, 3, 1), component="LE", level="A2", result="geslaagd"),
      ev("exam", date(2026, 6, 1), component="LE", level="B2", result="geslaagd")],
     [("E", None, date(2026, 6, 1), D("100.00"), N)]),
    # afschaling (issue 19): the afgeschaald skill's target is the lowered level from the afschaling's date on; the
    # other skills keep the milestone's level; a level reached earlier counts on the afschaling's date
    ([ms("L", "level", skills=["LE", "SP"], level="B1")],
     [ev("progress_test", date(2026, 3, 1), skill="LE", level="A2"), ev("afschaling", date(2026, 4, 1), **low("LE")),
      ev("progress_test", date(2026, 5, 1), skill="SP", level="B1")],
     [("L", None, date(2026, 5, 1), D("100.00"), N)]),
    ([ms("L", "level", skills=["LE", "SP"], level="B1")],
     [ev("progress_test", date(2026, 2, 1), skill="SP", level="B1"), ev("progress_test", date(2026, 3, 1), skill="LE", level="A2"),
      ev("afschaling", date(2026, 6, 1), **low("LE"))],
     [("L", None, date(2026, 6, 1), D("100.00"), N)]),
    ([ms("L", "level", skills=["LE", "SP"], level="B1")],
     [ev("progress_test", date(2026, 3, 1), skill=s, level="A2") for s in ("LE", "SP")]
     + [ev("afschaling", date(2026, 4, 1), **low("LE"))], []),
    # ... B1 reached before the afschaling stands on its own date; a milestone below the lowered level keeps its own
    ([ms("L", "level", skills=["LE"], level="B1")],
     [ev("progress_test", date(2026, 2, 1), skill="LE", level="B1"), ev("afschaling", date(2026, 6, 1), **low("LE"))],
     [("L", None, date(2026, 2, 1), D("100.00"), N)]),
    ([ms("L", "level", skills=["LE"], level="A1")],
     [ev("progress_test", date(2026, 3, 1), skill="LE", level="A1"), ev("afschaling", date(2026, 4, 1), **low("LE"))],
     [("L", None, date(2026, 3, 1), D("100.00"), N)]),
    # ... the exam of an afgeschaald onderdeel is passed at the lowered level; KNM is no onderdeel that is lowered
    ([ms("E", "exam", components=["KNM", "SP"], level="B1")],
     [ev("exam", date(2026, 3, 1), component="KNM", result="geslaagd"), ev("afschaling", date(2026, 4, 1), **low("SP")),
      ev("exam", date(2026, 7, 1), component="SP", level="A2", result="geslaagd")],
     [("E", None, date(2026, 7, 1), D("100.00"), N)]),
    ([ms("E", "exam", components=["SP"], level="B1")],
     [ev("exam", date(2026, 7, 1), component="SP", level="A2", result="geslaagd")], []),
    # ... and the trajectory goes on: an afschaling is no dropout
    ([ms("S", "start"), ms("C", "completed")],
     [ev("start", date(2026, 2, 1)), ev("afschaling", date(2026, 4, 1), **low("SC")), ev("completed", date(2026, 9, 1))],
     [("C", None, date(2026, 9, 1), D("100.00"), N), ("S", None, date(2026, 2, 1), D("100.00"), N)]),
    # module, completed, outflow: their date; outflow only to a listed destination
    ([ms("P", "module", module="PVT")], [ev("module_completed", date(2026, 4, 4), module="MAP")], []),
    ([ms("P", "module", module="PVT")], [ev("module_completed", date(2026, 4, 4), module="PVT")],
     [("P", None, date(2026, 4, 4), D("100.00"), N)]),
    ([ms("C", "completed")], [ev("completed", date(2026, 9, 30))], [("C", None, date(2026, 9, 30), D("100.00"), N)]),
    ([ms("O", "outflow", destinations=["werk"])], [ev("outflow", date(2026, 9, 1), destination="opleiding")], []),
    ([ms("O", "outflow", destinations=["werk", "opleiding"])], [ev("outflow", date(2026, 9, 1), destination="opleiding")],
     [("O", None, date(2026, 9, 1), D("100.00"), N)]),
    # events after the dropout count for nothing
    ([ms("S", "start"), ms("C", "completed")], [ev("start", date(2026, 2, 1)), ev("dropout", date(2026, 5, 1), reason="uitval"),
                                                ev("completed", date(2026, 6, 1))],
     [("S", None, date(2026, 2, 1), D("100.00"), N)]),
]


ENDED = {"ends_on": date(2026, 6, 30)}
MONTHLY = [ms("M", "attendance_month", "50.00"), ms("C", "completed")]
RUN_ON = [att(date(2026, m, 1), "10", "10") for m in (5, 6, 7, 8, 9)] + [ev("completed", date(2026, 9, 30))]


@pytest.mark.parametrize("contract, expected", [
    # run-off until the trajectory ends: a trajectory that outlives its contract is paid on
    ({**ENDED, "run_off": RunOff.UNTIL_TRAJECTORY_END},
     ["M 2026-05", "M 2026-06", "M 2026-07", "M 2026-08", "M 2026-09", "C -"]),
    # run-off until a date: only what is earned on or before it (an attendance month by its last day)
    ({**ENDED, "run_off": RunOff.UNTIL_DATE, "run_off_until": date(2026, 8, 31)},
     ["M 2026-05", "M 2026-06", "M 2026-07", "M 2026-08"]),
    ({**ENDED, "run_off": RunOff.UNTIL_DATE, "run_off_until": date(2026, 8, 30)}, ["M 2026-05", "M 2026-06",
                                                                                  "M 2026-07"]),
    ({**ENDED, "run_off": RunOff.UNTIL_DATE, "run_off_until": date(2026, 9, 30)},
     ["M 2026-05", "M 2026-06", "M 2026-07", "M 2026-08", "M 2026-09", "C -"]),
])
def test_a_trajectory_that_outlives_its_contract_is_paid_by_the_run_off(run_for, contract, expected):
    lines = run_for(MONTHLY, RUN_ON, **contract)
    assert sorted(f"{code} {month.strftime('%Y-%m') if month else '-'}" for code, month, *_ in lines) == sorted(expected)


@pytest.mark.parametrize("milestones, events, expected", CASES)
def test_trigger_rules(run_for, milestones, events, expected):
    assert run_for(milestones, events) == expected


@pytest.mark.parametrize("price, percentage, amount", [
    # a percentage of the price is rounded half-up to cents (half-even would give 250.10 and 300.52)
    ("1000.42", "25", "250.11"),
    ("1001.75", "30", "300.53"),
    ("2345.90", "12.5", "293.24"),
    ("10000.00", "33.3333", "3333.33"),
])
def test_percentage_amounts_round_half_up(run_for, price, percentage, amount):
    milestone = {**ms("S", "start"), "amount": None, "percentage": D(percentage)}
    lines = run_for([milestone], [ev("start", date(2026, 3, 2))], price_per_trajectory=D(price))
    assert lines == [("S", None, date(2026, 3, 2), D(amount), N)]


@pytest.mark.parametrize("ceiling, expected", [
    # the hold order at the ceiling: trigger date, trajectory reference, schedule position, month
    (None, ["A/S new", "B/S new", "A/C new", "B/C new"]),
    (D("300.00"), ["A/S new", "B/S new", "A/C new", "B/C held"]),
    (D("250.00"), ["A/S new", "B/S new", "A/C held", "B/C held"]),
    (D("99.99"), ["A/S held", "B/S held", "A/C held", "B/C held"]),
])
def test_hold_order_at_the_ceiling(make_contract, make_trajectory, make_event, make_user, ceiling, expected):
    c = make_contract(milestones=[ms("S", "start"), ms("C", "completed")], ceiling=ceiling)
    for ref in ("B", "A"):
        t = make_trajectory(contract=c, reference=ref)
        make_event(t, "start", date(2026, 2, 1))
        make_event(t, "completed", date(2026, 6, 1))
    run = create_run("2026-10", municipality=c.municipalities[0], by=make_user(Role.FINANCE, municipalities=[
        c.municipalities[0]]), today=TODAY)
    lines = sorted(_lines(run), key=lambda l: (l.trigger_date, l.trajectory.reference))
    assert [f"{l.trajectory.reference}/{l.milestone_code} {l.status}" for l in lines] == expected
    assert run.total + run.held_total == D("400.00")


EFFORT = [{**ms("S", "start"), "kind": "inspanning"}, {**ms("M", "attendance_month", "50.00"), "kind": "inspanning"},
          {**ms("H", "hours", hours="30"), "kind": "inspanning"}, ms("C", "completed")]
COURSE = [ev("start", date(2026, 3, 2))] + [att(date(2026, m, 1), "10", "10") for m in (3, 4, 5, 6, 7, 8)] + [
    ev("completed", date(2026, 9, 1))]
ALL_EARNED = ["C -", "H -", "M 2026-03", "M 2026-04", "M 2026-05", "M 2026-06", "M 2026-07", "M 2026-08", "S -"]


@pytest.mark.parametrize("trajectory, contract, expected", [
    # no termijn known: every effort milestone is paid
    ({}, {}, ALL_EARNED),
    # effort stops after the termijn's last day: an attendance or hours month counts when it begins in it;
    # the result (prestatie) milestone is paid whenever earned
    ({"term_ends_on": date(2026, 5, 1)}, {}, ["C -", "H -", "M 2026-03", "M 2026-04", "M 2026-05", "S -"]),
    ({"term_ends_on": date(2026, 4, 30)}, {}, ["C -", "M 2026-03", "M 2026-04", "S -"]),
    ({"term_ends_on": date(2026, 3, 1)}, {}, ["C -", "M 2026-03"]),
    # an extended termijn: the contract decides whether effort is paid in the extension
    ({"term_ends_on": date(2026, 4, 30), "term_extended_until": date(2026, 7, 31)}, {},
     ["C -", "M 2026-03", "M 2026-04", "S -"]),
    ({"term_ends_on": date(2026, 4, 30), "term_extended_until": date(2026, 7, 31)}, {"pays_effort_in_extension": True},
     ["C -", "H -", "M 2026-03", "M 2026-04", "M 2026-05", "M 2026-06", "M 2026-07", "S -"]),
    # ... and never after the extension's end; without an extension the setting changes nothing
    ({"term_ends_on": date(2026, 4, 30)}, {"pays_effort_in_extension": True}, ["C -", "M 2026-03", "M 2026-04", "S -"]),
])
def test_effort_milestones_stop_after_the_termijn(run_for, trajectory, contract, expected):
    lines = run_for(EFFORT, COURSE, trajectory=trajectory, **contract)
    assert sorted(f"{code} {month.strftime('%Y-%m') if month else '-'}" for code, month, *_ in lines) == expected
