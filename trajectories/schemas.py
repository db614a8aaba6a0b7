"""JSON shapes of trajectories and the progress feed."""
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import fields, missing, validate

from core.models import Role
from core.personal_data import decrypt_bsn, mask_bsn
from core.schemas import BaseSchema, DecimalString, Id
from trajectories.services import events_of

MAX_EVENTS_PER_CALL = 50_000
REFERENCE = validate.Regexp(r"^[A-Za-z0-9._:/-]{1,40}$",
                            error="Een referentie is 1 tot 40 tekens uit A-Z, a-z, 0-9 en . _ : / -.")


class ParticipantInSchema(BaseSchema):
    bsn = fields.String(allow_none=True, validate=validate.Length(max=20))
    name = fields.String(allow_none=True, validate=validate.Length(max=200))


class ReferralChoicesSchema(BaseSchema):
    """What a referral records about the leerroute and, under Open House, the participant's choice."""

    alfabetisering = fields.String(allow_none=True, validate=validate.OneOf(
        ["A", "AA", "NVT"], error="Kies A, AA of NVT (DUO's indicatie alfabetiseringsonderwijs)."), metadata={
        "description": "DUO's PIP-indicatie alfabetiseringsonderwijs binnen de leerroute: A (analfabeet), "
                       "AA (anders-gealfabetiseerd) of NVT; alleen bij een contract voor een leerroute."})
    is_duaal = fields.Boolean(load_default=False, metadata={
        "description": "De leerroute wordt gecombineerd met werk (duaal traject); alleen bij een leerroute."})
    chosen_by_participant = fields.Boolean(load_default=False, metadata={
        "description": "Open House: de deelnemer heeft deze aanbieder zelf gekozen (verplicht bij een Open "
                       "House-contract)."})
    provider_list_version = fields.Integer(allow_none=True, validate=validate.Range(min=1), metadata={
        "description": "Open House: het nummer van de versie van de lijst van toegelaten aanbieders die de "
                       "deelnemer zag; die versie moet de aanbieder noemen."})


class TrajectoryInSchema(ReferralChoicesSchema):
    reference = fields.String(required=True, validate=REFERENCE)
    contract_id = Id(required=True)
    municipality = fields.String(required=True, validate=validate.Length(max=6))
    referral_date = fields.Date(required=True)
    pip_date = fields.Date(allow_none=True)
    participant = fields.Nested(ParticipantInSchema, load_default=dict)


class SwitchInSchema(ReferralChoicesSchema):
    reference = fields.String(required=True, validate=REFERENCE, metadata={"description": "Het nieuwe traject."})
    contract_id = Id(required=True, metadata={"description": "Het contract van de nieuwe leerroute."})
    switched_on = fields.Date(required=True, metadata={
        "description": "Het oude traject sluit op deze dag met reden schakelen; het nieuwe is dan aangemeld."})
    pip_date = fields.Date(required=True, metadata={"description": "De datum van het nieuwe PIP."})


class DatesInSchema(BaseSchema):
    """The termijn and the dates its KPIs need (issue 19); a field left out stays as it is, null clears it."""

    kennisgeving_on = fields.Date(allow_none=True, metadata={
        "description": "DUO's kennisgeving: de 10 weken voor het PIP beginnen (SS139)."})
    pip_date = fields.Date(allow_none=True)
    term_ends_on = fields.Date(allow_none=True, metadata={"description": "De laatste dag van de inburgeringstermijn."})
    term_extended_until = fields.Date(allow_none=True, metadata={
        "description": "Bij een verlenging door DUO: de laatste dag van de verlengde termijn (na term_ends_on)."})


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
    hours_offered = DecimalString(allow_none=True)
    hours_attended = DecimalString(allow_none=True)
    hours_excused = DecimalString(allow_none=True)
    bucket = fields.String(allow_none=True, metadata={
        "description": "Aanwezigheid: de urensoort waarin DUO de uren telt (taal_knm, participatie of map)."})
    skill, level, component = fields.String(allow_none=True), fields.String(allow_none=True), fields.String(allow_none=True)
    result, module = fields.String(allow_none=True), fields.String(allow_none=True)
    reason, destination = fields.String(allow_none=True), fields.String(allow_none=True)
    pip_version = fields.String(allow_none=True, metadata={"description": "Afschaling: de PIP-versie waaruit zij volgt."})
    sender = fields.String()
    source = fields.String()


