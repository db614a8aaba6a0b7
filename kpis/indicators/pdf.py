"""The scorecard of a contract over a period, for the periodic meeting with the provider."""
from core.dates import now_utc
from core.pdf import document, para, table
from kpis.indicators.formatting import format_norm, format_value

STATUS = {"green": "groen", "red": "ROOD", "grey": "geen waarde"}


def _number(value) -> str:
    return "-" if value is None else f"{value.normalize():f}".replace(".", ",")


def indicator_rows(indicators) -> list[list[str]]:
    return [[i.result.name, format_value(i.result.value, i.kpi), format_norm(i.norm, i.direction, i.kpi),
             STATUS[i.status], _number(i.result.numerator), _number(i.result.denominator)] for i in indicators]


HEADER = ["Indicator", "Waarde", "Norm", "Status", "Teller", "Noemer"]


def render_scorecard_pdf(data: dict) -> bytes:
    contract = data["contract"]
    period = f"{data['first']:%m-%Y} tot en met {data['last']:%m-%Y}"
    story = [para(f"Contract {contract.reference} met {contract.provider.name}, periode {period}."),
             para(f"Opgemaakt {now_utc():%d-%m-%Y}. Rood betekent: de norm is niet gehaald; zonder waarde was de "
                  "noemer nul."),
             para("De hele periode", "Heading2"), table([HEADER, *indicator_rows(data["indicators"])])]
    for municipality, indicators in data["by_municipality"]:
        story += [para(f"Gemeente {municipality.name}", "Heading2"), table([HEADER, *indicator_rows(indicators)])]
    story.append(para("Per maand", "Heading2"))
    for month, indicators in data["monthly"]:
        story += [para(f"{month:%m-%Y}", "Heading3"), table([HEADER, *indicator_rows(indicators)])]
    return document(f"Scorekaart {contract.reference}", story)
