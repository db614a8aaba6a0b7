"""JSON shapes of trajectories and the progress feed."""
from marshmallow import fields, validate

from core.personal_data import decrypt_bsn, mask_bsn
from core.schemas import BaseSchema, Id

MAX_EVENTS_PER_CALL = 50_000
REFERENCE = validate.Regexp(r"^[A-Za-z0-9._:/-]{1,40}$",
                            error="Een referentie is 1 tot 40 tekens uit A-Z, a-z, 0-9 en . _ : / -.")


class ParticipantInSchema(BaseSchema):
    bsn = fields.String(allow_none=True, validate=validate.Length(max=20))
    name = fields.String(allow_none=True, validate=validate.Length(max=200))


class TrajectoryInSchema(BaseSchema):
    reference = fields.String(required=True, validate=REFERENCE)
    contract_id = Id(required=True)
    municipality = fields.String(required=True, validate=validate.Length(max=6))
    referral_date = fields.Date(required=True)
    pip_date = fields.Date(allow_none=True)
    participant = fields.Nested(ParticipantInSchema, load_default=dict)


class ParticipantOutSchema(BaseSchema):
    pseudonym = fields.String(attribute="participant_pseudonym")
    name = fields.String(attribute="participant_name", allow_none=True)
    bsn = fields.Function(lambda t: mask_bsn(decrypt_bsn(t.bsn_encrypted)) if t.bsn_encrypted else None,
                          metadata={"description": "Gemaskeerd, bijvoorbeeld *****6789."})


class EventOutSchema(BaseSchema):
    event_id = fields.String()
    type = fields.String()
    date = fields.Date(attribute="occurred_on")
    month = fields.Function(lambda e: e.month.strftime("%Y-%m") if e.month else None)
    hours_offered = fields.Decimal(as_string=True, allow_none=True)
    hours_attended = fields.Decimal(as_string=True, allow_none=True)
    hours_excused = fields.Decimal(as_string=True, allow_none=True)
    skill, level, component = fields.String(allow_none=True), fields.String(allow_none=True), fields.String(allow_none=True)
    result, module = fields.String(allow_none=True), fields.String(allow_none=True)
    reason, destination = fields.String(allow_none=True), fields.String(allow_none=True)
    sender = fields.String()
    source = fields.String()
    voided = fields.Boolean()


class TrajectoryOutSchema(BaseSchema):
    id = fields.Integer()
    reference = fields.String()
    contract_id = Id()
    municipality = fields.Function(lambda t: t.municipality.code)
    referral_date = fields.Date()
    pip_date = fields.Date(allow_none=True)
    status = fields.String()
    participant = fields.Function(lambda t: ParticipantOutSchema().dump(t), metadata={
        "description": "Pseudoniem; naam en gemaskeerd BSN alleen voor medewerkers van de gemeente."})


class EventsInSchema(BaseSchema):
    events = fields.List(fields.Raw(), required=True, validate=validate.Length(
        min=1, max=MAX_EVENTS_PER_CALL, error="Stuur 1 tot 50.000 gebeurtenissen per verzoek."),
        metadata={"description": "Gebeurtenissen zoals in progress-events.md: event_id, trajectory, type, date, ..."})
    dry_run = fields.Boolean(load_default=False)


class EventsResultSchema(BaseSchema):
    accepted = fields.Integer()
    duplicates = fields.Integer()


class ImportResultSchema(BaseSchema):
    rows = fields.Integer()
    accepted = fields.Integer()
    duplicates = fields.Integer()


class ImportErrorSchema(BaseSchema):
    line = fields.Integer(allow_none=True)
    field = fields.String(allow_none=True)
    message = fields.String()


class ImportJobSchema(ImportResultSchema):
    """A large file's import, polled at its Location: once `status` is done (or ready, for a dry run), rows,
    accepted and duplicates are the result the synchronous call gives."""

    id = fields.Integer()
    status = fields.String(metadata={"enum": ["validating", "importing", "ready", "done", "invalid", "failed",
                                              "discarded"]})
    dry_run = fields.Function(lambda item: not item.confirmed)
    processed = fields.Integer(metadata={"description": "Regels verwerkt tot nu toe."})
    detail = fields.Function(lambda item: item.failure, allow_none=True,
                             metadata={"description": "Waarom het verwerken mislukte (status failed)."})
    error_count = fields.Integer()
    errors = fields.List(fields.Nested(ImportErrorSchema), metadata={"description": "Fouten per regel (invalid)."})
