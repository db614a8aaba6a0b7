"""The narrative's approval rule: versions are kept, a second person approves, an approved version stays as it
was, and the audit log has every step."""
from datetime import date

import pytest
import sqlalchemy as sa

from core.errors import Conflict, Forbidden
from core.extensions import db
from core.models import AuditEntry, Role
from reports.models import NarrativeStatus
from reports.narrative import approve_narrative, save_narrative

Q3 = (date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def people(make_user, make_municipality):
    town = make_municipality(name="Dordrecht")
    return town, make_user(Role.FINANCE, municipalities=[town]), make_user(Role.FINANCE, municipalities=[town])


def test_every_save_is_a_version_and_a_second_person_approves(people):
    town, author, second = people
    first = save_narrative(*Q3, {"toelichting": "Eerste tekst"}, by=author, municipality=town)
    latest = save_narrative(*Q3, {"toelichting": "Tweede tekst", "risicos": "Plafond B1"}, by=author,
                            municipality=town)
    report = latest.report
    assert [v.number for v in report.versions] == [1, 2] and first.toelichting == "Eerste tekst"
    with pytest.raises(Forbidden):
        approve_narrative(report, 2, by=author)
    with pytest.raises(Conflict):
        approve_narrative(report, 1, by=second)  # only the latest
    approve_narrative(report, 2, by=second)
    assert report.approved is latest and latest.approved_by is second
    with pytest.raises(Conflict):
        approve_narrative(report, 2, by=second)
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-3:] == ["council_narrative_saved", "council_narrative_saved", "council_narrative_approved"]


@pytest.mark.parametrize("editors, approver, allowed", [
    # whoever wrote any version since the last approval may not approve, also when the latest is someone else's
    (("author", "second"), "second", False),
    (("author", "second"), "third", True),
    (("second",), "author", True),
])
def test_nobody_who_wrote_the_draft_approves_it(people, make_user, editors, approver, allowed):
    town, author, second = people
    who = {"author": author, "second": second, "third": make_user(Role.FINANCE, municipalities=[town])}
    for name in editors:
        version = save_narrative(*Q3, {"toelichting": name}, by=who[name], municipality=town)
    if allowed:
        assert approve_narrative(version.report, version.number, by=who[approver]).status == NarrativeStatus.APPROVED
    else:
        with pytest.raises(Forbidden):
            approve_narrative(version.report, version.number, by=who[approver])


def test_an_approved_version_stays_as_it_was_and_a_new_text_is_a_new_concept(people):
    town, author, second = people
    approved = save_narrative(*Q3, {"vooruitblik": "Vastgesteld"}, by=author, municipality=town)
    approve_narrative(approved.report, 1, by=second)
    following = save_narrative(*Q3, {"vooruitblik": "Nieuw"}, by=second, municipality=town)
    assert (following.number, following.status) == (2, NarrativeStatus.CONCEPT)
    assert approved.vooruitblik == "Vastgesteld" and approved.report.approved is approved
    with pytest.raises(Forbidden):
        approve_narrative(following.report, 2, by=second)
    assert approve_narrative(following.report, 2, by=author).status == NarrativeStatus.APPROVED


def test_the_database_refuses_to_change_or_delete_an_approved_version(people):
    town, author, second = people
    version = save_narrative(*Q3, {"toelichting": "Vast"}, by=author, municipality=town)
    approve_narrative(version.report, 1, by=second)
    db.session.flush()
    for statement in ("UPDATE narrative_version SET toelichting = 'Anders' WHERE id = :id",
                      "DELETE FROM narrative_version WHERE id = :id"):
        savepoint = db.session.begin_nested()
        with pytest.raises(sa.exc.DatabaseError, match="read-only"):
            db.session.execute(sa.text(statement), {"id": version.id})
        savepoint.rollback()
    concept = save_narrative(*Q3, {"toelichting": "Nieuw"}, by=author, municipality=town)
    db.session.execute(sa.text("UPDATE narrative_version SET toelichting = 'Ook' WHERE id = :id"), {"id": concept.id})
