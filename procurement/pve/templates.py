"""The template a PvE starts from, per service: its sections, KPI agreements and payment schedule, and what does not
fit the service. The three leerroutes each have their own (Wet inburgering 2021 art. 10-12, Besluit inburgering
2021); the participatietrajecten share one. A contract made for a case without an adopted PvE starts from the same
template, and PvEs and contracts of a service are checked against what its template rules out."""
from dataclasses import dataclass

from core.errors import DomainError
from core.models import Service, ServiceKind
from core.terms import KPI_NAMES, TRIGGER_LABELS

TITLES = {
    "inleiding": "Inleiding en context",
    "doelgroep": "Doelgroep en volumes",
    "dienstverlening": "Dienstverlening en eisen",
    "alfabetisering": "Alfabetisering",
    "examen": "Examens",
    "afsluiting": "Afsluiting: eindgesprek door de gemeente",
    "doorstroom": "Taalschakeltraject en doorstroom",
    "kwaliteit": "Kwaliteit",
    "duaal": "Duale trajecten",
    "samenhang": "Samenhang met MAP, KNM en PVT",
    "prestatie_indicatoren": "Prestatie-indicatoren",
    "financiering": "Financiering",
    "rapportage": "Rapportage en gegevensuitwisseling",
    "planning": "Planning",
}

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
    "alfabetisering": "Deelnemers bij wie het PIP alfabetiseringsonderwijs aangeeft (analfabeet of "
                      "anders-gealfabetiseerd) leren binnen deze leerroute eerst lezen en schrijven. Alfabetisering "
                      "is een onderdeel van de leerroute, geen apart traject; de aanbieder biedt het zelf aan.",
    "duaal": "Waar mogelijk wordt taal gecombineerd met werk of vrijwilligerswerk (duaal traject): de lestijden "
             "sluiten aan op het werk, en wat op de werkplek wordt geleerd telt mee in het leerplan.",
}
_TIMELY_START = {"kpi": "timely_start", "params": {"weeks": 10}, "norm": "0.90", "direction": "min"}
_ATTENDANCE = {"kpi": "attendance_rate", "params": {}, "norm": "0.80", "direction": "min"}
_DROPOUT = {"kpi": "dropout_rate", "params": {}, "norm": "0.15", "direction": "max"}
_EXAM_B1 = {"kpi": "exam_pass_rate", "params": {"level": "B1"}, "norm": "0.60", "direction": "min"}
_START = {"code": "START", "label": "Start traject", "kind": "inspanning", "trigger": "start"}


def _monthly(percentage: str) -> dict:
    return {"code": "AANW", "label": "Maand voldoende aanwezig", "kind": "inspanning", "trigger": "attendance_month",
            "params": {"min_rate": "0.80", "max_months": 12}, "percentage": percentage}


def _hours(code: str, hours: int, label: str, bucket: str) -> dict:
    """Hours in one of DUO's buckets (issue 19): taal and KNM, or the Z-route's participation."""
    return {"code": f"{code}{hours}", "label": label, "kind": "inspanning", "trigger": "hours",
            "params": {"hours": str(hours), "bucket": bucket}, "percentage": "15"}


@dataclass(frozen=True)
class Template:
    name: str
    #: The section keys in order; their texts are `texts`, else the common ones, else empty.
    keys: tuple[str, ...]
    texts: dict
    kpis: tuple[dict, ...]
    milestones: tuple[dict, ...]
    #: Payment triggers and indicators that do not fit the service, and why (shown with the refusal).
    excluded_triggers: frozenset = frozenset()
    excluded_kpis: frozenset = frozenset()
    exclusion_reason: str = ""
    #: Only a provider with a valid Blik op Werk keurmerk inburgeren delivers it (Besluit inburgering 2021).
    requires_keurmerk: bool = False

    def sections(self) -> list[dict]:
        return [{"key": key, "title": TITLES[key], "body": self.texts.get(key, _COMMON.get(key, ""))}
                for key in self.keys]


_TAIL = ("kwaliteit", "samenhang", "prestatie_indicatoren", "financiering", "rapportage", "planning")

