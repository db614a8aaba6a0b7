"""Planning templates per route and procedure, and the checks on a case's purchase planning."""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from procurement.models import PlanningMilestone, Procedure, ProcurementCase, ProcurementRoute

STANDSTILL_DAYS = 20
PURCHASE_LEAD_MONTHS = 3  # "minimaal één kwartaal" before delivery starts


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    days_after_previous: int


TENDER = [Step("publication", "Publicatie op TenderNed", 0), Step("questions", "Nota van inlichtingen", 14),
          Step("closing", "Sluiting inschrijving", 21), Step("award", "Gunningsbeslissing", 21),
          Step("standstill_end", "Einde standstilltermijn", 20), Step("signature", "Ondertekening overeenkomst", 5)]


def _european(notice_due: str) -> list[Step]:
    """A European procedure ends with the award notice (Directive 2014/24/EU art. 50; for social and other specific
    services art. 75(2), which also allows grouping the notices per quarter)."""
    return [*TENDER, Step("award_notice", f"Aankondiging van de gegunde opdracht op TenderNed ({notice_due})", 30),
            Step("implementation", "Implementatie gereed", 30)]


TEMPLATES = {
    Procedure.EUROPEES: _european("binnen 30 dagen na sluiting"),
    Procedure.EUROPEES_VERLICHT_REGIME: _european("binnen 30 dagen na sluiting, of gebundeld per kwartaal"),
    Procedure.NATIONAAL_OPENBAAR: [*TENDER, Step("implementation", "Implementatie gereed", 60)],
    Procedure.MEERVOUDIG_ONDERHANDS: [
        Step("invitation", "Uitnodiging tot inschrijving (minstens drie aanbieders)", 0),
        Step("closing", "Sluiting offertes", 21), Step("award", "Gunningsbeslissing", 14),
        Step("signature", "Ondertekening overeenkomst", 14), Step("implementation", "Implementatie gereed", 45)],
    Procedure.ENKELVOUDIG_ONDERHANDS: [
        Step("request", "Offerteaanvraag", 0), Step("closing", "Ontvangst offerte", 14),
        Step("signature", "Opdrachtverlening", 14), Step("implementation", "Implementatie gereed", 30)],
    ProcurementRoute.OPEN_HOUSE: [
        Step("conditions", "Vaststelling toelatingsvoorwaarden en tarieven", 0),
        Step("publication", "Openbare aankondiging", 14), Step("admission", "Eerste toelatingsbesluiten", 42),
        Step("signature", "Ondertekening toelatingsovereenkomsten", 14),
        Step("provider_list", "Publicatie lijst toegelaten aanbieders", 7),
        Step("implementation", "Implementatie gereed", 45)],
    ProcurementRoute.INBESTEDEN: [
        Step("decision", "Bestuursbesluit inbesteden", 0), Step("signature", "Werkafspraken vastgelegd", 30),
        Step("implementation", "Implementatie gereed", 60)],
    ProcurementRoute.QUASI_INBESTEDEN: [
        Step("decision", "Bestuursbesluit opdracht aan verbonden partij", 0),
        Step("signature", "Dienstverleningsovereenkomst ondertekend", 45),
        Step("implementation", "Implementatie gereed", 60)],
    ProcurementRoute.SAMENWERKING: [
        Step("decision", "Bestuursbesluiten van de samenwerkende gemeenten", 0),
        Step("signature", "Samenwerkingsovereenkomst ondertekend", 45),
        Step("implementation", "Implementatie gereed", 60)],
    ProcurementRoute.SUBSIDIE: [
        Step("basis", "Subsidieverordening of begrotingspost vastgesteld", 0),
        Step("application_period", "Einde aanvraagtermijn", 42), Step("signature", "Subsidiebeschikking", 56),
        Step("implementation", "Implementatie gereed", 45)],
}


def template_for(route: ProcurementRoute, procedure: Procedure | None) -> list[Step]:
    return TEMPLATES[procedure] if route == ProcurementRoute.AANBESTEDING else TEMPLATES[route]


def schedule(steps: list[Step], starts_on: date) -> list[PlanningMilestone]:
    milestones, day = [], starts_on
    for position, step in enumerate(steps, start=1):
        day += timedelta(days=step.days_after_previous)
        milestones.append(PlanningMilestone(position=position, code=step.code, label=step.label, due_on=day))
    return milestones


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def violations(milestones: list[PlanningMilestone], delivery_starts_on: date | None,
               announcement_planned_on: date | None = None) -> list[str]:
    """Purchase not finished a full quarter before delivery starts; a standstill shorter than 20 days; a publication
    planned on another day than the announcement whose threshold the assessment used."""
    found = []
    by_code = {m.code: m for m in milestones}
    publication = by_code.get("publication")
    if publication and announcement_planned_on and publication.due_on != announcement_planned_on:
        found.append(f"De publicatie staat in de planning op {publication.due_on:%d-%m-%Y}, de geplande aankondiging "
                     f"van het dossier op {announcement_planned_on:%d-%m-%Y}; de drempelwaarde hangt af van die dag. "
                     "Breng ze gelijk.")
    signature = by_code.get("signature")
    if signature and delivery_starts_on:
        latest = months_before(delivery_starts_on, PURCHASE_LEAD_MONTHS)
        if signature.due_on > latest:
            found.append(f"De inkoop is pas op {signature.due_on:%d-%m-%Y} afgerond; dat moet uiterlijk "
                         f"{latest:%d-%m-%Y} zijn, een volledig kwartaal vóór de start van de levering op "
                         f"{delivery_starts_on:%d-%m-%Y}.")
    award, standstill_end = by_code.get("award"), by_code.get("standstill_end")
    if award and standstill_end and (standstill_end.due_on - award.due_on).days < STANDSTILL_DAYS:
        found.append(f"De standstilltermijn is {(standstill_end.due_on - award.due_on).days} dagen; "
                     f"dat moet minstens {STANDSTILL_DAYS} kalenderdagen zijn (art. 2.127 Aanbestedingswet 2012).")
    return found


def case_violations(case: ProcurementCase) -> list[str]:
    return violations(case.milestones, case.delivery_starts_on, case.announcement_planned_on)
