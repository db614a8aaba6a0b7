"""HTML forms of budget control; they check shape only, the services check the rules."""
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange, Optional

from budget.models import FUNDING_SOURCE_LABELS, VERSION_LABELS
from core.forms import AmountField, options

REQUIRED = "Dit veld is verplicht."


class BudgetLineForm(FlaskForm):
    municipality = SelectField("Gemeente", validators=[DataRequired(REQUIRED)])
    year = IntegerField("Jaar", validators=[DataRequired(REQUIRED),
                                            NumberRange(2000, 2100, "Geef een jaartal van 2000 tot en met 2100.")])
    funding_source = SelectField("Financieringsbron", choices=options(FUNDING_SOURCE_LABELS))
    service = SelectField("Dienst (leeg: alle diensten uit deze bron)", default="")
    version = SelectField("Versie", default="", choices=options(
        [("", "De versie die nu geldt (primitief als er nog niets is)"), *VERSION_LABELS.items()]))
    amount = AmountField("Bedrag (euro)", places=2, validators=[
        DataRequired("Geef het bedrag."), NumberRange(min=0, message="Een begrotingsbedrag is niet negatief.")])


class ContractFundingForm(FlaskForm):
    contract = SelectField("Contract", coerce=int, validators=[DataRequired(REQUIRED)])
    municipality = SelectField("Gemeente (leeg: alle gemeenten van het contract)", default="")
    funding_source = SelectField("Financieringsbron", choices=options(FUNDING_SOURCE_LABELS))


class YearForm(FlaskForm):
    """The year and scope of the Begroting page (GET, no CSRF)."""

    class Meta:
        csrf = False

    scope = SelectField("Regio of gemeente", validate_choice=False)
    year = IntegerField("Jaar", validators=[Optional(), NumberRange(2000, 2100, "Geef een jaartal van 2000 tot en "
                                                                                "met 2100.")])
