from datetime import date
from decimal import Decimal

import pytest

from core.errors import DomainError
from procurement.assessment import assess, estimated_value
from procurement.models import Procedure, ProcurementRoute as R

DAY = date(2026, 11, 23)


def blocked(case, on=DAY):
    return {r.route: r.blockers for r in assess(case, on).routes if not r.allowed}


def test_every_route_is_allowed_when_every_condition_is_met(make_procurement_case):
    assert blocked(make_procurement_case()) == {}


@pytest.mark.parametrize("facts, route, ground", [
    # inbesteden: own capacity and expertise
    ({"own_capacity": False}, R.INBESTEDEN, "art. 1.1 Aanbestedingswet 2012"),
    # quasi-inbesteden: control, more than 80% of the activities, no private capital
    ({"controlled_entity": False}, R.QUASI_INBESTEDEN, "art. 2.24a/2.24b Aanbestedingswet 2012"),
    ({"entity_activity_share": 80}, R.QUASI_INBESTEDEN, "art. 2.24a lid 1 onder b"),
    ({"entity_activity_share": 12.5}, R.QUASI_INBESTEDEN, "niet meer dan 80%"),
    ({"entity_private_capital": True}, R.QUASI_INBESTEDEN, "art. 2.24a lid 1 onder c"),
    # joint control (a gemeenschappelijke regeling): each of the three conditions of art. 2.24b on its own
    ({"entity_joint_control": True, "joint_bodies_represent_all": False}, R.QUASI_INBESTEDEN, "lid 2 onder a"),
    ({"entity_joint_control": True, "joint_decisive_influence": False}, R.QUASI_INBESTEDEN, "lid 2 onder b"),
    ({"entity_joint_control": True, "joint_no_contrary_interests": None}, R.QUASI_INBESTEDEN, "lid 2 onder c"),
    # Open House: everyone who qualifies admitted, conditions and tariffs fixed beforehand
    ({"all_qualifying_admitted": False}, R.OPEN_HOUSE, "C-410/14 (Falk Pharma)"),
    ({"fixed_conditions_and_tariffs": False}, R.OPEN_HOUSE, "C-9/17 (Tirkkonen)"),
    # ... the participant chooses the provider, and the procedure is announced before admissions open: conditions
    ({"participant_chooses": False}, R.OPEN_HOUSE, "gunt een overheidsopdracht"),
    ({"public_announcement": False}, R.OPEN_HOUSE, "r.o. 44-46"),
    ({"public_announcement": None}, R.OPEN_HOUSE, "openbaar aangekondigd"),
    # subsidie: legal basis, no enforceable performance, state aid ruled out
    ({"subsidy_legal_basis": False}, R.SUBSIDIE, "art. 4:23 Awb"),
    ({"enforceable_performance": True}, R.SUBSIDIE, "overheidsopdracht en geen subsidie"),
    ({"state_aid_ruled_out": False}, R.SUBSIDIE, "art. 107 VWEU"),
    # horizontal cooperation: only public parties, common public tasks, public interest only, < 20% on the market
    ({"cooperation_between_authorities": False}, R.SAMENWERKING, "uitsluitend tussen aanbestedende diensten"),
    ({"cooperation_common_objectives": False}, R.SAMENWERKING, "C-796/18"),
    ({"cooperation_public_interest_only": False}, R.SAMENWERKING, "art. 2.24c onder b"),
    ({"cooperation_market_share": 20}, R.SAMENWERKING, "art. 2.24c onder c"),
    ({"cooperation_market_share": None}, R.SAMENWERKING, "art. 2.24c onder c"),
])
def test_each_unmet_condition_blocks_its_route_with_its_legal_ground(make_procurement_case, facts, route, ground):
    found = blocked(make_procurement_case(facts=facts))
    assert list(found) == [route]
    assert len(found[route]) == 1 and ground in found[route][0]


def test_a_tender_is_never_blocked(make_procurement_case):
    nothing_met = {k: False for k in ("own_capacity", "controlled_entity", "all_qualifying_admitted",
                                      "fixed_conditions_and_tariffs", "subsidy_legal_basis",
                                      "cooperation_between_authorities")}
    found = blocked(make_procurement_case(facts={**nothing_met, "entity_activity_share": 0,
                                                 "enforceable_performance": True}))
    assert set(found) == set(R) - {R.AANBESTEDING}


