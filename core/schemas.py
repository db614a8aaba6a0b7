"""The base of every JSON schema, the problem and page schemas, and the core resources."""
import re
from functools import cache

from flask_smorest.fields import Upload
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from core.extensions import MAX_ID
from core.money import round_money

PER_PAGE_MAX = 500


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    @pre_load
    def refuse_nul_characters(self, data, **kwargs):
        """No text field holds a NUL character (PostgreSQL refuses them), wherever it sits in the body: the error
        names the first field that does, as {field: {index: {field: [message]}}} down to it."""
        path = _nul_path(data)
        if path is not None:
            message: dict | list = ["De invoer bevat een ongeldig teken (NUL)."]
            for step in reversed(path or ["_schema"]):
                message = {step: message}
            raise ValidationError(message)
        return data


def _nul_path(value, path=()) -> list | None:
    """The keys and indexes down to the first string with a NUL character (a key with one counts as its value)."""
    if isinstance(value, str):
        return list(path) if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return [*path, key.replace("\x00", "?")]
        found = _nul_path(item, (*path, key))
        if found is not None:
            return found
    return None


class DecimalString(fields.Decimal):
    """A decimal number as a JSON string ("0.80", "12.5"), so that no float rounds it on the way; the OpenAPI
    document says string with this pattern (core.rest registers the type), and input must match it."""

    PATTERN = r"^-?\d{1,13}(\.\d+)?$"
    MESSAGE = "Geef een getal als tekst, bijvoorbeeld \"12.5\"."

    def __init__(self, **kwargs):
        metadata = {"pattern": self.PATTERN, **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, allow_nan=False, metadata=metadata,
                         error_messages={"invalid": self.MESSAGE}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(self.PATTERN, value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Money(DecimalString):
    """Money in JSON: a string with two decimals ("1234.50"), never a number (api.md); a number is refused."""

    PATTERN = r"^-?\d{1,13}(\.\d{1,2})?$"
    MESSAGE = "Geef een bedrag als tekst met hoogstens twee decimalen, bijvoorbeeld \"1234.50\"."

    def _format_num(self, value):
        return round_money(super()._format_num(value))


def Id(**kwargs):  # noqa: N802 - a field factory that reads as a field class
    """A reference to another object by id: a whole number within the database's integer keys."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID, error="Dit is geen bestaand id."), **kwargs)


class ProblemErrorSchema(BaseSchema):
    index = fields.Integer()
    line = fields.Integer()
    field = fields.String(allow_none=True)
    message = fields.String()


class ProblemSchema(BaseSchema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.List(fields.Nested(ProblemErrorSchema))


class PageQuery(BaseSchema):
    """?page= and ?per_page= of a list; a list's own filters extend it."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=PER_PAGE_MAX))


class MunicipalitySchema(BaseSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^GM\d{4}$", error="Een CBS-code is GM gevolgd door vier cijfers."))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    cost_centre = fields.String(allow_none=True, validate=validate.Length(max=40))


class RegionInSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    municipalities = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    executing_organisation = fields.String(allow_none=True, validate=validate.Length(max=160))


class RegionOutSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    executing_organisation = fields.String(allow_none=True)
    municipalities = fields.Method("municipality_codes")

    def municipality_codes(self, region):
        return [m.code for m in region.municipalities]


class ServiceSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": "leerroute, participatietraject of leerroute_onderdeel "
                                                  "(alfabetisering, duaal traject: vastgelegd bij de aanmelding)."})
    orderable = fields.Boolean(attribute="is_orderable", metadata={
        "description": "Of een inkoopdossier of contract voor deze dienst kan worden gemaakt; een onderdeel van een "
                       "leerroute wordt met de leerroute ingekocht."})


@cache
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The {"items", "total"} envelope of a list of `item_schema` (it dumps a db.paginate page as well)."""
    return type(f"{item_schema.__name__.removesuffix('Schema')}PageSchema", (BaseSchema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(),
    })


class DocumentInSchema(BaseSchema):
    """A document upload (multipart): the file, sent as `file`, and its fields; each owner names its kinds."""

    file = Upload(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    valid_until = fields.Date(allow_none=True)
    supersedes_id = Id(allow_none=True)


class StoredFileOutSchema(BaseSchema):
    """An uploaded file as the API shows it (core.files.StoredFileColumns)."""

    id = fields.Integer()
    filename = fields.String()
    file_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    created_at = fields.DateTime()


class DocumentOutSchema(StoredFileOutSchema):
    title = fields.String()
    kind = fields.String()
    valid_until = fields.Date(allow_none=True)
    created_by = fields.Function(lambda d: d.created_by.email if d.created_by else None)
    superseded_at = fields.DateTime(allow_none=True)
    superseded_by_id = fields.Integer(allow_none=True)


class BankDetailChangeSchema(BaseSchema):
    """A proposed change of bank details (core.bank_details): what stood, what is proposed, and its decision."""

    id = fields.Integer()
    provider_id = fields.Integer(allow_none=True)
    region_id = fields.Integer(allow_none=True)
    municipality = fields.Function(lambda c: c.municipality.code if c.municipality else None,
                                   metadata={"type": "string", "nullable": True})
    old_name = fields.String(allow_none=True)
    old_iban = fields.String(allow_none=True)
    old_bic = fields.String(allow_none=True)
    new_name = fields.String()
    new_iban = fields.String()
    new_bic = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["pending", "approved", "rejected"]})
    proposed_by = fields.Function(lambda c: c.proposed_by.email if c.proposed_by else None,
                                  metadata={"type": "string", "nullable": True})
    proposed_at = fields.DateTime()
    decided_by = fields.Function(lambda c: c.decided_by.email if c.decided_by else None,
                                 metadata={"type": "string", "nullable": True})
    decided_at = fields.DateTime(allow_none=True)
