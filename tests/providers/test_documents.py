"""Provider documents: stored under a generated name, checked by content, superseded or deleted with an audit line;
staff and the provider's own users see them, another provider's users get 404."""
import io
import zipfile

import pytest
import sqlalchemy as sa

from core.errors import DomainError
from core.extensions import db
from core.models import AuditEntry, Role
from providers import services
from providers.models import ProviderDocument, ProviderDocumentKind
from tests.factories import PDF

VOG = {"title": "VOG rechtspersoon 2026", "kind": "vog"}


def _zip(entries: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(entries):
            archive.writestr(f"x/{n}", "")
    return buffer.getvalue()


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["STORAGE_URL"] = tmp_path.as_uri()
    return tmp_path


@pytest.fixture
def manager(make_user, make_region):
    return make_user(Role.CONTRACTMANAGER, region=make_region())


@pytest.fixture
def make_provider(make_provider, manager):
    """Providers the manager's region works with (core.scope)."""
    return lambda **kw: make_provider(regions=[manager.region], **kw)


def _actions(provider) -> list[str]:
    return db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "Provider", AuditEntry.object_id == provider.id).order_by(AuditEntry.id)).all()


def test_a_document_is_stored_under_a_generated_name_with_its_checksum(ctx, upload_dir, make_provider, manager):
    provider = make_provider()
    document = services.add_provider_document(provider, {**VOG, "valid_until": None}, "C:\\Users\\jan\\../vog.pdf",
                                              PDF, by=manager)
    stored = upload_dir / "providers" / document.stored_name
    assert (document.filename, document.kind, document.file_type) == ("vog.pdf", ProviderDocumentKind.VOG, "pdf")
    assert stored.read_bytes() == PDF and "vog" not in document.stored_name and len(document.sha256) == 64
    assert _actions(provider) == ["provider_document_added"]


@pytest.mark.parametrize("name, data, message", [
    # the content decides, not the name
    ("setup.pdf", b"MZ\x90\x00", "geen toegestaan bestandstype"),
    ("leeg.pdf", b"", "leeg"),
    ("polis.docx", PDF, "een PDF-bestand met de extensie .docx"),
    # zip bombs are refused before anything is unpacked
    ("bom.docx", _zip(2_100), "een verdacht groot archief"),
])
def test_a_bad_file_is_refused_in_dutch_and_nothing_is_kept(ctx, upload_dir, make_provider, manager, name, data,
                                                            message):
    provider = make_provider()
    with pytest.raises(DomainError) as refused:
        services.add_provider_document(provider, VOG, name, data, by=manager)
    assert refused.value.field == "file" and message in refused.value.message
    assert refused.value.message.startswith("Alleen PDF, DOCX, XLSX en ODT tot 20 MB zijn toegestaan")
    assert not list(upload_dir.rglob("*.*")) and not (upload_dir / "providers").exists()
    assert db.session.scalar(sa.select(sa.func.count(ProviderDocument.id))) == 0


@pytest.mark.parametrize("data, field", [
    ({"title": " ", "kind": "vog"}, "title"),
    ({"title": "Polis", "kind": "paspoort"}, "kind"),
    ({"title": "Polis", "kind": "verzekering", "supersedes_id": 999999}, "supersedes_id"),
])
def test_title_kind_and_the_replaced_document_are_checked(ctx, upload_dir, make_provider, manager, data, field):
    with pytest.raises(DomainError) as refused:
        services.add_provider_document(make_provider(), data, "polis.pdf", PDF, by=manager)
    assert refused.value.field == field


def test_another_providers_document_cannot_be_superseded(ctx, upload_dir, make_provider, manager):
    other = services.add_provider_document(make_provider(), VOG, "vog.pdf", PDF, by=manager)
    with pytest.raises(DomainError, match="bestaat niet of is al vervangen"):
        services.add_provider_document(make_provider(), {**VOG, "supersedes_id": other.id}, "vog.pdf", PDF,
                                       by=manager)


def test_a_superseded_document_stays_listed_and_deleting_the_new_one_restores_it(ctx, app, upload_dir, make_provider,
                                                                                 manager):
    provider = make_provider()
    old = services.add_provider_document(provider, VOG, "vog.pdf", PDF, by=manager)
    new = services.add_provider_document(provider, {**VOG, "supersedes_id": old.id}, "vog-2027.pdf", PDF, by=manager)
    assert (old.superseded_by, old.is_current, new.is_current) == (new, False, True)
    assert db.session.scalars(services.provider_documents(provider)).all() == [new, old]
    with pytest.raises(DomainError, match="al vervangen"):
        services.add_provider_document(provider, {**VOG, "supersedes_id": old.id}, "x.pdf", PDF, by=manager)
    stored = upload_dir / "providers" / new.stored_name
    services.delete_provider_document(new, by=manager)
    assert stored.exists(), "the file goes only once the deletion is committed"
    db.session.commit()
    assert not stored.exists() and old.is_current and old.superseded_by is None
    assert _actions(provider) == ["provider_document_added", "provider_document_added", "provider_document_superseded",
                                  "provider_document_deleted"]


