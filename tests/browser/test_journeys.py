"""The three journeys of issue 9, clicked through in Chromium as their users would: the inkoper, the contract
manager and finance. The database is read back only to check what the clicks stored."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from core.extensions import db
from tests.browser.axe import violations
from tests.browser.steps import download, field, flash, follow, menu, sign_out


def test_inkoper_journey_from_case_to_adopted_pve(file_app, sign_in):
    from procurement.models import ProcurementCase
    from procurement.pve.models import Pve

    page = sign_in("inkoper")
    menu(page, "Inkoop", "Inkoopdossiers")
    follow(page, page.get_by_role("link", name="Nieuw inkoopdossier"))
    assert violations(page) == []
    fact = page.locator("label", has_text="De eigen organisatie heeft de capaciteit en deskundigheid")
    assert fact.bounding_box()["height"] < 30  # one line beside its checkbox, not one word per line
    field(page, "Dienst").select_option(label="Z-route (zelfredzaamheidsroute)")
    field(page, "Titel").fill("Alfabetisering Drechtsteden 2027")
    field(page, "Regio (regionaal dossier)").select_option(label="Drechtsteden")
    field(page, "Verwachte deelnemers per jaar (alle gemeenten samen)").fill("80")
    field(page, "Prijs per traject (EUR)").fill("4250.00")
    field(page, "Looptijd (jaren)").fill("3")
    field(page, "Verlengingsopties samen (jaren)").fill("1")
    follow(page, page.get_by_role("button", name="Opslaan en beoordelen"))
    flash(page, "Het inkoopdossier is aangemaakt.")

    expect(page.get_by_role("heading", name="Beoordeling")).to_be_visible()
    assert violations(page) == []
    expect(field(page, "Gekozen route")).to_have_value("")  # no route chosen for the user, least of all a blocked one
    field(page, "Gekozen route").select_option(label="Inbesteden")
    field(page, "Motivering").fill("Zelf doen.")
    follow(page, page.get_by_role("button", name="Besluit vastleggen"))
    summary = page.get_by_role("alert").filter(has_text="Er is een probleem met wat u invulde")
    expect(summary).to_be_focused()  # at the top, before the heading, where a screen reader starts
    summary.get_by_role("link", name=re.compile(r"^Gekozen route: De route Inbesteden kan niet")).click()
    expect(page).to_have_url(re.compile(r"#route$"))
    assert violations(page) == []
    field(page, "Gekozen route").select_option(label="Aanbesteding")
    field(page, "Motivering").fill("Geen eigen capaciteit; de markt is ruim en de waarde ligt boven de drempel.")
    follow(page, page.get_by_role("button", name="Besluit vastleggen"))
    flash(page, "wacht op goedkeuring door een tweede inkoper")
    expect(page.get_by_role("button", name="Goedkeuren")).to_have_count(0)  # not by the one who decided

    sign_out(page)
    sign_in("inkoper", 1)
    with file_app.app_context():
        case_id = db.session.scalar(sa.select(ProcurementCase.id).where(
            ProcurementCase.title == "Alfabetisering Drechtsteden 2027"))
    page.goto(f"/inkoop/{case_id}")
    follow(page, page.get_by_role("button", name="Goedkeuren"))
    flash(page, "Het besluit is goedgekeurd en nu van kracht.")
    memo = download(page, page.get_by_role("link", name="Besluitnotitie (PDF)"))
    assert memo.startswith(b"%PDF")

    sign_out(page)
    sign_in("inkoper")
    page.goto("/pve/new")
    assert violations(page) == []
    field(page, "Inkoopzaak").select_option(value=str(case_id))
    field(page, "Titel").fill("PvE Alfabetisering")
    follow(page, page.get_by_role("button", name="PvE starten"))
    flash(page, "Het PvE is gestart uit het sjabloon.")
    follow(page, page.get_by_role("link", name="Bewerken"))
    field(page, "Prijs per traject (euro)").fill("4250.00")
    field(page, "Wat is er gewijzigd?").fill("Prijs uit het dossier bevestigd")
    follow(page, page.get_by_role("button", name="Opslaan als nieuwe versie"))
    flash(page, "Versie 2 is opgeslagen.")
    follow(page, page.get_by_role("button", name="Ter review aanbieden"))
    flash(page, "heeft nu de status")
    expect(page.get_by_role("button", name="Vaststellen")).to_have_count(0)  # the author may not adopt

    sign_out(page)
    sign_in("inkoper", 1)
    with file_app.app_context():
        pve_id = db.session.scalar(sa.select(Pve.id).where(Pve.procurement_case_id == case_id))
    page.goto(f"/pve/{pve_id}")
    assert violations(page) == []
    field(page, "Opmerking").fill("Graag de doelgroep scherper omschrijven.")
    follow(page, page.get_by_role("button", name="Opmerking plaatsen"))
    flash(page, "Uw opmerking is geplaatst.")
    sign_out(page)
    sign_in("inkoper")
    page.goto(f"/pve/{pve_id}")
    page.get_by_label("Antwoord", exact=True).fill("Doelgroep aangescherpt in paragraaf 2.")
    follow(page, page.get_by_role("button", name="Beantwoorden"))
    follow(page, page.get_by_role("button", name="Afhandelen"))
    flash(page, "De opmerking is afgehandeld.")

    sign_out(page)
    sign_in("inkoper", 1)
    page.goto(f"/pve/{pve_id}")
    follow(page, page.get_by_role("button", name="Vaststellen"))
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


def fill_milestone(page: Page, n: int, code: str, text: str, kind: str, trigger: str, percentage: str) -> None:
    """Fill row n of the schedule editor; only the trigger's own parameters are shown (static/terms.js)."""
    row = page.get_by_role("group", name=f"Mijlpaal {n}", exact=True)
    row.get_by_label("Code", exact=True).fill(code)
    row.get_by_label("Omschrijving", exact=True).fill(text)
    row.get_by_label("Soort", exact=True).select_option(label=kind)
    row.get_by_label("Betaald bij", exact=True).select_option(label=trigger)
    row.get_by_label("Percentage van de prijs", exact=True).fill(percentage)


