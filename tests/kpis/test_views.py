import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from core.extensions import db
from core.models import Role
from core.terms import KPI_NAMES
from kpis import monthly
from kpis.models import KpiAlert
from trajectories.models import Trajectory
from tests.kpis.conftest import TODAY


pytestmark = pytest.mark.today(TODAY.isoformat())


@pytest.fixture
def computed(monitored):
    contract = monitored()
    monthly.refresh_monthly_values(TODAY)
    db.session.commit()
    return contract


def test_dashboard_shows_red_first_with_norm(computed, make_user, login):
    page = login(make_user(Role.CONTRACTMANAGER)).get("/indicatoren/")
    assert page.status_code == 200
    # an unscoped contract manager sees nothing; an admin sees everything
    assert computed.reference not in page.get_data(as_text=True)
    html = login(make_user(Role.ADMIN)).get("/indicatoren/").get_data(as_text=True)
    assert computed.reference in html and "75,0 %" in html and "minimaal 80,0 %" in html
    assert "Per gemeente 1 rode waarde." in html and "Berekend op " in html
    contract_page = login(make_user(Role.CONTRACTMANAGER, municipalities=computed.municipalities)).get(
        f"/indicatoren/contracten/{computed.id}").get_data(as_text=True)
    assert contract_page.index("app-badge--red") < contract_page.index("app-badge--green")


def test_contract_page_has_trend_municipalities_and_drill_down_links(computed, make_user, login):
    client = login(make_user(Role.CONTRACTMANAGER, municipalities=computed.municipalities))
    html = client.get(f"/indicatoren/contracten/{computed.id}").get_data(as_text=True)
    assert "<svg" in html and "Gemeenten naast elkaar" in html and "Dordrecht" in html and "Zwijndrecht" in html
    assert f"/indicatoren/contracten/{computed.id}/attendance_rate?" in html
    assert f'href="/indicatoren/gemeenten/{computed.municipalities[0].code}"' in html  # the municipality's own page
    drill = client.get(f"/indicatoren/contracten/{computed.id}/attendance_rate?from=2026-03-01&to=2026-03-31"
                       f"&municipality={computed.municipalities[0].code}").get_data(as_text=True)
    assert "Trajecten in de teller (1)" in drill and "50,0 %" in drill
    assert re.search(r'href="/trajectories/\d+">', drill)  # each trajectory of the list opens its page


def test_pages_outside_scope_answer_404_and_providers_403(computed, make_user, make_municipality, login, client):
    outsider = make_user(Role.CONTRACTMANAGER, municipalities=[make_municipality()])
    login(outsider)
    for path in (f"/indicatoren/contracten/{computed.id}", f"/indicatoren/aanbieders/{computed.provider_id}",
                 f"/indicatoren/gemeenten/{computed.municipalities[0].code}",
                 f"/indicatoren/contracten/{computed.id}/scorekaart?first=2026-01&last=2026-03&format=pdf"):
        assert client.get(path).status_code == 404, path
    login(make_user(Role.PROVIDER, provider=computed.provider))
    assert client.get("/indicatoren/").status_code == 403


def test_provider_and_municipality_pages(computed, make_user, login):
    client = login(make_user(Role.ADMIN))
    provider = client.get(f"/indicatoren/aanbieders/{computed.provider_id}").get_data(as_text=True)
    assert "Alle contracten samen" in provider and computed.reference in provider
    municipality = client.get(f"/indicatoren/gemeenten/{computed.municipalities[0].code}").get_data(as_text=True)
    assert "Aanwezigheid" in municipality and "50,0 %" in municipality


def test_start_page_panel_and_handling_an_alert(computed, make_user, login):
    client = login(make_user(Role.CONTRACTMANAGER, municipalities=computed.municipalities))
    start = client.get("/").get_data(as_text=True)
    assert "Prestatie-indicatoren" in start and "2 open signalen" in start
    alert = db.session.scalars(sa.select(KpiAlert)).first()
    refused = client.post(f"/indicatoren/signalen/{alert.id}/afhandelen", data={"note": ""}, follow_redirects=True)
    assert "Beschrijf kort wat er is gedaan." in refused.get_data(as_text=True)
    done = client.post(f"/indicatoren/signalen/{alert.id}/afhandelen", data={"note": "Besproken"},
                       follow_redirects=True)
    assert "is afgehandeld" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(KpiAlert, alert.id).note == "Besproken"
    assert "1 open signaal" in client.get("/").get_data(as_text=True)