@pytest.mark.parametrize("towns, joint_fact, joint", [
    # several municipalities control their entity jointly; one does when it says so (a GR with other members)
    (2, None, True), (2, False, True), (1, True, True), (1, None, False),
])
def test_the_joint_control_conditions_are_asked_when_control_is_joint(make_procurement_case, make_municipality,
                                                                      towns, joint_fact, joint):
    facts = {"joint_bodies_represent_all": False, "joint_decisive_influence": False,
             "joint_no_contrary_interests": False, "entity_joint_control": joint_fact}
    case = make_procurement_case(municipalities=[make_municipality() for _ in range(towns)], facts=facts)
    blockers = blocked(case).get(R.QUASI_INBESTEDEN, [])
    assert len(blockers) == (3 if joint else 0) and all("gezamenlijk toezicht" in b for b in blockers)


def test_activity_share_just_over_80_percent_is_enough(make_procurement_case):
    assert blocked(make_procurement_case(facts={"entity_activity_share": 80.01})) == {}


@pytest.mark.parametrize("facts, warning", [
    # Open House: warned about, never blocked
    ({"open_entry_during_term": False}, "Toetreding staat niet de hele looptijd open"),
    ({"published_provider_list": False}, "gedateerde lijst"),
])
def test_open_house_warnings_do_not_block(make_procurement_case, facts, warning):
    open_house = assess(make_procurement_case(facts=facts), DAY).route(R.OPEN_HOUSE)
    assert open_house.allowed and len(open_house.warnings) == 1 and warning in open_house.warnings[0]


@pytest.mark.parametrize("social, value, on, procedure", [
    # social and other specific services (annex XIV): EUR 750,000
    (True, "749999.99", DAY, Procedure.MEERVOUDIG_ONDERHANDS),
    (True, "750000.00", DAY, Procedure.EUROPEES_VERLICHT_REGIME),
    # other services of decentral authorities: EUR 216,000 in 2026-2027, EUR 221,000 in 2024-2025
    (False, "215999.99", DAY, Procedure.MEERVOUDIG_ONDERHANDS),
    (False, "216000.00", DAY, Procedure.EUROPEES),
    (False, "216000.00", date(2025, 12, 31), Procedure.MEERVOUDIG_ONDERHANDS),
    (False, "221000.00", date(2025, 12, 31), Procedure.EUROPEES),
    # the municipality's own policy below the EU threshold (default: EUR 50,000 single source)
    (True, "49999.99", DAY, Procedure.ENKELVOUDIG_ONDERHANDS),
    (True, "50000.00", DAY, Procedure.MEERVOUDIG_ONDERHANDS),
])
def test_the_procedure_follows_from_the_value_and_the_thresholds_in_force(make_procurement_case, social, value, on,
                                                                          procedure):
    case = make_procurement_case(expected_participants_per_year=1, term_years=1, price_per_trajectory=Decimal(value))
    case.service.is_social_service = social  # every service of the catalogue falls under annex XIV
    result = assess(case, on)
    assert result.procedure == procedure and result.route(R.AANBESTEDING).procedure == procedure


@pytest.mark.parametrize("code", ["b1_route", "onderwijsroute", "z_route", "knm", "map", "pvt",
                                  "maatschappelijke_begeleiding", "financieel_ontzorgen"])
def test_every_service_is_a_social_or_specific_service(make_procurement_case, code):
    case = make_procurement_case(service_code=code, expected_participants_per_year=1, term_years=1,
                                 price_per_trajectory=Decimal("750000.00"))
    assert assess(case, DAY).procedure == Procedure.EUROPEES_VERLICHT_REGIME
    assert code != "financieel_ontzorgen" or case.service.cpv_code == "85321000"  # not collection agency services