class TimelineEventSchema(EventOutSchema):
    voided = fields.Boolean(metadata={"description": "Ingetrokken door een latere gebeurtenis."})


class _OfTheTrajectory:
    """A field that reads the trajectory itself, not one of its attributes."""

    def get_value(self, obj, attr, accessor=None, default=missing):
        return obj


class Participant(_OfTheTrajectory, fields.Nested):
    """Pseudonym; name and masked BSN only for the municipality's staff (security-checks.md: no personal data to
    private parties, so a provider sees the pseudonym only)."""

    def __init__(self):
        super().__init__(ParticipantOutSchema, dump_only=True)

    def _serialize(self, trajectory, attr, obj, **kwargs):
        data = super()._serialize(trajectory, attr, obj, **kwargs)
        return {"pseudonym": data["pseudonym"]} if current_user.role == Role.PROVIDER else data


class Timeline(_OfTheTrajectory, fields.List):
    """The trajectory's events, each with whether a retraction voided it."""

    def __init__(self):
        super().__init__(fields.Nested(TimelineEventSchema), dump_only=True)

    def _serialize(self, trajectory, attr, obj, **kwargs):
        return [{**_event_out.dump(event), "voided": voided} for event, voided in events_of(trajectory)]


_event_out = EventOutSchema()


class TrajectoryOutSchema(BaseSchema):
    id = fields.Integer()
    reference = fields.String()
    contract_id = Id()
    municipality = fields.Function(lambda t: t.municipality.code)
    referral_date = fields.Date()
    pip_date = fields.Date(allow_none=True)
    kennisgeving_on = fields.Date(allow_none=True)
    term_ends_on = fields.Date(allow_none=True)
    term_extended_until = fields.Date(allow_none=True)
    alfabetisering = fields.Function(lambda t: t.alfabetisering or "NVT")
    is_duaal = fields.Boolean()
    chosen_by_participant = fields.Boolean(allow_none=True)
    provider_list_version = fields.Function(lambda t: t.provider_list_version.number if t.provider_list_version
                                            else None)
    status = fields.String()
    switched_from = fields.Function(lambda t: t.switched_from.reference if t.switched_from else None, metadata={
        "description": "Routeschakeling: het traject dat dit traject voortzet."})
    switched_to = fields.Function(lambda t: t.switched_to.reference if t.switched_to else None, metadata={
        "description": "Routeschakeling: het traject dat dit traject voortzet; dit is gesloten met reden schakelen."})
    participant = Participant()


class TrajectoryDetailSchema(TrajectoryOutSchema):
    events = Timeline()


class EventsInSchema(BaseSchema):
    events = fields.List(fields.Raw(), required=True, validate=validate.Length(
        min=1, max=MAX_EVENTS_PER_CALL, error="Stuur 1 tot 50.000 gebeurtenissen per verzoek."),
        metadata={"description": "Gebeurtenissen zoals in progress-events.md: event_id, trajectory, type, date, ..."})
    dry_run = fields.Boolean(load_default=False)


class EventsResultSchema(BaseSchema):
    accepted = fields.Integer()
    duplicates = fields.Integer()


class ImportInSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": "CSV-bestand zoals in progress-events.md."})
    dry_run = fields.Boolean(load_default=False, truthy=fields.Boolean.truthy | {"ja"},
                             falsy=fields.Boolean.falsy | {"nee"})


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
