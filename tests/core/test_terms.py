import pytest

from core.errors import DomainError
from core.terms import validate_kpi_agreements, validate_milestones

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
