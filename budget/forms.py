"""HTML forms of budget control; they check shape only, the services check the rules."""
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from budget.models import FUNDING_SOURCE_LABELS, VERSION_LABELS
from budget.whatif import MAX_MODELS
from core.forms import AmountField, dutch_number, options

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


class PayField(StringField):
    """What a milestone pays in a model: an amount in euros (1.500,00) or a percentage of the price (15%);
    empty: the model does not pay it. `value` is (amount, percentage) once validated, or None."""

    value = None

    def pre_validate(self, form):
        text = (self.data or "").strip()
        self.value = None
        if not text:
            return
        try:
            if text.endswith("%"):
                percentage = Decimal(dutch_number(text[:-1]))
                if not 0 <= percentage <= 100 or -percentage.as_tuple().exponent > 4:
                    raise ValueError
                self.value = (None, percentage)
            else:
                amount = Decimal(dutch_number(text))
                if amount < 0 or -amount.as_tuple().exponent > 2:
                    raise ValueError
                self.value = (amount, None)
        except (ValueError, InvalidOperation):
            raise ValidationError("Geef een bedrag (1.500,00) of een percentage van de prijs (15%).") from None


class ModelColumn(Form):
    """One model of the what-if form: its name, price, ceiling and per milestone of the basis what it pays."""

    name = StringField("Naam", validators=[Optional(), Length(max=60, message="Hoogstens 60 tekens.")])
    price = AmountField("Prijs per traject (euro)", places=2, validators=[
        Optional(), NumberRange(min=0, message="Mag niet negatief zijn.")])
    ceiling = AmountField("Plafond per contract (euro, leeg: geen)", places=2, validators=[
        Optional(), NumberRange(min=0, message="Mag niet negatief zijn.")])
    cells = FieldList(PayField("Betaalt"))


class WhatIfForm(FlaskForm):
    start = DateField("Van", validators=[DataRequired("Geef de eerste dag van de periode.")])
    end = DateField("Tot en met", validators=[DataRequired("Geef de laatste dag van de periode.")])
    models = FieldList(FormField(ModelColumn), min_entries=MAX_MODELS, max_entries=MAX_MODELS)


class BasisForm(FlaskForm):
    """Which contract, or which service in a region, the models are compared on (GET, no CSRF)."""

    class Meta:
        csrf = False

    basis = SelectField("Vergelijk op", validate_choice=False)
