from datetime import date
from decimal import Decimal

import pytest

from core.errors import DomainError
from core.terms import amount_on, validate_kpi_agreements, validate_milestones

START = {"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": "500.00"}


def test_defaults_are_filled_in():
    cleaned = validate_milestones([{**START, "code": "M", "trigger": "attendance_month", "amount": None,
                                    "percentage": "2.5"}])
    assert cleaned[0]["params"] == {"min_rate": "0.80"} and str(cleaned[0]["percentage"]) == "2.5"
    assert validate_kpi_agreements([{"kpi": "timely_start", "norm": 0.9, "direction": "min"}])[0]["params"] == {"weeks": 10}


@pytest.mark.parametrize("change, field", [
    # triggers and their params
    ({"trigger": "teleport"}, "trigger"),
    ({"trigger": "hours"}, "params.hours"),
    ({"trigger": "hours", "params": {"hours": -1}}, "params.hours"),
    ({"trigger": "level", "params": {"skills": ["LE", "XX"], "level": "B1"}}, "params.skills"),
    ({"trigger": "level", "params": {"skills": ["LE"], "level": "C1"}}, "params.level"),
    ({"trigger": "exam", "params": {"components": []}}, "params.components"),
    ({"trigger": "module", "params": {"module": "MAP", "extra": 1}}, "params.extra"),
    ({"trigger": "attendance_month", "params": {"min_rate": 1.5}}, "params.min_rate"),
    ({"trigger": "attendance_month", "params": {"max_months": 0}}, "params.max_months"),
    ({"trigger": "outflow", "params": {"destinations": ["vakantie"]}}, "params.destinations"),
    # amounts
    ({"amount": "-1.00"}, "amount"),
    ({"amount": "1.005"}, "amount"),
    ({"percentage": "10"}, "amount"),
    ({"amount": None, "percentage": "101"}, "percentage"),
    # fields
    ({"kind": "bonus"}, "kind"),
    ({"label": ""}, "label"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_milestones_are_refused_naming_the_field(change, field):
    with pytest.raises(DomainError) as error:
        validate_milestones([{**START, **change}])
    assert [e["field"] for e in error.value.errors] == [field]
    assert error.value.errors[0]["index"] == 0


def test_duplicate_milestone_codes_are_refused():
    with pytest.raises(DomainError) as error:
        validate_milestones([START, START])
    assert error.value.errors == [{"index": 1, "field": "code", "message": "De code START komt twee keer voor."}]


@pytest.mark.parametrize("item, field", [
    ({"kpi": "happiness", "norm": 1, "direction": "min"}, "kpi"),
    ({"kpi": "attendance_rate", "norm": "veel", "direction": "min"}, "norm"),
    ({"kpi": "attendance_rate", "norm": 0.8, "direction": "up"}, "direction"),
    ({"kpi": "exam_pass_rate", "params": {"level": "C2"}, "norm": 0.6, "direction": "min"}, "params.level"),
])
def test_invalid_kpi_agreements(item, field):
    with pytest.raises(DomainError) as error:
        validate_kpi_agreements([item])
    assert [e["field"] for e in error.value.errors] == [field]


KNM = {"code": "KNM", "amount": "500.00", "percentage": None}
PCT = {"code": "START", "amount": None, "percentage": "20"}


def change(day: str, price: str, **amounts) -> dict:
    return {"effective_on": date.fromisoformat(day), "price_per_trajectory": Decimal(price), "amounts": amounts}


@pytest.mark.parametrize("milestone, changes, day, pays", [
    # no change: the schedule's own amount or percentage of the price (half-up)
    (PCT, [], "2026-03-01", "2000.00"),
    ({**PCT, "percentage": "25"}, [], "2026-03-01", "2500.00"),
    (KNM, [], "2026-03-01", "500.00"),
    # a change applies from its effective date on, that day included
    (PCT, [change("2026-03-01", "12000.00", KNM="600.00")], "2026-02-28", "2000.00"),
    (PCT, [change("2026-03-01", "12000.00", KNM="600.00")], "2026-03-01", "2400.00"),
    (KNM, [change("2026-03-01", "12000.00", KNM="600.00")], "2026-02-28", "500.00"),
    (KNM, [change("2026-03-01", "12000.00", KNM="600.00")], "2026-03-02", "600.00"),
    # a fixed amount a change does not name stays as it was; a percentage follows the price
    (KNM, [change("2026-03-01", "12000.00")], "2026-04-01", "500.00"),
    # several changes, in any order: a fixed amount holds until a later change sets it again
    (KNM, [change("2026-06-01", "13000.00"), change("2026-03-01", "12000.00", KNM="600.00")], "2026-06-10", "600.00"),
    (PCT, [change("2026-06-01", "13000.00"), change("2026-03-01", "12000.00", KNM="600.00")], "2026-06-10", "2600.00"),
    (KNM, [change("2026-03-01", "12000.00", KNM="600.00"), change("2026-06-01", "13000.00", KNM="650.00")],
     "2026-05-31", "600.00"),
    (KNM, [change("2026-03-01", "12000.00", KNM="600.00"), change("2026-06-01", "13000.00", KNM="650.00")],
     "2026-06-01", "650.00"),
    # the price of a change is rounded like the original: 20% of 10,000.03 = 2,000.006 -> 2,000.01
    (PCT, [change("2026-03-01", "10000.03")], "2026-03-01", "2000.01"),
])
def test_what_a_milestone_pays_on_a_day(milestone, changes, day, pays):
    """Plain mappings, no database: what a what-if simulation will call per line."""
    assert amount_on(milestone, Decimal("10000.00"), changes, date.fromisoformat(day)) == Decimal(pays)
