import io
import zipfile
from decimal import Decimal

import pytest

from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from core.models import AuditEntry, Role
from procurement.pve import services
from procurement.pve.content import diff_versions, render_markdown, word_diff
from core.files import check_attachment
from procurement.pve.models import PveStatus
from tests.factories import PDF


def _edit(pve, key, body):
    return [s | {"body": body} if s["key"] == key else s for s in pve.latest.sections]


def test_a_new_pve_starts_from_the_template_of_its_kind(make_pve, make_procurement_case):
    leerroute = make_pve(make_procurement_case("b1_route")).latest
    participatie = make_pve(make_procurement_case("map")).latest
    assert leerroute.number == 1 and leerroute.status == PveStatus.CONCEPT
    assert [s["key"] for s in leerroute.sections][:3] == ["inleiding", "doelgroep", "dienstverlening"]
    assert {k["kpi"] for k in leerroute.kpis} >= {"exam_pass_rate"}
    assert "exam_pass_rate" not in {k["kpi"] for k in participatie.kpis}
    assert "Blik op Werk" in leerroute.section("kwaliteit")["body"]


def test_one_pve_per_procurement_case(make_pve):
    pve = make_pve()
    with pytest.raises(Conflict):
        services.create_pve(pve.procurement_case, "Tweede", by=pve.latest.created_by)


def test_every_save_is_a_new_version_and_old_versions_stay(make_pve):
    pve = make_pve()
    by = pve.latest.created_by
    services.save_version(pve, {"sections": _edit(pve, "planning", "Start 1 januari 2027.")}, by=by)
    services.save_version(pve, {"sections": _edit(pve, "planning", "Start 1 april 2027.")}, by=by)
    assert [v.number for v in pve.versions] == [1, 2, 3]
    assert pve.version(2).section("planning")["body"] == "Start 1 januari 2027."
    assert pve.version(3).section("planning")["body"] == "Start 1 april 2027."
    assert db.session.query(AuditEntry).filter_by(action="pve_version_saved").count() == 2


@pytest.mark.parametrize("financing, field", [
    # financing follows core.terms: a contract must later accept it unchanged
    ({"price_per_trajectory": "-1", "milestones": []}, "price_per_trajectory"),
    ({"price_per_trajectory": "1", "ceiling": "0", "milestones": []}, "price_per_trajectory"),
    ({"price_per_trajectory": "12.345", "milestones": []}, "price_per_trajectory"),
    ({"price_per_trajectory": "100", "milestones": [{"code": "S", "label": "Start", "kind": "inspanning",
                                                     "trigger": "teleport", "percentage": "10"}]}, "milestones"),
    ({"price_per_trajectory": "100", "milestones": [{"code": "S", "label": "Start", "kind": "inspanning",
                                                     "trigger": "start", "amount": "1", "percentage": "1"}]},
     "milestones"),
])
def test_invalid_financing_is_refused(make_pve, financing, field):
    pve = make_pve()
    with pytest.raises(DomainError) as caught:
        services.save_version(pve, {"financing": financing}, by=pve.latest.created_by)
    assert caught.value.field == field and len(pve.versions) == 1


@pytest.mark.parametrize("kpis", [
    # KPI agreements: known code, numeric norm, min or max, each indicator once
    [{"kpi": "happiness", "norm": "1", "direction": "min"}],
    [{"kpi": "dropout_rate", "norm": "veel", "direction": "max"}],
    [{"kpi": "dropout_rate", "norm": "0.1", "direction": "sideways"}],
    [{"kpi": "dropout_rate", "norm": "0.1", "direction": "max"}, {"kpi": "dropout_rate", "norm": "0.2",
                                                                   "direction": "max"}],
])
def test_invalid_kpis_are_refused(make_pve, kpis):
    pve = make_pve()
    with pytest.raises(DomainError) as caught:
        services.save_version(pve, {"kpis": kpis}, by=pve.latest.created_by)
    assert caught.value.field == "kpis" and caught.value.errors


@pytest.mark.parametrize("sections, message", [
    ([{"key": "onzin", "title": "X", "body": ""}], "Onbekende paragraaf."),
    ([{"key": "vrij-1", "title": "", "body": "tekst"}], "Geef een titel van hoogstens 200 tekens."),
])
def test_sections_are_checked(make_pve, sections, message):
    pve = make_pve()
    with pytest.raises(DomainError) as caught:
        services.save_version(pve, {"sections": pve.latest.sections + sections}, by=pve.latest.created_by)
    assert message in [e["message"] for e in caught.value.errors]


def test_a_missing_standard_section_is_refused(make_pve):
    pve = make_pve()
    with pytest.raises(DomainError):
        services.save_version(pve, {"sections": pve.latest.sections[1:]}, by=pve.latest.created_by)


