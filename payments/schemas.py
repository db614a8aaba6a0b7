"""JSON shapes of payment runs (api.md, "payment-runs")."""
from marshmallow import EXCLUDE, fields, validate

from flask_smorest.fields import Upload

from core.schemas import BankDetailChangeSchema, BaseSchema, Id, Money, PageQuery
from payments.bank_details import label, review_key
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


class ApproveInSchema(BaseSchema):
    #: The key of the run as the approver saw it (RunOutSchema.review).
    review = fields.String(validate=validate.Length(max=64))


class RunOutSchema(RunSummarySchema):
    #: What the reviewer sees: send it with the approval to refuse a run that changed since (payments.bank_details).
    review = fields.Method("_review")
    by_provider = fields.List(fields.Nested(ProviderTotalSchema))
    by_municipality = fields.List(fields.Nested(MunicipalityTotalSchema))
    lines = fields.List(fields.Nested(LineOutSchema))
    #: What would stop the SEPA export (no paying organisation, a provider to be paid without an IBAN), in Dutch.
    warnings = fields.List(fields.String())

    def _review(self, view) -> str:
        return review_key(view.run)


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


class ClaimOutSchema(BaseSchema):
    id = fields.Integer()
    trajectory = fields.Function(lambda claim: claim.trajectory.reference)
    contract_id = Id()
    provider_id = Id()
    milestone = fields.String(attribute="milestone_code")
    month = fields.Function(lambda claim: claim.month.strftime("%Y-%m") if claim.month else None)
    trigger_date = fields.Date()
    #: open (te verifiëren), accepted or rejected.
    status = fields.String()
    #: Staff's note on an acceptance, or the reason of a rejection.
    note = fields.String()
    found_in_run_id = Id(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    attachment = fields.Function(lambda claim: claim.attachment.filename if claim.attachment else None)


class ClaimQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(["open", "accepted", "rejected"]))


class ClaimRejectSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ClaimAcceptSchema(BaseSchema):
    """multipart: a note and, optionally, the evidence as a file (PDF, DOCX, XLSX, ODT; core.files)."""

    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    file = Upload()


class SampledLineOutSchema(BaseSchema):
    id = fields.Integer()
    run_id = Id()
    line_id = fields.Integer()
    trajectory = fields.Function(lambda sample: sample.line.trajectory.reference)
    milestone = fields.String(attribute="milestone_code")
    amount = fields.Function(lambda sample: str(sample.line.amount))
    #: open (te controleren), justified or unjustified.
    status = fields.String()
    reason = fields.String()


class SampleCheckSchema(BaseSchema):
    justified = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class BankChangeOutSchema(BankDetailChangeSchema):
    of = fields.Function(label, metadata={"description": "Van wie, in woorden"})


class BankChangeQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(["pending", "approved", "rejected"]))
