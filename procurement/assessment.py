"""The assessment of a procurement case: blockers with their legal grounds, the estimated value, the tender
procedure from the thresholds in force, and the weighted ranking of the routes that remain."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from core.errors import DomainError
from core.extensions import db
from core.models import Municipality
from core.formats import format_money
from core.money import round_money
from procurement.models import (PROCEDURE_LABELS, ROUTE_LABELS, Procedure, ProcurementCase, ProcurementRoute,
                                RouteScore, Threshold, ThresholdKind)
from procurement.reference import CRITERIA

R = ProcurementRoute
QUASI_GROUND = "art. 2.24a/2.24b Aanbestedingswet 2012; art. 12 Richtlijn 2014/24/EU"
JOINT_GROUND = "art. 2.24b lid 2 onder {} Aanbestedingswet 2012; art. 12 lid 3, tweede alinea, onder {} Richtlijn " \
               "2014/24/EU"
OPEN_HOUSE_GROUND = "HvJ EU 2 juni 2016, C-410/14 (Falk Pharma); HvJ EU 1 maart 2018, C-9/17 (Tirkkonen)"
COOPERATION_GROUND = "art. 2.24c{0} Aanbestedingswet 2012; art. 12 lid 4{0} Richtlijn 2014/24/EU"


def _joint(f: dict) -> bool:
    """Control over the entity is joint (a gemeenschappelijke regeling), so 2.24b's three conditions apply."""
    return bool(f.get("controlled_entity")) and bool(f.get("joint_control"))

