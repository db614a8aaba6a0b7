"""Each leerroute starts from its own template, and what a template rules out is refused in PvEs and contracts."""
from datetime import date
from decimal import Decimal

import pytest

from contracts import open_house, services as contracts
from core.errors import DomainError
from core.models import Role
from core.terms import amount_on
from procurement.pve import services
from procurement.pve.templates import check_fits_service, template_content
from tests.factories import service

EXAM = {"code": "EX", "label": "Examen", "kind": "prestatie", "trigger": "exam",
        "params": {"components": ["LE"], "level": "A2"}, "amount": "100.00"}
EXAM_KPI = {"kpi": "exam_pass_rate", "params": {"level": "B1"}, "norm": "0.6", "direction": "min"}


def _triggers(content: dict) -> list[str]:
    return [m["trigger"] for m in content["financing"]["milestones"]]


@pytest.mark.parametrize("code, sections, kpis, triggers, absent", [
    # the B1-route: exams on B1 (44% on passing), alfabetisering and duaal as parts of the route
    ("b1_route", {"examen", "alfabetisering", "duaal"}, {"exam_pass_rate"}, ["start", "attendance_month", "exam"],
     {"afsluiting", "doorstroom"}),
    # the onderwijsroute: a taalschakeltraject that ends in a follow-on course
    ("onderwijsroute", {"doorstroom", "examen"}, {"exam_pass_rate", "dropout_rate"},
     ["start", "attendance_month", "exam", "outflow"], {"alfabetisering", "afsluiting"}),
    # the Z-route: hours, an A1 aim, the municipality's closing interview; no exam at all
    ("z_route", {"afsluiting", "alfabetisering", "duaal"}, {"level_progress", "dropout_rate"},
     ["start", "hours", "hours", "hours", "hours", "level", "module"], {"examen", "doorstroom"}),
    # participatietrajecten share one template
    ("map", {"duaal", "samenhang"}, {"dropout_rate"}, ["start", "completed"], {"examen", "alfabetisering"}),
])
def test_each_service_starts_from_its_own_template(ctx, code, sections, kpis, triggers, absent):
    content = template_content(service(code))
    keys = {s["key"] for s in content["sections"]}
    assert sections <= keys and not absent & keys
    assert {"prestatie_indicatoren", "financiering"} <= keys
    assert kpis <= {k["kpi"] for k in content["kpis"]}
    assert _triggers(content) == triggers
    price = Decimal("10000.00")
    assert sum(amount_on(m, price, (), None) * (m.get("params", {}).get("max_months") or 1)
               for m in content["financing"]["milestones"]) == price  # every template pays the whole price


def test_the_z_route_template_is_1600_hours_to_an_a1_aim_closed_by_the_municipality(ctx):
    content = template_content(service("z_route"))
    milestones = {m["code"]: m for m in content["financing"]["milestones"]}
    # 800 hours in each of DUO's two buckets (issue 19)
    assert milestones["TAAL800"]["params"] == {"hours": "800", "bucket": "taal_knm"}
    assert milestones["PART800"]["params"] == {"hours": "800", "bucket": "participatie"}
    assert milestones["A1"]["params"] == {"skills": ["LE", "LU", "SC", "SP"], "level": "A1"}
    assert milestones["ZROUTE"]["params"] == {"module": "ZROUTE"}
    texts = {s["key"]: s["body"] for s in content["sections"]}
    assert "800 uur taal" in texts["dienstverlening"] and "800 uur participatie" in texts["dienstverlening"]
    assert "geen centraal examen" in texts["afsluiting"] and "eindgesprek door de gemeente" in texts["afsluiting"]
    assert "exam_pass_rate" not in {k["kpi"] for k in content["kpis"]}