@pytest.mark.parametrize("announced, today, valid_from, note", [
    # the threshold of the day the procedure starts, the planned announcement, not of the day of assessment
    (date(2025, 12, 15), date(2026, 11, 23), date(2024, 1, 1), "de geplande aankondiging"),
    (date(2026, 2, 1), date(2025, 11, 1), date(2026, 1, 1), "de geplande aankondiging"),
    # without a planned announcement, today's, and the assessment says so
    (None, date(2025, 11, 1), date(2024, 1, 1), "nog geen geplande aankondiging"),
    # an announcement after the last known period: that period's threshold, provisionally
    (date(2028, 3, 1), date(2026, 11, 23), date(2026, 1, 1), "nog geen drempelwaarde ingevoerd"),
])
def test_the_threshold_is_that_of_the_planned_announcement(make_procurement_case, announced, today, valid_from,
                                                           note):
    result = assess(make_procurement_case(announcement_planned_on=announced), today)
    assert result.threshold.valid_from == valid_from and result.threshold_on == (announced or today)
    assert note in result.procedure_explanation


@pytest.mark.parametrize("value, procedure", [
    ("99999.99", Procedure.MEERVOUDIG_ONDERHANDS),
    ("100000.00", Procedure.NATIONAAL_OPENBAAR),
])
def test_a_municipalitys_own_multiple_quote_threshold(make_procurement_case, make_municipality, value, procedure):
    strict = make_municipality(name="Streng", multiple_quote_threshold=Decimal("100000.00"))
    case = make_procurement_case(municipalities=[make_municipality(), strict], expected_participants_per_year=1,
                                 term_years=1, price_per_trajectory=Decimal(value))
    result = assess(case, DAY)
    assert result.procedure == procedure
    assert procedure != Procedure.NATIONAAL_OPENBAAR or "Streng" in result.procedure_explanation


def test_no_threshold_for_the_period_is_a_clear_error(make_procurement_case):
    with pytest.raises(DomainError, match="geen Europese drempelwaarde"):
        assess(make_procurement_case(), date(2023, 12, 31))


@pytest.mark.parametrize("day, note", [
    (date(2027, 12, 31), False),  # the last day of the last known period
    (date(2028, 1, 1), True),  # after it: that period's threshold, said to be provisional
    (date(2031, 6, 30), True),
])
def test_after_the_last_known_period_its_threshold_holds_provisionally(make_procurement_case, day, note):
    result = assess(make_procurement_case(), day)
    assert result.threshold.valid_from == date(2026, 1, 1)
    assert ("nog geen drempelwaarde ingevoerd" in result.procedure_explanation) is note


@pytest.mark.parametrize("split, participants, term, options, value", [
    # participants per year x price x (term + options), summed over the municipalities
    (None, 10, 2, 0, "20000.00"),
    (None, 10, 2, 2, "40000.00"),
    ({"A": 20, "B": 30}, 0, 2, 1, "150000.00"),
])
def test_estimated_value_counts_options_and_every_municipality(make_procurement_case, split, participants, term,
                                                               options, value):
    case = make_procurement_case(participants_by_municipality=split, expected_participants_per_year=participants,
                                 term_years=term, extension_years=options, price_per_trajectory=Decimal("1000.00"))
    assert estimated_value(case) == Decimal(value)


@pytest.mark.parametrize("weights, first", [
    ({"freedom_of_choice": 10, **{c: 0 for c in ("quality_control", "market_size", "price_competition",
      "administrative_burden", "speed", "volume_flexibility", "local_embedding")}}, R.OPEN_HOUSE),
    ({"price_competition": 10, "freedom_of_choice": 0, "market_size": 0, "volume_flexibility": 0}, R.AANBESTEDING),
])
def test_weights_decide_the_ranking_of_allowed_routes(make_procurement_case, weights, first):
    assert assess(make_procurement_case(weights=weights), DAY).routes[0].route == first


def test_blocked_routes_rank_after_allowed_ones_and_scores_are_explained(make_procurement_case):
    case = make_procurement_case(facts={"all_qualifying_admitted": False}, weights={"freedom_of_choice": 10})
    routes = assess(case, DAY).routes
    assert routes[-1].route == R.OPEN_HOUSE and routes[0].route != R.OPEN_HOUSE
    assert routes[0].score > Decimal(0) and "Keuzevrijheid voor de deelnemer: score" in routes[0].explanation[0]
