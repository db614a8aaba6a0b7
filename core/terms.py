"""The rules of payment schedules (payments.md) and KPI agreements (kpis.md).

PvE financing sections and contracts validate with these same functions, so a schedule adopted in a PvE
is always one a contract accepts. Both return normalised copies with defaults filled in, or raise one
DomainError listing every problem as {"index", "field", "message"}.
"""
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from core.errors import DomainError
from core.money import parse_decimal, percentage_of

#: DUO's codes with the words a user reads.
SKILL_LABELS = {"LE": "lezen", "LU": "luisteren", "SC": "schrijven", "SP": "spreken"}
COMPONENT_LABELS = {"KNM": "KNM"} | SKILL_LABELS
MODULE_LABELS = {"MAP": "Module Arbeidsmarkt en Participatie", "PVT": "Participatieverklaringstraject",
                 "ZROUTE": "Z-route-module"}
DESTINATION_LABELS = {"werk": "werk", "opleiding": "opleiding", "overig": "overig"}
#: The buckets in which DUO counts hours (Gevolgde Uren API, issue 19): taal and KNM lessons in the leerroute
#: (ParticipatieAlsTaalles), participation activities of the Z-route (Participatieactiviteiten) and the practical
#: hours of the MAP. An attendance report names one; without it, it is taal and KNM (the one bucket of before).
HOURS_BUCKET_LABELS = {"taal_knm": "taal en KNM", "participatie": "participatie (Z-route)",
                       "map": "MAP-praktijk"}
HOURS_BUCKETS = tuple(HOURS_BUCKET_LABELS)
DEFAULT_BUCKET = "taal_knm"
SKILLS = tuple(SKILL_LABELS)
COMPONENTS = tuple(COMPONENT_LABELS)
LEVELS = ("A0", "A1", "A2", "B1", "B2")
EXAM_LEVELS = ("A2", "B1", "B2")
MODULES = tuple(MODULE_LABELS)
DESTINATIONS = tuple(DESTINATION_LABELS)
MILESTONE_KINDS = {"inspanning": "Inspanning", "prestatie": "Prestatie"}

TRIGGER_LABELS = {
    "start": "Start van het traject",
    "attendance_month": "Maand met voldoende aanwezigheid",
    "hours": "Aantal gevolgde uren bereikt",
    "level": "Taalniveau bereikt",
    "exam": "Examen behaald",
    "module": "Module afgerond",
    "completed": "Traject afgerond",
    "outflow": "Uitstroom",
}

#: Who may report what earns a milestone (a milestone's `sources`): DUO's own registrations, municipal staff (entered
#: or confirmed by hand), the provider. Evidence from another source makes a claim that staff verify.
SOURCES = {"duo": "DUO", "staff": "Gemeente", "provider": "Aanbieder"}


def default_sources(trigger: str, kind: str) -> list[str]:
    """The template's evidence rule per trigger: exam results only from DUO or staff; MAP, PVT and Z-route
    completion only by staff; a provider's progress test pays a result (prestatie) milestone only where the
    contract says so; everything else from any source."""
    if trigger == "exam" or (trigger == "level" and kind == "prestatie"):
        return ["duo", "staff"]
    if trigger == "module":
        return ["staff"]
    return list(SOURCES)


KPI_NAMES = {
    "timely_start": "Tijdige start",
    "attendance_rate": "Aanwezigheid",
    "dropout_rate": "Uitval",
    "exam_pass_rate": "Examenresultaat",
    "level_progress": "Taalvoortgang",
    "median_duration": "Doorlooptijd",
    "outflow_work_rate": "Uitstroom naar werk",
    "on_course_in_term": "Op koers binnen de termijn",
    "timely_pip": "Tijdig PIP",
    "start_after_pip": "Start na het PIP",
}
DIRECTIONS = {"min": "minimaal", "max": "maximaal"}
#: The indicators measured in days; the others are ratios, read as percentages.
KPIS_IN_DAYS = ("median_duration",)


class _Param:
    def __init__(self, kind: str, required: bool = False, default=None, choices=(), low=None, high=None):
        self.kind, self.required, self.default = kind, required, default
        self.choices, self.low, self.high = choices, low, high

    def clean(self, value):
        """The normalised value; ValueError with a Dutch message when it is wrong."""
        if self.kind == "list":
            if not isinstance(value, list) or not value:
                raise ValueError("Geef een niet-lege lijst.")
            bad = [v for v in value if v not in self.choices]
            if bad:
                raise ValueError(f"Onbekende waarde {bad[0]!r}; kies uit {', '.join(self.choices)}.")
            return list(dict.fromkeys(value))
        if self.kind == "choice":
            if value not in self.choices:
                raise ValueError(f"Kies uit {', '.join(self.choices)}.")
            return value
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < self.low:
                raise ValueError(f"Geef een geheel getal van minstens {self.low}.")
            return value
        if isinstance(value, bool):
            raise ValueError("Geef een getal.")
        try:
            number = parse_decimal(str(value), places=4)
        except ValueError:
            raise ValueError("Geef een getal.") from None
        if number < self.low or (self.high is not None and number > self.high):
            raise ValueError(f"Geef een getal van {self.low} tot en met {self.high}." if self.high is not None
                             else f"Geef een getal van minstens {self.low}.")
        return str(number)


