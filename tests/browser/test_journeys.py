"""The three journeys of issue 9, clicked through in Chromium as their users would: the inkoper, the contract
manager and finance. The database is read back only to check what the clicks stored."""
import re
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from core.extensions import db
from tests.browser.axe import violations


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(field(page, "E-mailadres")).to_be_visible()


def download(page: Page, locator) -> bytes:
    with page.expect_download() as info:
        locator.click()
    return Path(info.value.path()).read_bytes()


def field(page: Page, label: str):
    """The control whose whole label is this text (a required field's label ends in "(verplicht)")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(verplicht\))?$"))


def flash(page: Page, text: str) -> None:
    expect(page.get_by_text(text)).to_be_visible()


def test_inkoper_journey_from_case_to_adopted_pve(file_app, sign_in):
    from procurement.models import ProcurementCase
    from procurement.pve.models import Pve

    page = sign_in("inkoper")
    page.get_by_role("link", name="Inkoop", exact=True).first.click()
    page.get_by_role("link", name="Nieuw inkoopdossier").click()
    assert violations(page) == []
    field(page, "Dienst").select_option(label="Alfabetisering")
    field(page, "Titel").fill("Alfabetisering Drechtsteden 2027")
    field(page, "Regio (regionaal dossier)").select_option(label="Drechtsteden")
    field(page, "Verwachte deelnemers per jaar (alle gemeenten samen)").fill("80")
    field(page, "Prijs per traject (EUR)").fill("4250.00")
    field(page, "Looptijd (jaren)").fill("3")
    field(page, "Verlengingsopties samen (jaren)").fill("1")
    page.get_by_role("button", name="Opslaan en beoordelen").click()
    flash(page, "Het inkoopdossier is aangemaakt.")

    expect(page.get_by_role("heading", name="Beoordeling")).to_be_visible()
    assert violations(page) == []
    field(page, "Gekozen route").select_option(label="Aanbesteding")
    field(page, "Motivering").fill("Geen eigen capaciteit; de markt is ruim en de waarde ligt boven de drempel.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    flash(page, "wacht op goedkeuring door een tweede inkoper")
    expect(page.get_by_role("button", name="Goedkeuren")).to_have_count(0)  # not by the one who decided

    sign_out(page)
    sign_in("inkoper", 1)
    with file_app.app_context():
        case_id = db.session.scalar(sa.select(ProcurementCase.id).where(
            ProcurementCase.title == "Alfabetisering Drechtsteden 2027"))
    page.goto(f"/inkoop/{case_id}")
    page.get_by_role("button", name="Goedkeuren").click()
    flash(page, "Het besluit is goedgekeurd en nu van kracht.")
    memo = download(page, page.get_by_role("link", name="Besluitnotitie (PDF)"))
    assert memo.startswith(b"%PDF")

    sign_out(page)
    sign_in("inkoper")
    page.goto("/pve/new")
    assert violations(page) == []
    field(page, "Inkoopzaak").select_option(value=str(case_id))
    field(page, "Titel").fill("PvE Alfabetisering")
    page.get_by_role("button", name="PvE starten").click()
    flash(page, "Het PvE is gestart uit het sjabloon.")
    page.get_by_role("link", name="Bewerken").click()
    field(page, "Prijs per traject (euro)").fill("4250.00")
    field(page, "Wat is er gewijzigd?").fill("Prijs uit het dossier bevestigd")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    flash(page, "Versie 2 is opgeslagen.")
    page.get_by_role("button", name="Ter review aanbieden").click()
    flash(page, "heeft nu de status")
    expect(page.get_by_role("button", name="Vaststellen")).to_have_count(0)  # the author may not adopt

    sign_out(page)
    sign_in("inkoper", 1)
    with file_app.app_context():
        pve_id = db.session.scalar(sa.select(Pve.id).where(Pve.procurement_case_id == case_id))
    page.goto(f"/pve/{pve_id}")
    assert violations(page) == []
    field(page, "Opmerking").fill("Graag de doelgroep scherper omschrijven.")
    page.get_by_role("button", name="Opmerking plaatsen").click()
    flash(page, "Uw opmerking is geplaatst.")
    sign_out(page)
    sign_in("inkoper")
    page.goto(f"/pve/{pve_id}")
    page.get_by_label("Antwoord", exact=True).fill("Doelgroep aangescherpt in paragraaf 2.")
    page.get_by_role("button", name="Beantwoorden").click()
    page.get_by_role("button", name="Afhandelen").click()
    flash(page, "De opmerking is afgehandeld.")

    sign_out(page)
    sign_in("inkoper", 1)
    page.goto(f"/pve/{pve_id}")
    page.get_by_role("button", name="Vaststellen").click()
    flash(page, "heeft nu de status Vastgesteld")
    expect(page.get_by_role("button", name="Nieuw concept starten")).to_be_visible()
    assert violations(page) == []
    pdf = download(page, page.get_by_role("link", name=re.compile(r"PDF van versie")))
    assert pdf.startswith(b"%PDF")
    with file_app.app_context():
        pve = db.session.get(Pve, pve_id)
        assert pve.adopted.number == 2 and pve.adopted.adopted_by.email == "inkoper2@drechtsteden.demo"
        case = db.session.get(ProcurementCase, case_id)
        assert case.decision_in_force.route.value == "aanbesteding"
