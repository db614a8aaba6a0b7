"""HTML forms: shape only; the rules live in trajectories.services and trajectories.events."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from core.forms import AmountField, options
from core.terms import HOURS_BUCKET_LABELS
from trajectories import events
from trajectories.referrals import ALFABETISERING

REQUIRED = DataRequired("Dit veld is verplicht.")


def _code_field(label: str, codes) -> SelectField:
    """An optional code; the service checks it against the type, so that the API and the form say the same."""
    return SelectField(label, choices=options([("", "-")] + [(c, c) for c in codes]), validate_choice=False)


class TrajectoryForm(FlaskForm):
    reference = StringField("Trajectreferentie", validators=[REQUIRED, Regexp(r"^[A-Za-z0-9._:/-]{1,40}$", message=(
        "Een referentie is 1 tot 40 tekens uit A-Z, a-z, 0-9 en . _ : / -."))])
    contract_id = SelectField("Contract", coerce=int, validators=[REQUIRED])
    municipality = SelectField("Gemeente", validators=[REQUIRED])
    referral_date = DateField("Aanmelddatum", validators=[REQUIRED])
    pip_date = DateField("Datum PIP", validators=[Optional()])
    alfabetisering = SelectField("Alfabetiseringsonderwijs (indicatie in het PIP)",
                                 choices=options([("", "Niet van toepassing"), *ALFABETISERING.items()]), default="")
    is_duaal = BooleanField("Duaal traject: de leerroute wordt gecombineerd met werk")
    chosen_by_participant = BooleanField("Open House: de deelnemer heeft deze aanbieder zelf gekozen")
    provider_list_version = IntegerField("Open House: versie van de lijst van toegelaten aanbieders die de deelnemer "
                                         "zag", validators=[Optional(), NumberRange(min=1)])
    name = StringField("Naam deelnemer", validators=[Optional(), Length(max=200)])
    bsn = StringField("BSN", validators=[Optional(), Length(max=20)])


class EventForm(FlaskForm):
    """One event entered by hand; the fields a type does not use are left empty."""

    type = SelectField("Soort gebeurtenis", choices=options(events.TYPE_LABELS), validators=[REQUIRED])
    date = DateField("Datum", validators=[REQUIRED])
    month = StringField("Maand (JJJJ-MM, bij aanwezigheid)", validators=[Optional(), Length(max=7)])
    hours_offered = AmountField("Aangeboden uren", places=2, validators=[Optional()])
    hours_attended = AmountField("Aanwezige uren", places=2, validators=[Optional()])
    hours_excused = AmountField("Geoorloofd afwezige uren", places=2, validators=[Optional()])
    bucket = SelectField("Urensoort (bij aanwezigheid)", choices=options([("", "-"), *HOURS_BUCKET_LABELS.items()]),
                         validate_choice=False)
    skill = _code_field("Vaardigheid (voortgangstoets, afschaling)", events.SKILLS)
    level = _code_field("Niveau", events.TEST_LEVELS)
    component = _code_field("Examenonderdeel", events.EXAM_COMPONENTS)
    result = _code_field("Examenuitslag", events.EXAM_RESULTS)
    module = _code_field("Module", events.MODULES)
    reason = StringField("Reden (onderbreking: vrije tekst; uitval: uitval, verhuizing, ontheffing, overig)",
                         validators=[Optional(), Length(max=200)])
    pip_version = StringField("PIP-versie waaruit de afschaling volgt", validators=[Optional(), Length(max=20)])
    destination = _code_field("Uitstroom naar", events.DESTINATIONS)
    retracts = StringField("Trekt gebeurtenis in (event_id)", validators=[Optional(), Length(max=64)])

    def as_item(self) -> dict:
        """The event as the API would send it (the service adds trajectory and event_id)."""
        return {name: field.data for name, field in self._fields.items()
                if name != "csrf_token" and field.data not in (None, "")}


class DatesForm(FlaskForm):
    """The termijn and the dates its KPIs need; an empty field clears the date."""

    kennisgeving_on = DateField("Datum kennisgeving van DUO (start van de 10 weken voor het PIP)",
                                validators=[Optional()])
    pip_date = DateField("Datum PIP", validators=[Optional()])
    term_ends_on = DateField("Einde inburgeringstermijn (laatste dag)", validators=[Optional()])
    term_extended_until = DateField("Verlengd tot en met (alleen bij een verlenging door DUO)",
                                    validators=[Optional()])


class UploadForm(FlaskForm):
    file = FileField("CSV-bestand", validators=[FileRequired("Kies een bestand.")])


class SwitchForm(FlaskForm):
    """A route switch after a new PIP: the old trajectory closes, a new one starts on the new route's contract."""

    contract_id = SelectField("Contract van de nieuwe leerroute", coerce=int, validators=[REQUIRED])
    reference = StringField("Nieuwe trajectreferentie", validators=[REQUIRED, Regexp(
        r"^[A-Za-z0-9._:/-]{1,40}$", message="Een referentie is 1 tot 40 tekens uit A-Z, a-z, 0-9 en . _ : / -.")])
    switched_on = DateField("Datum van de schakeling", validators=[REQUIRED])
    pip_date = DateField("Datum van het nieuwe PIP", validators=[REQUIRED])
    chosen_by_participant = BooleanField("Open House: de deelnemer heeft deze aanbieder zelf gekozen")
    provider_list_version = IntegerField("Open House: versie van de lijst van toegelaten aanbieders die de deelnemer "
                                         "zag", validators=[Optional(), NumberRange(min=1)])
