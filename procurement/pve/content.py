"""What a PvE contains: the standard sections, the templates per kind of service, Markdown and the diff."""
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal

import markdown
import nh3
from markupsafe import Markup

from core.models import ServiceKind
from core.formats import format_money
from core.term_text import kpi_line, milestone_line

SECTIONS = [
    ("inleiding", "Inleiding en context"),
    ("doelgroep", "Doelgroep en volumes"),
    ("dienstverlening", "Dienstverlening en eisen"),
    ("kwaliteit", "Kwaliteit"),
    ("duaal", "Duale trajecten"),
    ("samenhang", "Samenhang met MAP, KNM en PVT"),
    ("prestatie_indicatoren", "Prestatie-indicatoren"),
    ("financiering", "Financiering"),
    ("rapportage", "Rapportage en gegevensuitwisseling"),
    ("planning", "Planning"),
]
STANDARD_KEYS = [key for key, _ in SECTIONS]
FREE_PREFIX = "vrij-"
MAX_BODY = 50_000

_COMMON = {
    "inleiding": "Dit Programma van Eisen beschrijft de dienstverlening die de deelnemende gemeenten inkopen "
                 "in het kader van de Wet inburgering 2021.",
    "kwaliteit": "- De aanbieder beschikt over een geldig **Blik op Werk keurmerk inburgeren**.\n"
                 "- Docenten NT2 zijn gekwalificeerd (Bevoegd NT2-docent of gelijkwaardig).",
    "samenhang": "De aanbieder stemt af met de uitvoerders van de Module Arbeidsmarkt en Participatie (MAP), "
                 "Kennis van de Nederlandse Maatschappij (KNM) en het Participatieverklaringstraject (PVT).",
    "prestatie_indicatoren": "De gemeenten sturen op de onderstaande indicatoren en normen.",
    "financiering": "De aanbieder wordt per traject betaald volgens het onderstaande betaalschema.",
    "rapportage": "De aanbieder levert voortgang aan via de API of als CSV, volgens de afgesproken "
                  "gebeurtenissen. Er worden geen BSN's uitgewisseld buiten wat de wet voorschrijft.",
    "planning": "Het inkooptraject is ten minste één kwartaal voor de start van de dienstverlening afgerond.",
}
#: Per kind of service: default texts, KPI agreements and the payment schedule (core.terms shapes).
TEMPLATES = {
    ServiceKind.LEERROUTE: {
        "texts": _COMMON | {
            "doelgroep": "Inburgeringsplichtigen die de leerroute volgen. Verwachte volumes per jaar en per "
                         "gemeente staan in de tabel hieronder.",
            "dienstverlening": "Taalonderwijs gericht op het behalen van het taalniveau van de leerroute, "
                               "met minimaal 12 lesuren per week.",
            "duaal": "Waar mogelijk wordt taal gecombineerd met werk of vrijwilligerswerk (duaal traject).",
        },
        "kpis": [{"kpi": "timely_start", "params": {"weeks": 10}, "norm": "0.90", "direction": "min"},
                 {"kpi": "attendance_rate", "params": {}, "norm": "0.80", "direction": "min"},
                 {"kpi": "exam_pass_rate", "params": {"level": "B1"}, "norm": "0.60", "direction": "min"}],
        "milestones": [
            {"code": "START", "label": "Start traject", "kind": "inspanning", "trigger": "start", "percentage": "20"},
            {"code": "AANW", "label": "Maand voldoende aanwezig", "kind": "inspanning", "trigger": "attendance_month",
             "params": {"min_rate": "0.80", "max_months": 12}, "percentage": "3"},
            {"code": "B1", "label": "Examen B1 behaald", "kind": "prestatie", "trigger": "exam",
             "params": {"components": ["LE", "LU", "SC", "SP"], "level": "B1"}, "percentage": "44"},
        ],
    },
    ServiceKind.PARTICIPATIETRAJECT: {
        "texts": _COMMON | {
            "doelgroep": "Inburgeringsplichtigen en hun gezinsleden voor wie dit participatietraject is bedoeld.",
            "dienstverlening": "Begeleiding en activiteiten volgens de afspraken in het persoonlijk plan "
                               "inburgering en participatie (PIP).",
            "duaal": "Niet van toepassing, tenzij in het PIP anders is afgesproken.",
        },
        "kpis": [{"kpi": "timely_start", "params": {"weeks": 10}, "norm": "0.90", "direction": "min"},
                 {"kpi": "dropout_rate", "params": {}, "norm": "0.15", "direction": "max"}],
        "milestones": [
            {"code": "START", "label": "Start traject", "kind": "inspanning", "trigger": "start", "percentage": "50"},
            {"code": "AFGEROND", "label": "Traject afgerond", "kind": "prestatie", "trigger": "completed",
             "percentage": "50"},
        ],
    },
}


def template_content(kind: ServiceKind, price_per_trajectory: str = "0.00") -> dict:
    """Sections, KPI agreements and financing that a new PvE for this kind of service starts with."""
    template = TEMPLATES[ServiceKind(kind)]
    return {
        "sections": [{"key": key, "title": title, "body": template["texts"].get(key, "")} for key, title in SECTIONS],
        "kpis": [dict(k) for k in template["kpis"]],
        "financing": {"price_per_trajectory": price_per_trajectory, "ceiling": None,
                      "milestones": [dict(m) for m in template["milestones"]]},
    }


_ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "code", "pre", "table",
                 "thead", "tbody", "tr", "th", "td", "a"}


def render_markdown(text: str) -> Markup:
    """Markdown to HTML, sanitised: no scripts, styles, images or event handlers survive."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    return Markup(nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}, "th": {"scope"}},
                            url_schemes={"https", "mailto"}))


def kpi_lines(kpis: list | None) -> list[str]:
    """The prestatie-indicatoren as one readable line each (used by the diff)."""
    return [kpi_line(k) for k in kpis or []]


def milestone_lines(financing: dict | None) -> list[str]:
    if not financing:
        return []
    ceiling = financing.get("ceiling")
    return [f"Prijs per traject: {format_money(Decimal(str(financing['price_per_trajectory'])))}",
            f"Plafond: {format_money(Decimal(str(ceiling))) if ceiling else 'geen'}",
            *(milestone_line(m) for m in financing["milestones"])]


@dataclass
class SectionDiff:
    key: str
    title: str
    segments: list  # [(op, text)] with op "equal", "insert" or "delete"

    @property
    def changed(self) -> bool:
        return any(op != "equal" for op, _ in self.segments)


_TOKEN = re.compile(r"\s+|\S+\s*")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level differences: runs of equal, deleted and inserted text (whitespace kept)."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "delete", "replace") and i2 > i1:
            segments.append(("equal" if op == "equal" else "delete", "".join(a[i1:i2])))
        if op in ("insert", "replace") and j2 > j1:
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


def diff_versions(old, new) -> list[SectionDiff]:
    """Per section (and the two structured ones), the word diff from version `old` to version `new`."""
    def texts(version) -> dict:
        found = {s["key"]: (s["title"], s["body"]) for s in version.sections}
        found["prestatie_indicatoren:tabel"] = ("Prestatie-indicatoren (tabel)", "\n".join(kpi_lines(version.kpis)))
        found["financiering:tabel"] = ("Financiering (betaalschema)", "\n".join(milestone_lines(version.financing)))
        return found

    before, after = texts(old), texts(new)
    keys = list(after) + [k for k in before if k not in after]
    return [SectionDiff(key, (after.get(key) or before[key])[0],
                        word_diff((before.get(key) or ("", ""))[1], (after.get(key) or ("", ""))[1]))
            for key in keys]