def upload_csv(page: Page, name: str, text: str) -> None:
    menu(page, "Uitvoering", "Voortgang uploaden")
    field(page, "CSV-bestand").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()})
    follow(page, page.get_by_role("button", name="Controleren"))


@pytest.mark.today("2026-11-16")  # the dashboard shows October, the month in which the referral's ten weeks end
def test_contract_manager_journey_from_provider_to_kpi_dashboard(file_app, sign_in):
    from contracts.models import Contract
    from trajectories.models import ProgressEvent, Trajectory

    page = sign_in("contractmanager")
    menu(page, "Contractbeheer", "Aanbieders")
    follow(page, page.get_by_role("link", name="Aanbieder registreren"))
    assert violations(page) == []
    field(page, "Naam").fill("Taalhuis Zwijndrecht B.V.")
    field(page, "KvK-nummer").fill("69599084")
    field(page, "IBAN").fill("NL91 ABNA 0417 1643 00")
    field(page, "BIC").fill("ABNANL2A")
    field(page, "Plaats").fill("Zwijndrecht")
    field(page, "Keurmerk Blik op Werk").select_option(label="Geldig voor onbepaalde tijd")  # the Z-route needs one
    follow(page, page.get_by_role("button", name="Opslaan"))
    flash(page, "Aanbieder Taalhuis Zwijndrecht B.V. is geregistreerd.")

    menu(page, "Contractbeheer", "Contracten")
    follow(page, page.get_by_role("link", name="Contract vastleggen"))
    assert violations(page) == []
    field(page, "Kenmerk").fill("DS-ALF-2026-01")
    field(page, "Aanbieder").select_option(label="Taalhuis Zwijndrecht B.V. (69599084)")
    field(page, "Dienst").select_option(label="Z-route (zelfredzaamheidsroute)")
    field(page, "Inkooproute").select_option(label="Aanbesteding")
    field(page, "Deelnemende gemeenten").select_option(label=["Dordrecht", "Zwijndrecht"])
    field(page, "Begindatum").fill("2026-01-01")
    field(page, "Einddatum (tot en met)").fill("2027-12-31")
    field(page, "Prijs per traject (euro)").fill("3200.00")
    field(page, "Plafond (euro, leeg is geen plafond)").fill("160000.00")
    field(page, "Uitloop: trajecten die na het einde van het contract doorlopen, worden betaald").select_option(
        label="Tot het einde van het traject")
    fill_milestone(page, 1, "START", "Start alfabetisering", "Inspanning", "Start van het traject", "40")
    expect(page.get_by_label("Minimaal aanwezig (% van de aangeboden uren)").first).to_be_hidden()
    follow(page, page.get_by_role("button", name="Mijlpaal toevoegen"))
    fill_milestone(page, 2, "AFR", "Traject afgerond", "Prestatie", "Traject afgerond", "160")
    timely = page.get_by_role("group", name="Tijdige start", exact=True)
    timely.get_by_label("Afspreken").check()
    timely.get_by_label("Binnen hoeveel weken na de aanmelding").fill("10")
    timely.get_by_label("Norm", exact=True).fill("90")
    follow(page, page.get_by_role("button", name="Opslaan", exact=True))
    row = page.get_by_role("group", name="Mijlpaal 2", exact=True)
    expect(row.get_by_text("Mag niet meer zijn dan 100.", exact=True)).to_be_visible()
    summary = page.get_by_role("link", name="Mijlpaal 2, Percentage van de prijs: Mag niet meer zijn dan 100.")
    summary.click()  # the error summary names the row once
    expect(page).to_have_url(re.compile(r"#milestones-1-percentage$"))
    assert violations(page) == []
    row.get_by_label("Percentage van de prijs").fill("60")
    follow(page, page.get_by_role("button", name="Opslaan", exact=True))
    flash(page, "Contract DS-ALF-2026-01 is vastgelegd.")
    expect(page.get_by_text("Tijdige start (binnen 10 weken na de aanmelding): minimaal 90,0 %")).to_be_visible()
    assert violations(page) == []

    menu(page, "Uitvoering", "Trajecten")
    follow(page, page.get_by_role("link", name="Deelnemer aanmelden"))
    assert violations(page) == []
    field(page, "Trajectreferentie").fill("ALF-2026-0001")
    field(page, "Contract").select_option(label="DS-ALF-2026-01 - Taalhuis Zwijndrecht B.V. (Z-route "
                                                 "(zelfredzaamheidsroute))")
    field(page, "Gemeente").select_option(label="Dordrecht")
    field(page, "Alfabetiseringsonderwijs (indicatie in het PIP)").select_option(label="Onderwijs voor analfabeet")
    field(page, "Aanmelddatum").fill("2026-07-27")
    follow(page, page.get_by_role("button", name="Aanmelden"))
    flash(page, "Traject ALF-2026-0001 is aangemeld.")

    menu(page, "Uitvoering", "Voortgang uploaden")
    assert violations(page) == []
    template = download(page, page.get_by_role("link", name="Download het CSV-sjabloon")).decode()
    header = template.splitlines()[0].split(";")[:4]
    assert header == ["kenmerk", "traject", "soort", "datum"]
    header = ";".join(header) + "\r\n"
    upload_csv(page, "fout.csv", header + "ALF-1;ALF-2026-0001;start;10-08-2026\r\n"
                                          "ALF-2;ALF-2026-9999;aanwezigheid;30-02-2026\r\n")
    expect(page.get_by_text("Er zijn 5 fouten gevonden; er is niets opgeslagen.")).to_be_visible()
    errors = page.get_by_role("table", name="Fouten per regel")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("3")
    for column in ("traject", "datum", "maand"):  # every error of the line, the unknown trajectory too
        expect(errors).to_contain_text(column)
    preview = page.get_by_role("table", name="Zoals gelezen uit het bestand")
    expect(preview.get_by_role("row", name=re.compile(r"^3 Fout"))).to_contain_text("Onbekend traject")
    expect(preview.get_by_role("row", name=re.compile(r"^2 "))).not_to_contain_text("Fout")
    expect(preview.get_by_role("columnheader", name="soort")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the preview stays inside
    assert violations(page) == []
    with file_app.app_context():
        trajectory_id = db.session.scalar(sa.select(Trajectory.id).where(Trajectory.reference == "ALF-2026-0001"))
        assert db.session.scalar(sa.select(sa.func.count(ProgressEvent.id)).where(
            ProgressEvent.trajectory_id == trajectory_id)) == 0

    upload_csv(page, "goed.csv", header + "ALF-1;ALF-2026-0001;start;10-08-2026\r\n")
    expect(page.get_by_text("Het bestand is goedgekeurd: 1 regel, waarvan 1 nieuw")).to_be_visible()
    expect(page.get_by_role("table", name="Zoals gelezen uit het bestand")).to_contain_text("ALF-1")
    assert violations(page) == []
    follow(page, page.get_by_role("button", name="Importeren"))
    expect(page.get_by_text("Ingelezen: 1 nieuwe gebeurtenis,")).to_be_visible()
    with file_app.app_context():
        assert db.session.scalars(sa.select(ProgressEvent.event_id).where(
            ProgressEvent.trajectory_id == trajectory_id)).all() == ["ALF-1"]

    night = file_app.test_cli_runner().invoke(args=["scheduler", "once", "kpi_monthly_values"])  # the 02:30 job
    assert night.exit_code == 0 and "al uitgevoerd" not in night.output, night.output
    menu(page, "Prestaties", "Indicatoren")
    expect(page.get_by_role("link", name="DS-ALF-2026-01")).to_be_visible()
    assert violations(page) == []
    follow(page, page.get_by_role("link", name="DS-ALF-2026-01"))
    expect(page.get_by_text("Tijdige start").first).to_be_visible()
    expect(page.get_by_text("(teller 1, noemer 1)")).to_be_visible()
    assert violations(page) == []
    with file_app.app_context():
        assert db.session.scalar(sa.select(Contract.provider_id).where(Contract.reference == "DS-ALF-2026-01"))


def test_finance_journey_from_run_to_sepa_file(file_app, sign_in):
    from payments.models import PaymentRun

    page = sign_in("finance")
    menu(page, "Financiën", "Betaalruns")
    assert violations(page) == []
    # The demo left last month's draft, made by the second finance user; it is cancelled to make a fresh one.
    follow(page, page.get_by_role("link", name=re.compile(r"^Betaalrun \d+$")).first)
    follow(page, page.get_by_role("button", name="Annuleren"))
    flash(page, "De betaalrun is geannuleerd.")
    menu(page, "Financiën", "Betaalruns")
    with file_app.app_context():
        period = db.session.scalar(sa.select(PaymentRun.period).order_by(PaymentRun.id.desc()))
    field(page, "Periode (JJJJ-MM)").fill(period)
    field(page, "Regio of gemeente").select_option(label="Regio Drechtsteden")
    follow(page, page.get_by_role("button", name="Betaalrun berekenen"))

    expect(page.get_by_role("heading", name="Totalen per aanbieder")).to_be_visible()
    expect(page.get_by_text("U heeft deze run gemaakt; een andere financieel medewerker keurt hem goed.")).to_be_visible()
    expect(page.get_by_role("button", name="Goedkeuren")).to_have_count(0)
    assert violations(page) == []
    lines = page.get_by_role("table", name=re.compile("Regels van betaalrun"))
    expect(lines).to_be_visible()
    page.get_by_label("Aanbieder", exact=True).select_option(index=1)
    follow(page, page.get_by_role("button", name="Filteren"))
    expect(lines).to_be_visible()
    run_url = page.url.split("?")[0]

    sign_out(page)
    sign_in("finance", 1)
    page.goto(run_url)
    follow(page, page.get_by_role("button", name="Goedkeuren"))
    flash(page, "De betaalrun is goedgekeurd.")
    assert violations(page) == []
    sepa = download(page, page.get_by_role("link", name="SEPA-betaalbestand (pain.001)"))
    assert b"pain.001" in sepa
    with file_app.app_context():
        run = db.session.get(PaymentRun, int(run_url.rsplit("/", 1)[-1]))
        assert run.status == "approved" and run.period == period
        assert run.created_by.email == "financien@drechtsteden.demo"
        assert run.approved_by.email == "financien2@drechtsteden.demo"
