"""The structured editors of the payment schedule and the KPI agreements, through HTTP: rows in, core.terms' shape
stored, errors back on the row and field they name, rows added and removed without saving."""
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from contracts.models import Contract, OpenHouse
from core.extensions import db
from core.models import Role


@pytest.fixture
def manager(make_user, make_municipality):
    town = make_municipality(code="GM0505")
    return make_user(Role.CONTRACTMANAGER, municipalities=[town])


@pytest.fixture
def contract_form(make_provider, manager):
    provider = make_provider()
    db.session.commit()
    return {"reference": "DS-ALF-1", "provider": provider.id, "service": "b1_route", "procurement_route": "subsidie",
            "run_off": "tot_einde_traject",
            "procurement_case": 0, "municipalities": ["GM0505"], "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "price_per_trajectory": "3.200,00", "extension_count": 0}


def milestone(index: int, **fields) -> dict:
    """One schedule row as the browser posts it."""
    return {f"milestones-{index}-{name}": value for name, value in fields.items()}


def kpi(index: int, code: str, **fields) -> dict:
    return {f"kpis-{index}-kpi": code, **{f"kpis-{index}-{name}": value for name, value in fields.items()}}


START = milestone(0, code="START", text="Start", kind="inspanning", trigger="start", percentage="40")
ATTENDANCE = milestone(1, code="AANW", text="Maand aanwezig", kind="inspanning", trigger="attendance_month",
                       min_rate="75", max_months="12", hours="99", amount="250,00")
TIMELY = kpi(0, "timely_start", included="y", weeks="8", norm="90", direction="min")
DURATION = kpi(5, "median_duration", included="y", norm="300", direction="max")


def test_a_contract_is_made_from_rows_in_the_shape_of_core_terms(login, manager, contract_form):
    response = login(manager).post("/contracten/nieuw", data=contract_form | START | ATTENDANCE | TIMELY | DURATION)
    assert response.status_code == 302, response.get_data(as_text=True)
    contract = db.session.scalar(sa.select(Contract).where(Contract.reference == "DS-ALF-1"))
    # a percentage typed on the form is kept as a fraction; a parameter of another trigger (hours) is left out
    assert [(m.code, m.params, m.amount, m.percentage) for m in contract.milestones] == [
        ("START", {}, None, Decimal("40")), ("AANW", {"min_rate": "0.75", "max_months": 12}, Decimal("250.00"), None)]
    assert sorted((k.kpi, k.params, k.norm, k.direction) for k in contract.kpi_agreements) == [
        ("median_duration", {}, Decimal("300"), "max"), ("timely_start", {"weeks": 8}, Decimal("0.9"), "min")]


@pytest.mark.parametrize("rows, field_id, message", [
    # the schedule: each error on the field of the row it is about (the row's legend names the row)
    (START | milestone(1, code="B", text="Meer", kind="prestatie", trigger="completed", percentage="150"),
     "milestones-1-percentage", "Mag niet meer zijn dan 100."),
    (START | milestone(0, amount="100"), "milestones-0-amount", "Geef óf een bedrag óf een percentage."),
    (milestone(0, code="U", text="Uren", kind="inspanning", trigger="hours", percentage="10"),
     "milestones-0-hours", "Deze parameter is verplicht."),
    (START | milestone(1, code="START", text="Nog eens", kind="inspanning", trigger="start", percentage="1"),
     "milestones-1-code", "De code START komt twee keer voor."),
    (milestone(0, code="B1", text="Examen", kind="prestatie", trigger="exam", level="B1", percentage="50"),
     "milestones-0-components", "Deze parameter is verplicht."),
    (milestone(0, code="A", kind="inspanning", trigger="start", percentage="50"),
     "milestones-0-text", "Dit veld is verplicht."),
    # the KPI agreements: named by their indicator
    (START | kpi(0, "timely_start", included="y", weeks="acht", norm="90", direction="min"),
     "kpis-0-weeks", "Geef een geheel getal van minstens 1."),
    (START | kpi(0, "attendance_rate", included="y", norm="veel", direction="min"),
     "kpis-0-norm", "Geef de norm als getal."),
])
def test_an_invalid_row_is_refused_with_its_error_on_that_row(login, manager, contract_form, rows, field_id, message):
    response = login(manager).post("/contracten/nieuw", data=contract_form | rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.scalar(sa.select(sa.func.count(Contract.id))) == 0
    shown = re.search(rf'id="{field_id}-error">([^<]*)<', page)
    assert shown and shown.group(1) == message, page


@pytest.mark.parametrize("rows, summary", [
    # a schedule row by its legend, then the field, then the error: the row is named once
    (START | milestone(1, code="B", text="Meer", kind="prestatie", trigger="completed", percentage="150"),
     "Mijlpaal 2, Percentage van de prijs: Mag niet meer zijn dan 100."),
    # an agreement by its indicator
    (START | kpi(0, "attendance_rate", included="y", norm="veel", direction="min"),
     "Aanwezigheid, Norm: Geef de norm als getal."),
])
def test_the_error_summary_names_the_row_once(login, manager, contract_form, rows, summary):
    page = login(manager).post("/contracten/nieuw", data=contract_form | rows).get_data(as_text=True)
    errors = page.split('class="utrecht-alert utrecht-alert--error app-error-summary"')[1].split("</ul>")[0]
    assert summary in re.findall(r'<a class="utrecht-link" href="#[^"]+">([^<]+)</a>', errors)


def test_rows_are_added_and_removed_without_saving(login, manager, contract_form):
    client = login(manager)
    added = client.post("/contracten/nieuw", data=contract_form | START | {"milestone_rows": "add"})
    page = added.get_data(as_text=True)
    assert added.status_code == 200 and "Mijlpaal 2 verwijderen" in page and 'name="milestones-1-code"' in page
    removed = client.post("/contracten/nieuw", data=contract_form | START | ATTENDANCE | {"milestone_rows": "milestones-0"})
    page = removed.get_data(as_text=True)
    assert 'value="AANW"' in page and 'value="START"' not in page and "Mijlpaal 2 verwijderen" not in page
    assert db.session.scalar(sa.select(sa.func.count(Contract.id))) == 0


def test_the_form_is_prefilled_from_the_service_template_in_words_and_percentages(login, manager):
    page = login(manager).get("/contracten/nieuw?service=b1_route").get_data(as_text=True)
    assert 'name="milestones-1-min_rate" type="text" value="80"' in page  # 0.80 in the template
    assert 'name="kpis-0-norm" type="text" value="90"' in page and "Mijlpaal 4" in page  # three rows and an empty one
    assert "JSON" not in page and "min_rate:" not in page and "timely_start" not in re.sub(r'(name|id|value|for)="[^"]*"', "", page)


@pytest.mark.today("2026-11-16")
def test_an_open_house_is_opened_from_rows_prefilled_from_the_case(login, make_procurement_case, make_user):
    case = make_procurement_case("knm")
    db.session.commit()
    client = login(make_user(Role.CONTRACTMANAGER, municipalities=case.municipalities))
    page = client.get(f"/open-house/nieuw?case={case.id}").get_data(as_text=True)
    assert 'name="milestones-0-code" type="text" value="START"' in page
    response = client.post("/open-house/nieuw", data={
        "procurement_case": case.id, "title": "KNM", "starts_on": "2026-01-01", "ends_on": "2029-12-31",
        "price_per_trajectory": "650,00"} | START | TIMELY)
    assert response.status_code == 302, response.get_data(as_text=True)
    house = db.session.scalar(sa.select(OpenHouse))
    assert [m["code"] for m in house.milestones] == ["START"] and house.kpis[0]["params"] == {"weeks": 8}
    page = client.get(f"/open-house/{house.id}").get_data(as_text=True)
    assert "START Start: 40 % van de prijs, inspanning bij start van het traject" in page
    assert "Tijdige start (binnen 8 weken na de aanmelding): minimaal 90,0 %" in page


def test_buckets_the_termijn_indicators_and_effort_in_an_extension_come_from_the_form(login, manager, contract_form):
    """Issue 19: an hours milestone and the attendance indicator name their bucket, the termijn's indicators take
    their weeks, and the contract says whether effort is paid in an extended termijn."""
    hours = milestone(0, code="UREN", text="800 uur participatie", kind="inspanning", trigger="hours", hours="800",
                      bucket="participatie", amount="500,00")
    agreed = (kpi(1, "attendance_rate", included="y", bucket="taal_knm", norm="80", direction="min")
              | kpi(8, "timely_pip", included="y", weeks="10", norm="90", direction="min")
              | kpi(9, "start_after_pip", included="y", weeks="4", norm="75", direction="min"))
    response = login(manager).post("/contracten/nieuw", data=contract_form | hours | agreed
                                   | {"pays_effort_in_extension": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    contract = db.session.scalar(sa.select(Contract).where(Contract.reference == "DS-ALF-1"))
    assert [(m.code, m.params) for m in contract.milestones] == [("UREN", {"hours": "800", "bucket": "participatie"})]
    assert sorted((k.kpi, k.params) for k in contract.kpi_agreements) == [
        ("attendance_rate", {"bucket": "taal_knm"}), ("start_after_pip", {"weeks": 4}), ("timely_pip", {"weeks": 10})]
    page = login(manager).get(f"/contracten/{contract.id}").get_data(as_text=True)
    assert "Betaald tot het einde van een door DUO verlengde termijn" in page
    form = login(manager).get(f"/contracten/{contract.id}/wijzigen").get_data(as_text=True)
    assert "Binnen hoeveel weken na de kennisgeving van DUO" in form and "Binnen hoeveel weken na het PIP" in form
    assert "checked" in re.search(r'<input[^>]*id="pays_effort_in_extension"[^>]*>', form).group(0)
