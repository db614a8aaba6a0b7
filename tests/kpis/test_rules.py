"""Each indicator of kpis.md over small hand-made event sets: (referral offset, events) per trajectory."""
from datetime import date
from decimal import Decimal

import pytest

from kpis import services

JAN, FEB = (date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28))
MID = (date(2026, 1, 15), date(2026, 2, 14))  # cuts through January and February


@pytest.fixture
def indicator(make_contract, make_trajectory, make_event):
    """indicator(kpi, trajectories, window, params) -> Result; trajectories is a list of (referral, [events]) or
    (referral, [events], {trajectory dates}), an event is (type, date, fields) and a fields value "VOID" adds a
    retraction of that event."""

    def run(kpi, trajectories, window, params=None):
        contract = make_contract(kpis=[{"kpi": kpi, "params": params or {}, "norm": Decimal("0.5"),
                                        "direction": "min"}])
        for referral, events, *dates in trajectories:
            trajectory = make_trajectory(contract, referral_date=referral, **(dates[0] if dates else {}))
            for type_, day, fields in events:
                void = fields.pop("void", False)
                event = make_event(trajectory, type_, day, **fields)
                if void:
                    make_event(trajectory, "retraction", day, retracts_id=event.id)
        [result] = services.contract_indicators(contract, *window)
        return result.result

    return run


def ev(type_, day, **fields):
    return (type_, day, fields)


def hours(offered, attended, excused="0", month=date(2026, 1, 1), **kw):
    return ev("attendance", month, month=month, hours_offered=Decimal(offered), hours_attended=Decimal(attended),
              hours_excused=Decimal(excused), **kw)


def afschaling(day, skill="LE", level="A2"):
    return ev("afschaling", day, skill=skill, level=level, pip_version="2")


R = date(2025, 11, 10)  # referral; + 10 weeks = 2026-01-19


@pytest.mark.parametrize("trajectories, window, params, expected", [
    # the denominator: trajectories whose deadline falls in the window
    ([], JAN, {}, (None, 0, 0)),
    ([(R, [])], FEB, {}, (None, 0, 0)),
    ([(R, [])], JAN, {}, ("0.0000", 0, 1)),
    # started on the deadline counts, a day later does not
    ([(R, [ev("start", date(2026, 1, 19))]), (R, [ev("start", date(2026, 1, 20))])], JAN, {}, ("0.5000", 1, 2)),
    # a voided start does not count
    ([(R, [ev("start", date(2026, 1, 5), void=True)])], JAN, {}, ("0.0000", 0, 1)),
    # weeks from the agreement: 4 weeks moves the deadline to 2025-12-08
    ([(R, [ev("start", date(2025, 12, 1))])], JAN, {"weeks": 4}, (None, 0, 0)),
    ([(R, [ev("start", date(2025, 12, 1))])], (date(2025, 12, 1), date(2025, 12, 31)), {"weeks": 4}, ("1.0000", 1, 1)),
])
def test_timely_start(indicator, trajectories, window, params, expected):
    result = indicator("timely_start", trajectories, window, params)
    assert (None if result.value is None else str(result.value), result.numerator, result.denominator) == expected


@pytest.mark.parametrize("trajectories, window, expected", [
    # no attendance: empty, not zero
    ([], JAN, (None, "0", "0")),
    # attended / (offered - excused)
    ([(R, [hours("40", "30")])], JAN, ("0.7500", "30", "40")),
    ([(R, [hours("40", "30", excused="10")])], JAN, ("1.0000", "30", "30")),
    ([(R, [hours("40", "30")]), (R, [hours("20", "20", month=date(2026, 1, 1))])], JAN, ("0.8333", "50", "60")),
    # everything excused: the denominator is zero
    ([(R, [hours("10", "0", excused="10")])], JAN, (None, "0", "0")),
    # a retracted report is left out
    ([(R, [hours("40", "10", void=True), hours("40", "36")])], JAN, ("0.9000", "36", "40")),
    # a window cutting through a month takes the months whose first day it holds: February, not January
    ([(R, [hours("40", "10"), hours("40", "40", month=date(2026, 2, 1))])], MID, ("1.0000", "40", "40")),
])
def test_attendance_rate(indicator, trajectories, window, expected):
    result = indicator("attendance_rate", trajectories, window)
    value = None if result.value is None else str(result.value)
    assert (value, result.numerator, result.denominator) == (expected[0], Decimal(expected[1]), Decimal(expected[2]))


