import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from core.models import AuditEntry, Role
from procurement import planning, services
from procurement.models import PlanningMilestone, Procedure, ProcurementRoute as R

DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, tzinfo=timezone.utc)
CASE = {"service": "b1_route", "expected_participants_per_year": 10, "price_per_trajectory": Decimal("9000.00"),
        "term_years": 2, "extension_years": 1, "facts": {"own_capacity": True}, "weights": {}}


@pytest.fixture
def inkopers(make_user, make_region):
    region = make_region()
    return region, make_user(Role.INKOPER, region=region), make_user(Role.INKOPER, region=region)


@pytest.fixture
def make_procurement_case(make_procurement_case, inkopers):
    """Cases of the inkopers' region (core.scope) unless a test names other municipalities."""
    def make(municipalities=None, **kw):
        return make_procurement_case(municipalities=municipalities or list(inkopers[0].municipalities), **kw)

    return make


def decide(case, user, route=R.OPEN_HOUSE, motivation="Keuzevrijheid weegt het zwaarst."):
    return services.record_decision(case, route, motivation, by=user, today=DAY, now=NOW)


def test_create_case_takes_the_regions_municipalities_and_audits(inkopers, make_procurement_case):
    make_procurement_case()  # seeds the reference data
    region, inkoper, _ = inkopers
    case = services.create_case({**CASE, "region_id": region.id}, by=inkoper)
    assert set(case.municipalities) == set(region.municipalities) and case.total_years == 3
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_id == case.id)) == \
        "procurement_case_created"


@pytest.mark.parametrize("change, message", [
    ({"municipalities": ["GM0001"]}, "Onbekende gemeente"),
    ({"service": "yoga"}, "Onbekende dienst"),
    ({"participants_by_municipality": {"GM0999": 5}}, "niet deelnemen"),
])
def test_create_case_refuses(inkopers, change, message):
    region, inkoper, _ = inkopers
    with pytest.raises(DomainError, match=message):
        services.create_case({**CASE, "region_id": region.id, **change}, by=inkoper)


def test_a_municipality_outside_the_scope_is_refused(make_user, make_municipality):
    mine, theirs = make_municipality(), make_municipality()
    with pytest.raises(DomainError, match="buiten uw bereik"):
        services.create_case({**CASE, "municipalities": [mine.code, theirs.code]},
                             by=make_user(Role.INKOPER, municipalities=[mine]))


@pytest.mark.parametrize("route, motivation, field", [
    # a blocked route and an empty motivation are refused
    (R.INBESTEDEN, "Wij kunnen het zelf.", "route"),
    (R.OPEN_HOUSE, "   ", "motivation"),
])
def test_a_decision_is_refused(inkopers, make_procurement_case, route, motivation, field):
    case = make_procurement_case(facts={"own_capacity": False})
    with pytest.raises(DomainError) as error:
        decide(case, inkopers[1], route, motivation)
    assert error.value.field == field and case.decisions == []


def test_a_decision_needs_a_second_inkoper_or_an_admin(inkopers, make_user, make_procurement_case):
    _, first, second = inkopers
    decision = decide(make_procurement_case(), first)
    with pytest.raises(Forbidden, match="niet wie het nam"):
        services.approve_decision(decision, by=first, today=DAY, now=NOW)
    with pytest.raises(Forbidden):
        services.approve_decision(decision, by=make_user(Role.CONTRACTMANAGER), today=DAY, now=NOW)
    services.approve_decision(decision, by=second, today=DAY, now=NOW)
    assert decision.status == "approved" and decision.case.decision_in_force is decision
    with pytest.raises(Conflict):
        services.approve_decision(decision, by=make_user(Role.ADMIN), today=DAY, now=NOW)


def test_a_later_decision_supersedes_the_earlier_one_which_stays_visible(inkopers, make_procurement_case):
    _, first, second = inkopers
    case = make_procurement_case()
    earlier = services.approve_decision(decide(case, first), by=second, today=DAY, now=NOW)
    later = decide(case, first, R.AANBESTEDING, "Toch prijsconcurrentie.")
    assert case.decision_in_force is earlier and case.pending_decision is later
    services.approve_decision(later, by=second, today=DAY, now=NOW)
    assert case.decision_in_force is later and earlier.status == "superseded"
    assert earlier.superseded_by_id == later.id and case.decisions == [earlier, later]


def test_a_new_decision_replaces_an_unapproved_one(inkopers, make_procurement_case):
    case = make_procurement_case()
    first = decide(case, inkopers[1])
    decide(case, inkopers[1], R.SUBSIDIE, "Subsidie aan het taalhuis.")
    assert first.status == "superseded" and case.pending_decision.route == R.SUBSIDIE


