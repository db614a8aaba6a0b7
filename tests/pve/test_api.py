import io
import pytest

from core.models import Role
from tests.factories import PDF


@pytest.fixture
def inkopers(make_user, make_procurement_case):
    case = make_procurement_case()
    return case, make_user(Role.INKOPER, municipalities=case.municipalities), make_user(
        Role.INKOPER, municipalities=case.municipalities)


def test_the_whole_workflow_through_the_api(api, inkopers):
    case, author, colleague = inkopers
    writer, adopter = api(author), api(colleague)
    created = writer.post("/api/v1/pves", json={"procurement_case_id": case.id, "title": "PvE API"})
    assert created.status_code == 201 and created.get_json()["status"] == "concept"
    pve_id = created.get_json()["id"]
    first = writer.get(f"/api/v1/pves/{pve_id}/versions/1").get_json()
    financing = first["financing"] | {"price_per_trajectory": "9000.00"}
    saved = writer.post(f"/api/v1/pves/{pve_id}/versions", json={"financing": financing, "note": "prijs"})
    assert saved.status_code == 201 and saved.get_json()["number"] == 2
    assert writer.post(f"/api/v1/pves/{pve_id}/status", json={"status": "in_review"}).status_code == 200
    own = writer.post(f"/api/v1/pves/{pve_id}/status", json={"status": "vastgesteld"})
    assert own.status_code == 403 and own.content_type.startswith("application/problem+json")
    adopted = adopter.post(f"/api/v1/pves/{pve_id}/status", json={"status": "vastgesteld"})
    assert adopted.status_code == 200 and adopted.get_json()["adopted_by"] == colleague.email
    terms = writer.get(f"/api/v1/pves/{pve_id}/contract-terms").get_json()
    assert terms["price_per_trajectory"] == "9000.00" and terms["milestones"][0]["code"] == "START"
    diff = writer.get(f"/api/v1/pves/{pve_id}/diff?from=1&to=2").get_json()
    changed = [s["key"] for s in diff["sections"] if s["changed"]]
    assert changed == ["financiering:tabel"]
    assert writer.post(f"/api/v1/pves/{pve_id}/new-draft").get_json()["status"] == "concept"


def test_structured_errors_name_the_milestone(api, inkopers, make_pve):
    case, author, _ = inkopers
    pve = make_pve(case, by=author)
    bad = {"price_per_trajectory": "100", "milestones": [{"code": "X", "label": "X", "kind": "inspanning",
                                                          "trigger": "hours", "percentage": "10"}]}
    response = api(author).post(f"/api/v1/pves/{pve.id}/versions", json={"financing": bad})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"index": 0, "field": "params.hours",
                                               "message": "Deze parameter is verplicht."}]


def test_unknown_fields_are_refused(api, inkopers, make_pve):
    case, author, _ = inkopers
    pve = make_pve(case, by=author)
    response = api(author).post(f"/api/v1/pves/{pve.id}/versions", json={"status": "vastgesteld"})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "status"


def test_review_comments_through_the_api(api, inkopers, make_user, make_pve):
    case, author, _ = inkopers
    pve = make_pve(case, by=author)
    reviewer = api(make_user(Role.CONTRACTMANAGER, municipalities=case.municipalities))
    comment = reviewer.post(f"/api/v1/pves/{pve.id}/comments", json={"section_key": "kwaliteit", "body": "VOG?"})
    assert comment.status_code == 201
    comment_id = comment.get_json()["id"]
    answered = api(author).post(f"/api/v1/pves/{pve.id}/comments/{comment_id}/answer", json={"answer": "Ja."})
    assert answered.get_json()["answer"] == "Ja."
    assert reviewer.post(f"/api/v1/pves/{pve.id}/comments/{comment_id}/resolve").get_json()["resolved"] is True
    assert reviewer.post(f"/api/v1/pves/{pve.id}/versions", json={}).status_code == 403


def test_list_filters_and_scope(api, make_user, make_procurement_case, make_pve, make_municipality):
    here, elsewhere = make_municipality(code="GM0505"), make_municipality(code="GM0642")
    b1 = make_pve(make_procurement_case("b1_route", [here]))
    make_pve(make_procurement_case("map", [here]))
    hidden = make_pve(make_procurement_case("b1_route", [elsewhere]))
    client = api(make_user(Role.CONTRACTMANAGER, municipalities=[here]))
    assert client.get("/api/v1/pves").get_json()["total"] == 2
    assert [p["id"] for p in client.get("/api/v1/pves?service=b1_route").get_json()["items"]] == [b1.id]
    assert client.get("/api/v1/pves?status=vastgesteld").get_json()["total"] == 0
    assert client.get("/api/v1/pves?municipality=GM0642").get_json()["total"] == 0
    assert client.get(f"/api/v1/pves/{hidden.id}").status_code == 404
    assert client.get(f"/api/v1/pves/{hidden.id}/versions/1/pve.pdf").status_code == 404


def test_providers_have_no_access(api, make_user, make_provider, make_pve):
    pve = make_pve()
    assert api(make_user(Role.PROVIDER, provider=make_provider())).get(f"/api/v1/pves/{pve.id}").status_code == 403


def test_attachment_upload_checks_the_content(api, inkopers, make_pve):
    case, author, _ = inkopers
    pve = make_pve(case, by=author)
    client = api(author)
    refused = client.post(f"/api/v1/pves/{pve.id}/attachments", data={"file": (io.BytesIO(b"MZ"), "x.pdf")})
    assert refused.status_code == 422 and "Alleen PDF" in refused.get_json()["detail"]
    stored = client.post(f"/api/v1/pves/{pve.id}/attachments",
                         data={"file": (io.BytesIO(PDF), "../eisen.pdf")})
    assert stored.status_code == 201 and stored.get_json()["filename"] == "eisen.pdf"


def test_the_pdf_endpoint_returns_a_pdf(api, inkopers, make_pve):
    case, author, _ = inkopers
    pve = make_pve(case, by=author)
    response = api(author).get(f"/api/v1/pves/{pve.id}/versions/1/pve.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