@pytest.mark.parametrize("params, expected", [
    # hours buckets (issue 19): without a bucket every bucket's hours, with one only its own
    ({}, ("0.7500", "60", "80")),
    ({"bucket": "taal_knm"}, ("1.0000", "40", "40")),
    ({"bucket": "participatie"}, ("0.5000", "20", "40")),
    ({"bucket": "map"}, (None, "0", "0")),
])
def test_attendance_rate_per_bucket(indicator, params, expected):
    trajectories = [(R, [hours("40", "40"), hours("40", "20", bucket="participatie")])]
    result = indicator("attendance_rate", trajectories, JAN, params)
    value = None if result.value is None else str(result.value)
    assert (value, result.numerator, result.denominator) == (expected[0], Decimal(expected[1]), Decimal(expected[2]))


S = date(2025, 12, 1)  # start


@pytest.mark.parametrize("trajectories, window, expected", [
    ([], JAN, (None, 0, 0)),
    # active: started on or before the end; ended trajectories count when they end in or after the window
    ([(R, [ev("start", S)]), (R, [ev("start", S), ev("dropout", date(2026, 1, 10), reason="uitval")])], JAN,
     ("0.5000", 1, 2)),
    # other dropout reasons do not count as uitval, a route switch (schakelen, issue 19) neither
    ([(R, [ev("start", S), ev("dropout", date(2026, 1, 10), reason="schakelen")])], JAN, ("0.0000", 0, 1)),
    ([(R, [ev("start", S), ev("dropout", date(2026, 1, 10), reason="verhuizing")])], JAN, ("0.0000", 0, 1)),
    # ended before the window: not active; started after it: not active; never started: not active
    ([(R, [ev("start", S), ev("completed", date(2025, 12, 20))]), (R, [ev("start", date(2026, 2, 1))]), (R, [])],
     JAN, (None, 0, 0)),
    # an afschaling (issue 19) is no uitval and no end: the trajectory stays active, in this window and the next
    ([(R, [ev("start", S), afschaling(date(2026, 1, 10))])], JAN, ("0.0000", 0, 1)),
    ([(R, [ev("start", S), afschaling(date(2026, 1, 10))])], FEB, ("0.0000", 0, 1)),
    # a retracted dropout leaves the trajectory active without uitval
    ([(R, [ev("start", S), ev("dropout", date(2026, 1, 10), reason="uitval", void=True)])], JAN, ("0.0000", 0, 1)),
    # the window cuts through: dropout on 14 February lies in the mid window
    ([(R, [ev("start", S), ev("dropout", date(2026, 2, 14), reason="uitval")])], MID, ("1.0000", 1, 1)),
])
def test_dropout_rate(indicator, trajectories, window, expected):
    result = indicator("dropout_rate", trajectories, window)
    assert (None if result.value is None else str(result.value), result.numerator, result.denominator) == expected


def exam(day, result, level="B1", component="LE", **kw):
    return ev("exam", day, component=component, level=level, result=result, **kw)


@pytest.mark.parametrize("trajectories, window, params, expected", [
    ([], JAN, {}, (None, 0, 0)),
    # every passed or failed exam at the level counts, also two of one trajectory
    ([(R, [exam(date(2026, 1, 5), "geslaagd"), exam(date(2026, 1, 6), "gezakt", component="SP")])], JAN, {},
     ("0.5000", 1, 2)),
    # result geen, another level and an exam outside the window are left out
    ([(R, [exam(date(2026, 1, 5), "geen"), exam(date(2026, 1, 5), "gezakt", level="A2"),
           exam(date(2026, 2, 5), "gezakt")])], JAN, {}, (None, 0, 0)),
    # the level comes from the agreement
    ([(R, [exam(date(2026, 1, 5), "gezakt", level="A2")])], JAN, {"level": "A2"}, ("0.0000", 0, 1)),
    # an afgeschaald onderdeel (issue 19) counts at its lowered level from the afschaling's date; the others at B1
    ([(R, [afschaling(date(2026, 1, 3)), exam(date(2026, 1, 5), "geslaagd", level="A2"),
           exam(date(2026, 1, 5), "gezakt", level="B1"), exam(date(2026, 1, 6), "gezakt", component="SP")])], JAN, {},
     ("0.5000", 1, 2)),
    ([(R, [exam(date(2026, 1, 5), "gezakt", level="A2"), afschaling(date(2026, 1, 6))])], JAN, {}, (None, 0, 0)),
    # ... and an agreement below the lowered level keeps its own
    ([(R, [afschaling(date(2026, 1, 3)), exam(date(2026, 1, 5), "gezakt", level="A2")])], JAN, {"level": "A2"},
     ("0.0000", 0, 1)),
    # a retracted result is left out
    ([(R, [exam(date(2026, 1, 5), "gezakt", void=True), exam(date(2026, 1, 9), "geslaagd")])], JAN, {},
     ("1.0000", 1, 1)),
])
def test_exam_pass_rate(indicator, trajectories, window, params, expected):
    result = indicator("exam_pass_rate", trajectories, window, params)
    assert (None if result.value is None else str(result.value), result.numerator, result.denominator) == expected