@pytest.mark.parametrize("code, milestones, kpis, field", [
    # the Z-route has no central exam: neither a payment on an exam nor the exam pass rate
    ("z_route", [EXAM], [], "milestones"),
    ("z_route", [], [EXAM_KPI], "kpis"),
    # the other routes may pay on exams and agree the pass rate
    ("b1_route", [EXAM], [EXAM_KPI], None),
    ("onderwijsroute", [EXAM], [EXAM_KPI], None),
    ("knm", [EXAM | {"params": {"components": ["KNM"]}}], [], None),
])
def test_what_a_template_rules_out_is_refused(ctx, code, milestones, kpis, field):
    if field is None:
        check_fits_service(service(code), milestones, kpis)
        return
    with pytest.raises(DomainError) as caught:
        check_fits_service(service(code), milestones, kpis)
    assert caught.value.field == field
    assert caught.value.errors[0]["index"] == 0 and "geen centraal examen" in caught.value.errors[0]["message"]


def test_a_z_route_pve_refuses_an_exam_milestone_and_keeps_the_last_version(make_pve, make_procurement_case):
    pve = make_pve(make_procurement_case("z_route"))
    financing = pve.latest.financing | {"milestones": pve.latest.financing["milestones"] + [EXAM]}
    with pytest.raises(DomainError) as caught:
        services.save_version(pve, {"financing": financing}, by=pve.latest.created_by)
    assert caught.value.field == "milestones" and len(pve.versions) == 1


def test_a_pve_keeps_the_sections_of_the_template_it_started_from(make_pve, make_procurement_case):
    pve = make_pve(make_procurement_case("z_route"))
    keys = [s["key"] for s in pve.latest.sections]
    version = services.save_version(pve, {"note": "niets"}, by=pve.latest.created_by)
    assert [s["key"] for s in version.sections] == keys
    with pytest.raises(DomainError, match="paragrafen"):  # a section of another template is not one of its own
        services.save_version(pve, {"sections": version.sections + [{"key": "examen", "title": "Examens",
                                                                      "body": ""}]}, by=pve.latest.created_by)


@pytest.mark.parametrize("change, field", [
    # a contract for the Z-route is checked like its PvE
    ({"milestones": [EXAM]}, "milestones"),
    ({"kpis": [EXAM_KPI]}, "kpis"),
])
def test_a_z_route_contract_refuses_what_its_template_rules_out(ctx, make_provider, make_municipality, change,
                                                                 field):
    data = {"run_off": "tot_einde_traject", "reference": "Z-1", "provider": make_provider(), "service": service("z_route"),
            "procurement_route": "aanbesteding", "municipalities": [make_municipality()],
            "starts_on": date(2026, 1, 1), "ends_on": date(2027, 12, 31), "price_per_trajectory": Decimal("8900.00"),
            "milestones": [], "kpis": []} | change
    with pytest.raises(DomainError) as caught:
        contracts.create_contract(data, by=None)
    assert caught.value.field == field


def test_a_z_route_open_house_starts_from_the_template_and_refuses_an_exam(ctx, make_procurement_case):
    case = make_procurement_case("z_route")
    terms = {"title": "Z-route", "starts_on": date(2026, 1, 1), "ends_on": date(2027, 12, 31)}
    with pytest.raises(DomainError) as caught:
        open_house.open_open_house(case, terms | {"milestones": [EXAM]}, by=None)
    assert caught.value.field == "milestones"
    house = open_house.open_open_house(case, terms, by=None)
    assert house.milestones[-1]["code"] == "ZROUTE" and house.price_per_trajectory == case.price_per_trajectory


def test_the_api_refuses_a_z_route_contract_paying_on_an_exam(api, make_user, make_provider, make_municipality):
    municipality = make_municipality()
    user = make_user(Role.CONTRACTMANAGER, municipalities=[municipality])
    response = api(user).post("/api/v1/contracts", json={
        "run_off": "tot_einde_traject",
        "reference": "Z-API", "provider_id": make_provider().id, "service": "z_route",
        "procurement_route": "aanbesteding", "municipalities": [municipality.code], "start_date": "2026-01-01",
        "end_date": "2027-12-31", "price_per_trajectory": "8900.00", "milestones": [EXAM]})
    assert response.status_code == 422
    error = response.get_json()["errors"][0]
    assert error["field"] == "trigger" and "Z-route" in error["message"]
