"""The editors of a payment schedule and of KPI agreements: rows of fields with Dutch labels, no JSON.

The PvE, contract and Open House forms share them (`TermRows`). They check shape only and hand `core.terms` the
shape the API sends, so HTML and JSON meet the same rules; its errors come back on the field of the row they name,
and the error summary names that row as its legend does ("Mijlpaal 2, Percentage van de prijs: ..."). Rows are
added and removed with submit buttons, so the editor works without JavaScript.
"""
from decimal import Decimal, InvalidOperation

from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from core.errors import DomainError
from core.forms import DutchNumber, options
from core.terms import (COMPONENT_LABELS, DESTINATION_LABELS, DIRECTIONS, EXAM_LEVELS, HOURS_BUCKET_LABELS,
                        KPI_NAMES, KPI_PARAMS, KPIS_IN_DAYS, LEVELS, MILESTONE_KINDS, MODULE_LABELS, SKILL_LABELS,
                        TRIGGER_LABELS, TRIGGER_PARAMS)

#: Empty schedule rows below the filled ones; "Mijlpaal toevoegen" adds more.
EMPTY_MILESTONE_ROWS = 1
#: The submit button that adds a row (value "add") or removes one (value: the row's name).
ROWS_BUTTON = "milestone_rows"
#: Parameters typed as a percentage but kept as a fraction (80 -> 0.80).
PERCENT_PARAMS = ("min_rate",)
#: Per parameter the triggers it belongs to, for the field's description and the script that hides the others.
PARAM_TRIGGERS = {name: [t for t, spec in TRIGGER_PARAMS.items() if name in spec]
                  for name in dict.fromkeys(n for spec in TRIGGER_PARAMS.values() for n in spec)}
#: What an indicator's weeks count from.
WEEKS_LABELS = {"timely_start": "Binnen hoeveel weken na de aanmelding",
                "timely_pip": "Binnen hoeveel weken na de kennisgeving van DUO",
                "start_after_pip": "Binnen hoeveel weken na het PIP"}
BUCKET_LABEL = "Urensoort (leeg: alle uren)"


class NumberText(DutchNumber, StringField):
    """A number kept as text (core.terms parses it), typed and shown with a decimal comma."""

    def _value(self) -> str:
        return (self.data or "").replace(".", ",")


def _checkboxes(label: str, labels: dict) -> SelectMultipleField:
    return SelectMultipleField(label, choices=options(labels), widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput(), validate_choice=False)


def _codes(label: str, codes, labels: dict | None = None) -> SelectField:
    return SelectField(label, choices=options([("", "-")] + [(c, (labels or {}).get(c, c)) for c in codes]),
                       validate_choice=False)


class MilestoneRowForm(Form):
    code = StringField("Code", validators=[Length(max=20)])
    #: Not "label": a FormField has a label of its own.
    text = StringField("Omschrijving", validators=[Length(max=200)])
    kind = SelectField("Soort", choices=options(MILESTONE_KINDS))
    trigger = SelectField("Betaald bij", choices=options(TRIGGER_LABELS))
    min_rate = NumberText("Minimaal aanwezig (% van de aangeboden uren)", validators=[Length(max=10)])
    max_months = StringField("Hoogstens aantal maanden", validators=[Length(max=10)])
    hours = NumberText("Aantal gevolgde uren", validators=[Length(max=10)])
    bucket = _codes(BUCKET_LABEL, HOURS_BUCKET_LABELS, HOURS_BUCKET_LABELS)
    skills = _checkboxes("Vaardigheden", SKILL_LABELS)
    level = _codes("Niveau", LEVELS)
    components = _checkboxes("Examenonderdelen", COMPONENT_LABELS)
    module = _codes("Module", MODULE_LABELS, MODULE_LABELS)
    destinations = _checkboxes("Uitstroom naar", DESTINATION_LABELS)
    percentage = NumberText("Percentage van de prijs", validators=[Length(max=20)])
    amount = NumberText("Of een vast bedrag (euro)", validators=[Length(max=20)])

    def row_name(self, number: int) -> str:
        """The row as its legend and the error summary name it."""
        return f"Mijlpaal {number}"


