"""The Begroting page in Chromium: axe-clean, a chart per funding source with its month axis, euro axis and
labels, the numbers as a table next to it, and the demo's one budget signal on the start page."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import violations
from tests.browser.steps import menu


@pytest.mark.today("2026-11-23")
def test_the_begroting_page_reads_without_colour_and_with_its_numbers(sign_in):
    page = sign_in("finance")
    expect(page.get_by_role("heading", name="Begroting: signalen")).to_be_visible()
    signal = page.get_by_role("link", name="Dordrecht, SPUK Wi2021")
    expect(signal).to_be_visible()
    menu(page, "Financiën", "Begroting")
    expect(page.get_by_role("heading", name="Begroting", level=1)).to_be_visible()
    charts = page.get_by_role("img")
    assert charts.count() >= 2
    chart = page.get_by_role("img", name="SPUK Wi2021").first
    svg = chart.inner_html()
    assert all(f">{month}<" in svg for month in ("jan", "jun", "dec")) and ">€ 0<" in svg
    assert all(f">{label}<" in svg for label in ("Gerealiseerd", "Verwacht", "Begroting"))
    table = page.get_by_role("table", name=re.compile(r"^SPUK Wi2021 \d{4} per maand"))
    expect(table.get_by_role("rowheader", name="december")).to_be_visible()
    assert violations(page) == []
    page.get_by_label("Regio of gemeente").select_option(label="Gemeente Dordrecht")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", name="gemeente Dordrecht", level=1)).to_be_visible()
    assert violations(page) == []