def test_provider_users_upload_to_their_own_provider_only(ctx, api, upload_dir, make_user, make_provider):
    own, other = make_provider(), make_provider()
    client = api(make_user(Role.PROVIDER, provider=own))
    created = client.post(f"/api/v1/providers/{own.id}/documents",
                          data={**VOG, "valid_until": "2027-06-30", "file": (io.BytesIO(PDF), "vog.pdf")})
    assert created.status_code == 201, created.json
    assert {k: created.json[k] for k in ("title", "kind", "valid_until", "file_type")} == {
        **VOG, "valid_until": "2027-06-30", "file_type": "pdf"}
    listed = client.get(f"/api/v1/providers/{own.id}/documents").json
    assert [d["id"] for d in listed["items"]] == [created.json["id"]]
    download = client.get(f"/api/v1/providers/{own.id}/documents/{created.json['id']}")
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/pdf"
    refused = client.post(f"/api/v1/providers/{other.id}/documents", data={**VOG, "file": (io.BytesIO(PDF), "v.pdf")})
    assert refused.status_code == 404
    assert client.delete(f"/api/v1/providers/{own.id}/documents/{created.json['id']}").status_code == 403


def test_another_providers_user_and_a_wrong_owner_in_the_url_get_404(ctx, api, upload_dir, make_user, make_provider,
                                                                     manager):
    own, other = make_provider(), make_provider()
    document = services.add_provider_document(own, VOG, "vog.pdf", PDF, by=manager)
    db.session.commit()
    outsider = api(make_user(Role.PROVIDER, provider=other))
    assert outsider.get(f"/api/v1/providers/{own.id}/documents").status_code == 404
    assert outsider.get(f"/api/v1/providers/{own.id}/documents/{document.id}").status_code == 404
    assert outsider.get(f"/api/v1/providers/{other.id}/documents/{document.id}").status_code == 404
    staff = api(manager)
    assert staff.get(f"/api/v1/providers/{other.id}/documents/{document.id}").status_code == 404
    assert staff.get(f"/api/v1/providers/{own.id}/documents/{document.id}").status_code == 200


def test_api_refuses_a_bad_file_with_the_reason(ctx, api, upload_dir, make_provider, manager):
    provider = make_provider()
    db.session.commit()
    client = api(manager)
    refused = client.post(f"/api/v1/providers/{provider.id}/documents",
                          data={**VOG, "file": (io.BytesIO(b"MZ\x90"), "vog.pdf")})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert "Alleen PDF, DOCX, XLSX en ODT" in refused.json["detail"]
    assert client.post(f"/api/v1/providers/{provider.id}/documents", data=VOG).status_code == 400
    unknown = client.post(f"/api/v1/providers/{provider.id}/documents",
                          data={**VOG, "owner": "x", "file": (io.BytesIO(PDF), "vog.pdf")})
    assert unknown.status_code == 422


def test_html_upload_list_and_delete(ctx, login, upload_dir, make_user, make_provider, manager):
    provider = make_provider()
    db.session.commit()
    client = login(manager)
    refused = client.post(f"/aanbieders/{provider.id}/documenten", follow_redirects=True,
                          data={**VOG, "supersedes_id": "0", "file": (io.BytesIO(b"MZ"), "tool.exe")})
    assert "Alleen PDF, DOCX, XLSX en ODT" in refused.get_data(as_text=True)
    page = client.post(f"/aanbieders/{provider.id}/documenten", follow_redirects=True,
                       data={**VOG, "supersedes_id": "0", "file": (io.BytesIO(PDF), "vog.pdf")})
    assert "Het document is toegevoegd." in page.get_data(as_text=True)
    assert "VOG rechtspersoon 2026" in page.get_data(as_text=True)
    document = db.session.scalar(sa.select(ProviderDocument))
    assert client.get(f"/aanbieders/{provider.id}/documenten/{document.id}").data == PDF
    deleted = client.post(f"/aanbieders/{provider.id}/documenten/{document.id}/verwijderen", follow_redirects=True)
    assert "Het document is verwijderd." in deleted.get_data(as_text=True)
    assert db.session.scalar(sa.select(ProviderDocument)) is None


def test_html_roles_upload_and_delete(ctx, login, upload_dir, make_user, make_provider, make_region, manager):
    provider = make_provider()
    document = services.add_provider_document(provider, VOG, "vog.pdf", PDF, by=manager)
    db.session.commit()
    inkoper = login(make_user(Role.INKOPER, region=make_region()))
    assert inkoper.get(f"/aanbieders/{provider.id}/documenten/{document.id}").status_code == 200
    assert inkoper.post(f"/aanbieders/{provider.id}/documenten", data=VOG).status_code == 403
    client = login(make_user(Role.PROVIDER, provider=provider))
    assert "Document toevoegen" in client.get(f"/aanbieders/{provider.id}").get_data(as_text=True)
    assert client.post(f"/aanbieders/{provider.id}/documenten/{document.id}/verwijderen").status_code == 403
