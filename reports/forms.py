"""HTML forms of the reports; they check shape only, the services check the rules."""
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.forms import options
from reports.models import MEASURE_LABELS, SECTIONS

REQUIRED = "Dit veld is verplicht."
DATE = "Geef een datum (dd-mm-jjjj)."


class CouncilForm(FlaskForm):
    """The scope and period of a council report (GET, no CSRF)."""

    class Meta:
        csrf = False

    scope = SelectField("Regio of gemeente", validate_choice=False)
    start = DateField("Van", validators=[DataRequired(DATE)])
    end = DateField("Tot en met", validators=[DataRequired(DATE)])


class NarrativeForm(FlaskForm):
    toelichting = TextAreaField(SECTIONS["toelichting"], validators=[Length(max=20_000)])
    risicos = TextAreaField(SECTIONS["risicos"], validators=[Length(max=20_000)])
    vooruitblik = TextAreaField(SECTIONS["vooruitblik"], validators=[Length(max=20_000)])


class YearEndForm(FlaskForm):
    """The municipality and year of the year-end page (GET, no CSRF)."""

    class Meta:
        csrf = False

    municipality = SelectField("Gemeente", validate_choice=False)
    year = IntegerField("Jaar", validators=[Optional(), NumberRange(2000, 2100, "Geef een jaartal van 2000 tot en "
                                                                                "met 2100.")])


class IndicatorCodeForm(FlaskForm):
    measure = SelectField("Cijfer", choices=options(MEASURE_LABELS), validators=[DataRequired(REQUIRED)])
    code = StringField("Indicatorcode van de gemeente (leeg: geen)", validators=[Length(max=40)])
