"""The report pages through HTTP: the council report with its narrative written, approved by a colleague and
downloaded; the year-end with its indicator codes; who may see them."""
import pytest

from core.models import Role
from tests.reports.conftest import TODAY

pytestmark = pytest.mark.today(TODAY.isoformat())
PERIOD = {"start": "2026-07-01", "end": "2026-12-31"}


def test_a_narrative_is_written_approved_by_a_colleague_and_shown(world, client, login):
    scope = {"scope": f"m:{world.dordrecht.code}", **PERIOD}
    login(world.maker)
    page = client.get("/rapportages/", query_string=scope)
    assert page.status_code == 200 and "Aantallen per leerroute en participatietraject" in page.text
    saved = client.post("/rapportages/tekst", query_string=scope, data={
        "toelichting": "Het loopt.", "risicos": "Het plafond.", "vooruitblik": "Een nieuwe aanbesteding."})
    assert saved.status_code == 302
    page = client.get("/rapportages/", query_string=scope).text
    assert "Versie 1 (concept)" in page and "Het plafond." in page and "vaststellen" not in page
    assert client.post("/rapportages/vaststellen/1", query_string=scope).status_code == 302
    assert "Versie 1 (concept)" in client.get("/rapportages/", query_string=scope).text  # the author may not
    client.get("/logout")
    login(world.checker)
    assert "Versie 1 vaststellen" in client.get("/rapportages/", query_string=scope).text
    client.post("/rapportages/vaststellen/1", query_string=scope)
    page = client.get("/rapportages/", query_string=scope).text
    assert "Versie 1 (vastgesteld)" in page and "versie 1, vastgesteld" in page
    pdf = client.get("/rapportages/raadsrapportage.pdf", query_string={**scope, "publiek": "1"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_year_end_page_shows_the_figures_and_keeps_the_codes(world, client, login):
    login(world.maker)
    page = client.get("/rapportages/jaarafsluiting", query_string={"municipality": world.dordrecht.code,
                                                                   "year": 2026})
    assert page.status_code == 200 and "4712" in page.text and "€\xa0500,00" in page.text
    client.post("/rapportages/jaarafsluiting/codes", query_string={"municipality": world.dordrecht.code,
                                                                   "year": 2026},
                data={"measure": "besteding", "code": "D8A/01"})
    page = client.get("/rapportages/jaarafsluiting", query_string={"municipality": world.dordrecht.code,
                                                                   "year": 2026}).text
    assert "(D8A/01)" in page
    csv = client.get("/rapportages/jaarafsluiting.csv", query_string={"municipality": world.dordrecht.code,
                                                                      "year": 2026})
    assert csv.status_code == 200 and csv.data.startswith("\ufeffgemeente_code".encode())
    assert 'format=machine' in page  # the page offers the journal's other format too
    machine = client.get("/rapportages/jaarafsluiting.csv", query_string={"municipality": world.dordrecht.code,
                                                                          "year": 2026, "format": "machine"})
    assert machine.status_code == 200 and machine.data.startswith(b"gemeente_code,gemeente,jaar,")
    assert "-machine.csv" in machine.headers["Content-Disposition"]
    assert client.get("/rapportages/jaarafsluiting.csv", query_string={"municipality": world.dordrecht.code,
                                                                       "format": "xml"}).status_code == 404


@pytest.mark.parametrize("role, council, year_end", [
    (Role.CONTRACTMANAGER, 200, 403),
    (Role.INKOPER, 403, 403),
    (Role.PROVIDER, 403, 403),
])
def test_who_sees_the_report_pages(world, client, login, make_user, make_provider, role, council, year_end):
    user = make_user(role, region=None if role == Role.PROVIDER else world.region,
                     provider=make_provider() if role == Role.PROVIDER else None)
    login(user)
    assert client.get("/rapportages/").status_code == council
    assert client.get("/rapportages/jaarafsluiting").status_code == year_end
