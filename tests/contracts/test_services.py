from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from contracts import open_house, pricing, services
from contracts.models import Alert, AdmissionStatus, Contract, ContractLedger, ContractStatus
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import AuditEntry, Role
from core.terms import amount_on
from core.scope import OutOfScope
from procurement.pve.models import Pve, PveVersion
from tests.factories import service

START = {"code": "START", "label": "Start", "kind": "inspanning", "trigger": "start", "percentage": "25"}
EXAM = {"code": "B1", "label": "B1", "kind": "prestatie", "trigger": "exam", "params": {"components": ["LE"]},
        "amount": "2000.00"}


@pytest.fixture
def data(make_provider, make_municipality):
    def make(**kw):
        return {"reference": "CTR-1", "provider": make_provider(), "service": service("b1_route"),
                "run_off": "tot_einde_traject", "procurement_route": "aanbesteding", "municipalities": [make_municipality()],
                "starts_on": date(2026, 1, 1), "ends_on": date(2027, 12, 31), "price_per_trajectory": Decimal("1000.42"),
                "ceiling": Decimal("50000.00"), "milestones": [START, EXAM], "kpis": []} | kw
    return make


def test_create_contract_stores_schedule_in_order_and_audits(ctx, data):
    contract = services.create_contract(data(), by=None)
    assert [m.code for m in contract.milestones] == ["START", "B1"]
    assert amount_on(contract.milestones[0], contract.price_per_trajectory, (), date(2026, 5, 1)) == Decimal("250.11")
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_id == contract.id)) == "contract_created"


@pytest.mark.parametrize("change, field", [
    # the schedule (payments.md)
    ({"milestones": [{**START, "trigger": "teleport"}]}, "milestones"),
    ({"milestones": [{**EXAM, "params": {}}]}, "milestones"),
    ({"milestones": [{**EXAM, "amount": "-5.00"}]}, "milestones"),
    ({"kpis": [{"kpi": "attendance_rate", "norm": "x", "direction": "min"}]}, "kpis"),
    # period, money and options
    ({"ends_on": date(2025, 12, 31)}, "end_date"),
    ({"ceiling": Decimal("-1")}, "ceiling"),
    ({"extension_count": 2}, "extension_months"),
    ({"option_deadline": date(2027, 6, 1)}, "option_deadline"),
    ({"municipalities": []}, "municipalities"),
    # the run-off (issue 19) is chosen, and a date only with "until a date", on or after the contract's end
    ({"run_off": None}, "run_off"),
    ({"run_off": "tot_datum"}, "run_off_until"),
    ({"run_off": "tot_datum", "run_off_until": date(2027, 12, 30)}, "run_off_until"),
    ({"run_off": "tot_einde_traject", "run_off_until": date(2028, 6, 30)}, "run_off_until"),
])
def test_invalid_contracts_are_refused(ctx, data, change, field):
    with pytest.raises(DomainError) as error:
        services.create_contract(data(**change), by=None)
    assert error.value.field == field


def test_reference_is_unique(ctx, data):
    services.create_contract(data(), by=None)
    with pytest.raises(Conflict):
        services.create_contract(data(), by=None)


def test_municipalities_must_lie_within_the_case(ctx, data, make_procurement_case, make_municipality):
    case = make_procurement_case("b1_route")
    with pytest.raises(DomainError, match="neemt niet deel"):
        services.create_contract(data(procurement_case=case, municipalities=[make_municipality()]), by=None)


def test_staff_cannot_contract_outside_their_scope(ctx, data, make_user, make_municipality):
    user = make_user(Role.CONTRACTMANAGER, municipalities=[make_municipality()])
    with pytest.raises(OutOfScope, match="buiten uw bereik"):
        services.create_contract(data(), by=user)


def test_prefill_from_the_adopted_pve_version(ctx, make_procurement_case):
    case = make_procurement_case("b1_route")
    pve = Pve(procurement_case=case, title="PvE B1")
    pve.versions = [PveVersion(number=1, financing={"price_per_trajectory": "9000.00", "milestones": [START]},
                               kpis=[{"kpi": "dropout_rate", "norm": "0.1", "direction": "max"}]),
                    PveVersion(number=2, adopted_at=__import__("core.dates").dates.now_utc(),
                               financing={"price_per_trajectory": "9500.00", "milestones": [START, EXAM]}, kpis=[])]
    db.session.add(pve)
    db.session.flush()
    terms = services.terms_from_case(case)
    assert terms["price_per_trajectory"] == Decimal("9500.00") and len(terms["milestones"]) == 2
    assert services.terms_from_case(None) == {}


def test_without_an_adopted_pve_the_service_template_prefills_at_the_case_price(ctx, make_procurement_case):
    terms = services.terms_from_case(make_procurement_case("z_route", price_per_trajectory=Decimal("8900.00")))
    assert terms["price_per_trajectory"] == Decimal("8900.00") and terms["service"].code == "z_route"
    assert [m["code"] for m in terms["milestones"]][-2:] == ["A1", "ZROUTE"]
    assert "exam_pass_rate" not in {k["kpi"] for k in terms["kpis"]}