TRIGGER_PARAMS = {
    "start": {},
    "attendance_month": {"min_rate": _Param("number", default="0.80", low=Decimal(0), high=Decimal(1)),
                         "max_months": _Param("int", low=1), "bucket": _Param("choice", choices=HOURS_BUCKETS)},
    "hours": {"hours": _Param("number", required=True, low=Decimal("0.01")),
              "bucket": _Param("choice", choices=HOURS_BUCKETS)},
    "level": {"skills": _Param("list", required=True, choices=SKILLS),
              "level": _Param("choice", required=True, choices=LEVELS)},
    "exam": {"components": _Param("list", required=True, choices=COMPONENTS),
             "level": _Param("choice", default="B1", choices=EXAM_LEVELS)},
    "module": {"module": _Param("choice", required=True, choices=MODULES)},
    "completed": {},
    "outflow": {"destinations": _Param("list", required=True, choices=DESTINATIONS)},
}

KPI_PARAMS = {
    "timely_start": {"weeks": _Param("int", default=10, low=1)},
    "attendance_rate": {"bucket": _Param("choice", choices=HOURS_BUCKETS)},
    "dropout_rate": {},
    "exam_pass_rate": {"level": _Param("choice", default="B1", choices=EXAM_LEVELS)},
    "level_progress": {},
    "median_duration": {},
    "outflow_work_rate": {},
    "on_course_in_term": {},
    "timely_pip": {"weeks": _Param("int", default=10, low=1)},
    "start_after_pip": {"weeks": _Param("int", default=6, low=1)},
}


def _clean_params(spec: dict, params, index: int, errors: list) -> dict:
    if params is None:
        params = {}
    if not isinstance(params, dict):
        errors.append({"index": index, "field": "params", "message": "Geef de parameters als object."})
        return {}
    cleaned = {}
    for name in params.keys() - spec.keys():
        errors.append({"index": index, "field": f"params.{name}", "message": "Onbekende parameter."})
    for name, param in spec.items():
        if params.get(name) is None:
            if param.required:
                errors.append({"index": index, "field": f"params.{name}", "message": "Deze parameter is verplicht."})
            elif param.default is not None:
                cleaned[name] = param.default
            continue
        try:
            cleaned[name] = param.clean(params[name])
        except ValueError as exc:
            errors.append({"index": index, "field": f"params.{name}", "message": str(exc)})
    return cleaned


def _require_text(item: dict, name: str, index: int, errors: list, max_length: int) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        errors.append({"index": index, "field": name, "message": "Dit veld is verplicht."})
        return ""
    if len(value) > max_length:
        errors.append({"index": index, "field": name, "message": f"Maximaal {max_length} tekens."})
    return value.strip()


def _money(value, index: int, name: str, errors: list, high: Decimal | None = None) -> Decimal | None:
    try:
        number = parse_decimal(str(value), places=2 if name == "amount" else 4)
    except ValueError:
        errors.append({"index": index, "field": name, "message": "Geef een bedrag of percentage als getal."})
        return None
    if number < 0 or (high is not None and number > high):
        errors.append({"index": index, "field": name,
                       "message": "Mag niet negatief zijn." if number < 0 else f"Mag niet meer zijn dan {high}."})
        return None
    return number


def validate_milestones(items) -> list[dict]:
    """A payment schedule: unique codes, a known trigger with valid params, an amount or a percentage."""
    if not isinstance(items, list):
        raise DomainError("Het betaalschema is geen lijst.", field="milestones")
    errors, cleaned, seen = [], [], set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append({"index": index, "field": None, "message": "Een mijlpaal is een object."})
            continue
        unknown = item.keys() - {"code", "label", "kind", "trigger", "params", "amount", "percentage", "sources"}
        errors += [{"index": index, "field": name, "message": "Onbekend veld."} for name in sorted(unknown)]
        code = _require_text(item, "code", index, errors, 20)
        if code and code in seen:
            errors.append({"index": index, "field": "code", "message": f"De code {code} komt twee keer voor."})
        seen.add(code)
        label = _require_text(item, "label", index, errors, 200)
        kind = item.get("kind")
        if kind not in MILESTONE_KINDS:
            errors.append({"index": index, "field": "kind", "message": "Kies inspanning of prestatie."})
        trigger = item.get("trigger")
        params = {}
        if trigger not in TRIGGER_PARAMS:
            errors.append({"index": index, "field": "trigger",
                           "message": f"Onbekende trigger; kies uit {', '.join(TRIGGER_PARAMS)}."})
        else:
            params = _clean_params(TRIGGER_PARAMS[trigger], item.get("params"), index, errors)
        has_amount, has_percentage = item.get("amount") is not None, item.get("percentage") is not None
        amount = percentage = None
        if has_amount == has_percentage:
            errors.append({"index": index, "field": "amount", "message": "Geef óf een bedrag óf een percentage."})
        elif has_amount:
            amount = _money(item["amount"], index, "amount", errors)
        else:
            percentage = _money(item["percentage"], index, "percentage", errors, high=Decimal(100))
        cleaned.append({"code": code, "label": label, "kind": kind, "trigger": trigger, "params": params,
                        "amount": amount, "percentage": percentage,
                        "sources": clean_sources(item.get("sources"), trigger, kind, index, errors)})
    if errors:
        raise DomainError("Het betaalschema is niet geldig.", field="milestones", errors=errors)
    return cleaned


