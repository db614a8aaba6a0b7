"""A BSN that comes in (trajectory referral through the API and the form, CSV imports that put it where it does
not belong) is found afterwards in no log line at DEBUG (SQL statements and their parameters included), no export
(journal CSV/XLSX, SEPA) and no PDF (payment specification, KPI scorecard), read back as text."""
import io
import logging
import subprocess
from decimal import Decimal as D

from openpyxl import load_workbook

from core.extensions import db
from core.models import Role
from payments.services import set_ledger_account

BSN, FORM_BSN = "111222333", "123456782"
HEADER = "event_id;trajectory;type;date;reason\r\n"


def pdf_text(data: bytes, tmp_path, name: str) -> str:
    assert data.startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


def upload(client, text: str) -> dict:
    return client.post("/api/v1/progress-imports", data={"file": (io.BytesIO(text.encode()), "voortgang.csv")})


def test_a_bsn_sent_in_appears_in_no_log_line_export_or_pdf(make_region, make_contract, make_provider, make_user,
                                                             api, login, client, caplog, tmp_path,
                                                             make_paying_organisation):
    region = make_region()
    town = region.municipalities[0]
    provider = make_provider(name="Taalschool Noord")
    contract = make_contract(provider=provider, municipalities=region.municipalities, milestones=[
        {"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("100.00")}],
        kpis=[{"kpi": "timely_start", "params": {"weeks": 10}, "norm": D("0.9"), "direction": "min"}])
    manager = make_user(Role.CONTRACTMANAGER, region=region)
    sender = make_user(Role.PROVIDER, provider=provider)
    maker, checker = make_user(Role.FINANCE, region=region), make_user(Role.FINANCE, region=region)
    make_paying_organisation(region=region)
    set_ledger_account(region, contract.service, "inspanning", "470110", by=maker)
    db.session.commit()
    found = []

    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="sqlalchemy.engine"):
        created = api(manager).post("/api/v1/trajectories", json={
            "reference": "TRJ-A", "contract_id": contract.id, "municipality": town.code,
            "referral_date": "2026-09-01", "participant": {"bsn": BSN, "name": "Amina"}})
        assert created.status_code == 201, created.json
        login(manager)
        form = client.post("/trajectories/new", data={
            "reference": "TRJ-B", "contract_id": contract.id, "municipality": town.code,
            "referral_date": "2026-09-01", "bsn": FORM_BSN})
        assert form.status_code == 302, form.get_data(as_text=True)

        provider_api = api(sender)
        imported = upload(provider_api, HEADER + "S-A;TRJ-A;start;2026-10-01;\r\nS-B;TRJ-B;start;2026-10-02;\r\n")
        assert imported.status_code == 201 and imported.json["accepted"] == 2, imported.json
        for wrong in (HEADER + f"X1;{BSN};start;2026-10-01;\r\n",                  # the BSN as trajectory
                      HEADER + f"X2;TRJ-A;dropout;2026-10-05;{BSN}\r\n",           # the BSN as a reason
                      "event_id;trajectory;type;date;bsn\r\n" f"X3;TRJ-A;start;2026-10-01;{BSN}\r\n"):
            assert upload(provider_api, wrong).status_code == 422
        refused = provider_api.post("/api/v1/progress-events", json={"events": [
            {"event_id": "X4", "trajectory": BSN, "type": "start", "date": "2026-10-01", "bsn": BSN}]})
        assert refused.status_code == 422
        page_upload = client.post("/progress/imports/new", data={
            "file": (io.BytesIO((HEADER + f"X5;{FORM_BSN};start;2026-10-01;\r\n").encode()), "v.csv")})
        assert page_upload.status_code == 302 and client.get(page_upload.location).status_code == 200

        finance, approver = api(maker), api(checker)
        run = finance.post("/api/v1/payment-runs", json={"period": "2026-10", "region_id": region.id})
        assert run.status_code == 201, run.json
        approved = approver.post(f"/api/v1/payment-runs/{run.json['id']}/approve")
        assert approved.status_code == 200, approved.json
        base = f"/api/v1/payment-runs/{run.json['id']}/export"
        journal_csv = finance.get(f"{base}/journal.csv")
        journal_xlsx = finance.get(f"{base}/journal.xlsx")
        sepa = finance.get(f"{base}/sepa.xml")
        specification = finance.get(f"{base}/specification.pdf?provider_id={provider.id}")
        login(manager)
        scorecards = [client.get(f"/indicatoren/contracten/{contract.id}/scorekaart",
                                 query_string={"first": "2026-01", "last": "2026-11", "format": kind})
                      for kind in ("pdf", "xlsx")]

    exports = {"journal.csv": journal_csv.get_data(as_text=True), "journal.xlsx": xlsx_text(journal_xlsx.data),
               "sepa.xml": sepa.get_data(as_text=True),
               "specification.pdf": pdf_text(specification.data, tmp_path, "spec.pdf"),
               "scorecard.pdf": pdf_text(scorecards[0].data, tmp_path, "scorecard.pdf"),
               "scorecard.xlsx": xlsx_text(scorecards[1].data)}
    assert "TRJ-A" in exports["journal.csv"] and "pain.001" in exports["sepa.xml"]  # the exports hold the run
    assert "Tijdige start" in exports["scorecard.pdf"] and "Taalschool Noord" in exports["specification.pdf"]
    assert caplog.records  # something was logged, at DEBUG and up
    for bsn in (BSN, FORM_BSN):
        found += [f"log: {r.name}: {r.getMessage()[:120]}" for r in caplog.records if bsn in r.getMessage()]
        found += [f"{name}" for name, text in exports.items() if bsn in text]
    assert found == []