def test_(level, day=date(2026, 1, 10), skill="LE", **kw):
    return ev("progress_test", day, skill=skill, level=level, **kw)


test_.__test__ = False


@pytest.mark.parametrize("trajectories, window, expected", [
    ([], JAN, (None, 0, 0)),
    # a first test counts only above A0
    ([(R, [ev("start", S), test_("A1")]), (R, [ev("start", S), test_("A0")])], JAN, ("0.5000", 1, 2)),
    # higher than every earlier test in that skill; an earlier higher test makes it no progress
    ([(R, [ev("start", S), test_("A2", date(2025, 12, 5)), test_("A1"), test_("A2", date(2026, 1, 20))])], JAN,
     ("0.0000", 0, 1)),
    ([(R, [ev("start", S), test_("A1", date(2025, 12, 5)), test_("A2")])], JAN, ("1.0000", 1, 1)),
    # skills are separate: a first SP test above A0 is progress despite a higher LE test
    ([(R, [ev("start", S), test_("B1", date(2025, 12, 5)), test_("A1", skill="SP")])], JAN, ("1.0000", 1, 1)),
    # a retracted earlier test no longer blocks; a test outside the window does not count
    ([(R, [ev("start", S), test_("B1", date(2025, 12, 5), void=True), test_("A2")])], JAN, ("1.0000", 1, 1)),
    ([(R, [ev("start", S), test_("A2", date(2025, 12, 5))])], JAN, ("0.0000", 0, 1)),
])
def test_level_progress(indicator, trajectories, window, expected):
    result = indicator("level_progress", trajectories, window)
    assert (None if result.value is None else str(result.value), result.numerator, result.denominator) == expected


@pytest.mark.parametrize("trajectories, window, expected", [
    ([], JAN, (None, 0)),
    # one: its duration; two: the mean of the middle pair
    ([(R, [ev("start", S), ev("completed", date(2026, 1, 10))])], JAN, ("40", 1)),
    ([(R, [ev("start", S), ev("completed", date(2026, 1, 10))]),
      (R, [ev("start", S), ev("completed", date(2026, 1, 11))])], JAN, ("40.5", 2)),
    ([(R, [ev("start", S), ev("completed", date(2026, 1, 10))]),
      (R, [ev("start", S), ev("completed", date(2026, 1, 20))]),
      (R, [ev("start", S), ev("completed", date(2026, 1, 30))])], JAN, ("50", 3)),
    # completed outside the window, a retracted completion, or no start: left out
    ([(R, [ev("start", S), ev("completed", date(2026, 2, 10))]),
      (R, [ev("start", S), ev("completed", date(2026, 1, 10), void=True)]),
      (R, [ev("completed", date(2026, 1, 10))])], JAN, (None, 0)),
])
def test_median_duration(indicator, trajectories, window, expected):
    result = indicator("median_duration", trajectories, window)
    value = None if result.value is None else f"{result.value.normalize():f}"
    assert (value, result.denominator) == expected and result.numerator is None


@pytest.mark.parametrize("trajectories, window, expected", [
    ([], JAN, (None, 0, 0)),
    # ended in the window (completed or dropout); outflow to work dated in the window
    ([(R, [ev("start", S), ev("completed", date(2026, 1, 10)), ev("outflow", date(2026, 1, 20), destination="werk")]),
      (R, [ev("start", S), ev("dropout", date(2026, 1, 10), reason="verhuizing")])], JAN, ("0.5000", 1, 2)),
    # outflow to education is no work; a retracted outflow is left out
    ([(R, [ev("start", S), ev("completed", date(2026, 1, 10)), ev("outflow", date(2026, 1, 20), destination="opleiding")]),
      (R, [ev("start", S), ev("completed", date(2026, 1, 10)),
           ev("outflow", date(2026, 1, 20), destination="werk", void=True)])], JAN, ("0.0000", 0, 2)),
    # a trajectory closed for a route switch (issue 19) did not end the participant's route: left out
    ([(R, [ev("start", S), ev("completed", date(2026, 1, 10)), ev("outflow", date(2026, 1, 20), destination="werk")]),
      (R, [ev("start", S), ev("dropout", date(2026, 1, 10), reason="schakelen")])], JAN, ("1.0000", 1, 1)),
    # nothing ended in the window: empty even with an outflow in it (the ending was earlier)
    ([(R, [ev("start", S), ev("completed", date(2025, 12, 20)), ev("outflow", date(2026, 1, 5), destination="werk")])],
     JAN, (None, 1, 0)),
])
def test_outflow_work_rate(indicator, trajectories, window, expected):
    result = indicator("outflow_work_rate", trajectories, window)
    assert (None if result.value is None else str(result.value), result.numerator, result.denominator) == expected


