import re
from datetime import date

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import Role
from procurement import services
from procurement.assessment import assess
from procurement.models import ProcurementCase, ProcurementRoute as R

FORM = {"service": "b1_route", "title": "B1 Drechtsteden", "expected_participants_per_year": "40",
        "price_per_trajectory": "9500,00", "term_years": "2", "extension_years": "1",
        "entity_activity_share": "0", "state_aid_ruled_out": "", "fact_all_qualifying_admitted": "y",
        "fact_fixed_conditions_and_tariffs": "y", "fact_participant_chooses": "y", "fact_public_announcement": "y",
        **{f"weight_{c}": "1" for c in ("freedom_of_choice", "quality_control", "market_size", "price_competition",
                                        "administrative_burden", "speed", "volume_flexibility", "local_embedding")}}


@pytest.fixture
def people(make_user, make_region, make_procurement_case):
    make_procurement_case()  # seeds thresholds and scores
    region = make_region()
    return region, make_user(Role.INKOPER, region=region), make_user(Role.INKOPER, region=region)


def test_the_whole_html_flow(client, login, people):
    region, inkoper, second = people
    login(inkoper)
    response = client.post("/inkoop/nieuw", data={**FORM, "region_id": str(region.id)})
    assert response.status_code == 302
    case = db.session.scalar(sa.select(ProcurementCase).where(ProcurementCase.title == "B1 Drechtsteden"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "€\xa01.140.000,00" in page and "Europese procedure onder het verlicht regime" in page
    assert "capaciteit en deskundigheid" in page

    assert re.search(r'<select[^>]*id="route"[^>]*>\s*<option[^>]*value="">Kies een route', page)  # no route at first
    assert 'selected value="inbesteden"' not in page
    refused = client.post(f"/inkoop/{case.id}/besluit", data={"route": "inbesteden", "motivation": "Zelf."})
    assert refused.status_code == 422 and "Inbesteden kan niet worden gekozen" in refused.get_data(as_text=True)
    summary = refused.get_data(as_text=True).split('class="utrecht-alert utrecht-alert--error app-error-summary"')[1]
    assert summary.index('href="#route">Gekozen route: De route Inbesteden kan niet') < summary.index("<h1")
    empty = client.post(f"/inkoop/{case.id}/besluit", data={"route": "open_house", "motivation": ""})
    assert empty.status_code == 422 and "Schrijf een motivering" in empty.get_data(as_text=True)
    assert client.post(f"/inkoop/{case.id}/besluit", data={"route": "open_house", "motivation": "Keuze."}
                       ).status_code == 302
    assert "wacht op goedkeuring" in client.get(f"/inkoop/{case.id}").get_data(as_text=True)
    assert client.post(f"/inkoop/{case.id}/besluit/goedkeuren").status_code == 403

    client.post("/logout")
    login(second)
    assert client.post(f"/inkoop/{case.id}/besluit/goedkeuren").status_code == 302
    assert "van kracht" in client.get(f"/inkoop/{case.id}").get_data(as_text=True)
    matrix = client.get("/inkoop/matrix").get_data(as_text=True)
    assert f'/inkoop/{case.id}">Open House</a>' in matrix
    assert client.post(f"/inkoop/{case.id}/planning", data={"planning-route": "open_house",
                                                                "planning-starts_on": "2026-12-01"}
                       ).status_code == 302
    assert "Openbare aankondiging" in client.get(f"/inkoop/{case.id}").get_data(as_text=True)
    memo = client.get(f"/inkoop/{case.id}/besluitnotitie.pdf")
    assert memo.status_code == 200 and memo.data.startswith(b"%PDF")


def test_edit_keeps_the_form_filled_and_saves(client, login, people, make_procurement_case):
    region, inkoper, _ = people
    case = make_procurement_case(municipalities=region.municipalities, title="Oud")
    login(inkoper)
    assert 'value="Oud"' in client.get(f"/inkoop/{case.id}/wijzigen").get_data(as_text=True)
    response = client.post(f"/inkoop/{case.id}/wijzigen", data={**FORM, "title": "Nieuw",
                                                                 "municipalities": [m.code for m in region.municipalities]})
    assert response.status_code == 302 and case.title == "Nieuw" and case.term_years == 2


def test_the_form_asks_the_conditions_per_route_and_stores_the_cooperation(client, login, people):
    region, inkoper, _ = people
    login(inkoper)
    page = client.get("/inkoop/nieuw").get_data(as_text=True)
    assert "Voorwaarden: Horizontale samenwerking" in page and "Gezamenlijk toezicht: de besluitvormingsorganen" in page
    cooperation = {"fact_cooperation_between_authorities": "y", "fact_cooperation_common_objectives": "y",
                   "fact_cooperation_public_interest_only": "y", "announcement_planned_on": "2027-03-01"}
    response = client.post("/inkoop/nieuw", data={**FORM, **cooperation, "cooperation_market_share": "12,5",
                                                  "region_id": str(region.id)})
    assert response.status_code == 302
    case = db.session.scalar(sa.select(ProcurementCase).where(ProcurementCase.title == "B1 Drechtsteden"))
    assert case.facts["cooperation_market_share"] == 12.5 and case.announcement_planned_on == date(2027, 3, 1)
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Drempel op 01-03-2027" in detail and "Horizontale samenwerking" in detail
    assert assess(case, date(2026, 11, 23)).route(R.SAMENWERKING).allowed


def test_another_regions_case_is_404_and_the_list_is_scoped(client, login, people, make_user, make_region,
                                                             make_procurement_case):
    region, _, _ = people
    case = make_procurement_case(municipalities=region.municipalities, title="Geheim dossier")
    login(make_user(Role.INKOPER, region=make_region()))
    assert client.get(f"/inkoop/{case.id}").status_code == 404
    assert client.get(f"/inkoop/{case.id}/besluitnotitie.pdf").status_code == 404
    assert "Geheim dossier" not in client.get("/inkoop/").get_data(as_text=True)


def test_the_start_page_shows_the_milestones_the_daily_job_flagged(app, client, login, people, make_procurement_case):
    from core.scheduler import run_job

    region, inkoper, _ = people
    case = make_procurement_case(municipalities=region.municipalities, title="KNM regio")
    services.plan_case(case, "inbesteden", date(2026, 11, 1), by=inkoper, today=date(2026, 11, 23))
    db.session.commit()
    assert run_job(app, "procurement_planning_alerts", date(2026, 11, 23)) == "done"
    login(inkoper)
    page = client.get("/").get_data(as_text=True)
    assert "te laat" in page and "Bestuursbesluit inbesteden" in page and "Werkafspraken vastgelegd" in page


def test_admin_edits_a_route_score_and_municipal_policy(client, login, make_user, people):
    from procurement.models import RouteScore

    region, inkoper, _ = people
    row = db.session.scalars(sa.select(RouteScore)).first()
    login(make_user(Role.ADMIN))
    assert client.post("/inkoop/scores", data={"score_id": row.id, "score": "2,5", "explanation": "Toelichting"}
                       ).status_code == 302
    assert str(row.score) == "2.5"
    municipality = region.municipalities[0]
    assert client.post(f"/inkoop/inkoopbeleid/{municipality.code}", data={
        "single_source_threshold": "40000", "multiple_quote_threshold": "150000"}).status_code == 302
    assert str(municipality.multiple_quote_threshold) == "150000.00"
    client.post("/logout")
    login(inkoper)
    assert client.get("/inkoop/scores").status_code == 403
