"""HTML forms: shape only; the rules live in kpis.services and kpis.events."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from kpis import events

REQUIRED = DataRequired("Dit veld is verplicht.")


def _choices(codes) -> list[tuple[str, str]]:
    return [("", "-")] + [(c, c) for c in codes]


class TrajectoryForm(FlaskForm):
    reference = StringField("Trajectreferentie", validators=[REQUIRED, Regexp(r"^[A-Za-z0-9._:/-]{1,40}$", message=(
        "Een referentie is 1 tot 40 tekens uit A-Z, a-z, 0-9 en . _ : / -."))])
    contract_id = SelectField("Contract", coerce=int, validators=[REQUIRED])
    municipality = SelectField("Gemeente", validators=[REQUIRED])
    referral_date = DateField("Aanmelddatum", validators=[REQUIRED])
    pip_date = DateField("Datum PIP", validators=[Optional()])
    name = StringField("Naam deelnemer", validators=[Optional(), Length(max=200)])
    bsn = StringField("BSN", validators=[Optional(), Length(max=20)])


class EventForm(FlaskForm):
    """One event entered by hand; the fields a type does not use are left empty."""

    type = SelectField("Soort gebeurtenis", choices=list(events.TYPE_LABELS.items()), validators=[REQUIRED])
    date = DateField("Datum", validators=[REQUIRED])
    month = StringField("Maand (JJJJ-MM, bij aanwezigheid)", validators=[Optional(), Length(max=7)])
    hours_offered = DecimalField("Aangeboden uren", places=2, validators=[Optional()])
    hours_attended = DecimalField("Aanwezige uren", places=2, validators=[Optional()])
    hours_excused = DecimalField("Geoorloofd afwezige uren", places=2, validators=[Optional()])
    skill = SelectField("Vaardigheid (voortgangstoets)", choices=_choices(events.SKILLS))
    level = SelectField("Niveau", choices=_choices(events.TEST_LEVELS))
    component = SelectField("Examenonderdeel", choices=_choices(events.EXAM_COMPONENTS))
    result = SelectField("Examenuitslag", choices=_choices(events.EXAM_RESULTS))
    module = SelectField("Module", choices=_choices(events.MODULES))
    reason = StringField("Reden (onderbreking: vrije tekst; uitval: uitval, afschaling, verhuizing, ontheffing, "
                         "overig)", validators=[Optional(), Length(max=200)])
    destination = SelectField("Uitstroom naar", choices=_choices(events.DESTINATIONS))
    retracts = StringField("Trekt gebeurtenis in (event_id)", validators=[Optional(), Length(max=64)])

    def as_item(self) -> dict:
        """The event as the API would send it (the service adds trajectory and event_id)."""
        return {name: field.data for name, field in self._fields.items()
                if name != "csrf_token" and field.data not in (None, "")}


class UploadForm(FlaskForm):
    file = FileField("CSV-bestand", validators=[FileRequired("Kies een bestand.")])
