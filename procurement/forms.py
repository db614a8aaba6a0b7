"""HTML forms of procurement: the case, the decision, the planning, a milestone, scores and policy."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import AmountField, ShareField
from procurement.models import ROUTE_LABELS
from procurement.reference import CRITERIA

#: The facts per route, in the order the form asks them: (legend, {fact: label}, a field of its own and its hint).
FACT_GROUPS = [
    ("Inbesteden", {"own_capacity": "De eigen organisatie heeft de capaciteit en deskundigheid"}, None, None),
    ("Quasi-inbesteden", {
        "controlled_entity": "Er is een entiteit (bijv. gemeenschappelijke regeling) waarop de gemeenten toezicht "
                             "uitoefenen als op hun eigen diensten",
        "entity_private_capital": "Er zit direct privékapitaal in die entiteit",
        "entity_joint_control": "De gemeente houdt samen met andere gemeenten toezicht op de entiteit (bijv. een "
                                "gemeenschappelijke regeling); bij meer gemeenten in dit dossier is dat altijd zo",
        "joint_bodies_represent_all": "Gezamenlijk toezicht: de besluitvormingsorganen bestaan uit vertegenwoordigers "
                                      "van alle deelnemende gemeenten",
        "joint_decisive_influence": "Gezamenlijk toezicht: de gemeenten oefenen samen beslissende invloed uit op de "
                                    "strategische doelstellingen en belangrijke besluiten",
        "joint_no_contrary_interests": "Gezamenlijk toezicht: de entiteit streeft geen belangen na die strijdig zijn "
                                       "met die van de gemeenten",
    }, "entity_activity_share", "Quasi-inbesteden vraagt meer dan 80%."),
    ("Open House", {
        "all_qualifying_admitted": "Elke aanbieder die aan de voorwaarden voldoet wordt toegelaten (Open House)",
        "fixed_conditions_and_tariffs": "Voorwaarden en tarieven zijn vooraf vastgesteld en voor iedereen gelijk",
        "open_entry_during_term": "Toetreding staat de hele looptijd open",
        "participant_chooses": "De deelnemer kiest zelf uit de toegelaten aanbieders",
        "public_announcement": "De toelatingsprocedure wordt openbaar aangekondigd voordat de toelating opent",
        "published_provider_list": "Er is een gepubliceerde, gedateerde lijst van toegelaten aanbieders",
    }, None, None),
    ("Subsidie", {
        "subsidy_legal_basis": "Er is een subsidieverordening of begrotingspost",
        "enforceable_performance": "De gemeente bedingt een prestatie die zij kan afdwingen",
    }, "state_aid_ruled_out", None),
    ("Horizontale samenwerking", {
        "cooperation_between_authorities": "De overeenkomst wordt alleen tussen aanbestedende diensten gesloten "
                                           "(gemeenten, gemeenschappelijke regelingen)",
        "cooperation_common_objectives": "De samenwerking dient openbare diensten die de gemeenten moeten verrichten, "
                                         "met doelstellingen die zij gemeen hebben",
        "cooperation_public_interest_only": "De uitvoering wordt alleen bepaald door overwegingen van openbaar belang",
    }, "cooperation_market_share", "Horizontale samenwerking vraagt minder dan 20%; leeg telt als niet voldaan."),
]
FACT_LABELS = {code: label for _, facts, _, _ in FACT_GROUPS for code, label in facts.items()}


ROUTE_CHOICES = [SelectChoice(r.value, label) for r, label in ROUTE_LABELS.items()]
TRISTATE = [SelectChoice("", "Niet vastgesteld"), SelectChoice("yes", "Ja"), SelectChoice("no", "Nee")]


class CaseForm(FlaskForm):
    service = SelectField("Dienst", validators=[DataRequired("Kies een dienst.")])
    title = StringField("Titel", validators=[Optional(), Length(max=200)])
    region_id = SelectField("Regio (regionaal dossier)", coerce=lambda v: int(v) if v else None,
                            validators=[Optional()])
    municipalities = SelectMultipleField("Gemeenten (leeg: alle gemeenten van de regio)")
    expected_participants_per_year = IntegerField("Verwachte deelnemers per jaar (alle gemeenten samen)",
                                                  validators=[InputRequired("Vul een aantal in."),
                                                              NumberRange(0, 100_000)])
    price_per_trajectory = AmountField("Prijs per traject (EUR)", places=2,
                                        validators=[InputRequired("Vul een prijs in."), NumberRange(0, 10_000_000)])
    term_years = IntegerField("Looptijd (jaren)", default=2, validators=[InputRequired(), NumberRange(1, 10)])
    extension_years = IntegerField("Verlengingsopties samen (jaren)", default=0,
                                   validators=[InputRequired(), NumberRange(0, 10)])
    delivery_starts_on = DateField("Start levering", validators=[Optional()])
    announcement_planned_on = DateField("Geplande aankondiging (start van de procedure)", validators=[Optional()])
    entity_activity_share = ShareField("Aandeel activiteiten van de entiteit voor de gemeenten (%)", default=0,
                                       validators=[InputRequired(), NumberRange(0, 100)])
    state_aid_ruled_out = SelectField("Staatssteun uitgesloten of binnen de-minimis", choices=TRISTATE)
    cooperation_market_share = ShareField("Aandeel op de open markt van de activiteiten van de samenwerking (%)",
                                          validators=[Optional(), NumberRange(0, 100)])
    fact_groups = FACT_GROUPS


for _code, _label in FACT_LABELS.items():
    setattr(CaseForm, f"fact_{_code}", BooleanField(_label))
for _code, _label in CRITERIA.items():
    setattr(CaseForm, f"weight_{_code}", IntegerField(f"Gewicht: {_label}", default=1,
                                                      validators=[InputRequired(), NumberRange(0, 10)]))


def case_data(form: CaseForm) -> dict:
    """The form as the dict create_case/update_case take (the API's shape)."""
    facts = {code: form[f"fact_{code}"].data for code in FACT_LABELS}
    facts["entity_activity_share"] = form.entity_activity_share.data
    facts["cooperation_market_share"] = form.cooperation_market_share.data
    facts["state_aid_ruled_out"] = {"yes": True, "no": False}.get(form.state_aid_ruled_out.data)
    return {"service": form.service.data, "title": form.title.data or "", "region_id": form.region_id.data,
            "municipalities": form.municipalities.data, "facts": facts,
            "expected_participants_per_year": form.expected_participants_per_year.data,
            "price_per_trajectory": form.price_per_trajectory.data, "term_years": form.term_years.data,
            "extension_years": form.extension_years.data, "delivery_starts_on": form.delivery_starts_on.data,
            "announcement_planned_on": form.announcement_planned_on.data,
            "weights": {code: form[f"weight_{code}"].data for code in CRITERIA}}


def fill_case_form(form: CaseForm, case) -> None:
    form.process(obj=case, service=case.service.code, region_id=case.region_id,
                 municipalities=[m.code for m in case.municipalities],
                 entity_activity_share=case.facts.get("entity_activity_share", 0),
                 cooperation_market_share=case.facts.get("cooperation_market_share"),
                 state_aid_ruled_out={True: "yes", False: "no"}.get(case.facts.get("state_aid_ruled_out"), ""),
                 **{f"fact_{code}": bool(case.facts.get(code)) for code in FACT_LABELS},
                 **{f"weight_{code}": case.weights.get(code, 1) for code in CRITERIA})


class DecisionForm(FlaskForm):
    #: Nothing chosen at first: the first route in the list may be one that the facts block.
    route = SelectField("Gekozen route", choices=[SelectChoice("", "Kies een route")] + ROUTE_CHOICES,
                        validators=[InputRequired("Kies een route.")])
    motivation = TextAreaField("Motivering", validators=[Length(max=20_000)])


class PlanningForm(FlaskForm):
    route = SelectField("Route", choices=ROUTE_CHOICES)
    starts_on = DateField("Start van de inkoop", validators=[InputRequired("Vul een datum in.")])


class MilestoneForm(FlaskForm):
    due_on = DateField("Datum", validators=[InputRequired("Vul een datum in.")])
    done_on = DateField("Gereed op", validators=[Optional()])


class ScoreForm(FlaskForm):
    score = AmountField("Score (0-5)", places=1, validators=[InputRequired(), NumberRange(0, 5)])
    explanation = StringField("Toelichting", validators=[Optional(), Length(max=300)])


class PolicyForm(FlaskForm):
    single_source_threshold = AmountField("Grens enkelvoudig onderhands (EUR)", places=2,
                                           validators=[InputRequired(), NumberRange(0)])
    multiple_quote_threshold = AmountField("Grens meervoudig onderhands (EUR; leeg = Europese drempel)",
                                            places=2, validators=[Optional(), NumberRange(0)])
