"""The Beheer forms: a staff user's role and scope, a municipality, a region."""
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import options
from core.models import ROLE_LABELS


CHECKBOXES = {"widget": ListWidget(prefix_label=False), "option_widget": CheckboxInput()}


class UserForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul een e-mailadres in."),
                                                  Email("Dit is geen geldig e-mailadres."), Length(max=254)])
    name = StringField("Naam", validators=[DataRequired("Vul een naam in."), Length(max=120)])
    role = SelectField("Rol", validators=[DataRequired("Kies een rol.")])
    region_id = SelectField("Werkt voor de hele regio", coerce=int, validators=[Optional()])
    municipality_ids = SelectMultipleField("Of voor deze gemeenten", coerce=int, validators=[Optional()],
                                           **CHECKBOXES)

    @classmethod
    def of(cls, roles, regions, municipalities, **kw) -> "UserForm":
        form = cls(**kw)
        form.role.choices = options([("", "Kies een rol")] + [(r.value, ROLE_LABELS[r]) for r in roles])
        form.region_id.choices = options([(0, "Geen: alleen de gekozen gemeenten")] + [(r.id, r.name) for r in regions])
        form.municipality_ids.choices = options((m.id, m.name) for m in municipalities)
        return form


class MunicipalityForm(FlaskForm):
    code = StringField("CBS-code (bijvoorbeeld GM0505)", validators=[
        DataRequired("Vul de CBS-code in."), Length(min=6, max=6, message="Een CBS-code heeft zes tekens.")])
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120)])
    cost_centre = StringField("Kostenplaats", validators=[Optional(), Length(max=40)])
    region_id = SelectField("Hoort bij regio", coerce=int, validators=[Optional()])


class RegionForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120)])
    executing_organisation = StringField("Uitvoerende organisatie", validators=[Optional(), Length(max=160)])
    municipality_codes = SelectMultipleField("Gemeenten", validators=[DataRequired("Kies minstens één gemeente.")],
                                             **CHECKBOXES)