def test_free_sections_follow_the_standard_ones(make_pve):
    pve = make_pve()
    extra = {"key": "vrij-1", "title": "Privacy", "body": "AVG"}
    version = services.save_version(pve, {"sections": [extra] + pve.latest.sections}, by=pve.latest.created_by)
    assert version.sections[-1] == extra and version.sections[0]["key"] == "inleiding"


@pytest.fixture
def reviewed(make_pve, make_user):
    """A PvE in review, written by `author`; `colleague` is another inkoper in scope."""
    pve = make_pve()
    author = pve.latest.created_by
    colleague = make_user(Role.INKOPER, municipalities=pve.procurement_case.municipalities)
    services.save_version(pve, {"financing": pve.latest.financing | {"price_per_trajectory": "10000.00"}}, by=author)
    services.change_status(pve, PveStatus.IN_REVIEW, by=author)
    return pve, author, colleague


def test_adoption_by_another_user_stamps_the_version(reviewed):
    pve, author, colleague = reviewed
    version = services.change_status(pve, PveStatus.ADOPTED, by=colleague)
    assert version.is_adopted and version.adopted_by == colleague and version.adopted_at is not None
    assert pve.adopted is version


def test_the_author_may_not_adopt(reviewed):
    pve, author, _ = reviewed
    with pytest.raises(Forbidden):
        services.change_status(pve, PveStatus.ADOPTED, by=author)


def test_whoever_edited_the_draft_may_not_adopt_it(reviewed):
    pve, author, colleague = reviewed
    services.save_version(pve, {"note": "kleine wijziging"}, by=colleague)
    with pytest.raises(Forbidden):
        services.change_status(pve, PveStatus.ADOPTED, by=colleague)
    with pytest.raises(Forbidden):
        services.change_status(pve, PveStatus.ADOPTED, by=author)


@pytest.mark.parametrize("path", [
    # the workflow is concept -> in review -> vastgesteld; nothing skips or leaves vastgesteld
    [PveStatus.ADOPTED],
    [PveStatus.IN_REVIEW, PveStatus.IN_REVIEW],
    [PveStatus.CONCEPT],
])
def test_illegal_transitions_conflict(make_pve, make_user, path):
    pve = make_pve()
    other = make_user(Role.INKOPER, municipalities=pve.procurement_case.municipalities)
    with pytest.raises(Conflict):
        for to in path:
            services.change_status(pve, to, by=other)


def test_open_review_comments_block_adoption(reviewed):
    pve, author, colleague = reviewed
    comment = services.add_comment(pve, "kwaliteit", "Eis ook een VOG.", by=colleague)
    with pytest.raises(Conflict):
        services.change_status(pve, PveStatus.ADOPTED, by=colleague)
    services.answer_comment(comment, "Toegevoegd.", by=author)
    services.resolve_comment(comment, by=colleague)
    assert services.change_status(pve, PveStatus.ADOPTED, by=colleague).is_adopted
    assert (comment.answer, comment.answered_by, comment.is_resolved) == ("Toegevoegd.", author, True)


def test_a_pve_without_a_price_cannot_be_adopted(make_pve, make_procurement_case, make_user):
    pve = make_pve(make_procurement_case(price_per_trajectory=Decimal("0.00")))
    services.change_status(pve, PveStatus.IN_REVIEW, by=pve.latest.created_by)
    with pytest.raises(Conflict, match="prijs per traject"):
        services.change_status(pve, PveStatus.ADOPTED, by=make_user(
            Role.INKOPER, municipalities=pve.procurement_case.municipalities))


def test_a_comment_needs_a_known_section(reviewed):
    pve, _, colleague = reviewed
    with pytest.raises(DomainError):
        services.add_comment(pve, "bestaat-niet", "x", by=colleague)


def test_an_adopted_version_is_read_only_and_a_new_draft_starts_from_it(reviewed):
    pve, author, colleague = reviewed
    adopted = services.change_status(pve, PveStatus.ADOPTED, by=colleague)
    with pytest.raises(Conflict):
        services.change_status(pve, PveStatus.CONCEPT, by=author)
    draft = services.start_new_draft(pve, by=author)
    assert (draft.number, draft.status) == (adopted.number + 1, PveStatus.CONCEPT)
    assert draft.sections == adopted.sections and draft.financing == adopted.financing
    services.save_version(pve, {"sections": _edit(pve, "planning", "Nieuw")}, by=author)
    assert adopted.section("planning")["body"] != "Nieuw" and pve.adopted is adopted
    with pytest.raises(Conflict):
        services.start_new_draft(pve, by=author)


def test_contract_terms_come_from_the_adopted_version_only(reviewed):
    pve, author, colleague = reviewed
    with pytest.raises(Conflict):
        services.contract_terms(pve.latest)
    version = services.change_status(pve, PveStatus.ADOPTED, by=colleague)
    terms = services.contract_terms(version)
    assert terms["pve_version_id"] == version.id and terms["price_per_trajectory"] == Decimal("10000.00")
    assert terms["milestones"][0]["code"] == "START" and str(terms["milestones"][0]["percentage"]) == "20"


