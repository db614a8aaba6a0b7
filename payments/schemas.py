"""JSON shapes of payment runs (api.md, "payment-runs")."""
from marshmallow import EXCLUDE, fields, validate

from core.schemas import BaseSchema, Id, Money
from payments.models import LineStatus


class RunInSchema(BaseSchema):
    period = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}$", error="Geef JJJJ-MM."))
    region_id = Id(allow_none=True)
    municipality = fields.String(allow_none=True, validate=validate.Length(max=6))


class LineOutSchema(BaseSchema):
    trajectory = fields.Function(lambda line: line.trajectory.reference)
    contract_id = Id()
    milestone = fields.String(attribute="milestone_code")
    kind = fields.String(attribute="milestone_kind")
    month = fields.Function(lambda line: line.month.strftime("%Y-%m") if line.month else None)
    trigger_date = fields.Date()
    amount = Money()
    status = fields.String()
    reason = fields.String(allow_none=True)


class ProviderTotalSchema(BaseSchema):
    provider_id = Id()
    kvk_number = fields.String()
    amount = Money()


class MunicipalityTotalSchema(BaseSchema):
    code = fields.String()
    amount = Money()


class RunSummarySchema(BaseSchema):
    id = fields.Integer()
    period = fields.String()
    status = fields.String()
    region_id = Id(allow_none=True)
    municipality = fields.Function(lambda run: run.municipality.code if run.municipality else None)
    created_by = fields.Function(lambda run: run.created_by.email if run.created_by else None)
    approved_by = fields.Function(lambda run: run.approved_by.email if run.approved_by else None)
    total = Money()
    held_total = Money()
    #: Beyond api.md: "calculating" or "failed" for a run made in the UI whose lines are not (yet) there.
    calculation = fields.String()


class RunOutSchema(RunSummarySchema):
    by_provider = fields.List(fields.Nested(ProviderTotalSchema))
    by_municipality = fields.List(fields.Nested(MunicipalityTotalSchema))
    lines = fields.List(fields.Nested(LineOutSchema))
    #: What would stop the SEPA export (no paying organisation, a provider to be paid without an IBAN), in Dutch.
    warnings = fields.List(fields.String())


class SpecificationQuery(BaseSchema):
    provider_id = Id(required=True)


class LineFilters(BaseSchema):
    """The review filters of a run's lines (query string); page and per_page belong to the pagination."""

    class Meta:
        unknown = EXCLUDE

    provider_id = Id()
    municipality_id = Id()
    contract_id = Id()
    status = fields.String(validate=validate.OneOf([s.value for s in LineStatus]))
