from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional


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
        form.kind.choices = [(kind.value, label) for kind, label in labels.items()]
        form.supersedes_id.choices = [(0, "Geen: een nieuw document")] + [
            (d.id, f"{d.title} ({d.filename})") for d in current]
        return form
