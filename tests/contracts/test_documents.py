"""Contract documents: whoever sees the contract sees its documents (its provider included); contract managers add
and delete them; outside the scope (another region, another provider) every URL answers 404."""
import io

import pytest
import sqlalchemy as sa

from contracts import services
from contracts.models import ContractDocument
from core.errors import DomainError
from core.extensions import db
from core.models import AuditEntry, Role
from tests.factories import PDF

SIGNED = {"title": "Getekende overeenkomst", "kind": "getekend"}


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["STORAGE_URL"] = tmp_path.as_uri()
    return tmp_path


@pytest.fixture
def world(make_user, make_municipality, make_contract, make_provider):
    town, elsewhere = make_municipality(code="GM0505"), make_municipality(code="GM0642")
    contract = make_contract(municipalities=[town])
    users = {"manager": make_user(Role.CONTRACTMANAGER, municipalities=[town]),
             "outsider": make_user(Role.CONTRACTMANAGER, municipalities=[elsewhere]),
             "provider": make_user(Role.PROVIDER, provider=contract.provider),
             "other_provider": make_user(Role.PROVIDER, provider=make_provider())}
    db.session.commit()
    return contract, users


def test_an_amendment_supersedes_the_signed_contract_in_the_audit_log(ctx, upload_dir, world):
    contract, users = world
    signed = services.add_contract_document(contract, SIGNED, "overeenkomst.pdf", PDF, by=users["manager"])
    amended = services.add_contract_document(contract, {"title": "Addendum 1", "kind": "wijziging",
                                                        "supersedes_id": signed.id}, "addendum.pdf", PDF,
                                             by=users["manager"])
    assert (upload_dir / "contracts" / amended.stored_name).read_bytes() == PDF
    assert signed.superseded_by is amended
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "Contract", AuditEntry.object_id == contract.id).order_by(AuditEntry.id)).all()
    assert actions == ["contract_document_added", "contract_document_added", "contract_document_superseded"]


def test_a_renamed_executable_is_refused(ctx, upload_dir, world):
    contract, users = world
    with pytest.raises(DomainError, match="Alleen PDF, DOCX, XLSX en ODT tot 20 MB zijn toegestaan"):
        services.add_contract_document(contract, SIGNED, "contract.pdf", b"MZ\x90\x00", by=users["manager"])


@pytest.mark.parametrize("who, listed, posted", [
    # the contract's own manager and provider read; only the manager adds
    ("manager", 200, 201),
    ("provider", 200, 403),
    # another region's manager and another provider see nothing
    ("outsider", 404, 404),
    ("other_provider", 404, 403),
])
def test_api_documents_follow_the_contracts_scope(ctx, api, upload_dir, world, who, listed, posted):
    contract, users = world
    document = services.add_contract_document(contract, SIGNED, "overeenkomst.pdf", PDF, by=users["manager"])
    db.session.commit()
    client = api(users[who])
    base = f"/api/v1/contracts/{contract.id}/documents"
    assert client.get(base).status_code == listed
    assert client.get(f"{base}/{document.id}").status_code == listed
    assert client.post(base, data={**SIGNED, "file": (io.BytesIO(PDF), "c.pdf")}).status_code == posted


def test_a_document_is_only_reached_through_its_own_contract(ctx, api, upload_dir, world, make_contract):
    contract, users = world
    sibling = make_contract(municipalities=list(contract.municipalities))
    document = services.add_contract_document(contract, SIGNED, "overeenkomst.pdf", PDF, by=users["manager"])
    db.session.commit()
    client = api(users["manager"])
    assert client.get(f"/api/v1/contracts/{sibling.id}/documents/{document.id}").status_code == 404
    assert client.delete(f"/api/v1/contracts/{sibling.id}/documents/{document.id}").status_code == 404
    assert client.delete(f"/api/v1/contracts/{contract.id}/documents/{document.id}").status_code == 204
    assert db.session.scalar(sa.select(ContractDocument)) is None


def test_html_contract_page_lists_and_adds_documents(ctx, login, upload_dir, world):
    contract, users = world
    client = login(users["manager"])
    page = client.post(f"/contracten/{contract.id}/documenten", follow_redirects=True,
                       data={**SIGNED, "supersedes_id": "0", "valid_until": "2027-12-31",
                             "file": (io.BytesIO(PDF), "overeenkomst.pdf")})
    text = page.get_data(as_text=True)
    assert "Het document is toegevoegd." in text and "Getekende overeenkomst" in text and "31-12-2027" in text
    refused = client.post(f"/contracten/{contract.id}/documenten", follow_redirects=True,
                          data={"title": "", "kind": "getekend", "file": (io.BytesIO(PDF), "c.pdf")})
    assert "Geef het document een titel." in refused.get_data(as_text=True)
    provider_page = login(users["provider"]).get(f"/contracten/{contract.id}").get_data(as_text=True)
    assert "Getekende overeenkomst" in provider_page and "Document toevoegen" not in provider_page
