"""A contract's evidence rules: set per milestone, with a reason, through the page and the API; shown on the
contract page."""
from decimal import Decimal

import pytest

from contracts import pricing
from core.errors import DomainError
from core.extensions import db
from core.models import AuditEntry, Role

EXAM = {"code": "KNM", "label": "KNM-examen", "kind": "prestatie", "trigger": "exam",
        "params": {"components": ["KNM"]}, "amount": Decimal("500.00")}
LEVEL = {"code": "B1", "label": "Niveau B1", "kind": "prestatie", "trigger": "level",
         "params": {"skills": ["LE"], "level": "B1"}, "amount": Decimal("1000.00")}


def test_the_template_fills_the_rules_of_a_new_contract(ctx, make_contract):
    contract = make_contract(milestones=[EXAM, LEVEL])
    assert [m.sources for m in contract.milestones] == [["duo", "staff"], ["duo", "staff"]]


@pytest.mark.parametrize("sources, reason, message", [
    ({"B1": []}, "Afspraak", "Kies één of meer"),
    ({"B1": ["aanbieder"]}, "Afspraak", "Kies één of meer"),
    ({"XX": ["duo"]}, "Afspraak", "Onbekende mijlpaal"),
    ({"B1": ["duo", "staff"]}, "Afspraak", "niets gewijzigd"),
    ({"B1": ["provider"]}, " ", "reden"),
])
def test_invalid_rules_are_refused(ctx, make_contract, sources, reason, message):
    contract = make_contract(milestones=[EXAM, LEVEL])
    with pytest.raises(DomainError) as error:
        pricing.set_evidence_sources(contract, sources, reason, by=None)
    assert message in error.value.message + " ".join(e["message"] for e in error.value.errors or [])


def test_the_api_and_the_page_set_the_rules_with_a_reason(ctx, api, login, make_user, make_contract):
    contract = make_contract(milestones=[EXAM, LEVEL])
    manager = make_user(Role.CONTRACTMANAGER, municipalities=contract.municipalities)
    answer = api(manager).put(f"/api/v1/contracts/{contract.id}/evidence-rules", json={
        "reason": "Voortgangstoetsen tellen voor B1", "sources": {"B1": ["duo", "staff", "provider"]}})
    assert answer.status_code == 200, answer.json
    assert [m["sources"] for m in answer.json["milestones"]] == [["duo", "staff"], ["duo", "staff", "provider"]]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "contract_evidence_rules_changed"))
    assert entry.changes == {"B1": [["duo", "staff"], ["duo", "staff", "provider"]]}
    browser = login(manager)
    page = browser.post(f"/contracten/{contract.id}/bewijsregels", follow_redirects=True, data={
        "reason": "Alleen DUO", "sources_KNM": ["duo"], "sources_B1": ["duo", "staff", "provider"]})
    assert "De bewijsregels zijn vastgelegd" in page.get_data(as_text=True)
    assert [m.sources for m in contract.milestones] == [["duo"], ["duo", "staff", "provider"]]
    refused = browser.post(f"/contracten/{contract.id}/bewijsregels", data={"reason": "Niets"})
    assert refused.status_code == 200 and "KNM: Kies één of meer" in refused.get_data(as_text=True)
