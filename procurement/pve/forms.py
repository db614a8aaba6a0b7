"""HTML forms of the PvE; they check shape only, the services check the rules (core.terms)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import options
from core.term_forms import NumberText, TermRows, kpi_rows, milestone_rows
from procurement.pve.content import FREE_PREFIX, MAX_BODY
from procurement.pve.models import STATUS_LABELS


class CreateForm(FlaskForm):
    procurement_case_id = SelectField("Inkoopzaak", coerce=int, validators=[DataRequired("Kies een inkoopzaak.")])
    title = StringField("Titel", validators=[Optional(), Length(max=200)])


class SectionForm(Form):
    key = HiddenField()
    title = StringField("Titel", validators=[Length(max=200)])
    body = TextAreaField("Tekst (Markdown)", validators=[Length(max=MAX_BODY)])


class VersionForm(FlaskForm, TermRows):
    sections = FieldList(FormField(SectionForm))
    new_title = StringField("Titel van een nieuwe vrije paragraaf", validators=[Length(max=200)])
    new_body = TextAreaField("Tekst van de nieuwe vrije paragraaf", validators=[Length(max=MAX_BODY)])
    kpis = kpi_rows()
    price_per_trajectory = NumberText("Prijs per traject (euro)", validators=[DataRequired("Vul de prijs in.")])
    ceiling = NumberText("Plafond (euro, optioneel)", validators=[Optional(), Length(max=20)])
    milestones = milestone_rows()
    note = StringField("Wat is er gewijzigd?", validators=[Length(max=500)])

    def fill(self, version) -> None:
        """Prefill from a version: its sections, a row per indicator and per milestone."""
        for section in version.sections:
            self.sections.append_entry(section)
        financing = version.financing or {}
        self.price_per_trajectory.data = financing.get("price_per_trajectory")
        self.ceiling.data = financing.get("ceiling")
        self.fill_terms(financing.get("milestones"), version.kpis)

    def to_data(self) -> dict:
        """The shape the services take: free sections left empty are dropped, empty schedule rows ignored."""
        sections = [{"key": s.key.data, "title": s.title.data, "body": s.body.data} for s in self.sections
                    if not (s.key.data.startswith(FREE_PREFIX) and not s.title.data and not s.body.data)]
        if self.new_title.data or self.new_body.data:
            used = {s["key"] for s in sections}
            n = next(n for n in range(1, 1000) if f"{FREE_PREFIX}{n}" not in used)
            sections.append({"key": f"{FREE_PREFIX}{n}", "title": self.new_title.data, "body": self.new_body.data})
        terms = self.term_items()
        return {"sections": sections, "kpis": terms["kpis"], "note": self.note.data,
                "financing": {"price_per_trajectory": self.price_per_trajectory.data, "ceiling": self.ceiling.data,
                              "milestones": terms["milestones"]}}


class CommentForm(FlaskForm):
    section_key = SelectField("Paragraaf", validators=[DataRequired()])
    body = TextAreaField("Opmerking", validators=[DataRequired("Schrijf een opmerking."), Length(max=5000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField("Antwoord", validators=[DataRequired("Schrijf een antwoord."), Length(max=5000)])


class AttachmentForm(FlaskForm):
    file = FileField("Bijlage (PDF, DOCX, XLSX of ODT, hoogstens 20 MB)", validators=[FileRequired("Kies een bestand.")])


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    service = SelectField("Dienst", choices=[], validators=[Optional()])
    status = SelectField("Status", validators=[Optional()],
                         choices=options([("", "Alle"), *((s.value, label) for s, label in STATUS_LABELS.items())]))
    municipality = SelectField("Gemeente", choices=[], validators=[Optional()])