B1_ROUTE = Template(
    name="B1-route",
    keys=("inleiding", "doelgroep", "dienstverlening", "alfabetisering", "examen", "duaal", *_TAIL),
    texts={
        "doelgroep": "Inburgeringsplichtigen met de B1-route (leerroute B) in hun persoonlijk plan inburgering en "
                     "participatie (PIP). Verwachte volumes per jaar en per gemeente staan in de tabel hieronder.",
        "dienstverlening": "Taalonderwijs gericht op het inburgeringsexamen op het niveau uit het PIP (B1, of A2 "
                           "waar het PIP dat voor een onderdeel vastlegt), met minimaal 12 lesuren per week, en "
                           "lessen Kennis van de Nederlandse Maatschappij.",
        "examen": "De deelnemer doet de centrale examens van DUO: lezen, luisteren, schrijven en spreken, en KNM. "
                  "De aanbieder bereidt op de examens voor en meldt de deelnemer tijdig aan.",
    },
    kpis=(_TIMELY_START, _ATTENDANCE, _EXAM_B1),
    milestones=(_START | {"percentage": "20"}, _monthly("3"),
                {"code": "B1", "label": "Examen B1 behaald", "kind": "prestatie", "trigger": "exam",
                 "params": {"components": ["LE", "LU", "SC", "SP"], "level": "B1"}, "percentage": "44"}),
    requires_keurmerk=True,
)

ONDERWIJSROUTE = Template(
    name="Onderwijsroute",
    keys=("inleiding", "doelgroep", "dienstverlening", "doorstroom", "examen", *_TAIL),
    texts={
        "doelgroep": "Inburgeringsplichtigen met de onderwijsroute (leerroute O) in hun PIP: vooral jongeren die "
                     "doorstromen naar een Nederlandse opleiding in het mbo, hbo of wo.",
        "dienstverlening": "Een taalschakeltraject van ongeveer 1.200 uur: Nederlands tot ten minste B1, en de "
                           "vakken en vaardigheden die de vervolgopleiding vraagt (Engels, rekenen, "
                           "studievaardigheden), met begeleiding bij de keuze van de opleiding.",
        "doorstroom": "Het traject eindigt met de toelating tot een vervolgopleiding. De aanbieder maakt "
                      "afspraken met mbo-instellingen en hogescholen in de regio over instroom en warme overdracht.",
        "examen": "De deelnemer sluit de taal af met het Staatsexamen NT2 (programma I, B1, of programma II, B2) of "
                  "met het diploma van het schakeltraject dat de vervolgopleiding erkent.",
        "kwaliteit": "- De aanbieder is een erkende aanbieder van taalschakeltrajecten (keurmerk taalschakeltrajecten "
                     "of een erkende onderwijsinstelling).\n"
                     "- Docenten NT2 zijn gekwalificeerd (Bevoegd NT2-docent of gelijkwaardig).",
    },
    kpis=(_TIMELY_START, _ATTENDANCE, _EXAM_B1, _DROPOUT),
    milestones=(_START | {"percentage": "15"}, _monthly("2.5"),
                {"code": "B1", "label": "Staatsexamen NT2 op B1 behaald", "kind": "prestatie", "trigger": "exam",
                 "params": {"components": ["LE", "LU", "SC", "SP"], "level": "B1"}, "percentage": "35"},
                {"code": "DOORSTR", "label": "Doorstroom naar een vervolgopleiding", "kind": "prestatie",
                 "trigger": "outflow", "params": {"destinations": ["opleiding"]}, "percentage": "20"}),
)

