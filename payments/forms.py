"""HTML forms of payment runs and finance settings (shape only; the rules are in services)."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from core.forms import options


class RunForm(FlaskForm):
    period = StringField("Periode (JJJJ-MM)", validators=[DataRequired(), Regexp(r"^\d{4}-\d{2}$",
                                                                                  message="Geef JJJJ-MM.")])
    scope = SelectField("Regio of gemeente", validators=[DataRequired()])


class PayingOrganisationForm(FlaskForm):
    scope = SelectField("Voor regio of gemeente", validators=[DataRequired()])
    name = StringField("Naam betalende organisatie", validators=[DataRequired(), Length(max=70)])
    iban = StringField("IBAN", validators=[DataRequired(), Length(max=42)])
    bic = StringField("BIC", validators=[Optional(), Length(min=8, max=11)])


class LedgerAccountForm(FlaskForm):
    service = SelectField("Dienst", validators=[DataRequired()])
    kind = SelectField("Soort mijlpaal", choices=options({"inspanning": "Inspanning", "prestatie": "Prestatie"}))
    account = StringField("Grootboekrekening", validators=[DataRequired(), Length(max=20)])
