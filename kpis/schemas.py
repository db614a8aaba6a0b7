"""JSON shapes of the indicator API."""
from marshmallow import ValidationError, fields, validate, validates_schema

from core.schemas import BaseSchema, Id, PageQuery


class WindowQuery(BaseSchema):
    """?from=&to= (inclusive dates, default: the last complete month) and optionally ?municipality=CODE."""

    from_ = fields.Date(data_key="from", load_default=None,
                        metadata={"description": "Eerste dag (JJJJ-MM-DD), niet na `to`; standaard de eerste dag "
                                                 "van de laatste volledige maand."})
    to = fields.Date(load_default=None, metadata={"description": "Laatste dag (JJJJ-MM-DD), niet voor `from`; "
                                                                 "standaard de laatste dag van die maand."})
    municipality = fields.String(load_default=None, validate=validate.Length(max=6),
                                 metadata={"description": "CBS-code, bijvoorbeeld GM0505."})

    @validates_schema
    def check_order(self, data, **_):
        if data["from_"] and data["to"] and data["from_"] > data["to"]:
            raise ValidationError("De begindatum ligt na de einddatum.", "from")


class AlertQuery(PageQuery):
    all = fields.Boolean(load_default=False, metadata={"description": "Ook afgehandelde signalen."})


class IndicatorSchema(BaseSchema):
    kpi = fields.String()
    name = fields.Function(lambda i: i.result.name)
    value = fields.Function(lambda i: None if i.result.value is None else float(i.result.value), allow_none=True)
    norm = fields.Function(lambda i: None if i.norm is None else float(i.norm), allow_none=True)
    direction = fields.String(allow_none=True)
    status = fields.String()
    numerator = fields.Function(lambda i: None if i.result.numerator is None else float(i.result.numerator),
                                allow_none=True)
    denominator = fields.Function(lambda i: float(i.result.denominator))


class IndicatorListSchema(BaseSchema):
    items = fields.List(fields.Nested(IndicatorSchema))


class AlertSchema(BaseSchema):
    id = fields.Integer()
    contract_id = Id()
    municipality = fields.Function(lambda a: a.municipality.code if a.municipality else None, allow_none=True)
    kpi = fields.String()
    month = fields.Function(lambda a: a.month.strftime("%Y-%m"))
    value = fields.Function(lambda a: float(a.value))
    norm = fields.Function(lambda a: float(a.norm))
    direction = fields.String()
    created_at = fields.DateTime()
    handled_at = fields.DateTime(allow_none=True)
    note = fields.String()
