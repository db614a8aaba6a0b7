from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from core.forms import options


class WindowForm(FlaskForm):
    """The drill-down window (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    from_ = DateField("Van", validators=[Optional()], name="from")
    to = DateField("Tot en met", validators=[Optional()])
    municipality = SelectField("Gemeente", choices=[], validators=[Optional()])


class DashboardFilterForm(FlaskForm):
    """The dashboard's filters (GET); the choices come from kpis.filters.choices."""

    class Meta:
        csrf = False

    provider = SelectField("Aanbieder", coerce=int, validators=[Optional()])
    service = SelectField("Dienst", coerce=int, validators=[Optional()])
    municipality = SelectField("Gemeente", coerce=int, validators=[Optional()])
    status = SelectField("Status", validators=[Optional()])

    @classmethod
    def of(cls, formdata, offered: dict) -> "DashboardFilterForm":
        form = cls(formdata)
        for name, pairs in offered.items():
            form[name].choices = options([(0 if name != "status" else "", "Alle")] + list(pairs))
        if not form.validate():  # a value that is not offered (any more) falls back to all
            for name in list(form.errors):
                form[name].data, form[name].errors = form[name].default, []
        return form


class ScorecardForm(FlaskForm):
    class Meta:
        csrf = False

    first = StringField("Eerste maand (JJJJ-MM)", validators=[DataRequired("Vul de eerste maand in."),
                                                               Regexp(r"^\d{4}-\d{2}$", message="Schrijf JJJJ-MM.")])
    last = StringField("Laatste maand (JJJJ-MM)", validators=[DataRequired("Vul de laatste maand in."),
                                                               Regexp(r"^\d{4}-\d{2}$", message="Schrijf JJJJ-MM.")])
    format = SelectField("Bestand", choices=options({"pdf": "PDF", "xlsx": "Excel (XLSX)"}))


class HandleAlertForm(FlaskForm):
    note = TextAreaField("Wat is er met dit signaal gedaan?",
                         validators=[DataRequired("Beschrijf kort wat er is gedaan."), Length(max=500)])
