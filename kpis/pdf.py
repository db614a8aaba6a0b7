"""The scorecard of a contract over a period, for the periodic meeting with the provider."""
from core.dates import now_utc
from core.pdf import build_pdf, table, text
from core.formats import format_date, format_decimal, format_month
from core.term_text import kpi_norm, kpi_value

STATUS = {"green": "groen", "red": "ROOD", "grey": "geen waarde"}


def indicator_rows(indicators) -> list[list[str]]:
    return [[i.result.name, kpi_value(i.result.value, i.kpi), kpi_norm(i.norm, i.direction, i.kpi),
             STATUS[i.status], format_decimal(i.result.numerator), format_decimal(i.result.denominator)]
            for i in indicators]


HEADER = ["Indicator", "Waarde", "Norm", "Status", "Teller", "Noemer"]


def render_scorecard_pdf(data: dict) -> bytes:
    contract = data["contract"]
    period = f"{format_month(data['first'])} tot en met {format_month(data['last'])}"
    title = f"Scorekaart {contract.reference}"
    story = [text(title, "title"),
             text(f"Contract {contract.reference} met {contract.provider.name}, periode {period}."),
             text(f"Opgemaakt {format_date(now_utc())}. Rood betekent: de norm is niet gehaald; zonder waarde was de "
                  "noemer nul."),
             text("De hele periode", "h1"), table(HEADER, indicator_rows(data["indicators"]))]
    for municipality, indicators in data["by_municipality"]:
        story += [text(f"Gemeente {municipality.name}", "h1"), table(HEADER, indicator_rows(indicators))]
    story.append(text("Per maand", "h1"))
    for month, indicators in data["monthly"]:
        story += [text(format_month(month), "h2"), table(HEADER, indicator_rows(indicators))]
    return build_pdf(story, title=title, footer=f"{title} · {period}")
