"""The decision memo of a procurement case (Dutch)."""
from core.pdf import build_pdf, table, text
from core.formats import format_date, format_money
from procurement.models import PROCEDURE_LABELS, ROUTE_LABELS, ProcurementCase, ProcurementDecision


def render_memo_pdf(case: ProcurementCase, decision: ProcurementDecision | None, assessment: list[dict],
                    estimated_value, violations: list[str]) -> bytes:
    """Service, municipalities, volumes and value, every route with blockers and scores, the decision and the
    planning. `assessment` is the decision's snapshot, or the current assessment when nothing was decided yet."""
    flow = [text("Dienst en deelnemers", "h1"),
            text(f"Dienst: {case.service.name}"),
            text(f"Gemeenten: {', '.join(m.name for m in case.municipalities)}"
                 + (f" (regio {case.region.name})" if case.region else " (lokaal)")),
            text(f"Verwachte deelnemers per jaar: {case.expected_participants_per_year}; prijs per traject: "
                 f"{format_money(case.price_per_trajectory)}; looptijd {case.term_years} jaar plus "
                 f"{case.extension_years} jaar opties."),
            text(f"Geraamde waarde (inclusief opties, opgeteld over alle gemeenten): {format_money(estimated_value)}"),
            text("Routes", "h1"),
            table(["Route", "Toegestaan", "Score", "Blokkades en aandachtspunten"], [
                [ROUTE_LABELS[r["route"]], "ja" if r["allowed"] else "nee", r["score"],
                 " ".join(r["blockers"] + r.get("warnings", [])) or "-"] for r in assessment],
                  widths=[80, 55, 40, 300])]
    tender = next((r for r in assessment if r.get("procedure")), None)
    if tender:
        flow.append(text(f"Procedure bij aanbesteding: {PROCEDURE_LABELS[tender['procedure']]}"))
    if case.announcement_planned_on:
        flow.append(text(f"Geplande aankondiging (start van de procedure): {format_date(case.announcement_planned_on)};"
                         " de Europese drempelwaarde van die dag geldt."))
    flow.append(text("Besluit", "h1"))
    if decision is None:
        flow.append(text("Er is nog geen besluit genomen."))
    else:
        flow += [text(f"Gekozen route: {ROUTE_LABELS[decision.route]}"),
                 text(f"Motivering: {decision.motivation}"),
                 text(f"Besloten door {decision.decided_by or 'onbekend'} op {format_date(decision.decided_at)}; "
                      + (f"goedgekeurd door {decision.approved_by} op {format_date(decision.approved_at)}."
                         if decision.approved_at else "nog niet goedgekeurd."))]
    flow.append(text("Planning", "h1"))
    if case.milestones:
        flow.append(table(["Mijlpaal", "Datum", "Gereed"], [
            [m.label, format_date(m.due_on), format_date(m.done_on)] for m in case.milestones]))
    else:
        flow.append(text("Er is nog geen planning."))
    flow += [text(f"Let op: {violation}") for violation in violations]
    title = f"Besluitnotitie inkoopdossier {case.id}: {case.service.name}"
    return build_pdf([text(title, "title"), *flow], title=title, footer=title)
