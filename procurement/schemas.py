"""JSON shapes of procurement cases and decisions."""
from marshmallow import fields, validate

from core.schemas import BaseSchema, Id, Money
from procurement.models import ProcurementRoute
from procurement.reference import CRITERIA

ROUTES = [r.value for r in ProcurementRoute]


class FactsSchema(BaseSchema):
    own_capacity = fields.Boolean(required=True)
    controlled_entity = fields.Boolean(required=True)
    entity_activity_share = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    entity_private_capital = fields.Boolean(required=True)
    all_qualifying_admitted = fields.Boolean(required=True)
    fixed_conditions_and_tariffs = fields.Boolean(required=True)
    open_entry_during_term = fields.Boolean(required=True)
    participant_chooses = fields.Boolean(required=True)
    subsidy_legal_basis = fields.Boolean(required=True)
    enforceable_performance = fields.Boolean(required=True)
    # Beyond the spec's list: the Open House announcement (a condition) and list (a warning), and the state-aid
    # condition of a subsidy.
    public_announcement = fields.Boolean(metadata={
        "description": "De toelatingsprocedure wordt openbaar aangekondigd voordat de toelating opent; zonder is "
                       "Open House geblokkeerd."})
    published_provider_list = fields.Boolean()
    state_aid_ruled_out = fields.Boolean(allow_none=True)
    # Joint control of the entity (art. 2.24b): asked for several municipalities, or for one that says so.
    entity_joint_control = fields.Boolean(metadata={"description": "Toezicht samen met andere gemeenten (GR)."})
    joint_bodies_represent_all = fields.Boolean()
    joint_decisive_influence = fields.Boolean()
    joint_no_contrary_interests = fields.Boolean()
    # Horizontal public-public cooperation (art. 2.24c): the route samenwerking.
    cooperation_between_authorities = fields.Boolean()
    cooperation_common_objectives = fields.Boolean()
    cooperation_public_interest_only = fields.Boolean()
    cooperation_market_share = fields.Float(allow_none=True, validate=validate.Range(min=0, max=100), metadata={
        "description": "Aandeel (%) van de activiteiten van de samenwerking op de open markt; minder dan 20 vereist."})


class CaseInSchema(BaseSchema):
    service = fields.String(required=True)
    municipalities = fields.List(fields.String(), load_default=list)
    region_id = Id(allow_none=True)
    title = fields.String(validate=validate.Length(max=200))
    expected_participants_per_year = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    participants_by_municipality = fields.Dict(keys=fields.String(), allow_none=True,
                                               values=fields.Integer(validate=validate.Range(min=0, max=100_000)))
    price_per_trajectory = Money(required=True, validate=validate.Range(min=0, max=10_000_000))
    term_years = fields.Integer(required=True, validate=validate.Range(min=1, max=10))
    extension_years = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10))
    facts = fields.Nested(FactsSchema, required=True)
    weights = fields.Dict(keys=fields.String(validate=validate.OneOf(list(CRITERIA))),
                          values=fields.Float(validate=validate.Range(min=0, max=100)), load_default=dict)
    delivery_starts_on = fields.Date(allow_none=True)
    announcement_planned_on = fields.Date(allow_none=True, metadata={
        "description": "Geplande aankondiging: de dag waarop de procedure start; de Europese drempel van die dag "
                       "geldt (leeg: die van vandaag)."})


class RouteAssessmentSchema(BaseSchema):
    route = fields.String()
    allowed = fields.Boolean()
    blockers = fields.List(fields.String())
    warnings = fields.List(fields.String())
    score = fields.String()
    explanation = fields.List(fields.String())
    procedure = fields.String()


class DecisionOutSchema(BaseSchema):
    id = fields.Integer()
    route = fields.String()
    motivation = fields.String()
    procedure = fields.String(allow_none=True)
    estimated_value = Money()
    status = fields.String()
    decided_by = fields.Function(lambda d: d.decided_by.email if d.decided_by else None)
    decided_at = fields.DateTime()
    approved_by = fields.Function(lambda d: d.approved_by.email if d.approved_by else None)
    approved_at = fields.DateTime(allow_none=True)
    superseded_by_id = Id(allow_none=True)


class CaseOutSchema(BaseSchema):
    id = fields.Integer()
    service = fields.Function(lambda c: c.service.code)
    municipalities = fields.Function(lambda c: [m.code for m in c.municipalities])
    region_id = Id(allow_none=True)
    title = fields.String()
    expected_participants_per_year = fields.Integer()
    participants_by_municipality = fields.Dict(allow_none=True)
    price_per_trajectory = Money()
    term_years = fields.Integer()
    extension_years = fields.Integer()
    facts = fields.Dict()
    weights = fields.Dict()
    delivery_starts_on = fields.Date(allow_none=True)
    announcement_planned_on = fields.Date(allow_none=True)
    route_in_force = fields.Function(lambda c: c.decision_in_force.route.value if c.decision_in_force else None)
    decisions = fields.List(fields.Nested(DecisionOutSchema))


class CaseDetailSchema(CaseOutSchema):
    estimated_value = Money()
    procedure = fields.String()
    threshold_on = fields.Date(metadata={"description": "De dag waarvan de Europese drempel is gebruikt."})
    assessment = fields.List(fields.Nested(RouteAssessmentSchema))


class DecisionInSchema(BaseSchema):
    route = fields.String(required=True, validate=validate.OneOf(ROUTES, error="Kies een van: " + ", ".join(ROUTES)))
    motivation = fields.String(required=True, validate=validate.Length(max=20_000))