# route, condition on the facts that blocks it, the blocker in Dutch with its legal ground
BLOCKERS = [
    (R.INBESTEDEN, lambda f: not f.get("own_capacity"),
     "De eigen organisatie heeft niet de capaciteit en deskundigheid om de dienst zelf uit te voeren. Inbesteden "
     "is alleen mogelijk als de gemeente de dienst met eigen mensen en middelen levert; anders is er een opdracht "
     "aan een derde (art. 1.1 Aanbestedingswet 2012)."),
    (R.QUASI_INBESTEDEN, lambda f: not f.get("controlled_entity"),
     "Er is geen entiteit (zoals een gemeenschappelijke regeling) waarop de gemeenten, alleen of gezamenlijk, "
     f"toezicht uitoefenen zoals op hun eigen diensten ({QUASI_GROUND})."),
    (R.QUASI_INBESTEDEN, lambda f: Decimal(str(f.get("entity_activity_share") or 0)) <= 80,
     "De entiteit verricht niet meer dan 80% van haar activiteiten voor de gemeenten die toezicht uitoefenen "
     "(art. 2.24a lid 1 onder b Aanbestedingswet 2012; art. 12 lid 1 onder b Richtlijn 2014/24/EU)."),
    (R.QUASI_INBESTEDEN, lambda f: f.get("entity_private_capital") is not False,
     "Er is (mogelijk) directe participatie van privékapitaal in de entiteit "
     "(art. 2.24a lid 1 onder c Aanbestedingswet 2012; art. 12 lid 1 onder c Richtlijn 2014/24/EU)."),
    # joint control, as over a gemeenschappelijke regeling: each of its three conditions on its own
    (R.QUASI_INBESTEDEN, lambda f: _joint(f) and not f.get("joint_bodies_represent_all"),
     "Bij gezamenlijk toezicht zijn de besluitvormingsorganen van de entiteit niet samengesteld uit "
     f"vertegenwoordigers van alle deelnemende gemeenten ({JOINT_GROUND.format('a', 'i')})."),
    (R.QUASI_INBESTEDEN, lambda f: _joint(f) and not f.get("joint_decisive_influence"),
     "Bij gezamenlijk toezicht kunnen de deelnemende gemeenten niet samen beslissende invloed uitoefenen op de "
     f"strategische doelstellingen en belangrijke besluiten van de entiteit ({JOINT_GROUND.format('b', 'ii')})."),
    (R.QUASI_INBESTEDEN, lambda f: _joint(f) and not f.get("joint_no_contrary_interests"),
     "Bij gezamenlijk toezicht is niet uitgesloten dat de entiteit belangen nastreeft die strijdig zijn met die van "
     f"de deelnemende gemeenten ({JOINT_GROUND.format('c', 'iii')})."),
    (R.OPEN_HOUSE, lambda f: not f.get("all_qualifying_admitted"),
     "Niet elke aanbieder die aan de gepubliceerde voorwaarden voldoet wordt toegelaten; wie selecteert of "
     f"rangschikt, gunt een overheidsopdracht ({OPEN_HOUSE_GROUND})."),
    (R.OPEN_HOUSE, lambda f: not f.get("fixed_conditions_and_tariffs"),
     "De voorwaarden en tarieven zijn niet vooraf door de gemeente vastgesteld en gelijk voor iedere toegelaten "
     f"aanbieder ({OPEN_HOUSE_GROUND})."),
    (R.OPEN_HOUSE, lambda f: not f.get("participant_chooses"),
     "De deelnemer kiest niet zelf uit de toegelaten aanbieders; een gemeente die de aanbieder voor de deelnemer "
     f"kiest, gunt een overheidsopdracht ({OPEN_HOUSE_GROUND}). Bij elke aanmelding wordt de keuze vastgelegd."),
    (R.OPEN_HOUSE, lambda f: not f.get("public_announcement"),
     "De toelatingsprocedure wordt niet openbaar aangekondigd voordat de toelating opent; zonder aankondiging kan "
     "niet elke geïnteresseerde aanbieder meedoen (HvJ EU 2 juni 2016, C-410/14, Falk Pharma, r.o. 44-46)."),
    (R.SUBSIDIE, lambda f: not f.get("subsidy_legal_basis"),
     "Er is geen wettelijke grondslag voor de subsidie: een subsidieverordening of een begrotingspost "
     "(art. 4:23 Awb, titel 4.2 Awb)."),
    (R.SUBSIDIE, lambda f: f.get("enforceable_performance") is not False,
     "De gemeente bedingt een prestatie die zij in rechte kan afdwingen; dan is het een overheidsopdracht en geen "
     "subsidie (art. 1.1 Aanbestedingswet 2012; titel 4.2 Awb)."),
    (R.SUBSIDIE, lambda f: f.get("state_aid_ruled_out") is False,
     "Staatssteun is niet uitgesloten en valt niet onder de de-minimisvrijstelling "
     "(art. 107 VWEU; Verordening (EU) 2023/2831)."),
    (R.SAMENWERKING, lambda f: not f.get("cooperation_between_authorities"),
     "De overeenkomst wordt niet uitsluitend tussen aanbestedende diensten gesloten; met een private partij is het "
     f"een overheidsopdracht ({COOPERATION_GROUND.format('')})."),
    (R.SAMENWERKING, lambda f: not f.get("cooperation_common_objectives"),
     "De overeenkomst brengt geen samenwerking tot stand waarmee de gemeenten openbare diensten die zij moeten "
     "verrichten verlenen om gemeenschappelijke doelstellingen te bereiken; alleen inkopen bij een andere gemeente "
     f"is geen samenwerking ({COOPERATION_GROUND.format(' onder a')}; HvJ EU 28 mei 2020, C-796/18)."),
    (R.SAMENWERKING, lambda f: not f.get("cooperation_public_interest_only"),
     "De uitvoering van de samenwerking wordt niet uitsluitend bepaald door overwegingen van openbaar belang "
     f"({COOPERATION_GROUND.format(' onder b')})."),
    (R.SAMENWERKING, lambda f: f.get("cooperation_market_share") is None
     or Decimal(str(f["cooperation_market_share"])) >= 20,
     "De samenwerkende gemeenten verrichten niet minder dan 20% van de activiteiten waarop de samenwerking "
     f"betrekking heeft op de open markt ({COOPERATION_GROUND.format(' onder c')})."),
]

# route, condition that earns a warning (not a blocker), the warning in Dutch
WARNINGS = [
    (R.OPEN_HOUSE, lambda f: not f.get("open_entry_during_term"),
     "Toetreding staat niet de hele looptijd open; dat past slecht bij Open House (C-9/17 Tirkkonen)."),
    (R.OPEN_HOUSE, lambda f: not f.get("published_provider_list"),
     "Er is (nog) geen gepubliceerde, gedateerde lijst van toegelaten aanbieders."),
    (R.SUBSIDIE, lambda f: f.get("state_aid_ruled_out") is None,
     "Niet vastgelegd of staatssteun is uitgesloten of onder de-minimis valt; toets dit vóór het besluit."),
]