def test_amendment_needs_a_reason_and_records_before_and_after(ctx, data):
    contract = services.create_contract(data(), by=None)
    with pytest.raises(DomainError):
        services.amend_contract(contract, {"ends_on": date(2028, 6, 30)}, " ", by=None)
    services.amend_contract(contract, {"ends_on": date(2028, 6, 30)}, "Verlenging", by=None)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "contract_amended"))
    assert entry.changes == {"ends_on": ["2027-12-31", "2028-06-30"]} and "Verlenging" in entry.summary


@pytest.mark.parametrize("before, after, allowed", [
    ("active", "ended", True),
    ("active", "terminated", True),
    ("ended", "active", False),
    ("terminated", "active", False),
])
def test_status_transitions(ctx, data, before, after, allowed):
    contract = services.create_contract(data(status=ContractStatus.CONCEPT), by=None)
    contract.status = ContractStatus(before)
    if allowed:
        assert services.amend_contract(contract, {"status": after}, "reden", by=None).status == after
    else:
        with pytest.raises(Conflict):
            services.amend_contract(contract, {"status": after}, "reden", by=None)


def test_tariff_change_applies_only_to_milestones_earned_from_its_date(ctx, data):
    contract = services.create_contract(data(), by=None)
    pricing.change_tariff(contract, date(2026, 7, 1), Decimal("1200.00"), {"B1": Decimal("2500")}, "Indexatie",
                           by=None)
    periods = pricing.tariff_periods(contract, today=date(2026, 7, 1))
    assert periods["starts"] == [date(2026, 1, 1), date(2026, 7, 1)] and periods["current"] == 1
    assert [amounts for _, amounts in periods["rows"]] == [[Decimal("250.11"), Decimal("300.00")],
                                                          [Decimal("2000.00"), Decimal("2500.00")]]


@pytest.mark.parametrize("effective_on, amounts, reason", [
    (date(2026, 1, 1), {}, "x"),  # not after the start
    (date(2028, 1, 1), {}, "x"),  # after the end
    (date(2026, 7, 1), {"START": Decimal("1")}, "x"),  # START is a percentage
    (date(2026, 7, 1), {}, ""),  # no reason
])
def test_invalid_tariff_changes(ctx, data, effective_on, amounts, reason):
    contract = services.create_contract(data(), by=None)
    with pytest.raises(DomainError):
        pricing.change_tariff(contract, effective_on, Decimal("1200.00"), amounts, reason, by=None)


def test_alerts_end_option_keurmerk_and_ceiling(app, ctx, data, make_provider):
    day = date(2026, 11, 23)
    services.create_contract(data(reference="SOON", ends_on=date(2027, 5, 1), extension_count=1,
                                  extension_months=12, option_deadline=date(2027, 1, 15)), by=None)
    services.create_contract(data(reference="LATER", ends_on=date(2028, 12, 31)), by=None)
    make_provider(keurmerk_valid_until=date(2027, 1, 1))
    later = db.session.scalar(sa.select(Contract).where(Contract.reference == "LATER"))
    db.session.add(ContractLedger(contract_id=later.id, paid_total=Decimal("40000.00")))  # 80% of its ceiling
    services.refresh_alerts(day)
    services.refresh_alerts(day)  # idempotent
    kinds = sorted(a.kind.value for a in db.session.scalars(sa.select(Alert)))
    assert kinds == ["ceiling", "contract_end", "keurmerk", "option_deadline"]


def test_alert_resolves_when_its_cause_is_gone(ctx, make_provider):
    provider = make_provider(keurmerk_valid_until=date(2027, 1, 1))
    services.refresh_alerts(date(2026, 11, 23))
    provider.keurmerk_valid_until = date(2029, 1, 1)
    services.refresh_alerts(date(2026, 11, 24))
    assert db.session.scalar(sa.select(Alert.resolved_on)) == date(2026, 11, 24)


