from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from core.forms import options
from providers.models import KEURMERK_LABELS, KeurmerkStatus


class ProviderForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=200)])
    kvk_number = StringField("KvK-nummer", validators=[DataRequired("Vul het KvK-nummer in."), Length(max=20)])
    iban = StringField("IBAN", validators=[DataRequired("Vul het IBAN in."), Length(max=42)])
    bic = StringField("BIC", validators=[Optional(), Length(max=11)])
    street = StringField("Straat en huisnummer", validators=[Optional(), Length(max=200)])
    postcode = StringField("Postcode", validators=[Optional(), Length(max=10)])
    city = StringField("Plaats", validators=[Optional(), Length(max=100)])
    contact_name = StringField("Contactpersoon", validators=[Optional(), Length(max=120)])
    contact_email = EmailField("E-mailadres contactpersoon",
                               validators=[Optional(), Email("Dit is geen geldig e-mailadres."), Length(max=254)])
    contact_phone = StringField("Telefoon contactpersoon", validators=[Optional(), Length(max=30)])
    keurmerk_status = SelectField("Keurmerk Blik op Werk", choices=options(KEURMERK_LABELS.items()),
                                  default=KeurmerkStatus.NONE.value)
    keurmerk_valid_until = DateField("Keurmerk geldig tot en met (bij een keurmerk met einddatum)",
                                     validators=[Optional()])
    keurmerk_status_since = DateField("Geschorst of ingetrokken sinds", validators=[Optional()])


class ProviderUserForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."),
                                                  Email("Dit is geen geldig e-mailadres."), Length(max=254)])
    name = StringField("Naam", validators=[Optional(), Length(max=120)])
