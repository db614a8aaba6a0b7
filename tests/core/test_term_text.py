"""Payment schedules and KPI agreements read as Dutch words: what each parameter means, never `min_rate: 0.80`."""
from decimal import Decimal

import pytest

from core.term_text import kpi_line, kpi_name, milestone_condition, milestone_line, milestone_value


@pytest.mark.parametrize("trigger, params, shown", [
    # a trigger without parameters reads as its label
    ("start", {}, "Start van het traject"),
    ("completed", {}, "Traject afgerond"),
    # each parameter as a phrase, codes as words
    ("attendance_month", {"min_rate": "0.80"}, "Maand met voldoende aanwezigheid (minimaal 80 % aanwezig)"),
    ("attendance_month", {"min_rate": "0.755", "max_months": 12},
     "Maand met voldoende aanwezigheid (minimaal 75,5 % aanwezig, hoogstens 12 maanden)"),
    ("hours", {"hours": "120.50"}, "Aantal gevolgde uren bereikt (na 120,5 uur)"),
    # the hours bucket a milestone counts (issue 19), in words
    ("hours", {"hours": "800", "bucket": "participatie"},
     "Aantal gevolgde uren bereikt (na 800 uur, uren participatie (Z-route))"),
    ("attendance_month", {"min_rate": "0.80", "bucket": "taal_knm"},
     "Maand met voldoende aanwezigheid (minimaal 80 % aanwezig, uren taal en KNM)"),
    ("level", {"skills": ["LE", "LU"], "level": "A2"}, "Taalniveau bereikt (niveau A2 voor lezen en luisteren)"),
    ("exam", {"components": ["LE", "LU", "SC", "SP"], "level": "B1"},
     "Examen behaald (lezen, luisteren, schrijven en spreken op niveau B1)"),
    ("exam", {"components": ["KNM"], "level": "B1"}, "Examen behaald (KNM)"),
    ("module", {"module": "MAP"}, "Module afgerond (Module Arbeidsmarkt en Participatie)"),
    ("outflow", {"destinations": ["werk", "opleiding"]}, "Uitstroom (naar werk en opleiding)"),
])
def test_a_milestone_trigger_reads_as_dutch_words(trigger, params, shown):
    assert milestone_condition({"trigger": trigger, "params": params}) == shown


@pytest.mark.parametrize("milestone, shown", [
    ({"percentage": Decimal("20.0000")}, "20 % van de prijs"),
    ({"percentage": "2.5"}, "2,5 % van de prijs"),
    ({"amount": Decimal("1234.5")}, "€ 1.234,50"),
])
def test_a_milestone_pays_a_percentage_or_an_amount(milestone, shown):
    assert milestone_value(milestone).replace("\xa0", " ") == shown


def test_a_milestone_line_names_code_label_kind_and_condition():
    line = milestone_line({"code": "AANW", "label": "Maand voldoende aanwezig", "kind": "inspanning",
                           "trigger": "attendance_month", "params": {"min_rate": "0.80", "max_months": 12},
                           "percentage": "3"})
    assert line == ("AANW Maand voldoende aanwezig: 3 % van de prijs, inspanning bij maand met voldoende aanwezigheid "
                    "(minimaal 80 % aanwezig, hoogstens 12 maanden)")


@pytest.mark.parametrize("agreement, shown", [
    # ratios as percentages with one decimal, the duration in days
    ({"kpi": "timely_start", "params": {"weeks": 8}, "norm": "0.9", "direction": "min"},
     "Tijdige start (binnen 8 weken na de aanmelding): minimaal 90,0 %"),
    ({"kpi": "exam_pass_rate", "params": {"level": "A2"}, "norm": Decimal("0.6"), "direction": "min"},
     "Examenresultaat (op niveau A2): minimaal 60,0 %"),
    ({"kpi": "dropout_rate", "params": {}, "norm": "0.155", "direction": "max"}, "Uitval: maximaal 15,5 %"),
    ({"kpi": "median_duration", "params": {}, "norm": "300", "direction": "max"}, "Doorlooptijd: maximaal 300 dagen"),
    ({"kpi": "attendance_rate", "params": {}, "norm": None, "direction": None}, "Aanwezigheid: -"),
    # the termijn's indicators and an hours bucket (issue 19)
    ({"kpi": "timely_pip", "params": {"weeks": 10}, "norm": "0.9", "direction": "min"},
     "Tijdig PIP (binnen 10 weken na de kennisgeving): minimaal 90,0 %"),
    ({"kpi": "start_after_pip", "params": {"weeks": 6}, "norm": "0.8", "direction": "min"},
     "Start na het PIP (binnen 6 weken): minimaal 80,0 %"),
    ({"kpi": "on_course_in_term", "params": {}, "norm": "0.75", "direction": "min"},
     "Op koers binnen de termijn: minimaal 75,0 %"),
    ({"kpi": "attendance_rate", "params": {"bucket": "map"}, "norm": "0.8", "direction": "min"},
     "Aanwezigheid (uren MAP-praktijk): minimaal 80,0 %"),
])
def test_a_kpi_agreement_reads_as_dutch_words(agreement, shown):
    assert kpi_line(agreement) == shown


def test_an_unknown_code_never_shows_as_code():
    assert kpi_name("teleport_rate") == "Onbekende indicator"
    assert milestone_condition({"trigger": "teleport", "params": {}}) == "Onbekende gebeurtenis"