PROCEDURE_ORDER = [Procedure.ENKELVOUDIG_ONDERHANDS, Procedure.MEERVOUDIG_ONDERHANDS, Procedure.NATIONAAL_OPENBAAR,
                   Procedure.EUROPEES, Procedure.EUROPEES_VERLICHT_REGIME]


@dataclass
class RouteAssessment:
    route: ProcurementRoute
    blockers: list[str]
    warnings: list[str]
    score: Decimal
    explanation: list[str]
    procedure: Procedure | None = None

    @property
    def allowed(self) -> bool:
        return not self.blockers

    @property
    def label(self) -> str:
        return ROUTE_LABELS[self.route]

    def as_dict(self) -> dict:
        body = {"route": self.route.value, "allowed": self.allowed, "blockers": self.blockers,
                "warnings": self.warnings, "score": str(self.score), "explanation": self.explanation}
        if self.procedure is not None:
            body["procedure"] = self.procedure.value
        return body


@dataclass
class Assessment:
    estimated_value: Decimal
    procedure: Procedure
    procedure_explanation: str
    threshold: Threshold
    #: The day whose threshold applies: the planned announcement, or the assessment's day while none is planned.
    threshold_on: date
    routes: list[RouteAssessment] = field(default_factory=list)

    def route(self, route: ProcurementRoute) -> RouteAssessment:
        return next(r for r in self.routes if r.route == route)


def estimated_value(case: ProcurementCase) -> Decimal:
    """Participants per year x price x the whole term with every option, summed over the municipalities
    (Aanbestedingswet 2012 art. 2.14-2.17: no splitting to stay under a threshold)."""
    participants = (sum(case.participants_by_municipality.values()) if case.participants_by_municipality
                    else case.expected_participants_per_year)
    return round_money(Decimal(participants) * case.price_per_trajectory * case.total_years)


def threshold_in_force(kind: ThresholdKind, on: date) -> Threshold:
    """The threshold of the period that holds `on`; after the last known period, that period's threshold until the
    Commission's next one is entered (the assessment then says so, see `provisional_note`)."""
    found = db.session.scalar(sa.select(Threshold).where(Threshold.kind == kind, Threshold.valid_from <= on)
                              .order_by(Threshold.valid_from.desc()).limit(1))
    if found is None:
        raise DomainError(f"Er is geen Europese drempelwaarde ({kind}) bekend voor {on:%d-%m-%Y}; "
                          "laat een beheerder de drempelwaarden van deze periode invoeren.")
    return found


def provisional_note(threshold: Threshold, on: date) -> str:
    if on <= threshold.valid_until:
        return ""
    return (f" Let op: voor {on:%d-%m-%Y} is nog geen drempelwaarde ingevoerd; de laatst bekende (geldig tot en met "
            f"{threshold.valid_until:%d-%m-%Y}) is gebruikt. Laat een beheerder de nieuwe drempelwaarden invoeren.")


def policy_procedure(value: Decimal, municipality: Municipality, eu_threshold: Decimal) -> Procedure:
    """Below the EU threshold the municipality's own purchasing policy decides (Gids Proportionaliteit)."""
    if value < municipality.single_source_threshold:
        return Procedure.ENKELVOUDIG_ONDERHANDS
    if value < (municipality.multiple_quote_threshold or eu_threshold):
        return Procedure.MEERVOUDIG_ONDERHANDS
    return Procedure.NATIONAAL_OPENBAAR


def tender_procedure(value: Decimal, is_social: bool, municipalities: list[Municipality],
                     on: date) -> tuple[Procedure, str, Threshold]:
    kind = ThresholdKind.SOCIAL_SERVICES if is_social else ThresholdKind.OTHER_SERVICES
    threshold = threshold_in_force(kind, on)
    procedure, explanation = _procedure(value, is_social, municipalities, threshold)
    return procedure, explanation + provisional_note(threshold, on), threshold


