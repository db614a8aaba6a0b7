"""The council report and the year-end in Chromium: axe-clean, a text written by one finance user and approved
by the other, the tables and the Begroting's charts on the page, the year-end with its grant annex."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import violations
from tests.browser.steps import menu


@pytest.mark.today("2026-11-23")
def test_a_council_report_is_written_approved_and_read(sign_in):
    page = sign_in("finance")
    menu(page, "Prestaties", "Raadsrapportage")
    expect(page.get_by_role("heading", name="Raadsrapportage", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Aantallen per leerroute en participatietraject")).to_be_visible()
    assert page.get_by_role("img", name="SPUK Wi2021").count() >= 1
    assert violations(page) == []
    page.get_by_role("link", name="Tekst schrijven").click()
    page.get_by_label("Toelichting").fill("De B1-route loopt volgens plan.")
    page.get_by_label("Risico's").fill("Het SPUK-budget van Dordrecht raakt op.")
    assert violations(page) == []
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    expect(page.get_by_text("De tekst is opgeslagen als nieuwe conceptversie.")).to_be_visible()
    expect(page.get_by_text("Een collega die niet aan deze tekst heeft meegeschreven stelt haar vast.")).to_be_visible()
    url = page.url
    page.get_by_role("button", name="Uitloggen").click()
    other = sign_in("finance", 1)
    other.goto(url)
    other.get_by_role("button", name="Versie 1 vaststellen").click()
    expect(other.get_by_text("Versie 1 is vastgesteld.")).to_be_visible()
    expect(other.get_by_text("Versie 1 (vastgesteld)")).to_be_visible()
    assert violations(other) == []


@pytest.mark.today("2026-11-23")
def test_the_year_end_page_reads_with_its_grant_annex(sign_in):
    page = sign_in("finance")
    menu(page, "Financiën", "Jaarafsluiting")
    page.get_by_label("Gemeente", exact=True).select_option(label="Dordrecht")
    page.get_by_label("Jaar").fill("2026")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("table", name="Lasten 2026 per financieringsbron, grootboekrekening en kostenplaats"))\
        .to_be_visible()
    expect(page.get_by_role("table", name="Subsidiebijlage SPUK Wi2021, gemeente Dordrecht")).to_be_visible()
    page.get_by_label("Indicatorcode van de gemeente (leeg: geen)").fill("D8A/01")
    page.get_by_role("button", name="Code opslaan").click()
    expect(page.get_by_text("De indicatorcode is opgeslagen.")).to_be_visible()
    assert violations(page) == []
    page.screenshot(path="test-artifacts/reports-year-end.png", full_page=True)
