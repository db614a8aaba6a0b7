"""Bank details on four eyes in Chromium: one finance user proposes the region's new paying organisation, sees it
wait and cannot approve it; the second approves it on Bankgegevens; axe finds nothing on either page."""
import re

from playwright.sync_api import expect

from tests.browser.axe import violations
from tests.browser.steps import menu

NEW_IBAN = "NL44RABO0123456789"


def test_a_new_paying_organisation_waits_for_the_second_finance_user(sign_in, page):
    sign_in("finance", 0)
    menu(page, "Financiën", "Financiële instellingen")
    page.get_by_label("Voor regio of gemeente").select_option(label="Regio Drechtsteden")
    page.get_by_label("Naam betalende organisatie").fill("Sociale Dienst Drechtsteden")
    page.get_by_label(re.compile(r"^IBAN")).fill(NEW_IBAN)
    page.get_by_label(re.compile(r"^BIC")).fill("RABONL2U")
    page.get_by_role("button", name="Betalende organisatie voorstellen").click()
    expect(page.get_by_text("wacht op goedkeuring door een tweede persoon")).to_be_visible()
    menu(page, "Financiën", "Bankgegevens")
    row = page.get_by_role("row").filter(has_text=NEW_IBAN)
    expect(row.get_by_text("U stelde dit voor; een tweede persoon keurt het goed.")).to_be_visible()
    expect(row.get_by_role("button", name="Goedkeuren")).to_have_count(0)
    assert violations(page) == []
    page.get_by_role("button", name="Uitloggen").click()

    sign_in("finance", 1)
    menu(page, "Financiën", "Bankgegevens")
    row = page.get_by_role("row").filter(has_text=NEW_IBAN)
    row.get_by_role("button", name="Goedkeuren").click()
    row = page.get_by_role("row").filter(has_text=NEW_IBAN)
    expect(row.get_by_text("Goedgekeurd")).to_be_visible()
    assert violations(page) == []
    menu(page, "Financiën", "Financiële instellingen")
    expect(page.get_by_role("table").first.get_by_text(NEW_IBAN)).to_be_visible()
