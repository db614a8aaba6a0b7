"""The region admin's journey: the installation's look, the menu by task, users with their scope and API tokens,
municipalities with their pages; screenshots of the main pages are kept in test-artifacts/."""
import re

from playwright.sync_api import Page, expect

from tests.browser.axe import violations
from tests.browser.conftest import ARTIFACTS
from tests.browser.steps import field, flash, follow, menu

UTRECHT_RED = "rgb(204, 0, 0)"


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"), full_page=True)


def test_admin_journey_theme_menu_users_and_tokens(sign_in):
    page = sign_in("admin")
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name=re.compile("^Inburgering in de regio"))).to_be_visible()
    assert header.locator("img.app-logo__image").evaluate("img => img.complete && img.naturalWidth > 0")
    footer = page.locator(".utrecht-page-footer")
    assert footer.evaluate("el => getComputedStyle(el).backgroundColor") != UTRECHT_RED
    assert page.locator('link[rel="icon"]').get_attribute("href") == "/static/theme/favicon.svg"
    tasks = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link")
    expect(tasks).to_have_text(["Start", "Inkoop", "Contractbeheer", "Uitvoering", "Prestaties", "Financiën",
                                "Beheer"])
    assert len({round(box["y"]) for box in (tasks.nth(i).bounding_box() for i in range(tasks.count()))}) == 1
    shoot(page, "start")

    menu(page, "Beheer", "Gebruikers")
    assert violations(page) == []
    shoot(page, "gebruikers")
    follow(page, page.get_by_role("link", name="Nieuwe gebruiker"))
    email = field(page, "E-mailadres")
    assert email.evaluate("el => getComputedStyle(el).borderColor") == field(page, "Naam").evaluate(
        "el => getComputedStyle(el).borderColor")  # required, but not red before anyone typed
    follow(page, page.get_by_role("button", name="Gebruiker aanmaken"))
    summary = page.get_by_role("alert").filter(has_text="Er zijn 3 problemen met wat u invulde")
    expect(summary.get_by_role("link")).to_have_text(["E-mailadres: Vul een e-mailadres in.", "Naam: Vul een naam in.",
                                                      "Rol: Kies een rol."])
    assert violations(page) == []
    field(page, "E-mailadres").fill("nieuwe.inkoper@drechtsteden.demo")
    field(page, "Naam").fill("Nina Nieuw")
    field(page, "Rol").select_option(label="Inkoper")
    page.get_by_role("group", name="Of voor deze gemeenten").get_by_label("Dordrecht").check()
    follow(page, page.get_by_role("button", name="Gebruiker aanmaken"))
    expect(page.get_by_text("Geef dit eenmalige wachtwoord veilig door")).to_be_visible()
    assert len(page.get_by_label("Wachtwoord").input_value()) >= 16
    follow(page, page.get_by_role("link", name="Naar Nina Nieuw"))

    follow(page, page.get_by_role("button", name="Nieuw API-token"))
    assert len(page.get_by_label("API-token").input_value()) > 30
    assert violations(page) == []
    follow(page, page.get_by_role("link", name="Naar Nina Nieuw"))
    follow(page, page.get_by_role("button", name="Intrekken"))
    flash(page, "Het API-token is ingetrokken; het werkt niet meer.")
    expect(page.get_by_role("table", name="API-tokens van Nina Nieuw")).to_contain_text("ingetrokken op")
    shoot(page, "gebruiker")

    menu(page, "Beheer", "Gemeenten")
    assert violations(page) == []
    follow(page, page.get_by_role("link", name="Inkoopbeleid van Dordrecht"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dordrecht")
    menu(page, "Beheer", "Auditlog")
    expect(page.get_by_text("Gebruiker nieuwe.inkoper@drechtsteden.demo (inkoper) aangemaakt")).to_be_visible()
    expect(page.get_by_text("API-token voor nieuwe.inkoper@drechtsteden.demo uitgegeven")).to_be_visible()
    shoot(page, "auditlog")
