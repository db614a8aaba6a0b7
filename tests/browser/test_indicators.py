"""The indicator pages in Chromium: the dashboard's chart of red indicators per month (following its filters), a
contract's, a provider's and a municipality's trends with month axis, norm line and red months marked by a
diamond and a word, each chart with its numbers as a table; axe on every page."""
import re

import pytest
from playwright.sync_api import expect
from core.terms import KPI_NAMES

from tests.browser.axe import violations
from tests.browser.conftest import ARTIFACTS
from tests.browser.steps import follow, menu

MONTHS = re.compile(r"<text [^>]*>((?:jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec) \d{4})</text>")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"indicators-{name}.png"), full_page=True)


def months_of(svg: str) -> list[str]:
    return MONTHS.findall(svg)


@pytest.mark.today("2026-11-16")  # the trends run from November 2025 to October 2026
def test_the_indicator_pages_draw_their_trends_with_tables(sign_in):
    page = sign_in("contractmanager")
    menu(page, "Prestaties", "Indicatoren")
    chart = page.get_by_role("img", name="Rode indicatoren per maand")
    svg = chart.inner_html()
    assert len(months_of(svg)) == 12 and ">nov 2025<" in svg and ">okt 2026<" in svg
    assert ">Rode indicatoren<" in svg and ">0<" in svg  # the line's own label and a whole-number axis
    table = page.get_by_role("table", name="Rode indicatoren per maand (de cijfers van de grafiek)")
    expect(table.get_by_role("rowheader")).to_have_count(12)
    last = table.get_by_role("row").last.get_by_role("cell").inner_text()
    shot(page, "dashboard")
    assert violations(page) == []

    page.get_by_label("Status").select_option(label="Groen (norm gehaald)")
    follow(page, page.get_by_role("button", name="Filteren"))
    expect(page.get_by_role("img", name="Groene indicatoren per maand")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Groene indicatoren per maand"))).to_be_visible()
    page.get_by_label("Status").select_option(label="Rood (norm niet gehaald)")
    follow(page, page.get_by_role("button", name="Filteren"))
    red_rows = page.get_by_role("table", name=re.compile(r"^Indicatoren van ")).locator("tbody tr")
    assert int(last) == red_rows.count() > 0  # last month's count is the number of red values listed

    follow(page, page.get_by_role("link", name="DS-Z-2026-01"))
    trend = page.get_by_role("img", name="Aanwezigheid")
    svg = trend.inner_html()
    assert len(months_of(svg)) == 12 and ">Norm<" in svg and ">Waarde<" in svg and "%<" in svg
    assert ">Rood: norm niet gehaald<" in svg and svg.count('class="app-chart__mark"') >= 1
    assert svg.count(">rood<") == svg.count('class="app-chart__mark"')
    numbers = page.get_by_role("table", name="Aanwezigheid per maand (de cijfers van de grafiek)")
    expect(numbers.get_by_role("columnheader")).to_have_text(["Maand", "Waarde", "Norm", "Status"])
    expect(numbers.get_by_role("rowheader").last).to_have_text("oktober 2026")
    assert numbers.get_by_text("rood").count() == svg.count('class="app-chart__mark"')
    shot(page, "contract")
    assert violations(page) == []

    follow(page, page.get_by_role("link", name="Leerwerkplaats De Merwede").first)
    expect(page.get_by_role("heading", name="Verloop over 12 maanden")).to_be_visible()
    expect(page.get_by_role("img", name="Doorlooptijd")).to_be_visible()
    assert "dagen<" in page.get_by_role("img", name="Doorlooptijd").inner_html()  # the axis in days
    shot(page, "provider")
    assert violations(page) == []

    follow(page, page.get_by_role("link", name="DS-Z-2026-01"))
    follow(page, page.get_by_role("table", name="Indicatoren per deelnemende gemeente").get_by_role("link").first)
    charts = page.get_by_role("img")
    assert charts.count() == len(KPI_NAMES) and ">Norm<" not in charts.first.inner_html()  # a municipality has no norms
    expect(page.get_by_role("table", name=re.compile(r"per maand \(de cijfers van de grafiek\)$"))).to_have_count(len(KPI_NAMES))
    shot(page, "municipality")
    assert violations(page) == []
