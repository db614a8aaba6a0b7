"""DUO's message shapes (Notificatie, Examen and Inburgeringstermijn APIs), as far as we read them.

DUO adds fields in minor versions and the OpenAPI files do not forbid extra properties, so unknown fields are
ignored here (unlike our own API, which refuses them).
"""
from marshmallow import EXCLUDE, fields, validate

from core.schemas import BaseSchema

COMPONENTS = ("KNM", "LE", "LU", "SC", "SP")
LEVELS = ("A2", "B1", "B2")
RESULTS = ("Geslaagd", "Gezakt", "Geen")


class DuoSchema(BaseSchema):
    class Meta:
        unknown = EXCLUDE


class NotificationIn(DuoSchema):
    registratieDatumTijd = fields.DateTime(required=True)
    gebeurtenisId = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Z]{1,6}$"))
    bsn = fields.String(validate=validate.Regexp(r"^\d{9}$"))
    vNummer = fields.Integer(strict=True, validate=validate.Range(min=0, max=9999999999))


class ExamResultIn(DuoSchema):
    examendatum = fields.Date(required=True)
    resultaat = fields.String(required=True, validate=validate.OneOf(RESULTS))
    onderdeel = fields.String(required=True, validate=validate.OneOf(COMPONENTS))
    niveau = fields.String(validate=validate.OneOf(LEVELS))
    redenGeenResultaat = fields.String()


class TermIn(DuoSchema):
    startdatum = fields.Date(required=True)
    einddatum = fields.Date(required=True)
    wijzigingsdatum = fields.Date()
    verlengingsgrondcode = fields.String()
    verlengingsgrondomschrijving = fields.String()


notification_in = NotificationIn()
exam_results_in = ExamResultIn(many=True)
term_in = TermIn()
