"""JSON shapes of budget lines, the budget overview and what-if simulations (issue 20, "API")."""
from marshmallow import fields, validate

from budget.models import BudgetVersion, FundingSource
from core.schemas import BaseSchema, Id, Money, PageQuery

SOURCES = validate.OneOf([s.value for s in FundingSource], error="Kies gemeentefonds, spuk, onderwijsroute_toeslag "
                                                                  "of eigen_middelen.")
YEAR = validate.Range(min=2000, max=2100, error="Geef een jaartal van 2000 tot en met 2100.")


class BudgetLineInSchema(BaseSchema):
    municipality = fields.String(required=True, validate=validate.Length(min=1, max=6))
    year = fields.Integer(required=True, validate=YEAR)
    funding_source = fields.String(required=True, validate=SOURCES)
    #: A service code (b1_route, ...); empty: the line covers every service paid from the source.
    service = fields.String(allow_none=True, validate=validate.Length(max=40))
    amount = Money(required=True, validate=validate.Range(min=0, max=10**11, error="Geef een bedrag van 0 of meer."))
    version = fields.String(allow_none=True, validate=validate.OneOf(
        [v.value for v in BudgetVersion], error="Kies primitief, voorjaarsnota of najaarsnota."))


class BudgetLineOutSchema(BaseSchema):
    id = fields.Integer()
    municipality = fields.Function(lambda line: line.municipality.code)
    year = fields.Integer()
    funding_source = fields.String()
    service = fields.Function(lambda line: line.service.code if line.service else None)
    version = fields.String()
    amount = Money()


class BudgetLineQuery(PageQuery):
    year = fields.Integer(validate=YEAR)
    municipality = fields.String(validate=validate.Length(min=1, max=6))


class OverviewQuery(BaseSchema):
    year = fields.Integer(required=True, validate=YEAR)
    municipality = fields.String(validate=validate.Length(min=1, max=6))
    region_id = Id()


class MonthSchema(BaseSchema):
    month = fields.Function(lambda m: m.month.strftime("%Y-%m"))
    realised = Money()
    forecast = Money()
    forecast_low = Money(attribute="low")
    forecast_high = Money(attribute="high")


class CellSchema(BaseSchema):
    municipality = fields.Function(lambda cell: cell.municipality.code if cell.municipality else None)
    funding_source = fields.String()
    budget = Money()
    realised = Money()
    committed = Money()
    forecast_rest_of_year = Money(attribute="forecast")
    expected_year_total = Money()
    free = Money()
    #: The month realised plus forecast passes the budget (YYYY-MM), or null.
    runs_out = fields.Function(lambda cell: cell.runs_out.strftime("%Y-%m") if cell.runs_out else None)
    by_month = fields.List(fields.Nested(MonthSchema), attribute="months")


class OverviewSchema(BaseSchema):
    year = fields.Integer()
    items = fields.List(fields.Nested(CellSchema), attribute="cells")
    totals = fields.List(fields.Nested(CellSchema))


class ModelInSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    price_per_trajectory = Money(required=True)
    ceiling = Money(allow_none=True)
    #: A payment schedule as contracts take it (core.terms): code, label, kind, trigger, params, amount|percentage.
    milestones = fields.List(fields.Dict(), required=True)


class SimulationInSchema(BaseSchema):
    contract_id = Id(allow_none=True)
    service = fields.String(allow_none=True, validate=validate.Length(max=40))
    region_id = Id(allow_none=True)
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    models = fields.List(fields.Nested(ModelInSchema), required=True,
                         validate=validate.Length(min=1, max=5, error="Vergelijk één tot en met vijf modellen."))


class AmountByMunicipality(BaseSchema):
    municipality = fields.String()
    amount = Money()


class AmountByProvider(BaseSchema):
    provider_id = Id()
    kvk_number = fields.String()
    amount = Money()


class AmountByMilestone(BaseSchema):
    milestone = fields.String()
    amount = Money()


class TotalsSchema(BaseSchema):
    name = fields.String()
    total = Money()
    held = Money()
    by_municipality = fields.List(fields.Nested(AmountByMunicipality))
    by_provider = fields.List(fields.Nested(AmountByProvider))
    by_milestone = fields.List(fields.Nested(AmountByMilestone))


class SimulationOutSchema(BaseSchema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    basis = fields.String()
    actual = fields.Nested(TotalsSchema)
    models = fields.List(fields.Nested(TotalsSchema))