def test_word_diff_highlights_changed_words_only():
    assert word_diff("de les duurt twee uur", "de les duurt drie uur") == [
        ("equal", "de les duurt "), ("delete", "twee "), ("insert", "drie "), ("equal", "uur")]


def test_diff_between_versions_per_section(make_pve):
    pve = make_pve()
    by = pve.latest.created_by
    financing = pve.latest.financing | {"price_per_trajectory": "9500.00"}
    services.save_version(pve, {"sections": _edit(pve, "planning", "Gunning in maart."), "financing": financing},
                          by=by)
    changed = {d.key: d for d in diff_versions(pve.version(1), pve.version(2)) if d.changed}
    assert set(changed) == {"planning", "financiering:tabel"}
    assert ("insert", "Gunning in maart.") in changed["planning"].segments
    assert ("insert", "9.500,00\n") in changed["financiering:tabel"].segments


def test_markdown_is_rendered_sanitised():
    html = render_markdown("**vet** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=y>")
    assert "<strong>vet</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _office(kind: str, rels: str, target: str, mode: str = "External", extra: dict | None = None) -> bytes:
    """A DOCX or XLSX whose main part has one relationship of `rels` type to `target`."""
    part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    folder, name = part.rsplit("/", 1)
    link = (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/{rels}" Target="{target}" TargetMode="{mode}"/></Relationships>')
    return _zip({"[Content_Types].xml": "<Types/>", part: "<x/>", f"{folder}/_rels/{name}.rels": link, **(extra or {})})


EXTERNAL_WORKBOOK = _office("xlsx", "externalLink", "externalLinks/externalLink1.xml", mode="Internal", extra={
    "xl/externalLinks/externalLink1.xml": "<externalLink/>",
    "xl/externalLinks/_rels/externalLink1.xml.rels": _office("xlsx", "externalLinkPath", "file:///C:/geheim.xlsx")})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"})


@pytest.mark.parametrize("name, data, expected", [
    # allowed: the type read from the content matches the extension
    ("eisen.pdf", PDF, "pdf"),
    ("eisen.docx", DOCX, "docx"),
    ("begroting.XLSX", XLSX, "xlsx"),
    ("notitie.odt", ODT, "odt"),
    ("links.docx", _office("docx", "hyperlink", "https://www.rijksoverheid.nl/"), "docx"),
    # refused: a PDF that is no PDF, or a program behind a PDF header (a polyglot)
    ("eisen.pdf", b"%PDF-1.7\n...", None),
    ("setup.pdf", b"%PDF-1.7\nMZ\x90\x00\x03\x00\x00\x00\x04\x00" + PDF[9:], None),
    ("setup.pdf", b"%PDF-1.4\n\x7fELF\x02\x01\x01\x00" + PDF[9:], None),
    ("eisen.pdf", PDF + b"MZ\x90\x00" + b"\x00" * 2048, None),
    # refused: office files that fetch content from elsewhere when opened (hyperlinks stay)
    ("begroting.xlsx", EXTERNAL_WORKBOOK, None),
    ("brief.docx", _office("docx", "attachedTemplate", "http://evil.example/sjabloon.dotm"), None),
    ("brief.docx", _office("docx", "image", "\\\\evil.example\\share\\logo.png"), None),
    ("brief.docx", _office("docx", "image", "media/logo.png", extra={"word/_rels/x.rels": "<nope"}), None),
    # refused: other types, renamed files, a lying extension, bombs
    ("setup.exe", b"MZ\x90\x00", None),
    ("virus.pdf", b"MZ\x90\x00", None),
    ("eisen.pdf", DOCX, None),
    ("eisen.docx", _zip({"a.txt": "x"}), None),
    ("leeg.pdf", b"", None),
    ("bom.docx", _zip({"[Content_Types].xml": "x", "word/document.xml": "0" * (201 * 1024 * 1024)}), None),
    ("veel.docx", _zip({f"f{i}": "" for i in range(2001)} | {"[Content_Types].xml": "", "word/document.xml": ""}),
     None),
    ("groot.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), None),
])
def test_attachment_types_are_checked_by_content(name, data, expected):
    if expected:
        assert check_attachment(name, data) == expected
    else:
        with pytest.raises(DomainError, match="Alleen PDF, DOCX, XLSX en ODT tot 20 MB"):
            check_attachment(name, data)


def test_an_attachment_is_stored_under_a_generated_name_with_its_checksum(app, make_pve, tmp_path):
    app.config["STORAGE_URL"] = tmp_path.as_uri()
    pve = make_pve()
    attachment = services.add_attachment(pve, "../../eisen.pdf", PDF, by=pve.latest.created_by)
    stored = tmp_path / "pve" / attachment.stored_name
    assert attachment.filename == "eisen.pdf" and stored.parent == tmp_path / "pve"
    assert stored.read_bytes() == PDF and len(attachment.sha256) == 64
