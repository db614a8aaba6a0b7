"""Exports of an approved run: journal CSV/XLSX (formula trap), SEPA pain.001.001.09 against its XSD, the PDF."""
import csv
import io
import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from openpyxl import Workbook, load_workbook

from core.errors import Conflict
from core.models import Role
from core.personal_data import encrypt_bsn
from payments.exports import epc_text, journal_csv, journal_xlsx, sepa_xml, specification
from payments.pdf import render_specification_pdf
from payments.runs import approve_run, create_run
from payments.services import set_ledger_account

TODAY = date(2026, 11, 23)
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
BSN = "111222333"


@pytest.fixture
def approved(make_region, make_contract, make_trajectory, make_event, make_user, make_provider,
             make_paying_organisation):
    """An approved run: provider A earns 100.00 + 250.11, provider B nets -100.00 after a clawback."""
    region = make_region()
    evil = make_provider(name="=HYPERLINK(\"http://x\") Zoë's Taal & Co", kvk_number="12345678")
    other = make_provider(name="Anders BV", kvk_number="87654321")
    start = {"code": "S", "label": "+Start", "kind": "inspanning", "trigger": "start", "amount": D("100.00")}
    pct = {"code": "B1", "label": "@Niveau", "kind": "prestatie", "trigger": "level",
           "params": {"skills": ["LE"], "level": "B1"}, "percentage": D("25")}
    a = make_contract(provider=evil, milestones=[start, pct], municipalities=region.municipalities,
                      price_per_trajectory=D("1000.42"))
    b = make_contract(provider=other, milestones=[start], municipalities=region.municipalities)
    ta = make_trajectory(contract=a, municipality=region.municipalities[0], bsn_encrypted=encrypt_bsn(BSN))
    tb = make_trajectory(contract=b, municipality=region.municipalities[1])
    make_event(ta, "start", date(2026, 2, 1))
    make_event(ta, "exam", date(2026, 5, 1), sender="duo", source="duo", component="LE", level="B1",
               result="geslaagd")
    wrong = make_event(tb, "start", date(2026, 2, 1))
    maker, checker = make_user(Role.FINANCE, region=region), make_user(Role.FINANCE, region=region)
    make_paying_organisation(region=region, name="Sociale Dienst Drechtsteden (SDD) – Financiën")
    set_ledger_account(region, a.service, "inspanning", "470110", by=maker)
    approve_run(create_run("2026-09", region=region, by=maker, today=TODAY), by=checker)
    make_event(tb, "retraction", date(2026, 10, 1), retracts_id=wrong.id)
    run = create_run("2026-10", region=region, by=maker, today=TODAY)
    # the second run only claws back; the first holds the payments: export both, check the first
    approve_run(run, by=checker)
    from payments.models import PaymentRun
    from core.extensions import db
    first = db.session.get(PaymentRun, run.id - 1)
    return first, run, evil, other


