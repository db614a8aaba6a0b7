"""Jinja filters and globals: numbers, money and dates in Dutch notation, the terms' vocabulary, navigation."""
from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from core import audit_text, formats, term_forms, term_text, terms
from core.dates import today
from core.models import ROLE_LABELS
from core.registry import NAV_GROUPS, items


@dataclass
class NavGroup:
    label: str
    items: list
    is_current: bool


def navigation() -> list[NavGroup]:
    """The user's menu by task; the current task is the one holding this page, or else a page of its blueprint."""
    if not current_user.is_authenticated:
        return []
    mine = [item for item in items(current_app, "nav") if not item.roles or current_user.role in item.roles]
    groups = [NavGroup(label, [item for item in mine if item.group == label], False) for label in NAV_GROUPS]
    groups = [group for group in groups if group.items]
    current = next((g for g in groups if any(i.endpoint == request.endpoint for i in g.items)), None) or next(
        (g for g in groups if any(i.endpoint.split(".")[0] == request.blueprint for i in g.items)), None)
    if current:
        current.is_current = True
    return groups


@dataclass(frozen=True)
class FormError:
    """One line of a form's error summary: the message, and the field it links to (None: the whole form)."""

    field_id: str | None
    label: str
    message: str


def form_error_list(*forms) -> list[FormError]:
    """Every error of these forms, in page order, for the summary at the top of the page: fields in rows of a list
    named by their row number, errors that belong to no field last."""
    found = []
    for form in forms:
        if form is None or not form.errors:
            continue
        for field in form:
            found.extend(_field_errors(field, ""))
        found.extend(FormError(None, "", message) for message in getattr(form, "form_errors", []))
    return found


def _field_errors(field, prefix: str) -> list[FormError]:
    if field.type == "FieldList":
        return [e for n, entry in enumerate(field.entries, 1)
                for e in _field_errors(entry, f"{prefix}{_row_name(entry, n)}, ")]
    if field.type == "FormField":
        return [e for sub in field.form for e in _field_errors(sub, prefix)] + [
            FormError(None, prefix.rstrip(", "), m) for m in field.form.form_errors]
    if field.type in ("CSRFTokenField", "HiddenField", "SubmitField"):
        return []
    label = prefix + field.label.text
    return [FormError(field.id, label, message) for message in field.errors if isinstance(message, str)]


def _row_name(entry, number: int) -> str:
    """A row of a list as its page names it: by its form's `row_name` (core.term_forms: "Mijlpaal 2",
    "Aanwezigheid"), else by its number."""
    named = getattr(getattr(entry, "form", None), "row_name", None)
    return named(number) if named else f"Rij {number}"


def theme_url(location: str) -> str:
    """A theme setting's file: a URL or absolute path as configured, anything else a file under static/."""
    if location.startswith(("/", "http://", "https://")):
        return location
    return url_for("static", filename=location)


def register_template_helpers(app: Flask) -> None:
    for name in ("money", "count", "hours", "rate", "date", "period", "month"):
        app.add_template_filter(getattr(formats, f"format_{name}"), name)
    app.add_template_filter(formats.format_decimal, "number")
    for name in ("kpi_name", "kpi_value", "kpi_norm", "kpi_line", "milestone_condition", "milestone_value",
                 "milestone_line"):
        app.add_template_filter(getattr(term_text, name), name)
    app.add_template_global(navigation)
    app.add_template_global(theme_url)
    app.add_template_global(form_error_list)
    app.add_template_global(today)
    app.add_template_global(ROLE_LABELS, "role_labels")
    vocabulary = {"trigger_labels": terms.TRIGGER_LABELS, "directions": terms.DIRECTIONS,
                  "milestone_kinds": terms.MILESTONE_KINDS, "kpi_params": terms.KPI_PARAMS,
                  "kpis_in_days": terms.KPIS_IN_DAYS, "param_triggers": term_forms.PARAM_TRIGGERS,
                  "rows_button": term_forms.ROWS_BUTTON, "skill_labels": terms.SKILL_LABELS,
                  "component_labels": terms.COMPONENT_LABELS, "module_labels": terms.MODULE_LABELS,
                  "bucket_labels": terms.HOURS_BUCKET_LABELS}
    for name, value in vocabulary.items():
        app.add_template_global(value, name)
    app.add_template_filter(terms.TRIGGER_LABELS.get, "trigger_label")
    app.add_template_filter(audit_text.describe, "audit_describe")
    app.add_template_filter(audit_text.changes, "audit_changes")
