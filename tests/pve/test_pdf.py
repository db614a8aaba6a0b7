import subprocess

from core.models import Role
from procurement.pve import services
from procurement.pve.models import PveStatus
from procurement.pve.pdf import render_pve_pdf


def _text(pdf: bytes, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_a_concept_pdf_has_title_contents_tables_watermark_and_footers(make_pve):
    pve = make_pve(title="PvE B1-route Testregio")
    pdf = render_pve_pdf(pve.latest)
    text = _text(pdf)
    assert pdf.startswith(b"%PDF")
    for expected in ("PvE B1-route Testregio", "Inhoud", "1. Inleiding en context", "Prestatie-indicatoren",
                     "Tijdige start", "Examenresultaat", "START", "Start traject"):
        assert expected in text
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3 and all("versie 1" in page for page in pages)
    # the watermark is drawn diagonally before the page content: in stream order its letters stay together
    assert all("CONCEPT" in "".join(page.split()) for page in _text(pdf, "-raw").split("\f")[:-1])


def test_an_adopted_pdf_has_no_watermark_and_names_the_adopter(make_pve, make_user):
    pve = make_pve()
    author = pve.latest.created_by
    services.save_version(pve, {"financing": pve.latest.financing | {"price_per_trajectory": "10000.00"}}, by=author)
    services.change_status(pve, PveStatus.IN_REVIEW, by=author)
    adopter = make_user(Role.INKOPER, name="Vera Vaststeller", municipalities=pve.procurement_case.municipalities)
    services.change_status(pve, PveStatus.ADOPTED, by=adopter)
    text = _text(render_pve_pdf(pve.latest))
    assert "CONCEPT" not in "".join(_text(render_pve_pdf(pve.latest), "-raw").split()) and "Vastgesteld door Vera Vaststeller" in text and "versie 2" in text


def test_user_text_cannot_inject_markup_into_the_pdf(make_pve):
    pve = make_pve(title="<b>Titel & co</b>")
    sections = [s | {"body": "**vet** en <font size=80>groot</font>"} if s["key"] == "planning" else s
                for s in pve.latest.sections]
    services.save_version(pve, {"sections": sections}, by=pve.latest.created_by)
    text = _text(render_pve_pdf(pve.latest))
    assert "<b>Titel & co</b>" in text and "<font size=80>groot</font>" in text
