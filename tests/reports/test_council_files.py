"""The council report as files: the PDF read back with pdftotext (Dutch, period, version and date, page numbers,
the narrative, the tables and charts), the workbook's tables, and the publishable variant (approved text only, no
person named, small numbers suppressed)."""
import io
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from core.models import Role
from reports.narrative import approve_narrative, save_narrative
from reports.suppression import SMALL
from tests.reports.conftest import TODAY

pytestmark = pytest.mark.today(TODAY.isoformat())
H2 = "from=2026-07-01&to=2026-12-31"


def pdf_text(body: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=body, capture_output=True,
                          check=True).stdout.decode()


@pytest.fixture
def narrated(world, make_user):
    author = make_user(Role.FINANCE, region=world.region, name="Anna Auteur")
    version = save_narrative(date(2026, 7, 1), date(2026, 12, 31),
                             {"toelichting": "De B1-route loopt volgens plan.", "risicos": "Het plafond van de "
                              "Z-route is bereikt.", "vooruitblik": "In 2027 volgt een nieuwe aanbesteding."},
                             by=author, municipality=world.dordrecht)
    save_narrative(date(2026, 7, 1), date(2026, 12, 31), {"toelichting": "Concepttekst die nog niet af is."},
                   by=author, municipality=world.dordrecht)
    return version


def test_the_pdf_reads_back_in_dutch_with_version_date_and_page_numbers(world, narrated, api):
    approve_narrative(narrated.report, 2, by=world.checker)
    found = api(world.maker).get(f"/api/v1/reports/council.pdf?municipality={world.dordrecht.code}&{H2}")
    assert found.status_code == 200 and found.data.startswith(b"%PDF")
    page = " ".join(pdf_text(found.data).split())
    for expected in ("Raadsrapportage inburgering gemeente Dordrecht", "1 juli 2026 tot en met 31 december 2026",
                     "versie 2, vastgesteld", "Opgemaakt 20-01-2027", "Concepttekst die nog niet af is.",
                     "Aantallen per leerroute en participatietraject", "B1-route", "Geld per financieringsbron",
                     "SPUK Wi2021 2026 (cumulatief, euro)", "Gerealiseerd", "Signalen in de periode",
                     "Pagina 1", "Pagina 2", "Vooruitblik"):
        assert expected in page, expected
    assert "CONCEPT" not in "".join(page.split())  # the watermark's letters come out one by one


def test_the_publishable_pdf_carries_the_approved_text_and_no_person(world, narrated, api):
    approve_narrative(narrated.report, 2, by=world.checker)
    save_narrative(date(2026, 7, 1), date(2026, 12, 31), {"toelichting": "Derde versie, nog concept."},
                   by=world.maker, municipality=world.dordrecht)
    query = f"/api/v1/reports/council.pdf?municipality={world.dordrecht.code}&{H2}"
    internal, public = (" ".join(pdf_text(api(world.maker).get(query + flag).data).split())
                        for flag in ("", "&publishable=true"))
    assert "Derde versie, nog concept." in internal and "CONCEPT" in "".join(internal.split())
    assert "Concepttekst die nog niet af is." in public and "Derde versie" not in public
    assert "CONCEPT" not in "".join(public.split())
    assert "publieksversie" in public and "Anna Auteur" not in public and world.checker.email not in public


def test_the_workbook_holds_the_tables_and_the_public_one_suppresses_small_numbers(world, api):
    query = f"/api/v1/reports/council.xlsx?municipality={world.dordrecht.code}&{H2}"
    internal = load_workbook(io.BytesIO(api(world.maker).get(query).data))
    public = load_workbook(io.BytesIO(api(world.maker).get(query + "&publishable=true").data))
    assert internal.sheetnames[:3] == ["Rapportage", "Aantallen per leerroute en part", "Indicatoren"]
    volumes = [[c.value for c in row] for row in internal.worksheets[1].iter_rows()]
    public_volumes = [[c.value for c in row] for row in public.worksheets[1].iter_rows()]
    assert volumes[0][:3] == ["Dienst", "Aangemeld", "Lopend op de einddatum"]
    for mine, theirs in zip(volumes[1:], public_volumes[1:]):
        for value, shown in zip(mine[1:], theirs[1:]):
            assert shown == (SMALL if value in ("1", "2", "3", "4") else value) or shown == "x"
    assert any(SMALL in row for row in public_volumes)
    assert "Geld per financieringsbron" in internal.sheetnames


def test_a_contract_manager_gets_the_report_without_money(world, api, make_user):
    manager = make_user(Role.CONTRACTMANAGER, region=world.region)
    page = pdf_text(api(manager).get(f"/api/v1/reports/council.pdf?municipality={world.dordrecht.code}&{H2}").data)
    assert "Aantallen per leerroute" in page and "Geld per financieringsbron" not in page
