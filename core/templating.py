"""Jinja filters and globals: numbers, money and dates in Dutch notation, the terms' vocabulary, navigation."""
from flask import Flask, current_app
from flask_login import current_user

from core import audit_text, formats, term_forms, term_text, terms
from core.dates import today
from core.models import ROLE_LABELS
from core.registry import items


def navigation() -> list:
    if not current_user.is_authenticated:
        return []
    return [item for item in items(current_app, "nav") if not item.roles or current_user.role in item.roles]


def register_template_helpers(app: Flask) -> None:
    for name in ("money", "count", "hours", "rate", "date", "period", "month"):
        app.add_template_filter(getattr(formats, f"format_{name}"), name)
    app.add_template_filter(formats.format_decimal, "number")
    for name in ("kpi_name", "kpi_value", "kpi_norm", "kpi_line", "milestone_condition", "milestone_value",
                 "milestone_line"):
        app.add_template_filter(getattr(term_text, name), name)
    app.add_template_global(navigation)
    app.add_template_global(today)
    app.add_template_global(ROLE_LABELS, "role_labels")
    vocabulary = {"trigger_labels": terms.TRIGGER_LABELS, "kpi_names": terms.KPI_NAMES, "directions": terms.DIRECTIONS,
                  "milestone_kinds": terms.MILESTONE_KINDS, "kpi_params": terms.KPI_PARAMS,
                  "kpis_in_days": terms.KPIS_IN_DAYS, "param_triggers": term_forms.PARAM_TRIGGERS,
                  "rows_button": term_forms.ROWS_BUTTON, "skill_labels": terms.SKILL_LABELS,
                  "component_labels": terms.COMPONENT_LABELS, "module_labels": terms.MODULE_LABELS}
    for name, value in vocabulary.items():
        app.add_template_global(value, name)
    app.add_template_filter(terms.TRIGGER_LABELS.get, "trigger_label")
    app.add_template_filter(audit_text.describe, "audit_describe")
    app.add_template_filter(audit_text.changes, "audit_changes")
