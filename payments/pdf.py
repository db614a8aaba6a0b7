"""The payment specification per provider (PDF): no participant data beyond the pseudonym."""
from core.formats import format_date, format_money, format_period
from core.pdf import build_pdf, table, text


def render_specification_pdf(spec: dict) -> bytes:
    run, provider = spec["run"], spec["provider"]
    title = f"Betaalspecificatie betaalrun {run.id}"
    flowables = [text(title, "title"), text(f"Aanbieder: {provider.name} (KvK {provider.kvk_number})"),
                 text(f"Betaalrun {run.id}, periode {format_period(run.period)}, {run.scope_label}")]
    for (contract, code, municipality), lines in spec["groups"].items():
        flowables.append(text(f"Contract {contract} - gemeente {municipality} ({code})", "h2"))
        rows = [[l["trajectory"], l["pseudonym"], l["milestone"], l["kind"], format_period(l["month"]) if l["month"] else "",
                  format_date(l["trigger_date"]), format_money(l["amount"])] for l in lines]
        rows.append(["Subtotaal", "", "", "", "", "", format_money(sum(l["amount"] for l in lines))])
        flowables.append(table(["Traject", "Deelnemer", "Mijlpaal", "Soort", "Maand", "Datum", "Bedrag"], rows))
    total = spec["total"]
    flowables.append(text(f"Totaal: {format_money(total)}", "h2"))
    if total < 0:
        flowables.append(text(f"Er volgt geen betaling: {format_money(-total)} wordt verrekend met een volgende "
                              "betaling."))
    return build_pdf(flowables, title=title, footer=f"{title} · {provider.name} · periode {format_period(run.period)}")
