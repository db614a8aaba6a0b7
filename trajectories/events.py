"""The progress-event vocabulary (progress-events.md) and the shape check of one event, without the database.

The check is a table per type instead of a marshmallow schema: it runs once per CSV row, and a file may hold a
million rows (the issue asks for 50,000 validated rows per second).
"""
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Callable

from core.dates import parse_period
from core.money import parse_decimal
from core.terms import COMPONENTS as EXAM_COMPONENTS
from core.terms import DEFAULT_BUCKET, DESTINATIONS, EXAM_LEVELS, HOURS_BUCKETS, MODULES, SKILLS
from core.terms import LEVELS as TEST_LEVELS

EXAM_RESULTS = ("geslaagd", "gezakt", "geen")
#: afschaling is no dropout reason (issue 19): it is an event of its own, and the participant continues in the route.
#: schakelen closes a trajectory for a route switch (trajectories.switches), never sent as such by a feed.
SWITCH_REASON = "schakelen"
DROPOUT_REASONS = ("uitval", "verhuizing", "ontheffing", "overig", SWITCH_REASON)
SKILL_NAMES = {"LE": "lezen", "LU": "luisteren", "SC": "schrijven", "SP": "spreken"}
#: The levels an onderdeel may be lowered to (Besluit inburgering 2021: afschalen from B1 to A2).
LOWERED_LEVELS = ("A2",)

TYPE_LABELS = {
    "start": "Start", "attendance": "Aanwezigheid", "progress_test": "Voortgangstoets", "exam": "Examen",
    "module_completed": "Module afgerond", "interruption": "Onderbreking", "resumption": "Hervatting",
    "afschaling": "Afschaling", "dropout": "Uitval", "completed": "Afgerond", "outflow": "Uitstroom", "retraction": "Intrekking",
}
#: Per type its extra fields: name -> (required, allowed codes or None for free/typed values).
TYPE_FIELDS: dict[str, dict[str, tuple[bool, tuple | None]]] = {
    "start": {},
    "attendance": {"month": (True, None), "hours_offered": (True, None), "hours_attended": (True, None),
                   "hours_excused": (False, None), "bucket": (False, HOURS_BUCKETS)},
    "progress_test": {"skill": (True, SKILLS), "level": (True, TEST_LEVELS)},
    "exam": {"component": (True, EXAM_COMPONENTS), "level": (False, EXAM_LEVELS), "result": (True, EXAM_RESULTS)},
    "module_completed": {"module": (True, MODULES)},
    "interruption": {"reason": (True, None)},
    "resumption": {},
    "afschaling": {"skill": (True, SKILLS), "level": (False, LOWERED_LEVELS), "pip_version": (True, None)},
    "dropout": {"reason": (True, DROPOUT_REASONS)},
    "completed": {},
    "outflow": {"destination": (True, DESTINATIONS)},
    "retraction": {"retracts": (True, None)},
}
#: The CSV columns in Dutch, as the template has them; the spec's English names stay valid (trajectories.csvfile).
DUTCH_COLUMNS = {
    "event_id": "kenmerk", "trajectory": "traject", "type": "soort", "date": "datum", "month": "maand",
    "hours_offered": "uren aangeboden", "hours_attended": "uren aanwezig", "hours_excused": "uren geoorloofd afwezig",
    "skill": "vaardigheid", "level": "niveau", "component": "onderdeel", "result": "uitslag", "module": "module",
    "reason": "reden", "destination": "bestemming", "retracts": "trekt in", "pip_version": "PIP-versie",
    "bucket": "urensoort",
}
#: In a CSV file a type may also be written as its Dutch word: "aanwezigheid" is "attendance".
TYPE_WORDS = {label.lower(): kind for kind, label in TYPE_LABELS.items()}
COMMON_FIELDS = ("event_id", "trajectory", "type", "date")
ALL_FIELDS = COMMON_FIELDS + ("month", "hours_offered", "hours_attended", "hours_excused", "skill", "level",
                              "component", "result", "module", "reason", "destination", "retracts", "pip_version",
                              "bucket")
#: The columns an event is compared on to tell a duplicate from a conflict.
CONTENT = ("type", "occurred_on", "month", "hours_offered", "hours_attended", "hours_excused", "skill", "level",
           "component", "result", "module", "reason", "destination", "pip_version", "bucket")
#: Events that may still come after the trajectory ended (dropout or completed).
AFTER_END = ("outflow", "retraction")
ENDS = ("dropout", "completed")

EVENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
DUTCH_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
REQUIRED = "Dit veld is verplicht."
BAD_EVENT_ID = "Een event_id is 1 tot 64 tekens uit A-Z, a-z, 0-9 en . _ : -."


# The parsers below are cached: a file of a million rows repeats the same few dates, months and hour counts.
@lru_cache(maxsize=4096)
def parse_date(text: str, allow_dutch: bool) -> date:
    """YYYY-MM-DD, or in CSV also DD-MM-YYYY; ValueError otherwise."""
    if m := ISO_DATE.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if allow_dutch and (m := DUTCH_DATE.fullmatch(text)):
        return date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError(text)


