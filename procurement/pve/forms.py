"""HTML forms of the PvE; they check shape only, the services check the rules (core.terms)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import options
from core.terms import DIRECTIONS, KPI_NAMES, KPI_PARAMS, MILESTONE_KINDS, TRIGGER_LABELS, TRIGGER_PARAMS
from procurement.pve.content import FREE_PREFIX, MAX_BODY, params_text
from procurement.pve.models import STATUS_LABELS

EMPTY_MILESTONE_ROWS = 3


class CreateForm(FlaskForm):
    procurement_case_id = SelectField("Inkoopzaak", coerce=int, validators=[DataRequired("Kies een inkoopzaak.")])
    title = StringField("Titel", validators=[Optional(), Length(max=200)])


class SectionForm(Form):
    key = HiddenField()
    title = StringField("Titel", validators=[Length(max=200)])
    body = TextAreaField("Tekst (Markdown)", validators=[Length(max=MAX_BODY)])


class KpiRowForm(Form):
    kpi = HiddenField()
    included = BooleanField("Afspreken")
    params = StringField("Parameters (naam=waarde; ...)", validators=[Length(max=200)])
    norm = StringField("Norm", validators=[Length(max=20)])
    direction = SelectField("Richting", choices=options(DIRECTIONS))


class MilestoneRowForm(Form):
    code = StringField("Code", validators=[Length(max=20)])
    #: Not "label": a FormField has a label of its own.
    text = StringField("Omschrijving", validators=[Length(max=200)])
    kind = SelectField("Soort", choices=options(MILESTONE_KINDS))
    trigger = SelectField("Trigger", choices=options(TRIGGER_LABELS))
    params = StringField("Parameters (naam=waarde; ...)", validators=[Length(max=200)])
    amount = StringField("Bedrag (euro)", validators=[Length(max=20)])
    percentage = StringField("Of percentage van de prijs", validators=[Length(max=20)])


class VersionForm(FlaskForm):
    sections = FieldList(FormField(SectionForm))
    new_title = StringField("Titel van een nieuwe vrije paragraaf", validators=[Length(max=200)])
    new_body = TextAreaField("Tekst van de nieuwe vrije paragraaf", validators=[Length(max=MAX_BODY)])
    kpis = FieldList(FormField(KpiRowForm))
    price_per_trajectory = StringField("Prijs per traject (euro)", validators=[DataRequired("Vul de prijs in.")])
    ceiling = StringField("Plafond (euro, optioneel)", validators=[Optional(), Length(max=20)])
    milestones = FieldList(FormField(MilestoneRowForm))
    note = StringField("Wat is er gewijzigd?", validators=[Length(max=500)])

    def fill(self, version) -> None:
        """Prefill from a version: every KPI gets a row, the schedule three empty rows to add to."""
        agreed = {k["kpi"]: k for k in version.kpis or []}
        for section in version.sections:
            self.sections.append_entry(section)
        for code in KPI_NAMES:
            row = agreed.get(code)
            self.kpis.append_entry({"kpi": code, "included": row is not None, "norm": row["norm"] if row else "",
                                    "params": params_text(row["params"]).strip("[]") if row else "",
                                    "direction": row["direction"] if row else "min"})
        financing = version.financing or {}
        self.price_per_trajectory.data = financing.get("price_per_trajectory")
        self.ceiling.data = financing.get("ceiling")
        for m in financing.get("milestones", []) + [{}] * EMPTY_MILESTONE_ROWS:
            self.milestones.append_entry(m | {"text": m.get("label"),
                                              "params": params_text(m.get("params") or {}).strip("[]")})

    def to_data(self) -> dict:
        """The shape the services take: free sections left empty are dropped, empty schedule rows ignored."""
        sections = [{"key": s.key.data, "title": s.title.data, "body": s.body.data} for s in self.sections
                    if not (s.key.data.startswith(FREE_PREFIX) and not s.title.data and not s.body.data)]
        if self.new_title.data or self.new_body.data:
            used = {s["key"] for s in sections}
            n = next(n for n in range(1, 1000) if f"{FREE_PREFIX}{n}" not in used)
            sections.append({"key": f"{FREE_PREFIX}{n}", "title": self.new_title.data, "body": self.new_body.data})
        kpis = [{"kpi": r.kpi.data, "params": parse_params(r.params.data, KPI_PARAMS.get(r.kpi.data, {})),
                 "norm": r.norm.data, "direction": r.direction.data} for r in self.kpis if r.included.data]
        milestones = [{"code": r.code.data, "label": r.text.data, "kind": r.kind.data, "trigger": r.trigger.data,
                       "params": parse_params(r.params.data, TRIGGER_PARAMS.get(r.trigger.data, {})),
                       "amount": r.amount.data or None, "percentage": r.percentage.data or None}
                      for r in self.milestones if r.code.data or r.text.data]
        return {"sections": sections, "kpis": kpis, "note": self.note.data,
                "financing": {"price_per_trajectory": self.price_per_trajectory.data, "ceiling": self.ceiling.data,
                              "milestones": milestones}}


def parse_params(text: str, spec: dict) -> dict:
    """'skills=LE,LU; level=B1' -> {"skills": ["LE", "LU"], "level": "B1"}; core.terms checks the values."""
    params = {}
    for part in (text or "").split(";"):
        name, _, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not name:
            continue
        param = spec.get(name)
        kind = param.kind if param is not None else "text"
        if kind == "list":
            params[name] = [v.strip() for v in value.split(",") if v.strip()]
        elif kind == "int":
            params[name] = int(value) if value.isdigit() else value
        else:
            params[name] = value
    return params


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
