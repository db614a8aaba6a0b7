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
    assert "per maand (de cijfers van de grafiek)" in page and "€ 5.100,00" in page  # realised SPUK Dordrecht
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
    assert "€ 12.500,00" in client.get("/begroting/regels").get_data(as_text=True)


def test_the_funding_source_of_a_contract_is_set_per_municipality(world, login):
    client = login(world.maker)
    answer = client.post("/begroting/financiering", data={"contract": world.z.id, "municipality": world.dordrecht.code,
                                                          "funding_source": "gemeentefonds"})
    assert answer.status_code == 302
    assert db.session.query(ContractFunding).filter_by(contract_id=world.z.id).one().funding_source.value == \
        "gemeentefonds"
    assert "Eigen keuze" in client.get("/begroting/financiering").get_data(as_text=True)