K = date(2025, 11, 10)  # kennisgeving; + 10 weeks = 2026-01-19


@pytest.mark.parametrize("kpi, trajectories, params, expected", [
    # the PIP within 10 weeks of DUO's kennisgeving: the deadline in the window, the PIP on or before it
    ("timely_pip", [(R, [], {"kennisgeving_on": K, "pip_date": date(2026, 1, 19)}),
                    (R, [], {"kennisgeving_on": K, "pip_date": date(2026, 1, 20)}),
                    (R, [], {"kennisgeving_on": K})], {}, ("0.3333", 1, 3)),
    # ... without a kennisgeving a trajectory is not counted; the weeks come from the agreement
    ("timely_pip", [(R, [], {"pip_date": date(2025, 12, 1)})], {}, (None, 0, 0)),
    ("timely_pip", [(R, [], {"kennisgeving_on": date(2025, 12, 1), "pip_date": date(2026, 1, 2)})], {"weeks": 6},
     ("1.0000", 1, 1)),
    # the start within N weeks (default 6) of the PIP; a voided start does not count
    ("start_after_pip", [(R, [ev("start", date(2026, 1, 12))], {"pip_date": date(2025, 12, 1)}),
                         (R, [ev("start", date(2026, 1, 13))], {"pip_date": date(2025, 12, 1)}),
                         (R, [ev("start", date(2026, 1, 5), void=True)], {"pip_date": date(2025, 12, 1)})], {},
     ("0.3333", 1, 3)),
    ("start_after_pip", [(R, [ev("start", date(2026, 1, 5))])], {}, (None, 0, 0)),
    ("start_after_pip", [(R, [ev("start", date(2026, 1, 20))], {"pip_date": date(2025, 12, 1)})], {"weeks": 8},
     ("1.0000", 1, 1)),
])
def test_termijn_process_indicators(indicator, kpi, trajectories, params, expected):
    result = indicator(kpi, trajectories, JAN, params)
    assert (None if result.value is None else str(result.value), result.numerator, result.denominator) == expected


@pytest.mark.parametrize("trajectories, expected", [
    # no termijn known: not counted
    ([(R, [ev("start", S)])], (None, 0, 0)),
    # running at the window's end within the termijn: on course; past its last day: not
    ([(R, [ev("start", S)], {"term_ends_on": date(2026, 1, 31)}),
      (R, [ev("start", S)], {"term_ends_on": date(2026, 1, 30)})], ("0.5000", 1, 2)),
    # an extension moves the last day
    ([(R, [ev("start", S)], {"term_ends_on": date(2026, 1, 10), "term_extended_until": date(2026, 7, 10)})],
     ("1.0000", 1, 1)),
    # completed in the window: on course when on or before the termijn's last day
    ([(R, [ev("start", S), ev("completed", date(2026, 1, 10))], {"term_ends_on": date(2026, 1, 10)}),
      (R, [ev("start", S), ev("completed", date(2026, 1, 11))], {"term_ends_on": date(2026, 1, 10)})],
     ("0.5000", 1, 2)),
    # ended otherwise in the window (uitval, schakelen) or before it, or not started: not counted
    ([(R, [ev("start", S), ev("dropout", date(2026, 1, 10), reason="uitval")], {"term_ends_on": date(2026, 12, 31)}),
      (R, [ev("start", S), ev("completed", date(2025, 12, 20))], {"term_ends_on": date(2026, 12, 31)}),
      (R, [], {"term_ends_on": date(2026, 12, 31)})], (None, 0, 0)),
    # a dropout after the window: still running at its end
    ([(R, [ev("start", S), ev("dropout", date(2026, 2, 10), reason="uitval")], {"term_ends_on": date(2026, 12, 31)})],
     ("1.0000", 1, 1)),
])
def test_on_course_in_term(indicator, trajectories, expected):
    result = indicator("on_course_in_term", trajectories, JAN)
    assert (None if result.value is None else str(result.value), result.numerator, result.denominator) == expected


@pytest.mark.parametrize("value, norm, direction, expected", [
    ("0.8", "0.8", "min", "green"), ("0.7999", "0.8", "min", "red"),
    ("0.1", "0.1", "max", "green"), ("0.1001", "0.1", "max", "red"),
    (None, "0.8", "min", "grey"), (None, "0.1", "max", "grey"),
])
def test_status_against_the_norm(value, norm, direction, expected):
    from kpis.rules import status

    assert status(None if value is None else Decimal(value), Decimal(norm), direction) == expected
