"""Demo data: a few realistic procurement cases for Drechtsteden, decided, approved and planned."""
from datetime import timedelta
from decimal import Decimal

from core.dates import now_utc, today
from procurement import services
from procurement.models import ProcurementRoute
from procurement.reference import seed_reference_data

#: SDD is a gemeenschappelijke regeling of the four municipalities: joint control, with each of its conditions met.
BASE_FACTS = dict(own_capacity=False, controlled_entity=True, entity_activity_share=92, entity_private_capital=False,
                  entity_joint_control=True, joint_bodies_represent_all=True, joint_decisive_influence=True,
                  joint_no_contrary_interests=True,
                  all_qualifying_admitted=True, fixed_conditions_and_tariffs=True, open_entry_during_term=True,
                  participant_chooses=True, public_announcement=True, published_provider_list=False,
                  subsidy_legal_basis=False, enforceable_performance=True, state_aid_ruled_out=None,
                  cooperation_between_authorities=False, cooperation_common_objectives=False,
                  cooperation_public_interest_only=False, cooperation_market_share=None)
CASES = [
    # service, local municipality (None: the region), participants per municipality, price, term, options,
    # route, motivation, planning start (days from today), delivery start (days from today)
    ("b1_route", None, {"GM0505": 60, "GM0642": 22, "GM0590": 18, "GM0531": 15}, "9800.00", 2, 2,
     ProcurementRoute.OPEN_HOUSE,
     "Keuzevrijheid voor de deelnemer en een brede markt van taalscholen met keurmerk wegen het zwaarst; "
     "tarieven en voorwaarden stelt de regio vooraf vast.", -40, 250),
    ("maatschappelijke_begeleiding", None, {"GM0505": 180, "GM0642": 60, "GM0590": 55, "GM0531": 45}, "2450.00",
     4, 0, ProcurementRoute.QUASI_INBESTEDEN,
     "De Sociale Dienst Drechtsteden is een gemeenschappelijke regeling van de vier gemeenten zonder privékapitaal "
     "die vrijwel al haar werk voor hen doet; begeleiding sluit zo aan op de bijstand.", -10, 120),
    ("knm", "GM0505", {"GM0505": 90}, "850.00", 2, 1, ProcurementRoute.AANBESTEDING,
     "Dordrecht koopt KNM lokaal in, aansluitend op het eigen taalhuis; prijsconcurrentie is hier doorslaggevend.",
     5, 200),
]


def load(state: dict) -> None:
    seed_reference_data()
    users = state["users"]
    inkoper, second = users["inkoper@drechtsteden.demo"], users["inkoper2@drechtsteden.demo"]
    region, day, now = state["region"], today(), now_utc()
    for service, local, volumes, price, term, options, route, motivation, plan_from, delivery in CASES:
        case = services.create_case({
            "service": service, "region_id": None if local else region.id, "municipalities": list(volumes),
            "title": f"{service.replace('_', ' ').capitalize()} {'Dordrecht' if local else 'Drechtsteden'} "
                     f"{day.year + 1}", "participants_by_municipality": volumes,
            "price_per_trajectory": Decimal(price), "term_years": term, "extension_years": options,
            "facts": BASE_FACTS, "weights": {"freedom_of_choice": 3, "quality_control": 2},
            "delivery_starts_on": day + timedelta(days=delivery)}, by=inkoper)
        decision = services.record_decision(case, route, motivation, by=inkoper, today=day, now=now)
        services.approve_decision(decision, by=second, today=day, now=now)
        services.plan_case(case, route, day + timedelta(days=plan_from), by=inkoper, today=day)
        state.setdefault("cases", {})[service] = case
    services.refresh_planning_alerts(day)
