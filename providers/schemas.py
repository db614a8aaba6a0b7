"""JSON shapes of providers."""
from marshmallow import fields, validate

from core.schemas import BaseSchema


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
    keurmerk_valid_until = fields.Date(allow_none=True)


class ProviderOutSchema(ProviderInSchema):
    id = fields.Integer()


class ProviderQuery(BaseSchema):
    q = fields.String(validate=validate.Length(max=100))
    page = fields.Integer()
    per_page = fields.Integer()