def test_scorecard_pdf_and_xlsx(monitored, make_user, login, make_provider):
    contract = monitored(provider=make_provider(name="=HYPERLINK(\"http://x\")"))
    db.session.commit()
    client = login(make_user(Role.ADMIN))
    url = f"/indicatoren/contracten/{contract.id}/scorekaart?first=2026-02&last=2026-03&format="
    pdf = client.get(url + "pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    xlsx = client.get(url + "xlsx")
    sheet = load_workbook(BytesIO(xlsx.data)).active
    assert sheet["D1"].value == "'=HYPERLINK(\"http://x\")" and sheet["D1"].data_type == "s"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert ["Hele contract", "02-2026 t/m 03-2026", "Aanwezigheid", "attendance_rate", 0.875] == rows[0][:5]
    assert ["Hele contract", "03-2026", "Aanwezigheid", "attendance_rate", 0.75] in [r[:5] for r in rows]
    assert rows[0][5:7] == ["minimaal 80,0 %", "minimaal"]
    bad = client.get(f"/indicatoren/contracten/{contract.id}/scorekaart?first=2026-3&last=2026-03&format=pdf")
    assert bad.status_code == 302


DASHBOARDS = ("/indicatoren/", "/indicatoren/contracten/{c.id}", "/indicatoren/aanbieders/{c.provider_id}",
              "/indicatoren/gemeenten/{c.municipalities[0].code}")


def test_every_dashboard_page_shows_the_stored_values_not_live_ones(computed, make_user, make_event, login, api):
    """After the job, Dordrecht's March attendance changes from 50% to 75%: the pages keep the stored values (with
    the moment they were computed) until the next run; the API computes live."""
    dordrecht = computed.municipalities[0]
    trajectory = db.session.scalar(sa.select(Trajectory).where(Trajectory.municipality_id == dordrecht.id))
    make_event(trajectory, "attendance", date(2026, 4, 2), month=date(2026, 3, 1), hours_offered=Decimal(40),
               hours_attended=Decimal(40), hours_excused=Decimal(0))
    db.session.commit()
    admin = make_user(Role.ADMIN)
    client = login(admin)
    pages = {path: client.get(path.format(c=computed)).get_data(as_text=True) for path in DASHBOARDS}
    for path, html in pages.items():
        assert "Berekend op " in html and "83,3 %" not in html, path
    assert "75,0 %" in pages["/indicatoren/"] and "75,0 %" in pages["/indicatoren/aanbieders/{c.provider_id}"]
    assert "50,0 %" in pages["/indicatoren/gemeenten/{c.municipalities[0].code}"]
    contract_page = pages["/indicatoren/contracten/{c.id}"]
    assert "75,0 %" in contract_page and "50,0 %" in contract_page and "<svg" in contract_page
    live = api(admin).get(f"/api/v1/contracts/{computed.id}/kpis?from=2026-03-01&to=2026-03-31").get_json()
    assert live["items"][0]["value"] == 0.8333  # (40 + 20 + 40) / 120
    monthly.refresh_monthly_values(TODAY)
    db.session.commit()
    assert "83,3 %" in client.get("/indicatoren/").get_data(as_text=True)


def test_before_the_first_run_every_dashboard_says_so(monitored, make_user, login):
    contract = monitored()
    db.session.commit()
    client = login(make_user(Role.ADMIN))
    for path in DASHBOARDS:
        html = client.get(path.format(c=contract)).get_data(as_text=True)
        assert "De indicatoren zijn nog niet berekend." in html and "Berekend op" not in html, path


def test_a_contract_manager_of_another_region_sees_nothing(computed, make_user, make_region, login, api):
    other = login(make_user(Role.CONTRACTMANAGER, region=make_region()))
    index = other.get("/indicatoren/").get_data(as_text=True)
    assert computed.reference not in index and "Er zijn geen contracten binnen uw bereik." in index
    for path in DASHBOARDS[1:]:
        assert other.get(path.format(c=computed)).status_code == 404, path


def test_the_provider_page_shows_only_the_municipalities_in_scope(computed, make_user, login):
    dordrecht, zwijndrecht = computed.municipalities
    html = login(make_user(Role.CONTRACTMANAGER, municipalities=[zwijndrecht])).get(
        f"/indicatoren/aanbieders/{computed.provider_id}").get_data(as_text=True)
    assert "Zwijndrecht" in html and "Dordrecht" not in html
    assert "100,0 %" in html and "75,0 %" not in html and "50,0 %" not in html


@pytest.mark.parametrize(("query", "shown"), [
    # no filter, and a value no longer offered: every contract
    ("", True), ("?provider=999999", True), ("?status=paars", True),
    # the contract's own provider, service and municipality
    ("?provider={provider}", True), ("?service={service}", True), ("?municipality={municipality}", True),
    # another provider's contracts
    ("?provider={other}", False),
])
def test_the_dashboard_filters_by_provider_service_municipality_and_status(computed, make_user, make_provider,
                                                                          make_contract, login, query, shown):
    other = make_contract(provider=make_provider(), municipalities=computed.municipalities)
    url = "/indicatoren/" + query.format(provider=computed.provider_id, service=computed.service_id,
                                         municipality=computed.municipalities[0].id, other=other.provider_id)
    page = login(make_user(Role.ADMIN)).get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Er is een probleem" not in html
    assert (f">{computed.reference}</a>" in html) == shown


def test_the_dashboard_status_filter_keeps_only_values_of_that_status(computed, make_user, login):
    client = login(make_user(Role.ADMIN))
    red, green = (client.get(f"/indicatoren/?status={s}").get_data(as_text=True) for s in ("red", "green"))
    assert "75,0 %" in red and "app-badge--green" not in red.split("<main")[1]
    assert "75,0 %" not in green and "app-badge--red" not in green.split("<main")[1]
    assert "Geen contracten met deze filters." in green  # its only value this month is red


def chart_named(html: str, title: str) -> str:
    """The inline SVG whose <title> is this."""
    return next(svg for svg in re.findall(r"<svg.*?</svg>", html, re.S) if f">{title}</title>" in svg)


def axis_months(svg: str) -> list[str]:
    return re.findall(r'<text [^>]*>([a-z]{3} \d{4})</text>', svg.split('class="axis x')[1])


TREND_MONTHS = [f"{name} {year}" for year, names in ((2025, "apr mei jun jul aug sep okt nov dec"),
                                                    (2026, "jan feb mrt")) for name in names.split()]


def test_the_contract_page_draws_each_trend_with_norm_and_red_months_and_its_table(computed, make_user, login):
    html = login(make_user(Role.ADMIN)).get(f"/indicatoren/contracten/{computed.id}").get_data(as_text=True)
    svg = chart_named(html, "Aanwezigheid")
    assert 'role="img"' in svg and axis_months(svg) == TREND_MONTHS
    assert all(f">{tick}</text>" in svg for tick in ("0,0 %", "40,0 %", "80,0 %", "100,0 %"))  # the value axis
    assert re.findall(r'class="app-chart__label">([^<]+)<', svg) == ["Norm", "Waarde"]
    # March alone is red (75 % against at least 80 %): one diamond with its word, and a legend entry
    assert svg.count('class="app-chart__mark"') == 1 and svg.count(">rood<") == 1
    assert ">Rood: norm niet gehaald<" in svg and "Rood (norm niet gehaald): mrt 2026." in svg
    table = html.split('<caption class="utrecht-table__caption">Aanwezigheid per maand (de cijfers van de grafiek)')[1]
    table = table.split("</table>")[0]
    assert re.findall(r'scope="col">([^<]+)<', table) == [
        "Maand", "Waarde", "Norm", "Status"]
    assert table.count('scope="row"') == 12 and '<th class="utrecht-table__header-cell" scope="row">maart 2026' in table
    assert "75,0 %" in table and "minimaal 80,0 %" in table and "app-badge--red" in table
    assert f"/indicatoren/contracten/{computed.id}/attendance_rate?from=2026-02-01&amp;to=2026-02-28" in table


def test_the_provider_and_municipality_pages_draw_every_trend_with_its_table(computed, make_user, login):
    client = login(make_user(Role.ADMIN))
    provider = client.get(f"/indicatoren/aanbieders/{computed.provider_id}").get_data(as_text=True)
    svg = chart_named(provider, "Aanwezigheid")
    assert axis_months(svg) == TREND_MONTHS and ">Norm<" in svg and svg.count(">rood<") == 1
    assert "Aanwezigheid per maand (de cijfers van de grafiek)" in provider
    municipality = client.get(f"/indicatoren/gemeenten/{computed.municipalities[0].code}").get_data(as_text=True)
    svg = chart_named(municipality, "Aanwezigheid")
    assert axis_months(svg) == TREND_MONTHS and ">Norm<" not in svg and "app-chart__mark" not in svg  # no norm
    assert svg.count('class="dot') >= 2 and municipality.count("per maand (de cijfers van de grafiek)") == len(KPI_NAMES)


@pytest.mark.parametrize(("query", "title", "last"), [
    # red by default and when red is chosen: March's one red contract-wide value
    ("", "Rode indicatoren per maand", "1"), ("?status=red", "Rode indicatoren per maand", "1"),
    # the other statuses count their own
    ("?status=green", "Groene indicatoren per maand", "0"), ("?status=grey", "Indicatoren zonder waarde per maand", "0"),
    # another provider's contract, which agrees no indicators: nothing to count
    ("?provider={other}", "Rode indicatoren per maand", "0"),
])
def test_the_dashboard_draws_the_count_per_month_its_filters_leave(computed, make_user, make_provider, make_contract,
                                                                  login, query, title, last):
    other = make_contract(provider=make_provider(), municipalities=computed.municipalities)
    html = login(make_user(Role.ADMIN)).get("/indicatoren/" + query.format(other=other.provider_id)).get_data(
        as_text=True)
    svg = chart_named(html, title)
    assert axis_months(svg) == TREND_MONTHS and all(f">{n}</text>" in svg for n in ("0", "1"))  # whole numbers
    table = html.split(f'<caption class="utrecht-table__caption">{title} (de cijfers van de grafiek)')[1]
    rows = re.findall(r'scope="row">([^<]+)</th>\s*<td[^>]*>([^<]+)</td>', table.split("</table>")[0])
    assert len(rows) == 12 and rows[-1] == ("maart 2026", last)
