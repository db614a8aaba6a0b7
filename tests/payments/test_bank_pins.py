"""Bank details over HTTP (the provider's edit form and PATCH, the Bankgegevens page and API, a run's review page),
and the pins of an approved run: its SEPA file never changes after approval (finding 1: new IBAN with old BIC)."""
from datetime import date
from decimal import Decimal as D

import pytest

from core.extensions import db
from payments import bank_details
from payments.exports import journal_csv, sepa_xml
from payments.runs import approve_run, create_run
from payments.services import ledger_accounts, set_ledger_account
from providers.services import update_provider
from tests.factories import service
from tests.payments.conftest import NEW_BIC, NEW_IBAN, OLD_BIC, OLD_IBAN

TODAY = date(2026, 11, 23)
pytestmark = pytest.mark.today(TODAY.isoformat())
START = {"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("100.00")}
PAYER_IBAN, NEW_PAYER_IBAN = "NL02ABNA0123456789", "NL39RABO0300065264"


@pytest.fixture
def paid(bank_world, make_contract, make_trajectory, make_event, make_paying_organisation):
    """The north's provider, with a start to be paid in each of two months, and the north's paying organisation."""
    w = bank_world
    contract = make_contract(provider=w.provider, milestones=[START], municipalities=w.north.municipalities)
    for day in (date(2026, 8, 3), date(2026, 9, 3)):
        make_event(make_trajectory(contract=contract, municipality=w.town), "start", day)
    make_paying_organisation(region=w.north, name="Sociale Dienst Noord", iban=PAYER_IBAN, bic="ABNANL2A")
    db.session.commit()
    return w


def _approve(w, period):
    return approve_run(create_run(period, region=w.north, by=w.finance, today=TODAY), by=w.finance2)


def _change_everything(w):
    """A new IBAN and BIC for the provider and a new paying organisation, each approved by a second person."""
    bank_details.approve_change(_proposal(w), by=w.finance)
    payer = bank_details.propose_paying_organisation({"name": "SD Noord Nieuw", "iban": NEW_PAYER_IBAN},
                                                     region=w.north, by=w.finance)
    bank_details.approve_change(payer, by=w.finance2)


def _proposal(w):
    update_provider(w.provider, {"iban": NEW_IBAN, "bic": NEW_BIC}, by=w.manager)
    return w.provider.pending_bank_change


def test_the_sepa_file_of_an_approved_run_keeps_the_details_it_was_approved_with(paid):
    run = _approve(paid, "2026-08")
    before = sepa_xml(run, execution_date=TODAY)
    _change_everything(paid)
    assert (paid.provider.iban, paid.provider.bic) == (NEW_IBAN, NEW_BIC)
    after = sepa_xml(run, execution_date=TODAY).decode()
    assert OLD_IBAN in after and f"<BICFI>{OLD_BIC}</BICFI>" in after and PAYER_IBAN in after
    assert NEW_IBAN not in after and NEW_BIC not in after and NEW_PAYER_IBAN not in after
    assert before.decode().count(OLD_IBAN) == after.count(OLD_IBAN)
    later = sepa_xml(_approve(paid, "2026-09"), execution_date=TODAY).decode()  # the next run pays the new ones
    assert NEW_IBAN in later and f"<BICFI>{NEW_BIC}</BICFI>" in later and NEW_PAYER_IBAN in later
    assert OLD_IBAN not in later


def test_a_run_approved_without_a_paying_organisation_pins_it_at_its_first_sepa_file(paid):
    db.session.delete(bank_details.payer_of(region=paid.north))
    run = _approve(paid, "2026-08")
    assert run.debtor_iban is None
    payer = bank_details.propose_paying_organisation({"name": "SD Noord", "iban": PAYER_IBAN}, region=paid.north,
                                                     by=paid.finance)
    bank_details.approve_change(payer, by=paid.finance2)
    assert PAYER_IBAN in sepa_xml(run, execution_date=TODAY).decode() and run.debtor_iban == PAYER_IBAN
    _change_everything(paid)
    assert NEW_PAYER_IBAN not in sepa_xml(run, execution_date=TODAY).decode()


def test_the_journal_books_on_the_runs_own_regions_accounts(paid, make_contract):
    set_ledger_account(paid.north, service("b1_route"), "inspanning", "470110", by=paid.finance)
    set_ledger_account(paid.south, service("b1_route"), "inspanning", "880110", by=paid.south_finance)
    run = _approve(paid, "2026-08")
    journal = journal_csv(run).decode("utf-8-sig")
    assert "470110" in journal and "880110" not in journal
    town_run = approve_run(create_run("2026-09", municipality=paid.town, by=paid.town_finance, today=TODAY),
                           by=paid.finance2)
    assert "470110" in journal_csv(town_run).decode("utf-8-sig")  # a municipality's run: its region's accounts


def test_the_review_page_shows_the_bank_changes_since_the_previous_approved_run(paid, login, client):
    earlier = _approve(paid, "2026-08")
    change = _proposal(paid)
    db.session.commit()
    draft = create_run("2026-09", region=paid.north, by=paid.finance, today=TODAY)
    db.session.commit()
    login(paid.finance2)
    page = client.get(f"/betalingen/{draft.id}").get_data(as_text=True)
    assert "Gewijzigde bankgegevens" in page and NEW_IBAN in page and "Wacht op goedkeuring" in page
    bank_details.approve_change(change, by=paid.finance)
    db.session.commit()
    page = client.get(f"/betalingen/{draft.id}").get_data(as_text=True)
    assert NEW_IBAN in page and "Goedgekeurd" in page
    before = client.get(f"/betalingen/{earlier.id}").get_data(as_text=True)
    assert "Geen bankgegevens gewijzigd sinds de vorige goedgekeurde betaalrun." in before  # approved after it
    approve_run(draft, by=paid.finance2)
    db.session.commit()
    third = create_run("2026-10", region=paid.north, by=paid.finance, today=TODAY)
    db.session.commit()
    assert "Geen bankgegevens gewijzigd" in client.get(f"/betalingen/{third.id}").get_data(as_text=True)


def test_the_edit_form_says_the_bank_change_awaits_approval(bank_world, login, client):
    login(bank_world.manager)
    form = {"name": bank_world.provider.name, "kvk_number": bank_world.provider.kvk_number, "iban": NEW_IBAN,
            "bic": NEW_BIC, "keurmerk_status": "geldig_tot", "keurmerk_valid_until": "2027-12-31"}
    answer = client.post(f"/aanbieders/{bank_world.provider.id}/wijzigen", data=form, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert "wachten op goedkeuring door een tweede persoon" in text and f"Wacht op goedkeuring: IBAN {NEW_IBAN}" in text
    again = client.post(f"/aanbieders/{bank_world.provider.id}/wijzigen", data={**form, "iban": NEW_PAYER_IBAN})
    assert again.status_code == 200 and "wacht al een wijziging" in again.get_data(as_text=True)
    assert db.session.get(type(bank_world.provider), bank_world.provider.id).iban == OLD_IBAN


def test_patch_answers_the_current_details_and_the_pending_proposal(bank_world, api):
    url = f"/api/v1/providers/{bank_world.provider.id}"
    answer = api(bank_world.manager).patch(url, json={"iban": NEW_IBAN, "bic": NEW_BIC})
    assert answer.status_code == 200, answer.json
    assert (answer.json["iban"], answer.json["bic"]) == (OLD_IBAN, OLD_BIC)
    pending = answer.json["pending_bank_change"]
    assert (pending["new_iban"], pending["new_bic"], pending["status"], pending["proposed_by"]) == (
        NEW_IBAN, NEW_BIC, "pending", bank_world.manager.email)
    second = api(bank_world.finance).patch(url, json={"iban": NEW_PAYER_IBAN})
    assert second.status_code == 409 and "wacht al een wijziging" in second.json["detail"]
    assert api(bank_world.south_manager).patch(url, json={"iban": NEW_PAYER_IBAN}).status_code == 403


@pytest.mark.parametrize("who, decision, status", [
    ("finance", "approve", 200), ("finance", "reject", 200), ("manager", "approve", 403),
    ("south_finance", "approve", 404), ("town_finance", "approve", 404),
])
def test_the_api_decides_within_scope(bank_world, api, who, decision, status):
    change = _proposal(bank_world)
    db.session.commit()
    answer = api(getattr(bank_world, who)).post(f"/api/v1/bank-detail-changes/{change.id}/{decision}")
    assert answer.status_code == status, answer.json
    if status == 200:
        assert answer.json["status"] == {"approve": "approved", "reject": "rejected"}[decision]
        assert answer.json["of"] == f"aanbieder {bank_world.provider.name}"
        again = api(bank_world.finance2).post(f"/api/v1/bank-detail-changes/{change.id}/approve")
        assert again.status_code == 409


def test_the_api_lists_what_is_in_scope_and_refuses_own_approval(bank_world, api):
    change = _proposal(bank_world)
    bank_details.propose_paying_organisation({"name": "SD Zuid", "iban": PAYER_IBAN}, region=bank_world.south,
                                             by=bank_world.south_finance)
    db.session.commit()
    listed = api(bank_world.finance).get("/api/v1/bank-detail-changes?status=pending").json["items"]
    assert [item["id"] for item in listed] == [change.id]
    assert api(bank_world.national).get("/api/v1/bank-detail-changes").json["total"] == 2
    own = api(bank_world.manager).post(f"/api/v1/bank-detail-changes/{change.id}/approve")
    assert own.status_code == 403


def test_the_page_lists_changes_with_approve_and_reject_buttons(bank_world, login, client):
    change = _proposal(bank_world)
    db.session.commit()
    login(bank_world.finance)
    page = client.get("/betalingen/bankgegevens").get_data(as_text=True)
    assert NEW_IBAN in page and OLD_IBAN in page and "Goedkeuren" in page and "Afwijzen" in page
    done = client.post(f"/betalingen/bankgegevens/{change.id}/goedkeuren", follow_redirects=True)
    assert "is goedgekeurd" in done.get_data(as_text=True)
    late = client.post(f"/betalingen/bankgegevens/{change.id}/afwijzen", follow_redirects=True)
    assert "al goedgekeurd" in late.get_data(as_text=True)
    assert db.session.get(type(bank_world.provider), bank_world.provider.id).iban == NEW_IBAN
    login(bank_world.manager)
    assert "Goedkeuren" not in client.get("/betalingen/bankgegevens").get_data(as_text=True)
    assert client.post(f"/betalingen/bankgegevens/{change.id}/goedkeuren").status_code == 403


def test_the_settings_page_shows_only_the_held_regions_ledger_accounts(bank_world, login, client):
    set_ledger_account(bank_world.north, service("b1_route"), "inspanning", "470110", by=bank_world.finance)
    set_ledger_account(bank_world.south, service("b1_route"), "inspanning", "880110", by=bank_world.south_finance)
    db.session.commit()
    login(bank_world.finance)
    page = client.get("/betalingen/instellingen").get_data(as_text=True)
    assert "470110" in page and "880110" not in page
    refused = client.post("/betalingen/instellingen", data={"ledger-region": str(bank_world.south.id),
                                                            "ledger-service": "1", "ledger-kind": "inspanning",
                                                            "ledger-account": "1"})
    assert refused.status_code == 200  # not a region of the form's choices
    assert ledger_accounts(bank_world.south) == {(service("b1_route").id, "inspanning"): "880110"}


def test_one_municipalitys_finance_may_not_propose_the_regions_paying_organisation(bank_world, login, client):
    login(bank_world.town_finance)
    region_choice = f'value="r:{bank_world.north.id}"'
    assert region_choice not in client.get("/betalingen/instellingen").get_data(as_text=True)  # not offered
    data = {"payer-scope": f"r:{bank_world.north.id}", "payer-name": "Kaper", "payer-iban": NEW_IBAN}
    refused = client.post("/betalingen/instellingen", data=data)
    assert refused.status_code == 200 and region_choice not in refused.get_data(as_text=True)
    assert db.session.scalars(bank_details.visible_changes(bank_world.national)).all() == []
