"""Payment schedules and KPI agreements in Dutch words, for pages, PDFs, diffs and the audit log.

`core.terms` holds the rules and the codes; this module says what a milestone pays for ("Maand met voldoende
aanwezigheid: minimaal 80 % aanwezig, hoogstens 12 maanden") and what an indicator is held to ("Tijdige start
(binnen 10 weken): minimaal 90,0 %").
"""
from decimal import Decimal

from core.formats import format_count, format_decimal, format_money, format_rate
from core.terms import (COMPONENT_LABELS, DESTINATION_LABELS, DIRECTIONS, HOURS_BUCKET_LABELS, KPI_NAMES,
                        KPIS_IN_DAYS, MILESTONE_KINDS, MODULE_LABELS, SKILL_LABELS, TRIGGER_LABELS, amount_on)


def _get(term, name: str):
    """A field of a milestone or agreement, whether a dict (PvE, JSON) or a model row (contract)."""
    return term.get(name) if isinstance(term, dict) else getattr(term, name, None)


def listing(words: list[str]) -> str:
    """'lezen', 'luisteren', 'spreken' -> 'lezen, luisteren en spreken'."""
    words = [w for w in words if w]
    return ", ".join(words[:-1]) + " en " + words[-1] if len(words) > 1 else "".join(words)


def _percentage_points(fraction) -> str:
    return f"{format_decimal(Decimal(str(fraction)) * 100)} %"


def _labels(codes, labels: dict) -> str:
    return listing([labels.get(code, code) for code in codes or []])


def _bucket(p: dict) -> list[str]:
    """The hours bucket a milestone or indicator counts, when it names one: 'uren participatie (Z-route)'."""
    return [f"uren {HOURS_BUCKET_LABELS.get(p['bucket'], p['bucket'])}"] if p.get("bucket") else []


def _attendance(p: dict) -> list[str]:
    parts = [f"minimaal {_percentage_points(p.get('min_rate', '0.80'))} aanwezig"]
    return parts + ([f"hoogstens {p['max_months']} maanden"] if p.get("max_months") else []) + _bucket(p)


def _exam(p: dict) -> list[str]:
    components = p.get("components") or []
    level = f" op niveau {p.get('level', 'B1')}" if set(components) - {"KNM"} else ""
    return [f"{_labels(components, COMPONENT_LABELS)}{level}"]


_TRIGGER_PHRASES = {
    "attendance_month": _attendance,
    "hours": lambda p: ([f"na {format_decimal(p['hours'])} uur"] if p.get("hours") is not None else []) + _bucket(p),
    "level": lambda p: [f"niveau {p.get('level', '')} voor {_labels(p.get('skills'), SKILL_LABELS)}"],
    "exam": _exam,
    "module": lambda p: [MODULE_LABELS.get(p.get("module"), p.get("module") or "")],
    "outflow": lambda p: [f"naar {_labels(p.get('destinations'), DESTINATION_LABELS)}"],
}
_KPI_PHRASES = {
    "timely_start": lambda p: [f"binnen {p.get('weeks', 10)} weken na de aanmelding"],
    "exam_pass_rate": lambda p: [f"op niveau {p.get('level', 'B1')}"],
    "attendance_rate": _bucket,
    "timely_pip": lambda p: [f"binnen {p.get('weeks', 10)} weken na de kennisgeving"],
    "start_after_pip": lambda p: [f"binnen {p.get('weeks', 6)} weken"],
}


def trigger_phrase(trigger: str, params: dict | None) -> str:
    """What a milestone's parameters mean: 'minimaal 80 % aanwezig, hoogstens 12 maanden' ('' without any)."""
    phrase = _TRIGGER_PHRASES.get(trigger)
    return ", ".join(phrase(params or {})) if phrase else ""


def kpi_phrase(kpi: str, params: dict | None) -> str:
    """What an indicator's parameters mean: 'binnen 10 weken na de aanmelding' ('' without any)."""
    phrase = _KPI_PHRASES.get(kpi)
    return ", ".join(phrase(params or {})) if phrase else ""


def milestone_condition(milestone: dict) -> str:
    """'Maand met voldoende aanwezigheid (minimaal 80 % aanwezig, hoogstens 12 maanden)'."""
    label = TRIGGER_LABELS.get(_get(milestone, "trigger"), "Onbekende gebeurtenis")
    phrase = trigger_phrase(_get(milestone, "trigger"), _get(milestone, "params"))
    return f"{label} ({phrase})" if phrase else label


def milestone_value(milestone: dict, price_per_trajectory=None) -> str:
    """'€ 250,00', '20 % van de prijs', or with the price '20 % van de prijs (€ 2.000,00)' (core.terms.amount_on)."""
    if _get(milestone, "amount") is not None:
        return format_money(_get(milestone, "amount"))
    share = f"{format_decimal(_get(milestone, 'percentage') or 0)} % van de prijs"
    if price_per_trajectory is None:
        return share
    return f"{share} ({format_money(amount_on(milestone, Decimal(str(price_per_trajectory)), (), None))})"


def milestone_line(milestone: dict, price_per_trajectory=None) -> str:
    """One milestone as a line: 'START Start traject: 20 % van de prijs, inspanning bij start van het traject'."""
    kind = MILESTONE_KINDS.get(_get(milestone, "kind"), "").lower()
    condition = milestone_condition(milestone)
    value = milestone_value(milestone, price_per_trajectory)
    return (f"{_get(milestone, 'code') or ''} {_get(milestone, 'label') or ''}: {value}"
            f", {kind} bij {condition[:1].lower()}{condition[1:]}")


def kpi_name(kpi: str, params: dict | None = None) -> str:
    """'Tijdige start', or with its parameters 'Tijdige start (binnen 10 weken na de aanmelding)'."""
    phrase = kpi_phrase(kpi, params)
    name = KPI_NAMES.get(kpi, "Onbekende indicator")
    return f"{name} ({phrase})" if phrase else name


def kpi_value(value, kpi: str) -> str:
    """An indicator's value or norm: a ratio as a percentage, the median duration in days."""
    if value is None:
        return "-"
    return f"{format_count(value)} dagen" if kpi in KPIS_IN_DAYS else format_rate(value)


def kpi_norm(norm, direction: str | None, kpi: str) -> str:
    """'minimaal 90,0 %', 'maximaal 300 dagen'; '-' without a norm."""
    return "-" if norm is None else f"{DIRECTIONS.get(direction, '')} {kpi_value(norm, kpi)}"


def kpi_line(agreement: dict) -> str:
    """'Tijdige start (binnen 10 weken na de aanmelding): minimaal 90,0 %'."""
    kpi = _get(agreement, "kpi")
    return (f"{kpi_name(kpi, _get(agreement, 'params'))}: "
            f"{kpi_norm(_get(agreement, 'norm'), _get(agreement, 'direction'), kpi)}")