def clean_sources(sources, trigger: str, kind: str, index: int, errors: list) -> list[str]:
    """A milestone's sources in SOURCES order; absent (None) means the template's default_sources."""
    if sources is None:
        return default_sources(trigger, kind)
    if not isinstance(sources, list) or not sources or any(s not in SOURCES for s in sources):
        errors.append({"index": index, "field": "sources", "message": "Kies één of meer van: " + ", ".join(
            f"{label} ({code})" for code, label in SOURCES.items()) + "."})
        return []
    return [s for s in SOURCES if s in sources]


def validate_kpi_agreements(items) -> list[dict]:
    """KPI agreements: a known indicator (each at most once) with valid params, a numeric norm and a direction."""
    if not isinstance(items, list):
        raise DomainError("De prestatie-indicatoren zijn geen lijst.", field="kpis")
    errors, cleaned, seen = [], [], set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append({"index": index, "field": None, "message": "Een indicator is een object."})
            continue
        unknown = item.keys() - {"kpi", "params", "norm", "direction"}
        errors += [{"index": index, "field": name, "message": "Onbekend veld."} for name in sorted(unknown)]
        kpi = item.get("kpi")
        params = {}
        if kpi not in KPI_PARAMS:
            errors.append({"index": index, "field": "kpi", "message": f"Onbekende indicator; kies uit {', '.join(KPI_PARAMS)}."})
        elif kpi in seen:
            errors.append({"index": index, "field": "kpi", "message": "Deze indicator is al afgesproken."})
        else:
            params = _clean_params(KPI_PARAMS[kpi], item.get("params"), index, errors)
        seen.add(kpi)
        norm = None
        try:
            norm = parse_decimal(str(item.get("norm")), places=4) if not isinstance(item.get("norm"), bool) else None
        except ValueError:
            pass
        if norm is None:
            errors.append({"index": index, "field": "norm", "message": "Geef de norm als getal."})
        direction = item.get("direction")
        if direction not in DIRECTIONS:
            errors.append({"index": index, "field": "direction", "message": "Kies min of max."})
        cleaned.append({"kpi": kpi, "params": params, "norm": norm, "direction": direction})
    if errors:
        raise DomainError("De prestatie-indicatoren zijn niet geldig.", field="kpis", errors=errors)
    return cleaned


def terms_to_json(items: list[dict]) -> list[dict]:
    """Validated milestones or KPI agreements as JSON-safe dicts (Decimals as strings), e.g. for a JSON column."""
    return [{k: str(v) if isinstance(v, Decimal) else v for k, v in item.items()} for item in items]


def _field(item, name: str):
    """Milestones and tariff changes come as model objects or as mappings (a PvE's JSON, a simulation's input)."""
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name)  # a missing key: not set


def tariff_on(price_per_trajectory: Decimal, tariff_changes, day: date | None) -> tuple[Decimal, dict[str, Decimal]]:
    """The price per trajectory and the changed fixed amounts in force on `day`: every change effective on or before
    it, in date order; a fixed amount a change sets holds until a later change sets it again. Without changes the
    day does not matter (None is allowed)."""
    price, amounts = Decimal(price_per_trajectory), {}
    for change in sorted(tariff_changes, key=lambda c: _field(c, "effective_on")):
        if _field(change, "effective_on") > day:
            break
        price = Decimal(_field(change, "price_per_trajectory"))
        amounts.update({code: Decimal(str(value)) for code, value in (_field(change, "amounts") or {}).items()})
    return price, amounts


def amount_on(milestone, price_per_trajectory: Decimal, tariff_changes, day: date | None) -> Decimal:
    """What a milestone pays when its trigger date is `day`: its fixed amount, or its percentage of the price
    (half-up), as the tariff in force that day sets them. The one definition: runs, the contract page and the PvE
    terms all ask it; it reads no database, so a caller may ask it for every line.

    `milestone` has code, amount and percentage; each tariff change effective_on, price_per_trajectory and amounts
    ({code: amount}); attributes or mapping keys."""
    price, amounts = tariff_on(price_per_trajectory, tariff_changes, day)
    code, fixed = _field(milestone, "code"), _field(milestone, "amount")
    if fixed is not None:
        return amounts.get(code, Decimal(str(fixed)))
    return percentage_of(Decimal(str(_field(milestone, "percentage"))), price)