def _procedure(value: Decimal, is_social: bool, municipalities: list[Municipality],
               threshold: Threshold) -> tuple[Procedure, str]:
    limit = format_money(threshold.amount)
    if value >= threshold.amount:
        if is_social:
            return (Procedure.EUROPEES_VERLICHT_REGIME, f"De waarde {format_money(value)} ligt op of boven de "
                    f"drempel van {limit} voor sociale en andere specifieke diensten (bijlage XIV Richtlijn "
                    "2014/24/EU): Europese procedure onder het verlicht regime, aankondiging op TenderNed en "
                    "aankondiging van de gunning.")
        return (Procedure.EUROPEES, f"De waarde {format_money(value)} ligt op of boven de Europese drempel van "
                f"{limit} voor diensten van decentrale overheden: Europese openbare of niet-openbare procedure, "
                "met een Alcatel-standstill van 20 kalenderdagen.")
    per_municipality = {m: policy_procedure(value, m, threshold.amount) for m in municipalities}
    strictest = max(per_municipality.values(), key=PROCEDURE_ORDER.index)
    deciding = ", ".join(m.name for m, p in per_municipality.items() if p == strictest)
    return (strictest, f"De waarde {format_money(value)} ligt onder de Europese drempel van {limit}; het "
            f"inkoopbeleid van {deciding} vraagt een {PROCEDURE_LABELS[strictest].lower()} (Gids "
            "Proportionaliteit).")


def route_scores() -> dict[ProcurementRoute, dict[str, Decimal]]:
    scores: dict = {}
    for row in db.session.scalars(sa.select(RouteScore)):
        scores.setdefault(row.route, {})[row.criterion] = row.score
    return scores


def weighted_score(scores: dict[str, Decimal], weights: dict) -> tuple[Decimal, list[str]]:
    """The weighted mean of the route's scores (0-5); a criterion without a weight counts once."""
    total = weight_sum = Decimal(0)
    explanation = []
    for criterion, label in CRITERIA.items():
        weight = Decimal(str(weights.get(criterion, 1)))
        score = scores.get(criterion, Decimal(0))
        total += weight * score
        weight_sum += weight
        explanation.append(f"{label}: score {score} x gewicht {weight}")
    return (round_money(total / weight_sum) if weight_sum else Decimal("0.00")), explanation


def threshold_day(case: ProcurementCase, today: date) -> tuple[date, str]:
    """The EU threshold is that of the day the procedure starts, the planned announcement (Directive 2014/24/EU
    art. 5(4): the estimate holds at the moment the call for competition is sent); until one is planned, today's,
    and the note says so."""
    if case.announcement_planned_on is not None:
        return case.announcement_planned_on, (f" De drempel is die van {case.announcement_planned_on:%d-%m-%Y}, de "
                                              "geplande aankondiging: de dag waarop de procedure start (art. 5 lid 4 Richtlijn 2014/24/EU).")
    return today, (" Er is nog geen geplande aankondiging: de drempel van vandaag is gebruikt. Beslissend is de "
                   "drempel op de dag waarop de procedure start; vul de geplande aankondiging in.")


def case_facts(case: ProcurementCase) -> dict:
    """The case's facts, and whether control over the entity is joint: always for several municipalities, and
    for one when it says so (a gemeenschappelijke regeling with other members)."""
    facts = dict(case.facts or {})
    facts["joint_control"] = bool(facts.get("entity_joint_control")) or len(case.municipalities) > 1
    return facts


def assess(case: ProcurementCase, today: date) -> Assessment:
    """Every route with its blockers, warnings and weighted score; allowed routes first, best score first."""
    value = estimated_value(case)
    on, day_note = threshold_day(case, today)
    procedure, explanation, threshold = tender_procedure(value, case.service.is_social_service,
                                                         case.municipalities, on)
    facts, scores = case_facts(case), route_scores()
    routes = []
    for route in ProcurementRoute:
        score, lines = weighted_score(scores.get(route, {}), case.weights or {})
        routes.append(RouteAssessment(
            route=route,
            blockers=[text for r, blocks, text in BLOCKERS if r == route and blocks(facts)],
            warnings=[text for r, warns, text in WARNINGS if r == route and warns(facts)],
            score=score, explanation=lines,
            procedure=procedure if route == ProcurementRoute.AANBESTEDING else None))
    routes.sort(key=lambda r: (not r.allowed, -r.score, list(ProcurementRoute).index(r.route)))
    return Assessment(value, procedure, explanation + day_note, threshold, on, routes)