class KpiRowForm(Form):
    """One row per indicator: agreed or not, its parameters, the norm (a percentage, or days) and the direction."""

    kpi = HiddenField()
    included = BooleanField("Afspreken")
    weeks = StringField(WEEKS_LABELS["timely_start"], validators=[Length(max=10)])
    level = _codes("Examenniveau", EXAM_LEVELS)
    bucket = _codes(BUCKET_LABEL, HOURS_BUCKET_LABELS, HOURS_BUCKET_LABELS)
    norm = NumberText("Norm", validators=[Length(max=20)])
    direction = SelectField("Richting", choices=options(DIRECTIONS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weeks.label.text = WEEKS_LABELS.get(self.kpi.data, self.weeks.label.text)

    def row_name(self, number: int) -> str:
        return KPI_NAMES.get(self.kpi.data, "Indicator")


def milestone_rows() -> FieldList:
    return FieldList(FormField(MilestoneRowForm))


def kpi_rows() -> FieldList:
    return FieldList(FormField(KpiRowForm))


def _scaled(text: str, factor: Decimal, up: bool) -> str:
    """A number typed as a percentage as the fraction core.terms keeps (and back); other text as it is."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        return text
    return f"{(value / factor if up else value * factor).normalize():f}"


def _param_in(name: str, value) -> object:
    """A typed parameter as core.terms takes it."""
    if isinstance(value, list):
        return value
    text = (value or "").strip()
    if name in PERCENT_PARAMS:
        return _scaled(text, Decimal(100), up=True)
    return int(text) if text.isdigit() else text


def _param_out(name: str, value) -> object:
    if isinstance(value, list):
        return value
    return _scaled(str(value), Decimal(100), up=False) if name in PERCENT_PARAMS else str(value)


def _is_blank(row) -> bool:
    return not any((row.code.data, row.text.data, row.percentage.data, row.amount.data))


class TermRows:
    """The rows of a form that has a `milestones` and/or a `kpis` FieldList."""

    def fill_terms(self, milestones: list | None = None, kpis: list | None = None) -> None:
        """Prefill from the shape core.terms keeps: each milestone a row (and empty rows), each indicator a row."""
        if hasattr(self, "milestones"):
            for m in list(milestones or []) + [{}] * EMPTY_MILESTONE_ROWS:
                params = {name: _param_out(name, value) for name, value in (m.get("params") or {}).items()}
                self.milestones.append_entry({**m, **params, "text": m.get("label"),
                                              "amount": _text(m.get("amount")),
                                              "percentage": _text(m.get("percentage"))})
        if hasattr(self, "kpis"):
            agreed = {k["kpi"]: k for k in kpis or []}
            for code in KPI_NAMES:
                row = agreed.get(code, {})
                norm = _text(row.get("norm"))
                self.kpis.append_entry({**(row.get("params") or {}), "kpi": code, "included": bool(row),
                                        "direction": row.get("direction", "min"),
                                        "norm": norm if code in KPIS_IN_DAYS else _scaled(norm, Decimal(100), False)})

    def _milestone_entries(self) -> list:
        return [row for row in getattr(self, "milestones", []) if not _is_blank(row)]

    def _kpi_entries(self) -> list:
        return [row for row in getattr(self, "kpis", []) if row.included.data]

    def term_items(self) -> dict:
        """{"milestones": [...], "kpis": [...]} in core.terms' shape; blank schedule rows are left out."""
        items = {}
        if hasattr(self, "milestones"):
            items["milestones"] = [
                {"code": r.code.data, "label": r.text.data, "kind": r.kind.data, "trigger": r.trigger.data,
                 "params": {name: _param_in(name, r[name].data) for name in TRIGGER_PARAMS.get(r.trigger.data, {})
                            if r[name].data not in (None, "", [])},
                 "amount": r.amount.data or None, "percentage": r.percentage.data or None}
                for r in self._milestone_entries()]
        if hasattr(self, "kpis"):
            items["kpis"] = [
                {"kpi": r.kpi.data, "direction": r.direction.data,
                 "params": {name: _param_in(name, r[name].data) for name in KPI_PARAMS.get(r.kpi.data, {})
                            if r[name].data},
                 "norm": r.norm.data if r.kpi.data in KPIS_IN_DAYS else _scaled(r.norm.data, Decimal(100), True)}
                for r in self._kpi_entries()]
        return items

    def change_rows(self, formdata) -> bool:
        """Handle "Mijlpaal toevoegen" and "Verwijderen": True when one of them was pressed (nothing is saved)."""
        action = formdata.get(ROWS_BUTTON)
        if not action or not hasattr(self, "milestones"):
            return False
        if action == "add":
            self.milestones.append_entry()
        else:
            self.milestones.entries = [row for row in self.milestones.entries if row.name != action]
        return True

    def show_term_errors(self, exc: DomainError) -> bool:
        """Put core.terms' errors on the rows and fields they name; False when `exc` is about something else."""
        if exc.field == "milestones" and hasattr(self, "milestones"):
            rows = self._milestone_entries()
        elif exc.field == "kpis" and hasattr(self, "kpis"):
            rows = self._kpi_entries()
        else:
            return False
        for error in exc.errors or []:
            row = rows[error["index"]] if error.get("index") is not None and error["index"] < len(rows) else None
            if row is None:
                self.form_errors.append(error["message"])
                continue
            name = {"label": "text", "kpi": "included"}.get(error.get("field"), error.get("field") or "")
            fields = row.form
            target = fields[name.removeprefix("params.")] if name.removeprefix("params.") in fields else \
                fields["code" if "code" in fields else "norm"]
            target.errors = [*target.errors, error["message"]]
        self.form_errors.append(exc.message)
        return True


def _text(value) -> str:
    return "" if value is None else str(value)
