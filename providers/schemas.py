"""JSON shapes of providers."""
from marshmallow import fields, validate

from core.schemas import BankDetailChangeSchema, BaseSchema, DocumentInSchema, PageQuery
from providers.models import KeurmerkStatus, ProviderDocumentKind


class ProviderInSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kvk_number = fields.String(required=True, validate=validate.Length(max=20))
    iban = fields.String(required=True, validate=validate.Length(max=42))
    bic = fields.String(allow_none=True, validate=validate.Length(max=11))
    street = fields.String(allow_none=True, validate=validate.Length(max=200))
    postcode = fields.String(allow_none=True, validate=validate.Length(max=10))
    city = fields.String(allow_none=True, validate=validate.Length(max=100))
    contact_name = fields.String(allow_none=True, validate=validate.Length(max=120))
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    contact_phone = fields.String(allow_none=True, validate=validate.Length(max=30))
    keurmerk_status = fields.String(allow_none=True, validate=validate.OneOf([k.value for k in KeurmerkStatus]),
                                    metadata={"description": "Blik op Werk keurmerk: geen, geldig_tot (met "
                                              "keurmerk_valid_until), onbepaalde_tijd, geschorst of ingetrokken "
                                              "(met keurmerk_status_since). Zonder status: geldig_tot bij een "
                                              "einddatum, anders geen."})
    keurmerk_valid_until = fields.Date(allow_none=True)
    keurmerk_status_since = fields.Date(allow_none=True, metadata={
        "description": "Geschorst of ingetrokken: de eerste dag waarop het keurmerk niet meer geldt."})


class ProviderChangeSchema(ProviderInSchema):
    """A PATCH: any of the fields of ProviderInSchema (loaded with partial=True)."""


class ProviderOutSchema(ProviderInSchema):
    """iban and bic are the details in force; a change of them waits in pending_bank_change for a second person."""

    id = fields.Integer()
    pending_bank_change = fields.Nested(BankDetailChangeSchema, allow_none=True, dump_only=True)


class ProviderQuery(PageQuery):
    q = fields.String(validate=validate.Length(max=100))


class ProviderDocumentInSchema(DocumentInSchema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ProviderDocumentKind]))