def test_approval_rechecks_the_blockers(inkopers, make_procurement_case):
    case = make_procurement_case()
    decision = decide(case, inkopers[1])
    case.facts = {**case.facts, "all_qualifying_admitted": False}
    with pytest.raises(DomainError, match="inmiddels geblokkeerd"):
        services.approve_decision(decision, by=inkopers[2], today=DAY, now=NOW)


@pytest.mark.parametrize("signature, delivery, flagged", [
    # purchasing finished a full quarter before delivery starts
    (date(2026, 10, 1), date(2027, 1, 1), False),
    (date(2026, 10, 2), date(2027, 1, 1), True),
    # three calendar months back, clamped to the end of a shorter month
    (date(2027, 2, 28), date(2027, 5, 31), False),
    (date(2027, 3, 1), date(2027, 5, 31), True),
])
def test_purchase_must_end_a_quarter_before_delivery(signature, delivery, flagged):
    found = planning.violations([PlanningMilestone(code="signature", due_on=signature)], delivery)
    assert bool(found) == flagged and all("kwartaal" in text for text in found)


@pytest.mark.parametrize("days, flagged", [(19, True), (20, False)])
def test_a_standstill_under_20_days_is_flagged(days, flagged):
    award = PlanningMilestone(code="award", due_on=date(2026, 3, 1))
    end = PlanningMilestone(code="standstill_end", due_on=date(2026, 3, 1 + days))
    assert bool(planning.violations([award, end], None)) == flagged


@pytest.mark.parametrize("route, value, first, codes", [
    (R.AANBESTEDING, "900000.00", "Publicatie op TenderNed", {"award", "standstill_end", "signature"}),
    (R.AANBESTEDING, "60000.00", "Uitnodiging tot inschrijving (minstens drie aanbieders)", {"award", "signature"}),
    (R.OPEN_HOUSE, "60000.00", "Vaststelling toelatingsvoorwaarden en tarieven", {"publication", "provider_list"}),
    (R.SUBSIDIE, "60000.00", "Subsidieverordening of begrotingspost vastgesteld", {"signature"}),
    (R.SAMENWERKING, "60000.00", "Bestuursbesluiten van de samenwerkende gemeenten", {"signature"}),
])
def test_planning_follows_the_template_of_route_and_procedure(inkopers, make_procurement_case, route, value,
                                                              first, codes):
    case = make_procurement_case(expected_participants_per_year=1, term_years=1, price_per_trajectory=Decimal(value))
    milestones = services.plan_case(case, route, date(2027, 1, 4), by=inkopers[1], today=DAY)
    assert milestones[0].label == first and milestones[0].due_on == date(2027, 1, 4)
    assert codes <= {m.code for m in milestones}
    assert [m.due_on for m in milestones] == sorted(m.due_on for m in milestones)


@pytest.mark.parametrize("procedure, notice", [
    # a European procedure ends with the award notice, within 30 days of signing (the light regime may group them)
    (Procedure.EUROPEES_VERLICHT_REGIME, "gebundeld per kwartaal"),
    (Procedure.EUROPEES, "binnen 30 dagen na sluiting"),
    # a national procedure has none
    (Procedure.NATIONAAL_OPENBAAR, None),
])
def test_a_european_planning_includes_the_award_notice(procedure, notice):
    milestones = planning.schedule(planning.template_for(R.AANBESTEDING, procedure), date(2027, 1, 4))
    by_code = {m.code: m for m in milestones}
    if notice is None:
        assert "award_notice" not in by_code
        return
    assert notice in by_code["award_notice"].label
    assert 0 < (by_code["award_notice"].due_on - by_code["signature"].due_on).days <= 30
    assert [m.code for m in milestones][-2:] == ["award_notice", "implementation"]


def test_the_tender_template_keeps_the_standstill(inkopers, make_procurement_case):
    case = make_procurement_case(delivery_starts_on=date(2028, 1, 1), expected_participants_per_year=100)
    services.plan_case(case, R.AANBESTEDING, date(2027, 1, 4), by=inkopers[1], today=DAY)
    by_code = {m.code: m.due_on for m in case.milestones}
    assert (by_code["standstill_end"] - by_code["award"]).days == 20 and by_code["signature"] == date(2027, 3, 26)
    assert planning.violations(case.milestones, case.delivery_starts_on) == []
    case.delivery_starts_on = date(2027, 5, 1)
    assert "kwartaal" in planning.violations(case.milestones, case.delivery_starts_on)[0]


