"""JSON shapes of the PvE API; the structured sections are checked by core.terms in the services."""
from marshmallow import fields, validate

from flask_smorest.fields import Upload

from core.schemas import BaseSchema, DecimalString, Id, Money, PageQuery, StoredFileOutSchema


class PveQuery(PageQuery):
    service = fields.String()
    status = fields.String(validate=validate.OneOf(["concept", "in_review", "vastgesteld"]))
    municipality = fields.String()


class PveInSchema(BaseSchema):
    procurement_case_id = Id(required=True)
    title = fields.String(load_default="", validate=validate.Length(max=200))


class SectionSchema(BaseSchema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=40))
    title = fields.String(required=True)
    body = fields.String(load_default="")


class VersionInSchema(BaseSchema):
    sections = fields.List(fields.Nested(SectionSchema))
    #: [{"kpi", "params"?, "norm", "direction"}] as in kpis.md; checked by core.terms.validate_kpi_agreements.
    kpis = fields.List(fields.Dict())
    #: {"price_per_trajectory", "ceiling"?, "milestones": [...]} as in payments.md.
    financing = fields.Dict()
    note = fields.String(load_default="", validate=validate.Length(max=500))
    #: The version number the client edited; a save on any other latest version answers 409 (no lost update).
    based_on = fields.Integer(validate=validate.Range(min=1))


class StatusInSchema(BaseSchema):
    status = fields.String(required=True, validate=validate.OneOf(["concept", "in_review", "vastgesteld"]))


class VersionSummarySchema(BaseSchema):
    number = fields.Integer()
    status = fields.String()
    note = fields.String()
    created_at = fields.DateTime()
    created_by = fields.Function(lambda v: v.created_by.email if v.created_by else None)
    adopted_at = fields.DateTime(allow_none=True)
    adopted_by = fields.Function(lambda v: v.adopted_by.email if v.adopted_by else None)


class VersionOutSchema(VersionSummarySchema):
    sections = fields.List(fields.Nested(SectionSchema))
    kpis = fields.List(fields.Dict())
    financing = fields.Dict()


class AttachmentInSchema(BaseSchema):
    file = Upload(required=True)


class AttachmentOutSchema(StoredFileOutSchema):
    """A PvE attachment (named apart in the OpenAPI document)."""


class PveOutSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    procurement_case_id = Id()
    service = fields.Function(lambda p: p.procurement_case.service.code)
    municipalities = fields.Function(lambda p: [m.code for m in p.procurement_case.municipalities])
    status = fields.Function(lambda p: p.latest.status.value)
    current_version = fields.Function(lambda p: p.latest.number)
    adopted_version = fields.Function(lambda p: p.adopted.number if p.adopted else None)
    versions = fields.List(fields.Nested(VersionSummarySchema))
    attachments = fields.List(fields.Nested(AttachmentOutSchema))


class CommentInSchema(BaseSchema):
    section_key = fields.String(required=True)
    body = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class AnswerInSchema(BaseSchema):
    answer = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class CommentOutSchema(BaseSchema):
    id = fields.Integer()
    section_key = fields.String()
    version = fields.Function(lambda c: c.version.number)
    body = fields.String()
    created_by = fields.Function(lambda c: c.created_by.email if c.created_by else None)
    created_at = fields.DateTime()
    answer = fields.String(allow_none=True)
    answered_by = fields.Function(lambda c: c.answered_by.email if c.answered_by else None)
    resolved = fields.Boolean(attribute="is_resolved")


class DiffQuery(BaseSchema):
    from_ = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1))
    to = fields.Integer(required=True, validate=validate.Range(min=1))


class SegmentSchema(BaseSchema):
    op = fields.String()
    text = fields.String()


class SectionDiffSchema(BaseSchema):
    key = fields.String()
    title = fields.String()
    changed = fields.Boolean()
    segments = fields.Function(lambda d: [{"op": op, "text": text} for op, text in d.segments])


class DiffOutSchema(BaseSchema):
    sections = fields.List(fields.Nested(SectionDiffSchema))


class MilestoneTermSchema(BaseSchema):
    code = fields.String()
    label = fields.String()
    kind = fields.String()
    trigger = fields.String()
    params = fields.Dict()
    amount = Money(allow_none=True)
    percentage = DecimalString(allow_none=True)


class KpiTermSchema(BaseSchema):
    kpi = fields.String()
    params = fields.Dict()
    norm = DecimalString()
    direction = fields.String()


class ContractTermsSchema(BaseSchema):
    pve_version_id = Id()
    procurement_case_id = Id()
    price_per_trajectory = Money()
    ceiling = Money(allow_none=True)
    milestones = fields.List(fields.Nested(MilestoneTermSchema))
    kpis = fields.List(fields.Nested(KpiTermSchema))
