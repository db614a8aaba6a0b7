"""The year-end through HTTP: JSON with decimal strings, the CSV and XLSX in the journal's formats, the grant annex
with the municipality's own codes, and scope (another municipality's, or a role without money, gets no figures)."""
import csv
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from core.extensions import db
from core.models import AuditEntry, Role
from reports.grant import set_indicator_code
from reports.models import GrantMeasure
from tests.reports.conftest import TODAY

pytestmark = pytest.mark.today(TODAY.isoformat())


def test_year_end_json_with_the_grant_annex_under_the_municipalitys_codes(world, api):
    set_indicator_code(world.dordrecht, GrantMeasure.SPENT, "D8A/01", by=world.maker)
    finance = api(world.maker)
    found = finance.get(f"/api/v1/reports/year-end?municipality={world.dordrecht.code}&year=2026")
    assert found.status_code == 200, found.json
    rows = {(r["funding_source"], r["ledger_account"]): r for r in found.json["rows"]}
    assert rows["spuk", "4712"]["accrued"] == "500.00" and rows["spuk", "4721"]["held"] == "1500.00"
    assert rows["spuk", "4711"]["corrections_earlier_years"] == "-1000.00"
    assert {r["cost_centre"] for r in found.json["rows"]} == {world.dordrecht.cost_centre}
    assert found.json["commitments"] == [{"funding_source": "spuk", "contract": world.b1.reference,
                                          "carried": "2500.00"}]
    grant = {(g["year"], g["measure"]): g for g in found.json["grant"]}
    assert set(grant) == {(2025, "besteding"), (2025, "correcties_voorgaande_jaren"), (2026, "besteding"),
                          (2026, "correcties_voorgaande_jaren")}
    spent_2026 = sum(D(r["realised"]) + D(r["accrued"]) + D(r["held"]) for r in found.json["rows"]
                     if r["funding_source"] == "spuk")
    assert grant[2026, "besteding"] == {"year": 2026, "measure": "besteding", "indicator_code": "D8A/01",
                                        "amount": str(spent_2026)}
    assert grant[2026, "correcties_voorgaande_jaren"]["amount"] == "-1000.00"
    assert grant[2025, "correcties_voorgaande_jaren"]["indicator_code"] == ""
    assert db.session.query(AuditEntry).filter_by(action="grant_indicator_code_set").count() == 1


def test_year_end_files_are_written_in_the_journals_formats(world, api):
    finance = api(world.maker)
    query = f"municipality={world.dordrecht.code}&year=2026"
    as_json = finance.get(f"/api/v1/reports/year-end?{query}").json
    body = finance.get(f"/api/v1/reports/year-end.csv?{query}")
    assert body.status_code == 200 and body.mimetype == "text/csv"
    assert body.data.startswith("\ufeff".encode()) and b"\r\n" in body.data
    lines = list(csv.reader(io.StringIO(body.data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:6] == ["gemeente_code", "gemeente", "jaar", "financieringsbron", "grootboekrekening",
                            "kostenplaats"]
    # the journal's Excel-NL format: decimal comma, no thousands separator
    assert sorted(line[-1] for line in lines[1:]) == sorted(r["charged"].replace(".", ",") for r in as_json["rows"])
    assert finance.get(f"/api/v1/reports/year-end.csv?{query}&format=excel").data == body.data
    book = load_workbook(io.BytesIO(finance.get(f"/api/v1/reports/year-end.xlsx?{query}").data))
    assert book.sheetnames == ["Jaarafsluiting", "Verplichtingen", "Subsidiebijlage"]
    assert book["Verplichtingen"]["H2"].value == 2500
    assert book["Jaarafsluiting"]["K2"].number_format == "#,##0.00"


def test_the_year_end_csv_in_the_journals_machine_format(world, api):
    """The payment run journal's machine CSV: comma, decimal point, ISO dates, no byte order mark; the same rows as the
    Excel-NL file, cell for cell."""
    finance = api(world.maker)
    query = f"municipality={world.dordrecht.code}&year=2026"
    excel = finance.get(f"/api/v1/reports/year-end.csv?{query}").data.decode("utf-8-sig")
    body = finance.get(f"/api/v1/reports/year-end.csv?{query}&format=machine")
    assert body.status_code == 200 and body.mimetype == "text/csv" and b"\r\n" in body.data
    assert body.headers["Content-Disposition"].endswith(f"jaarafsluiting-{world.dordrecht.code}-2026-machine.csv")
    assert not body.data.startswith("\ufeff".encode())
    machine = list(csv.reader(io.StringIO(body.data.decode("utf-8"))))
    as_excel = list(csv.reader(io.StringIO(excel), delimiter=";"))
    assert machine[0] == as_excel[0] and len(machine) == len(as_excel) > 1
    charged = {r["charged"] for r in finance.get(f"/api/v1/reports/year-end?{query}").json["rows"]}
    assert {line[-1] for line in machine[1:]} == charged and any("." in amount for amount in charged)
    assert [[cell.replace(",", ".") for cell in line] for line in as_excel[1:]] == machine[1:]


def test_an_unknown_csv_format_is_named(world, api):
    found = api(world.maker).get(f"/api/v1/reports/year-end.csv?municipality={world.dordrecht.code}&year=2026"
                                 "&format=xml")
    assert found.status_code == 422
    assert found.json["errors"] == [{"field": "format", "message": "Kies excel of machine."}]


@pytest.mark.parametrize("role, status", [
    (Role.FINANCE, 422),  # another region's municipality: unknown, named on the field
    (Role.CONTRACTMANAGER, 403),
    (Role.PROVIDER, 403),
])
def test_year_end_is_scoped(world, api, make_user, make_region, role, status):
    outsider = make_user(role, region=make_region())
    found = api(outsider).get(f"/api/v1/reports/year-end?municipality={world.dordrecht.code}&year=2026")
    assert found.status_code == status
    if status == 422:
        assert found.json["errors"] == [{"field": "municipality", "message": "Onbekende gemeente."}]
