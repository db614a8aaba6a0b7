"""The pure translations between DUO's messages and ours."""
from datetime import date, timedelta

import pytest

from trajectories.duo import mapping
from trajectories.duo.models import OutboxKind


@pytest.mark.parametrize("result, expected", [
    # a language exam keeps its level; DUO's result is lower-cased to our code
    ({"examendatum": date(2026, 5, 4), "resultaat": "Geslaagd", "onderdeel": "LE", "niveau": "B1"},
     {"event_id": "duo.T7.exam.LE.B1.20260504", "component": "LE", "level": "B1", "result": "geslaagd"}),
    # KNM has no level in our model, even when DUO sends one
    ({"examendatum": date(2026, 5, 4), "resultaat": "Gezakt", "onderdeel": "KNM", "niveau": "A2"},
     {"event_id": "duo.T7.exam.KNM.x.20260504", "component": "KNM", "result": "gezakt"}),
    ({"examendatum": date(2026, 6, 1), "resultaat": "Geen", "onderdeel": "SP", "niveau": "A2",
      "redenGeenResultaat": "Absent"},
     {"event_id": "duo.T7.exam.SP.A2.20260601", "component": "SP", "level": "A2", "result": "geen"}),
])
def test_exam_result_becomes_an_exam_event(result, expected):
    event = mapping.exam_event(result, 7, "TRJ-7")
    assert event == {"trajectory": "TRJ-7", "type": "exam", "date": result["examendatum"].isoformat(), **expected}


def test_only_results_of_this_trajectory_are_kept_oldest_first():
    def r(day, component="LU", level="B1"):
        return {"examendatum": day, "resultaat": "Geslaagd", "onderdeel": component, **({"niveau": level} if level else {})}

    results = [r(date(2026, 3, 1)), r(date(2026, 1, 14)),  # before the referral: an earlier trajectory
               r(date(2026, 11, 24)),  # after today
               r(date(2026, 2, 1), level=None),  # a language exam without a level cannot be recorded
               r(date(2026, 2, 1), component="KNM", level=None), r(date(2026, 1, 15), component="SC")]
    events = mapping.exam_events(results, 1, "T", date(2026, 1, 15), date(2026, 11, 23))
    assert [(e["date"], e["component"]) for e in events] == [("2026-01-15", "SC"), ("2026-02-01", "KNM"),
                                                             ("2026-03-01", "LU")]


@pytest.mark.parametrize("module, kind, body", [
    ("MAP", OutboxKind.REPORT_MAP, {"datumEindgesprekMap": "2026-04-02"}),
    ("PVT", OutboxKind.REPORT_PVT, {"datumOndertekeningPvt": "2026-04-02"}),
    ("ZROUTE", OutboxKind.REPORT_ZROUTE, {"datumAfrondingZroute": "2026-04-02"}),
])
def test_module_completion_becomes_duos_put_body(module, kind, body):
    assert mapping.module_report(module, date(2026, 4, 2)) == (kind, body)


def test_duos_exclusive_term_end_becomes_our_last_day():
    term = mapping.term_from_duo({"startdatum": date(2025, 1, 1), "einddatum": date(2028, 1, 1),
                                  "wijzigingsdatum": date(2026, 11, 1), "verlengingsgrondomschrijving": "Ziekte"})
    assert term == {"term_starts_on": date(2025, 1, 1), "term_ends_on": date(2027, 12, 31),
                    "term_changed_on": date(2026, 11, 1), "term_extension_reason": "Ziekte"}


@pytest.mark.parametrize("term, ends_on, expected", [
    # without a verlengingsgrond DUO's last day is the termijn's end, whatever was known before
    ({"term_ends_on": date(2027, 12, 31), "term_extension_reason": None}, date(2027, 6, 30),
     (date(2027, 12, 31), None)),
    # an extension: the end known before stays the termijn's end ...
    ({"term_ends_on": date(2028, 6, 30), "term_extension_reason": "Ziekte"}, date(2027, 12, 31),
     (date(2027, 12, 31), date(2028, 6, 30))),
    # ... else the legal end, three years after the start (a start on 29 February: the end of 28 February)
    ({"term_ends_on": date(2028, 6, 30), "term_extension_reason": "Ziekte"}, None,
     (date(2027, 12, 31), date(2028, 6, 30))),
    ({"term_ends_on": date(2028, 6, 30), "term_starts_on": date(2024, 2, 29), "term_extension_reason": "3"}, None,
     (date(2027, 2, 28), date(2028, 6, 30))),
    # an "extension" that does not reach past the legal end is none
    ({"term_ends_on": date(2027, 6, 30), "term_extension_reason": "Ziekte"}, None, (date(2027, 6, 30), None)),
])
def test_an_extended_termijn_keeps_its_end_and_the_extensions(term, ends_on, expected):
    found = mapping.trajectory_term({"term_starts_on": date(2025, 1, 1), **term}, ends_on)
    assert (found["term_ends_on"], found["term_extended_until"]) == expected


@pytest.mark.parametrize("attempts, retry_after, wait", [
    (1, None, timedelta(minutes=1)),
    (2, None, timedelta(minutes=2)),
    (5, None, timedelta(minutes=16)),
    (12, None, timedelta(hours=6)),  # capped
    (1000, None, timedelta(hours=6)),  # no overflow
    (1, 600, timedelta(minutes=10)),  # DUO's Retry-After wins when longer
    (5, 60, timedelta(minutes=16)),
])
def test_backoff_doubles_up_to_six_hours(attempts, retry_after, wait):
    assert mapping.backoff(attempts, retry_after) == wait