Z_ROUTE = Template(
    name="Z-route",
    keys=("inleiding", "doelgroep", "dienstverlening", "alfabetisering", "afsluiting", "duaal", *_TAIL),
    texts={
        "doelgroep": "Inburgeringsplichtigen met de zelfredzaamheidsroute (leerroute Z) in hun PIP, voor wie de "
                     "B1-route en de onderwijsroute niet haalbaar zijn (leerbaarheidstoets).",
        "dienstverlening": "Een programma van 1.600 uur in de inburgeringstermijn: **800 uur taal** (Nederlands op "
                           "het hoogst haalbare niveau, met A1 op lezen, luisteren, schrijven en spreken als doel) en "
                           "**800 uur participatie** (activiteiten op weg naar zelfredzaamheid en meedoen: "
                           "vrijwilligerswerk, stages, praktijkoefeningen). Kennis van de Nederlandse Maatschappij is "
                           "onderdeel van het programma.",
        "afsluiting": "De Z-route kent geen centraal examen. De route wordt afgesloten met een eindgesprek door de "
                      "gemeente, waarin de gemeente vaststelt dat de deelnemer de route heeft afgerond; de gemeente "
                      "meldt dat aan DUO. De aanbieder levert daarvoor een verslag van de gevolgde uren en de "
                      "voortgang per vaardigheid.",
    },
    kpis=(_TIMELY_START, _ATTENDANCE, _DROPOUT,
          {"kpi": "level_progress", "params": {}, "norm": "0.25", "direction": "min"}),
    milestones=(_START | {"percentage": "10"}, _hours("TAAL", 400, "400 uur taal en KNM gevolgd", "taal_knm"),
                _hours("TAAL", 800, "800 uur taal en KNM gevolgd", "taal_knm"),
                _hours("PART", 400, "400 uur participatie gevolgd", "participatie"),
                _hours("PART", 800, "800 uur participatie gevolgd (samen 1.600 uur)", "participatie"),
                {"code": "A1", "label": "Niveau A1 op lezen, luisteren, schrijven en spreken", "kind": "prestatie",
                 "trigger": "level", "params": {"skills": ["LE", "LU", "SC", "SP"], "level": "A1"},
                 "percentage": "15"},
                {"code": "ZROUTE", "label": "Z-route afgerond na het eindgesprek van de gemeente",
                 "kind": "prestatie", "trigger": "module", "params": {"module": "ZROUTE"}, "percentage": "15"}),
    excluded_triggers=frozenset({"exam"}),
    excluded_kpis=frozenset({"exam_pass_rate"}),
    exclusion_reason="De Z-route kent geen centraal examen; de gemeente sluit de route af met een eindgesprek.",
    requires_keurmerk=True,
)

PARTICIPATIETRAJECT = Template(
    name="Participatietraject",
    keys=("inleiding", "doelgroep", "dienstverlening", "kwaliteit", "duaal", "samenhang", "prestatie_indicatoren",
          "financiering", "rapportage", "planning"),
    texts={
        "doelgroep": "Inburgeringsplichtigen en hun gezinsleden voor wie dit participatietraject is bedoeld.",
        "dienstverlening": "Begeleiding en activiteiten volgens de afspraken in het persoonlijk plan "
                           "inburgering en participatie (PIP).",
        "duaal": "Niet van toepassing, tenzij in het PIP anders is afgesproken.",
    },
    kpis=(_TIMELY_START, _DROPOUT),
    milestones=(_START | {"percentage": "50"},
                {"code": "AFGEROND", "label": "Traject afgerond", "kind": "prestatie", "trigger": "completed",
                 "percentage": "50"}),
)

BY_SERVICE = {"b1_route": B1_ROUTE, "onderwijsroute": ONDERWIJSROUTE, "z_route": Z_ROUTE}
#: A leerroute without a template of its own starts like the B1-route.
BY_KIND = {ServiceKind.LEERROUTE: B1_ROUTE, ServiceKind.PARTICIPATIETRAJECT: PARTICIPATIETRAJECT}


def template_for(service: Service) -> Template:
    return BY_SERVICE.get(service.code) or BY_KIND[ServiceKind(service.kind)]


def template_content(service: Service, price_per_trajectory: str = "0.00") -> dict:
    """Sections, KPI agreements and financing that a new PvE for this service starts with."""
    template = template_for(service)
    return {"sections": template.sections(), "kpis": [dict(k) for k in template.kpis],
            "financing": {"price_per_trajectory": price_per_trajectory, "ceiling": None,
                          "milestones": [dict(m) for m in template.milestones]}}


def check_fits_service(service: Service, milestones: list[dict], kpis: list[dict]) -> None:
    """Refuse a payment trigger or indicator that the service's template rules out (the Z-route's exam)."""
    template = template_for(service)
    errors = [{"index": i, "field": "trigger", "message": f"{template.exclusion_reason} De trigger "
               f"'{TRIGGER_LABELS[m['trigger']]}' past niet bij de {template.name}."}
              for i, m in enumerate(milestones) if m.get("trigger") in template.excluded_triggers]
    if errors:
        raise DomainError(f"Het betaalschema past niet bij de {template.name}.", field="milestones", errors=errors)
    errors = [{"index": i, "field": "kpi", "message": f"{template.exclusion_reason} De indicator "
               f"'{KPI_NAMES[k['kpi']]}' past niet bij de {template.name}."}
              for i, k in enumerate(kpis) if k.get("kpi") in template.excluded_kpis]
    if errors:
        raise DomainError(f"De prestatie-indicatoren passen niet bij de {template.name}.", field="kpis",
                          errors=errors)
