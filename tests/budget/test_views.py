"""The Begroting pages: figures, chart and its table, the export, budget lines and funding through forms."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from budget.models import BudgetLine, ContractFunding
from core.extensions import db


@pytest.mark.today("2026-11-23")
def test_the_begroting_page_shows_the_figures_the_chart_and_its_table(world, login):
    client = login(world.maker)
    page = client.get(f"/begroting/?scope=r:{world.region.id}&year=2026").get_data(as_text=True)
    assert "Begroting 2026, regio" in page and "SPUK Wi2021" in page and "Eigen middelen" in page
    assert 'role="img"' in page and "<script" not in page.split("<main", 1)[-1]
    assert "per maand (de cijfers van de grafiek)" in page and "€\xa05.100,00" in page  # realised SPUK Dordrecht
    workbook = load_workbook(BytesIO(client.get(f"/begroting/export.xlsx?scope=r:{world.region.id}&year=2026").data))
    rows = list(workbook["Overzicht"].iter_rows(values_only=True))
    assert rows[1][0] == "Gemeente" and any(row[0] == "Dordrecht" and row[3] == 5100 for row in rows[2:])
    assert len(list(workbook["Per maand"].iter_rows())) == 1 + 12 * (len(rows) - 2)


def test_a_budget_line_is_entered_through_the_form_and_a_wrong_one_names_its_field(world, login):
    client = login(world.maker)
    wrong = client.post("/begroting/regels", data={"municipality": world.dordrecht.code, "year": "1999",
                                                   "funding_source": "spuk", "amount": "-5"})
    text = wrong.get_data(as_text=True)
    assert "Geef een jaartal van 2000 tot en met 2100." in text and "Een begrotingsbedrag is niet negatief." in text
    assert db.session.query(BudgetLine).count() == 0
    saved = client.post("/begroting/regels", data={"municipality": world.dordrecht.code, "year": "2026",
                                                   "funding_source": "gemeentefonds", "service": "b1_route",
                                                   "version": "voorjaarsnota", "amount": "12.500,00"})
    assert saved.status_code == 302
    line = db.session.query(BudgetLine).one()
    assert (str(line.amount), line.version.value, line.service.code) == ("12500.00", "voorjaarsnota", "b1_route")
    assert "€\xa012.500,00" in client.get("/begroting/regels").get_data(as_text=True)


def test_the_funding_source_of_a_contract_is_set_per_municipality(world, login):
    client = login(world.maker)
    answer = client.post("/begroting/financiering", data={"contract": world.z.id, "municipality": world.dordrecht.code,
                                                          "funding_source": "gemeentefonds"})
    assert answer.status_code == 302
    assert db.session.query(ContractFunding).filter_by(contract_id=world.z.id).one().funding_source.value == \
        "gemeentefonds"
    assert "Eigen keuze" in client.get("/begroting/financiering").get_data(as_text=True)


def what_if_form(world, **cells) -> dict:
    """The what-if form for the Z contract: model 1 as it is, model 2 with a ceiling, plus `cells`."""
    data = {"start": "2026-01-01", "end": "2026-11-23", "models-0-name": "Huidig", "models-0-price": "5000",
            "models-0-cells-0": "1.500,00", "models-1-name": "Met plafond", "models-1-price": "5000",
            "models-1-ceiling": "2500", "models-1-cells-0": "30%"}
    for n in range(2, 5):
        data.update({f"models-{n}-name": "", f"models-{n}-cells-0": ""})
    return {**data, **cells}


def test_what_if_compares_models_in_a_form_with_rows(world, login, make_user):
    from core.models import Role

    client = login(make_user(Role.INKOPER, region=world.region))
    page = client.get(f"/begroting/wat-als?basis=c:{world.z.id}").get_data(as_text=True)
    assert 'value="Huidig schema"' in page and 'value="1.500,00"' in page
    shown = client.post(f"/begroting/wat-als?basis=c:{world.z.id}", data=what_if_form(world)).get_data(as_text=True)
    assert "Wat de modellen hadden betaald" in shown and "Met plafond" in shown
    assert "€\xa03.000,00" in shown and "€\xa01.500,00" in shown  # 2 x 1,500 without, 1 x 1,500 (30%) under 2,500
    wrong = client.post(f"/begroting/wat-als?basis=c:{world.z.id}",
                        data=what_if_form(world, **{"models-1-cells-0": "veel"})).get_data(as_text=True)
    assert "Geef een bedrag (1.500,00) of een percentage van de prijs (15%)." in wrong
    assert "Wat de modellen hadden betaald" not in wrong