@lru_cache(maxsize=1024)
def _month(value: str) -> date:
    try:
        return parse_period(value)
    except ValueError:
        raise ValueError("Geen geldige maand (JJJJ-MM).") from None


@lru_cache(maxsize=4096)
def _hours(value: str) -> Decimal:
    try:
        hours = parse_decimal(value)
    except ValueError:
        raise ValueError("Geen geldig aantal uren (hoogstens twee decimalen).") from None
    if hours < 0 or hours >= 10_000:
        raise ValueError("Het aantal uren moet tussen 0 en 10.000 liggen.")
    return hours


def _reason(value: str) -> str:
    if len(value) > 200 or "\x00" in value:
        raise ValueError("De reden is hoogstens 200 tekens lang.")
    return value


def _pip_version(value: str) -> str:
    if len(value) > 20 or "\x00" in value:
        raise ValueError("De PIP-versie is hoogstens 20 tekens lang.")
    return value


def _event_id(value: str) -> str:
    if not EVENT_ID.fullmatch(value):
        raise ValueError(BAD_EVENT_ID)
    return value


def _code(codes: tuple) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in codes:
            raise ValueError(f"Onbekende code '{value[:30]}'; kies uit: {', '.join(codes)}.")
        return value
    return check


#: The parsers of the fields that are no code list.
_TYPED = {"month": _month, "hours_offered": _hours, "hours_attended": _hours, "hours_excused": _hours,
          "reason": _reason, "retracts": _event_id, "pip_version": _pip_version}
#: Per type its extra fields as (name, required, parser), built once from TYPE_FIELDS.
SHAPES = {kind: tuple((name, required, _code(codes) if codes else _TYPED[name])
                      for name, (required, codes) in fields.items())
          for kind, fields in TYPE_FIELDS.items()}
KNOWN_FIELDS = frozenset(ALL_FIELDS)
COMMON = frozenset(COMMON_FIELDS)
ALLOWED = {kind: frozenset(COMMON_FIELDS) | fields.keys() for kind, fields in TYPE_FIELDS.items()}


def as_text(value) -> str:
    """A submitted value as stripped text (None as empty)."""
    return "" if value is None else (value if isinstance(value, str) else str(value)).strip()


def parse_event(raw: dict, from_csv: bool = False) -> tuple[dict, list[tuple[str, str]]]:
    """Check one event's shape: the clean values (model attribute names), and (field, message) errors.

    A CSV row arrives as stripped text without its empty cells (trajectories.csvfile); an API item is brought to that
    shape here. The rest is the same for both.
    """
    if not isinstance(raw, dict):
        return {}, [(None, "Een gebeurtenis moet een object zijn.")]
    errors: list[tuple[str, str]] = []
    if not raw.keys() <= KNOWN_FIELDS:
        errors += [(key, "Onbekend veld.") for key in raw if key not in KNOWN_FIELDS]
    values = raw if from_csv else {key: text for key, value in raw.items() if (text := as_text(value))}
    if not values.keys() >= COMMON:
        errors += [(name, REQUIRED) for name in COMMON_FIELDS if name not in values]
    event_id, kind = values.get("event_id", ""), values.get("type", "")
    if event_id and not EVENT_ID.fullmatch(event_id):
        errors.append(("event_id", BAD_EVENT_ID))
    clean: dict = {"event_id": event_id, "trajectory": values.get("trajectory", ""), "type": kind}
    if "date" in values:
        try:
            clean["occurred_on"] = parse_date(values["date"], from_csv)
        except ValueError:
            errors.append(("date", "Geen geldige datum (JJJJ-MM-DD" + (" of DD-MM-JJJJ)." if from_csv else ").")))
    if kind and kind not in SHAPES:
        kinds = ", ".join(TYPE_WORDS if from_csv else TYPE_FIELDS)
        errors.append(("type", f"Onbekende soort '{kind[:30]}'; kies uit: {kinds}."))
        return clean, errors
    if not values.keys() <= ALLOWED.get(kind, COMMON):
        what = TYPE_LABELS[kind].lower() if kind else "een gebeurtenis zonder soort"
        errors += [(name, f"Dit veld hoort niet bij {what}.") for name in ALL_FIELDS[len(COMMON_FIELDS):]
                   if name in values and name not in TYPE_FIELDS.get(kind, ())]
    for name, required, parse in SHAPES.get(kind, ()):
        if name not in values:
            if required:
                errors.append((name, REQUIRED))
            continue
        try:
            clean[name] = parse(values[name])
        except ValueError as exc:
            errors.append((name, str(exc)))
    if kind == "attendance":
        _check_hours(clean, errors)
    elif kind == "exam":
        _check_exam_level(clean, values, errors)
    elif kind == "afschaling":
        clean.setdefault("level", LOWERED_LEVELS[0])
    return clean, errors


def _check_hours(clean: dict, errors: list) -> None:
    clean.setdefault("hours_excused", Decimal("0.00"))
    clean.setdefault("bucket", DEFAULT_BUCKET)
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
