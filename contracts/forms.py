"""HTML forms of contracts and Open House; they check shape only, the services check the rules."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from contracts.models import ADMISSION_LABELS, CONTRACT_STATUS_LABELS, RUN_OFF_LABELS
from contracts.open_house import DEFAULT_REQUIREMENTS
from core.forms import AmountField, options
from core.term_forms import TermRows, kpi_rows, milestone_rows
from procurement.models import ROUTE_LABELS

REQUIRED = "Dit veld is verplicht."


class LinesField(TextAreaField):
    """A list of texts, one per line (empty lines left out)."""

    def process_formdata(self, valuelist):
        self.data = [line.strip() for line in (valuelist[0] if valuelist else "").splitlines() if line.strip()]

    def _value(self):
        return "\n".join(self.data or [])


def _money(label, required=True):
    return AmountField(label, places=2, validators=[DataRequired(REQUIRED) if required else Optional(),
                                                    NumberRange(min=0, message="Mag niet negatief zijn.")])


def _run_off_field() -> SelectField:
    """Chosen, never assumed: the first choice is empty."""
    return SelectField("Uitloop: trajecten die na het einde van het contract doorlopen, worden betaald",
                       choices=options([("", "Kies ..."), *((r.value, l) for r, l in RUN_OFF_LABELS.items())]),
                       validators=[DataRequired(REQUIRED)])


def _extension_field() -> BooleanField:
    return BooleanField("Inspanningsmijlpalen ook betalen in een door DUO verlengde inburgeringstermijn (anders "
                        "stoppen ze na het oorspronkelijke einde van de termijn)")


class ContractForm(FlaskForm, TermRows):
    reference = StringField("Kenmerk", validators=[DataRequired(REQUIRED), Length(max=40)])
    provider = SelectField("Aanbieder", coerce=int, validators=[DataRequired(REQUIRED)])
    service = SelectField("Dienst", validators=[DataRequired(REQUIRED)])
    procurement_route = SelectField("Inkooproute", choices=options((r.value, l) for r, l in ROUTE_LABELS.items()))
    procurement_case = SelectField("Inkoopzaak", coerce=int, default=0)
    #: The adopted PvE version the prefill came from (contracts.services.terms_from_case).
    pve_version = HiddenField(filters=[lambda v: int(v) if str(v or "").isdigit() else None])
    municipalities = SelectMultipleField("Deelnemende gemeenten", validators=[DataRequired("Kies minstens één gemeente.")])
    starts_on = DateField("Begindatum", validators=[DataRequired(REQUIRED)])
    ends_on = DateField("Einddatum (tot en met)", validators=[DataRequired(REQUIRED)])
    price_per_trajectory = _money("Prijs per traject (euro)")
    ceiling = _money("Plafond (euro, leeg is geen plafond)", required=False)
    extension_count = IntegerField("Aantal verlengingsopties", default=0, validators=[Optional(), NumberRange(0, 10)])
    extension_months = IntegerField("Duur per verlenging (maanden)", validators=[Optional(), NumberRange(1, 120)])
    option_deadline = DateField("Uiterste beslisdatum verlenging", validators=[Optional()])
    run_off = _run_off_field()
    run_off_until = DateField("Laatste betaaldag van de uitloop (bij tot en met een datum)", validators=[Optional()])
    pays_effort_in_extension = _extension_field()
    milestones = milestone_rows()
    kpis = kpi_rows()


class AmendForm(FlaskForm, TermRows):
    reason = StringField("Reden van de wijziging", validators=[DataRequired("Geef de reden."), Length(max=400)])
    ends_on = DateField("Einddatum (tot en met)", validators=[DataRequired(REQUIRED)])
    ceiling = _money("Plafond (euro, leeg is geen plafond)", required=False)
    extension_count = IntegerField("Aantal verlengingsopties", validators=[Optional(), NumberRange(0, 10)])
    extension_months = IntegerField("Duur per verlenging (maanden)", validators=[Optional(), NumberRange(1, 120)])
    option_deadline = DateField("Uiterste beslisdatum verlenging", validators=[Optional()])
    status = SelectField("Status", choices=options((s.value, l) for s, l in CONTRACT_STATUS_LABELS.items()))
    run_off = _run_off_field()
    run_off_until = DateField("Laatste betaaldag van de uitloop (bij tot en met een datum)", validators=[Optional()])
    pays_effort_in_extension = _extension_field()
    kpis = kpi_rows()


class TariffForm(FlaskForm):
    effective_on = DateField("Ingangsdatum", validators=[DataRequired(REQUIRED)])
    price_per_trajectory = _money("Nieuwe prijs per traject (euro)")
    reason = StringField("Reden", validators=[DataRequired("Geef de reden."), Length(max=500)])


class ReasonForm(FlaskForm):
    """A change that needs only its reason on the form (the evidence rules come as checkboxes)."""

    reason = StringField("Reden", validators=[DataRequired("Geef de reden."), Length(max=400)])


class OpenHouseForm(FlaskForm, TermRows):
    procurement_case = SelectField("Inkoopzaak", coerce=int, validators=[DataRequired(REQUIRED)])
    title = StringField("Titel", validators=[DataRequired(REQUIRED), Length(max=200)])
    starts_on = DateField("Begin van de looptijd", validators=[DataRequired(REQUIRED)])
    ends_on = DateField("Einde van de looptijd", validators=[DataRequired(REQUIRED)])
    price_per_trajectory = _money("Uniforme prijs per traject (leeg: uit het PvE)", required=False)
    milestones = milestone_rows()
    kpis = kpi_rows()
    requirements = LinesField("Toelatingseisen, één per regel (de checklist van elke aanmelding)",
                              default=DEFAULT_REQUIREMENTS, validators=[Length(max=30, message="Hoogstens 30 eisen.")])


class ApplicationForm(FlaskForm):
    provider = SelectField("Aanbieder", coerce=int, validators=[DataRequired(REQUIRED)])


class DecisionForm(FlaskForm):
    status = SelectField("Besluit", choices=options((s.value, l) for s, l in ADMISSION_LABELS.items() if s != "applied"))
    checklist = SelectMultipleField("Voldaan aan", widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput(), validate_choice=False)
    motivation = TextAreaField("Motivering", validators=[DataRequired("Geef een motivering."), Length(max=4000)])


class AnnouncementForm(FlaskForm):
    announced_on = DateField("Datum van de aankondiging", validators=[DataRequired(REQUIRED)])
    url = StringField("Webadres van de aankondiging (bijv. TenderNed)", validators=[DataRequired(REQUIRED),
                                                                                   Length(max=500)])