@pytest.mark.parametrize("announced, publication, flagged", [
    # a tender planned without an announcement date is announced on the day its plan starts
    (None, date(2027, 1, 4), False),
    (date(2027, 1, 4), date(2027, 1, 4), False),
    # a publication planned on another day than the announcement whose threshold the assessment used
    (date(2026, 12, 15), date(2027, 1, 4), True),
])
def test_the_planned_publication_is_the_announcement_whose_threshold_applies(inkopers, make_procurement_case,
                                                                             announced, publication, flagged):
    case = make_procurement_case(announcement_planned_on=announced, expected_participants_per_year=100)
    services.plan_case(case, R.AANBESTEDING, publication, by=inkopers[1], today=DAY)
    assert case.announcement_planned_on == (announced or publication)
    found = [v for v in planning.case_violations(case) if "geplande aankondiging" in v]
    assert bool(found) == flagged


def test_the_seed_adds_the_scores_of_a_new_route_and_keeps_an_admins(ctx, make_procurement_case):
    from procurement.models import RouteScore
    from procurement.reference import seed_reference_data

    make_procurement_case()
    edited = db.session.scalar(sa.select(RouteScore).where(RouteScore.route == R.OPEN_HOUSE))
    edited.score = Decimal("0.5")
    db.session.execute(sa.delete(RouteScore).where(RouteScore.route == R.SAMENWERKING))
    seed_reference_data()
    counts = dict(db.session.execute(sa.select(RouteScore.route, sa.func.count()).group_by(RouteScore.route)).all())
    assert counts == {route: 8 for route in R} and edited.score == Decimal("0.5")


def test_the_daily_job_flags_overdue_and_upcoming_milestones(inkopers, make_procurement_case, make_user):
    region, inkoper, _ = inkopers
    case = make_procurement_case(municipalities=region.municipalities)
    services.plan_case(case, R.INBESTEDEN, date(2026, 11, 1), by=inkoper, today=DAY)  # 1 Nov, 1 Dec, 30 Jan
    assert services.refresh_planning_alerts(DAY) == "1 te laat, 1 binnenkort"
    assert [m.alert for m in case.milestones] == ["overdue", "upcoming", None]
    services.update_milestone(case.milestones[0], date(2026, 11, 1), date(2026, 11, 2), by=inkoper)
    services.refresh_planning_alerts(DAY)
    assert [m.code for m in services.alerted_milestones(inkoper)] == ["signature"]
    assert services.alerted_milestones(make_user(Role.INKOPER, region=make_region_other(region))) == []


def make_region_other(region):
    from core.models import Municipality, Region
    other = Region(name=f"Ander dan {region.name}", municipalities=[Municipality(code="GM0998", name="Elders")])
    db.session.add(other)
    return other


def test_the_matrix_shows_the_regional_default_and_local_overrides(inkopers, make_procurement_case):
    region, first, second = inkopers
    here, there = region.municipalities
    regional = make_procurement_case(municipalities=region.municipalities, region=region)
    services.approve_decision(decide(regional, first), by=second, today=DAY, now=NOW)
    local = make_procurement_case(municipalities=[there])
    services.approve_decision(decide(local, first, R.SUBSIDIE, "Lokaal taalhuis."), by=second, today=DAY,
                              now=datetime(2026, 11, 1, tzinfo=timezone.utc))
    services_, municipalities, cells = services.regional_matrix(region)
    service_id = regional.service_id
    assert cells[(service_id, here.id)].route == R.OPEN_HOUSE and not cells[(service_id, here.id)].case.is_local
    assert cells[(service_id, there.id)].route == R.SUBSIDIE and cells[(service_id, there.id)].case.is_local
    assert len(services_) == 8 and len(cells) == 2  # alfabetisering and duaal traject are parts of a leerroute


def test_the_memo_names_the_decision_and_the_routes(inkopers, make_procurement_case, tmp_path):
    case = make_procurement_case(facts={"own_capacity": False})
    services.approve_decision(decide(case, inkopers[1], motivation="Brede markt & keuzevrijheid <b>"),
                              by=inkopers[2], today=DAY, now=NOW)
    services.plan_case(case, R.OPEN_HOUSE, date(2027, 1, 4), by=inkopers[1], today=DAY)
    pdf = services.memo_pdf(case, DAY)
    (tmp_path / "memo.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "memo.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert pdf.startswith(b"%PDF")
    for expected in ("Besluitnotitie", "B1-route", "Gekozen route: Open House", "Brede markt & keuzevrijheid <b>",
                     "capaciteit en deskundigheid", "Geraamde waarde", "€ 200.000,00", "Openbare aankondiging"):
        assert expected in text, expected


def test_demo_load_adds_decided_and_planned_drechtsteden_cases(app, ctx):
    from core.models import Region

    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    region = db.session.scalar(sa.select(Region).where(Region.name == "Drechtsteden"))
    _, municipalities, cells = services.regional_matrix(region)
    routes = {(d.case.service.code, d.case.is_local) for d in cells.values()}
    assert routes == {("b1_route", False), ("maatschappelijke_begeleiding", False), ("knm", True)}
    assert len(cells) == 4 + 4 + 1 and all(d.case.milestones for d in cells.values())
