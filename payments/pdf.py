"""The payment specification per provider (PDF): no participant data beyond the pseudonym."""
from core.money import format_money
from core.pdf import document, para, table
from core.templating import format_date


def render_specification_pdf(spec: dict) -> bytes:
    run, provider = spec["run"], spec["provider"]
    flowables = [para(f"Aanbieder: {provider.name} (KvK {provider.kvk_number})"),
                 para(f"Betaalrun {run.id}, periode {run.period}, {run.scope_label}")]
    for (contract, code, municipality), lines in spec["groups"].items():
        flowables.append(para(f"Contract {contract} - gemeente {municipality} ({code})", "Heading3"))
        rows = [["Traject", "Deelnemer", "Mijlpaal", "Soort", "Maand", "Datum", "Bedrag"]]
        rows += [[l["trajectory"], l["pseudonym"], l["milestone"], l["kind"], l["month"],
                  format_date(l["trigger_date"]), format_money(l["amount"])] for l in lines]
        rows.append(["Subtotaal", "", "", "", "", "", format_money(sum(l["amount"] for l in lines))])
        flowables.append(table(rows))
    total = spec["total"]
    flowables.append(para(f"Totaal: {format_money(total)}", "Heading3"))
    if total < 0:
        flowables.append(para(f"Er volgt geen betaling: {format_money(-total)} wordt verrekend met een volgende "
                              "betaling."))
    return document(f"Betaalspecificatie betaalrun {run.id}", flowables)
