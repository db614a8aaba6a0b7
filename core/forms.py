import re
from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, EmailField, FloatField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional


def options(pairs: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """A select field's choices from a mapping or from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in (pairs.items() if isinstance(pairs, Mapping) else pairs)]


class DutchNumber:
    """A number as Dutch users type it: a comma before the decimals, and then points between the thousands
    (4.250,00); a point alone still reads as the decimal point (4250.00)."""

    def process_formdata(self, valuelist):
        super().process_formdata([dutch_number(v) for v in valuelist])


#: 4.250,00: points between groups of three digits, then a decimal comma.
THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+,\d*")


def dutch_number(text: str) -> str:
    """A number typed the Dutch way (4.250,00 or 4250,00) as Python reads it (4250.00)."""
    text = text.strip()
    return (text.replace(".", "") if THOUSANDS.fullmatch(text) else text).replace(",", ".")


class AmountField(DutchNumber, DecimalField):
    """A decimal (an amount, hours, a score), typed with a comma or a point."""


class ShareField(DutchNumber, FloatField):
    """A percentage kept as a float (it is stored in JSON facts), typed with a comma or a point."""


class LoginForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."),
                                                  Email("Dit is geen geldig e-mailadres.")])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in."), Length(max=200)])


class DocumentForm(FlaskForm):
    """A document on a provider or contract; the kinds and the documents it may replace come from the owner."""

    file = FileField("Bestand (PDF, DOCX, XLSX of ODT, hoogstens 20 MB)", validators=[FileRequired("Kies een bestand.")])
    title = StringField("Titel", validators=[DataRequired("Geef het document een titel."), Length(max=200)])
    kind = SelectField("Soort", choices=[], validators=[DataRequired("Kies een soort document.")])
    valid_until = DateField("Geldig tot en met (als het verloopt)", validators=[Optional()])
    supersedes_id = SelectField("Vervangt", choices=[], coerce=int, validators=[Optional()])

    @classmethod
    def of(cls, labels: dict, current: list) -> "DocumentForm":
        form = cls()
        form.kind.choices = options((kind.value, label) for kind, label in labels.items())
        form.supersedes_id.choices = options([(0, "Geen: een nieuw document")] + [
            (d.id, f"{d.title} ({d.filename})") for d in current])
        return form