def test_open_house_admission_gives_a_contract_on_uniform_terms(ctx, make_procurement_case, make_provider, make_user):
    case, provider = make_procurement_case("knm"), make_provider()
    house = open_house.open_open_house(case, {"title": "KNM", "starts_on": date(2026, 1, 1), "ends_on": date(2029, 12, 31),
                                              "price_per_trajectory": Decimal("650.00"), "milestones": [START]}, by=None)
    open_house.announce(house, date(2026, 1, 1), "https://www.tenderned.nl/1", by=None, today=date(2026, 11, 23))
    admission = open_house.apply(house, provider, by=None, today=date(2026, 11, 23))
    with pytest.raises(Conflict):
        open_house.apply(house, provider, by=None, today=date(2026, 11, 23))
    with pytest.raises(DomainError, match="alle eisen"):
        open_house.decide(admission, AdmissionStatus.ADMITTED, "ok", by=None, today=date(2026, 11, 23))
    open_house.decide(admission, AdmissionStatus.ADMITTED, "Voldoet", by=None, today=date(2026, 11, 23),
                      checklist={r: True for r in house.requirements})
    contract = admission.contract
    assert (contract.starts_on, contract.price_per_trajectory, contract.procurement_route.value) == (
        date(2026, 11, 23), Decimal("650.00"), "open_house")
    assert open_house.admitted(house) == [admission]
    open_house.decide(admission, AdmissionStatus.EXCLUDED, "Fraude", by=None, today=date(2026, 12, 1))
    assert contract.status == ContractStatus.TERMINATED and open_house.admitted(house) == []


@pytest.mark.parametrize("entered, checklist", [
    (None, open_house.DEFAULT_REQUIREMENTS),  # nothing entered: the standard list
    (["VOG docenten", "Keurmerk", "VOG docenten"], ["VOG docenten", "Keurmerk"]),  # as entered, once each
])
def test_each_admission_is_checked_against_the_list_the_open_house_was_opened_with(
        ctx, make_procurement_case, make_provider, entered, checklist):
    house = open_house.open_open_house(make_procurement_case("knm"), {
        "title": "KNM", "starts_on": date(2026, 1, 1), "ends_on": date(2029, 12, 31),
        "price_per_trajectory": Decimal(1), "requirements": entered}, by=None)
    open_house.announce(house, date(2026, 1, 1), "https://www.tenderned.nl/1", by=None, today=date(2026, 2, 1))
    admission = open_house.apply(house, make_provider(), by=None, today=date(2026, 2, 1))
    assert house.requirements == list(checklist) and list(admission.checklist) == list(checklist)


@pytest.mark.parametrize("status, motivation", [
    (AdmissionStatus.REFUSED, ""),  # motivation required
    (AdmissionStatus.SUSPENDED, "Geschorst"),  # not admitted yet
])
def test_invalid_admission_decisions(ctx, make_procurement_case, make_provider, status, motivation):
    house = open_house.open_open_house(make_procurement_case("knm"), {"title": "KNM", "starts_on": date(2026, 1, 1),
                                                     "ends_on": date(2029, 12, 31), "price_per_trajectory": Decimal(1)},
                                       by=None)
    open_house.announce(house, date(2026, 1, 1), "https://www.tenderned.nl/1", by=None, today=date(2026, 2, 1))
    admission = open_house.apply(house, make_provider(), by=None, today=date(2026, 2, 1))
    with pytest.raises(DomainError):
        open_house.decide(admission, status, motivation, by=None, today=date(2026, 2, 1))


def test_applying_after_the_term_is_refused(ctx, make_procurement_case, make_provider):
    house = open_house.open_open_house(make_procurement_case("knm"), {"title": "KNM", "starts_on": date(2026, 1, 1),
                                                     "ends_on": date(2026, 12, 31), "price_per_trajectory": Decimal(1)},
                                       by=None)
    with pytest.raises(Conflict):
        open_house.apply(house, make_provider(), by=None, today=date(2027, 1, 1))


def test_the_run_off_is_shown_and_amended_with_a_reason(ctx, data):
    contract = services.create_contract(data(run_off="tot_datum", run_off_until=date(2028, 6, 30)), by=None)
    assert (contract.run_off, contract.pays_until) == ("tot_datum", date(2028, 6, 30))
    services.amend_contract(contract, {"run_off": "tot_einde_traject", "run_off_until": None}, "Uitloop verruimd",
                            by=None)
    assert contract.pays_until is None
    with pytest.raises(DomainError) as error:  # an extension past the last day of the run-off needs a new one
        services.amend_contract(services.create_contract(data(reference="CTR-2", run_off="tot_datum",
                                                              run_off_until=date(2027, 12, 31)), by=None),
                                {"ends_on": date(2028, 12, 31)}, "Verlengd", by=None)
    assert error.value.field == "run_off_until"


def test_an_amendment_that_keeps_the_kpis_replaces_their_rows_without_a_clash(ctx, data):
    """The amendment form always sends the KPI rows: sent back unchanged, the old rows go before the new come."""
    kpis = [{"kpi": "attendance_rate", "params": {"bucket": "taal_knm"}, "norm": "0.8", "direction": "min"}]
    contract = services.create_contract(data(kpis=kpis), by=None)
    db.session.commit()
    shown = services.kpis_of(contract)
    services.amend_contract(contract, {"ends_on": date(2028, 6, 30), "kpis": shown}, "Verlenging", by=None)
    db.session.commit()
    assert services.kpis_of(contract) == shown
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "contract_amended"))
    assert entry.changes == {"ends_on": ["2027-12-31", "2028-06-30"]}
