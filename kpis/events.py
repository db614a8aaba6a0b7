"""The progress-event vocabulary (progress-events.md) and the shape check of one event, without the database.

The check is a table per type instead of a marshmallow schema: it runs once per CSV row, and a file may hold a
million rows (the issue asks for 50,000 validated rows per second).
"""
import re
from datetime import date
from decimal import Decimal

from core.dates import parse_period
from core.money import parse_decimal

SKILLS = ("LE", "LU", "SC", "SP")
TEST_LEVELS = ("A0", "A1", "A2", "B1", "B2")
EXAM_COMPONENTS = ("KNM", "LE", "LU", "SC", "SP")
EXAM_LEVELS = ("A2", "B1", "B2")
EXAM_RESULTS = ("geslaagd", "gezakt", "geen")
MODULES = ("MAP", "PVT", "ZROUTE")
DROPOUT_REASONS = ("uitval", "afschaling", "verhuizing", "ontheffing", "overig")
DESTINATIONS = ("werk", "opleiding", "overig")
HOURS = ("hours_offered", "hours_attended", "hours_excused")

TYPE_LABELS = {
    "start": "Start", "attendance": "Aanwezigheid", "progress_test": "Voortgangstoets", "exam": "Examen",
    "module_completed": "Module afgerond", "interruption": "Onderbreking", "resumption": "Hervatting",
    "dropout": "Uitval", "completed": "Afgerond", "outflow": "Uitstroom", "retraction": "Intrekking",
}
#: Per type its extra fields: name -> (required, allowed codes or None for free/typed values).
TYPE_FIELDS: dict[str, dict[str, tuple[bool, tuple | None]]] = {
    "start": {},
    "attendance": {"month": (True, None), "hours_offered": (True, None), "hours_attended": (True, None),
                   "hours_excused": (False, None)},
    "progress_test": {"skill": (True, SKILLS), "level": (True, TEST_LEVELS)},
    "exam": {"component": (True, EXAM_COMPONENTS), "level": (False, EXAM_LEVELS), "result": (True, EXAM_RESULTS)},
    "module_completed": {"module": (True, MODULES)},
    "interruption": {"reason": (True, None)},
    "resumption": {},
    "dropout": {"reason": (True, DROPOUT_REASONS)},
    "completed": {},
    "outflow": {"destination": (True, DESTINATIONS)},
    "retraction": {"retracts": (True, None)},
}
COMMON_FIELDS = ("event_id", "trajectory", "type", "date")
ALL_FIELDS = COMMON_FIELDS + ("month", "hours_offered", "hours_attended", "hours_excused", "skill", "level",
                              "component", "result", "module", "reason", "destination", "retracts")
#: The columns an event is compared on to tell a duplicate from a conflict.
CONTENT = ("type", "occurred_on", "month", "hours_offered", "hours_attended", "hours_excused", "skill", "level",
           "component", "result", "module", "reason", "destination")
#: Events that may still come after the trajectory ended (dropout or completed).
AFTER_END = ("outflow", "retraction")
ENDS = ("dropout", "completed")

EVENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
DUTCH_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
REQUIRED = "Dit veld is verplicht."


def parse_date(text: str, allow_dutch: bool) -> date:
    """YYYY-MM-DD, or in CSV also DD-MM-YYYY; ValueError otherwise."""
    if m := ISO_DATE.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if allow_dutch and (m := DUTCH_DATE.fullmatch(text)):
        return date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError(text)


def _text(value) -> str:
    return "" if value is None else (value if isinstance(value, str) else str(value)).strip()


def parse_event(raw: dict, from_csv: bool = False) -> tuple[dict, list[tuple[str, str]]]:
    """Check one event's shape: the clean values (model attribute names), and (field, message) errors."""
    errors: list[tuple[str, str]] = []
    if not isinstance(raw, dict):
        return {}, [(None, "Een gebeurtenis moet een object zijn.")]
    values = {k: _text(v) for k, v in raw.items()}
    for key in values:
        if key not in ALL_FIELDS:
            errors.append((key, "Onbekend veld."))
    clean: dict = {}
    for name in COMMON_FIELDS:
        if not values.get(name):
            errors.append((name, REQUIRED))
    event_id, kind = values.get("event_id", ""), values.get("type", "")
    if event_id and not EVENT_ID.fullmatch(event_id):
        errors.append(("event_id", "Een event_id is 1 tot 64 tekens uit A-Z, a-z, 0-9 en . _ : -."))
    clean["event_id"], clean["trajectory"], clean["type"] = event_id, values.get("trajectory", ""), kind
    if values.get("date"):
        try:
            clean["occurred_on"] = parse_date(values["date"], from_csv)
        except ValueError:
            errors.append(("date", "Geen geldige datum (JJJJ-MM-DD" + (" of DD-MM-JJJJ)." if from_csv else ").")))
    if kind and kind not in TYPE_FIELDS:
        errors.append(("type", f"Onbekend type '{kind[:30]}'; kies uit: {', '.join(TYPE_FIELDS)}."))
        return clean, errors
    fields = TYPE_FIELDS.get(kind, {})
    for name in ALL_FIELDS[len(COMMON_FIELDS):]:
        value = values.get(name, "")
        if name not in fields:
            if value:
                errors.append((name, f"Dit veld hoort niet bij type {kind}."))
            continue
        required, codes = fields[name]
        if not value:
            if required:
                errors.append((name, REQUIRED))
            continue
        try:
            clean[name] = _field(name, value, codes)
        except ValueError as exc:
            errors.append((name, str(exc)))
    if kind == "attendance":
        _check_hours(clean, errors)
    if kind == "exam":
        _check_exam_level(clean, values, errors)
    return clean, errors


def _field(name: str, value: str, codes: tuple | None):
    if codes is not None:
        if value not in codes:
            raise ValueError(f"Onbekende code '{value[:30]}'; kies uit: {', '.join(codes)}.")
        return value
    if name == "month":
        try:
            return parse_period(value)
        except ValueError:
            raise ValueError("Geen geldige maand (JJJJ-MM).") from None
    if name in HOURS:
        try:
            hours = parse_decimal(value)
        except ValueError:
            raise ValueError("Geen geldig aantal uren (hoogstens twee decimalen).") from None
        if hours < 0 or hours >= 10_000:
            raise ValueError("Het aantal uren moet tussen 0 en 10.000 liggen.")
        return hours
    if name == "reason":
        if len(value) > 200 or "\x00" in value:
            raise ValueError("De reden is hoogstens 200 tekens lang.")
        return value
    if not EVENT_ID.fullmatch(value):  # retracts
        raise ValueError("Een event_id is 1 tot 64 tekens uit A-Z, a-z, 0-9 en . _ : -.")
    return value


def _check_hours(clean: dict, errors: list) -> None:
    clean.setdefault("hours_excused", Decimal("0.00"))
    offered = clean.get("hours_offered")
    if offered is None:
        return
    for name in ("hours_attended", "hours_excused"):
        if clean.get(name) is not None and clean[name] > offered:
            errors.append((name, "Dit mag niet meer zijn dan het aantal aangeboden uren."))


def _check_exam_level(clean: dict, values: dict, errors: list) -> None:
    component = clean.get("component")
    if component == "KNM" and values.get("level"):
        errors.append(("level", "Het KNM-examen heeft geen niveau."))
    elif component and component != "KNM" and not values.get("level"):
        errors.append(("level", REQUIRED))
