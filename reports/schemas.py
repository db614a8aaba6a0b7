"""JSON shapes of the year-end figures and the council report (issue 23, "API")."""
from marshmallow import fields, validate

from budget.schemas import YEAR
from core.schemas import BaseSchema, Money

CODE = validate.Length(min=1, max=6)


class YearEndQuery(BaseSchema):
    municipality = fields.String(required=True, validate=CODE)
    year = fields.Integer(required=True, validate=YEAR)


class YearEndRowSchema(BaseSchema):
    funding_source = fields.String()
    ledger_account = fields.String()
    cost_centre = fields.String()
    realised = Money()
    accrued = Money()
    held = Money()
    corrections_earlier_years = Money()
    charged = Money()


class CommitmentSchema(BaseSchema):
    funding_source = fields.String()
    contract = fields.Function(lambda c: c.contract.reference)
    carried = Money()


class GrantLineSchema(BaseSchema):
    year = fields.Integer()
    measure = fields.String()
    indicator_code = fields.String()
    amount = Money()


class YearEndSchema(BaseSchema):
    municipality = fields.Function(lambda r: r.result.municipality.code)
    year = fields.Function(lambda r: r.result.year)
    rows = fields.List(fields.Nested(YearEndRowSchema), attribute="result.rows")
    commitments = fields.List(fields.Nested(CommitmentSchema), attribute="result.commitments")
    grant = fields.List(fields.Nested(GrantLineSchema))
