"""Jinja filters and globals: money and dates in Dutch notation, navigation per role."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_login import current_user

from core.dates import today
from core.models import ROLE_LABELS
from core.money import format_money
from core.registry import items

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


def format_date(value: date | datetime | None, long: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo("Europe/Amsterdam"))
        return f"{local:%d-%m-%Y %H:%M}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if long else f"{value:%d-%m-%Y}"


def format_number(value: Decimal | None) -> str:
    """A decimal in Dutch notation without trailing zeros: 10.0000 -> "10", 0.8500 -> "0,85"."""
    return "-" if value is None else f"{value.normalize():f}".replace(".", ",")


def navigation() -> list:
    if not current_user.is_authenticated:
        return []
    return [item for item in items(current_app, "nav") if not item.roles or current_user.role in item.roles]


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_number, "number")
    app.add_template_global(navigation)
    app.add_template_global(today)
    app.add_template_global(ROLE_LABELS, "role_labels")
