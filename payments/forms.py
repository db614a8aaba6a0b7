"""HTML forms of payment runs and finance settings (shape only; the rules are in services)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from core.forms import AmountField, options


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
    region = SelectField("Regio", validators=[DataRequired()])
    service = SelectField("Dienst", validators=[DataRequired()])
    kind = SelectField("Soort mijlpaal", choices=options({"inspanning": "Inspanning", "prestatie": "Prestatie"}))
    account = StringField("Grootboekrekening", validators=[DataRequired(), Length(max=20)])


class ClaimAcceptForm(FlaskForm):
    note = TextAreaField("Toelichting (waarom de claim klopt)", validators=[DataRequired("Geef een toelichting."),
                                                                            Length(max=2000)])
    file = FileField("Bijlage (PDF, DOCX, XLSX of ODT, hoogstens 20 MB; niet verplicht)")


class ClaimRejectForm(FlaskForm):
    reason = TextAreaField("Reden van de afwijzing (de aanbieder ziet die)",
                           validators=[DataRequired("Geef de reden van de afwijzing."), Length(max=2000)])


class SampleCheckForm(FlaskForm):
    justified = RadioField("Uitkomst van de controle", choices=options({"ja": "Terecht betaald",
                                                                        "nee": "Onterecht betaald: terugvorderen"}),
                           validators=[DataRequired("Kies een uitkomst.")])
    reason = StringField("Reden (verplicht bij onterecht; staat in het journaal van de terugvordering)",
                         validators=[Optional(), Length(max=200)])


class SamplingRuleForm(FlaskForm):
    region = SelectField("Regio", validators=[DataRequired()])
    percentage = AmountField("Percentage van de prestatieregels", places=2,
                             validators=[DataRequired(), NumberRange(min=0.01, max=100)])
    minimum = IntegerField("Minimaal aantal regels", validators=[InputRequired(), NumberRange(min=0)])