def test_journal_csv_rows_and_formula_trap(approved):
    first, _, evil, _ = approved
    rows = list(csv.reader(io.StringIO(journal_csv(first).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["run", "periode", "aanbieder", "kvk"] and rows[0][-3:] == ["regel", "reden", "bedrag"]
    body = {(r[2], r[10], r[17]) for r in rows[1:]}
    assert body == {("'=HYPERLINK(\"http://x\") Zoë's Taal & Co", "S", "100,00"),
                    ("'=HYPERLINK(\"http://x\") Zoë's Taal & Co", "B1", "250,11"), ("Anders BV", "S", "100,00")}
    assert {r[11] for r in rows[1:]} == {"'+Start", "'@Niveau"}
    assert "470110" in {r[8] for r in rows[1:]}


#: The two CSV formats: delimiter, decimal separator, encoding, and how a spreadsheet in that locale reads a number.
FORMATS = {"journal.csv": (";", ",", "utf-8-sig", re.compile(r"-?\d+(,\d+)?")),
           "journal-machine.csv": (",", ".", "utf-8", re.compile(r"-?\d+(\.\d+)?"))}


def spreadsheet_cells(data: bytes, name: str) -> list[list]:
    """The CSV as a spreadsheet in the format's locale opens it (Excel-NL, LibreOffice nl-NL / en-US): a number in
    that locale becomes a number, anything else stays text, kept in an openpyxl sheet."""
    delimiter, decimal, encoding, number = FORMATS[name]
    sheet = Workbook().active
    for row in csv.reader(io.StringIO(data.decode(encoding)), delimiter=delimiter):
        sheet.append([D(v.replace(decimal, ".")) if number.fullmatch(v) else v for v in row])
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("which", ["first", "clawback"])
def test_both_journal_formats_read_back_and_add_up_to_the_run_total(approved, name, which):
    first, second, *_ = approved
    run = first if which == "first" else second
    data = journal_csv(run, name)
    delimiter, decimal, encoding, _ = FORMATS[name]
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")  # Excel needs the BOM to read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode(encoding)), delimiter=delimiter))
    amounts = [row["bedrag"] for row in rows]
    assert all(not a.startswith("'") and a.count(decimal) == 1 and len(a.split(decimal)[1]) == 2 for a in amounts)
    assert sum(D(a.replace(decimal, ".")) for a in amounts) == run.total
    cells = spreadsheet_cells(data, name)
    column = cells[0].index("bedrag")
    assert all(isinstance(row[column], D) for row in cells[1:])  # numbers, not text
    assert sum(row[column] for row in cells[1:]) == run.total
    if which == "clawback":
        assert [(r["regel"], r["reden"], r["bedrag"]) for r in rows] == [("Correctie", "ingetrokken",
                                                                          f"-100{decimal}00")]


def test_journal_xlsx_has_text_cells_and_summaries(approved):
    first, *_ = approved
    book = load_workbook(io.BytesIO(journal_xlsx(first)))
    assert book.sheetnames == ["Journaal", "Per gemeente", "Per aanbieder"]
    provider_cells = [row[2] for row in book["Journaal"].iter_rows(min_row=2)]
    assert all(c.data_type == "s" and c.value.startswith("'=") for c in provider_cells if "HYPERLINK" in c.value)
    totals = {row[0].value: row[-1].value for row in book["Per aanbieder"].iter_rows(min_row=2)}
    assert D(str(totals["Totaal"])) == D("450.11")  # openpyxl reads numbers back as float


def test_sepa_is_valid_against_the_xsd_and_follows_epc_rules(approved):
    first, second, evil, other = approved
    xml = sepa_xml(first, execution_date=TODAY)
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(xml.decode())
    doc = schema.to_dict(xml.decode())
    text = xml.decode()
    assert re.search(r"<CtrlSum>450.11</CtrlSum>", text) and "<NbOfTxs>2</NbOfTxs>" in text
    amounts = re.findall(r'<InstdAmt Ccy="EUR">([^<]+)</InstdAmt>', text)
    assert sorted(amounts) == ["100.00", "350.11"]
    for tag in ("MsgId", "PmtInfId", "EndToEndId"):
        assert all(len(v) <= 35 for v in re.findall(fr"<{tag}>([^<]+)</{tag}>", text))
    for value in re.findall(r"<(?:Nm|Ustrd)>([^<]+)</", text):
        assert re.fullmatch(r"[A-Za-z0-9/\-?:().,'+ ]+", value.replace("&apos;", "'")), value
    assert "PstlAdr" not in text and doc is not None


def test_sepa_leaves_out_a_provider_with_a_negative_total(approved):
    _, second, *_ = approved
    with pytest.raises(Conflict):
        sepa_xml(second, execution_date=TODAY)


@pytest.mark.parametrize("raw, clean", [
    ("Zoë's Taal & Co", "Zoe's Taal Co"),
    ("Straße 1; €5", "Strae 1 5"),
    ("A" * 80, "A" * 70),
])
def test_epc_charset(raw, clean):
    assert epc_text(raw, 70) == clean


def test_specification_pdf_is_pseudonymised(approved):
    first, second, evil, other = approved
    pdf = render_specification_pdf(specification(first, evil.id))
    assert pdf.startswith(b"%PDF") and BSN.encode() not in pdf
    negative = render_specification_pdf(specification(second, other.id))
    assert negative.startswith(b"%PDF")


def test_exports_over_http_and_provider_portal(approved, api, login, client, make_user):
    first, second, evil, other = approved
    finance = make_user(Role.FINANCE, region=first.region)
    for name, media_type in (("journal.csv", "text/csv; charset=utf-8"), ("journal-machine.csv", "text/csv; charset=utf-8"),
                             ("sepa.xml", "application/xml; charset=utf-8"),
                             ("journal.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        response = api(finance).get(f"/api/v1/payment-runs/{first.id}/export/{name}")
        assert response.status_code == 200 and BSN.encode() not in response.data
        assert response.headers["Content-Type"] == media_type  # one charset, not two
    spec = api(finance).get(f"/api/v1/payment-runs/{first.id}/export/specification.pdf?provider_id={evil.id}")
    assert spec.status_code == 200 and spec.data.startswith(b"%PDF")
    provider_user = make_user(Role.PROVIDER, provider=other)
    own = api(provider_user).get(f"/api/v1/payment-runs/{first.id}/export/specification.pdf?provider_id={other.id}")
    foreign = api(provider_user).get(f"/api/v1/payment-runs/{first.id}/export/specification.pdf?provider_id={evil.id}")
    assert (own.status_code, foreign.status_code) == (200, 404)
    login(provider_user)
    portal = client.get("/betalingen/specificaties").get_data(as_text=True)
    assert f"/betalingen/{first.id}/specificatie/{other.id}.pdf" in portal
    assert client.get(f"/betalingen/{first.id}/specificatie/{evil.id}.pdf").status_code == 404
