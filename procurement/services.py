"""Verbs on procurement cases: create and edit, decide and approve, plan; and the reads the views share."""
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from core import audit
from core.auth import can_see_municipality, scope_filter, visible_regions
from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from core.models import Municipality, Region, Service, User
from core.scope import Action, require
from core.services import municipalities_by_codes, orderable_service, orderable_services
from procurement import planning
from procurement.assessment import assess
from procurement.pdf import render_memo_pdf
from procurement.models import (ROUTE_LABELS, PlanningMilestone, ProcurementCase, ProcurementDecision,
                                ProcurementRoute, RouteScore)

CASE_FIELDS = ("title", "expected_participants_per_year", "participants_by_municipality", "price_per_trajectory",
               "term_years", "extension_years", "facts", "weights", "delivery_starts_on", "announcement_planned_on")
UPCOMING_DAYS = 30


def visible_cases(user: User):
    """Cases with at least one municipality in the user's scope."""
    return (sa.select(ProcurementCase)
            .where(ProcurementCase.municipalities.any(scope_filter(user, Municipality.id)))
            .order_by(ProcurementCase.created_at.desc(), ProcurementCase.id.desc()))


def _scope(data: dict, by: User) -> tuple[Region | None, list[Municipality]]:
    region = None
    if data.get("region_id"):
        region = db.session.scalar(visible_regions(by).where(Region.id == data["region_id"]))
        if region is None:
            raise DomainError("Onbekende regio.", field="region_id")
    codes = data.get("municipalities") or ([m.code for m in region.municipalities] if region else [])
    municipalities = municipalities_by_codes(codes)
    for municipality in municipalities:
        if not can_see_municipality(by, municipality):
            raise DomainError(f"Gemeente {municipality.code} valt buiten uw bereik.", field="municipalities")
        if region is not None and municipality not in region.municipalities:
            raise DomainError(f"Gemeente {municipality.name} hoort niet bij regio {region.name}.",
                              field="municipalities")
    return region, municipalities


def _apply(case: ProcurementCase, data: dict, municipalities: list[Municipality]) -> None:
    for name in CASE_FIELDS:
        if name in data:
            setattr(case, name, data[name])
    split = case.participants_by_municipality
    if split:
        unknown = set(split) - {m.code for m in municipalities}
        if unknown:
            raise DomainError(f"Aantallen voor gemeenten die niet deelnemen: {', '.join(sorted(unknown))}.",
                              field="participants_by_municipality")
        if data.get("expected_participants_per_year") not in (None, sum(split.values())):
            raise DomainError("Het verwachte aantal deelnemers per jaar is niet de som van de aantallen per "
                              "gemeente.", field="expected_participants_per_year")
        case.expected_participants_per_year = sum(split.values())


def create_case(data: dict, by: User) -> ProcurementCase:
    """A case for one service, for a region or some municipalities, all within the inkoper's scope."""
    region, municipalities = _scope(data, by)
    require(by, Action.PROCUREMENT, municipalities)
    case = ProcurementCase(service=orderable_service(data["service"]), region=region, municipalities=municipalities,
                           created_by=by, facts={}, weights={})
    _apply(case, data, municipalities)
    db.session.add(case)
    db.session.flush()
    audit.record(by, "procurement_case_created", case, f"Inkoopdossier {case} aangemaakt", _snapshot(case))
    return case


def update_case(case: ProcurementCase, data: dict, by: User) -> ProcurementCase:
    """Facts and volumes may change; a decision already taken keeps the assessment it was based on."""
    require(by, Action.PROCUREMENT, case.municipalities)
    before = _snapshot(case)
    region, municipalities = _scope(data, by) if "municipalities" in data or "region_id" in data else (
        case.region, case.municipalities)
    require(by, Action.PROCUREMENT, municipalities)
    case.region, case.municipalities = region, municipalities
    if data.get("service", case.service.code) != case.service.code:
        case.service = orderable_service(data["service"])
    _apply(case, data, municipalities)
    audit.record(by, "procurement_case_updated", case, f"Inkoopdossier {case} gewijzigd",
                 audit.diff(before, _snapshot(case)))
    return case


def _snapshot(case: ProcurementCase) -> dict:
    return {"service": case.service.code, "municipalities": [m.code for m in case.municipalities],
            **{name: getattr(case, name) for name in CASE_FIELDS}}


def record_decision(case: ProcurementCase, route: ProcurementRoute, motivation: str, by: User,
                    today: date, now: datetime) -> ProcurementDecision:
    """The inkoper chooses an allowed route with a written motivation; it awaits a second person's approval."""
    require(by, Action.PROCUREMENT, case.municipalities)
    motivation = (motivation or "").strip()
    if not motivation:
        raise DomainError("Schrijf een motivering bij het besluit.", field="motivation")
    assessment = assess(case, today)
    chosen = assessment.route(ProcurementRoute(route))
    if not chosen.allowed:
        raise DomainError(f"De route {chosen.label} kan niet worden gekozen: {' '.join(chosen.blockers)}",
                          field="route")
    decision = ProcurementDecision(case=case, route=chosen.route, motivation=motivation, decided_by=by,
                                   decided_at=now, procedure=chosen.procedure,
                                   estimated_value=assessment.estimated_value,
                                   assessment=[r.as_dict() for r in assessment.routes])
    db.session.add(decision)
    db.session.flush()
    for earlier in case.decisions:
        if earlier is not decision and not earlier.is_approved and earlier.superseded_at is None:
            earlier.superseded_at, earlier.superseded_by_id = now, decision.id
    audit.record(by, "procurement_decision_recorded", decision,
                 f"Besluit {chosen.label} vastgelegd voor inkoopdossier {case.id}",
                 {"route": chosen.route, "procedure": chosen.procedure})
    return decision


def pending_decision(case: ProcurementCase) -> ProcurementDecision:
    if case.pending_decision is None:
        raise Conflict("Er is geen besluit dat op goedkeuring wacht.")
    return case.pending_decision


def approve_decision(decision: ProcurementDecision, by: User, today: date, now: datetime) -> ProcurementDecision:
    """A second inkoper or an admin approves; the decision then supersedes the one in force."""
    require(by, Action.PROCUREMENT, decision.case.municipalities)
    if decision.status != "pending":
        raise Conflict("Dit besluit is al goedgekeurd of vervangen.")
    if by.id == decision.decided_by_id:
        raise Forbidden("Een tweede inkoper of een beheerder keurt het besluit goed, niet wie het nam.")
    current = assess(decision.case, today).route(decision.route)
    if not current.allowed:
        raise DomainError(f"De route {current.label} is inmiddels geblokkeerd: {' '.join(current.blockers)}")
    previous = decision.case.decision_in_force
    if previous is not None:
        previous.superseded_at, previous.superseded_by_id = now, decision.id
    decision.approved_by, decision.approved_at = by, now
    audit.record(by, "procurement_decision_approved", decision,
                 f"Besluit {ROUTE_LABELS[decision.route]} goedgekeurd voor inkoopdossier {decision.case.id}",
                 {"supersedes": previous.id if previous else None})
    return decision


def plan_case(case: ProcurementCase, route: ProcurementRoute, starts_on: date, by: User,
              today: date) -> list[PlanningMilestone]:
    """Replace the planning with the template of the route (and, for a tender, of its procedure). A tender planned
    without an announcement date is announced on the day its plan starts, and the threshold of that day applies."""
    require(by, Action.PROCUREMENT, case.municipalities)
    if route == ProcurementRoute.AANBESTEDING and case.announcement_planned_on is None:
        case.announcement_planned_on = starts_on
    procedure = assess(case, today).procedure if route == ProcurementRoute.AANBESTEDING else None
    case.milestones = planning.schedule(planning.template_for(route, procedure), starts_on)
    db.session.flush()
    audit.record(by, "procurement_planning_set", case, f"Planning {ROUTE_LABELS[route]} vanaf {starts_on:%d-%m-%Y}",
                 {"milestones": {m.code: m.due_on for m in case.milestones}})
    return case.milestones


def update_milestone(milestone: PlanningMilestone, due_on: date, done_on: date | None, by: User) -> PlanningMilestone:
    require(by, Action.PROCUREMENT, milestone.case.municipalities)
    before = {"due_on": milestone.due_on, "done_on": milestone.done_on}
    milestone.due_on, milestone.done_on = due_on, done_on
    if done_on is not None:
        milestone.alert = None
    audit.record(by, "procurement_milestone_updated", milestone.case, f"Mijlpaal {milestone.label} bijgewerkt",
                 audit.diff(before, {"due_on": due_on, "done_on": done_on}))
    return milestone


def refresh_planning_alerts(today: date) -> str:
    """Daily: mark open milestones overdue (past due) or upcoming (due within 30 days); clear the rest."""
    counts = {"overdue": 0, "upcoming": 0}
    for milestone in db.session.scalars(sa.select(PlanningMilestone)):
        alert = None
        if milestone.done_on is None and milestone.due_on < today:
            alert = "overdue"
        elif milestone.done_on is None and milestone.due_on <= today + timedelta(days=UPCOMING_DAYS):
            alert = "upcoming"
        milestone.alert = alert
        if alert:
            counts[alert] += 1
    return f"{counts['overdue']} te laat, {counts['upcoming']} binnenkort"


def alerted_milestones(user: User) -> list[PlanningMilestone]:
    """The milestones the planning job flagged, within the user's scope, overdue first."""
    cases = visible_cases(user).with_only_columns(ProcurementCase.id).order_by(None)
    return db.session.scalars(
        sa.select(PlanningMilestone).where(PlanningMilestone.alert.is_not(None),
                                           PlanningMilestone.procurement_case_id.in_(cases))
        .order_by(PlanningMilestone.alert.desc(), PlanningMilestone.due_on)).all()


def regional_matrix(region: Region) -> tuple[list[Service], list[Municipality], dict]:
    """Services down, municipalities across; each cell the (case, decision) in force, a local case overriding
    the regional default."""
    services = db.session.scalars(orderable_services()).all()
    municipalities = region.municipalities
    decisions = db.session.scalars(
        sa.select(ProcurementDecision).join(ProcurementDecision.case)
        .where(ProcurementDecision.approved_at.is_not(None), ProcurementDecision.superseded_at.is_(None),
               ProcurementCase.municipalities.any(Municipality.id.in_([m.id for m in municipalities])))
        .order_by(ProcurementDecision.approved_at)).all()
    cells: dict = {}
    for decision in decisions:  # later approvals overwrite earlier ones; a local decision beats a regional one
        case = decision.case
        for municipality in case.municipalities:
            key = (case.service_id, municipality.id)
            current = cells.get(key)
            if current is None or case.is_local or not current.case.is_local:
                cells[key] = decision
    return services, municipalities, cells


def set_route_score(score: RouteScore, value, explanation: str, by: User) -> RouteScore:
    """The national admin keeps the score table every region's ranking uses."""
    require(by, Action.REFERENCE_DATA)
    before = {"score": score.score, "explanation": score.explanation}
    score.score, score.explanation = value, explanation
    audit.record(by, "route_score_updated", score, f"Score {score.route}/{score.criterion} gewijzigd",
                 audit.diff(before, {"score": value, "explanation": explanation}))
    return score


def set_purchasing_policy(municipality: Municipality, single_source, multiple_quote, by: User) -> Municipality:
    """A municipality's own thresholds below the EU threshold."""
    require(by, Action.PROCUREMENT, [municipality])
    if multiple_quote is not None and multiple_quote < single_source:
        raise DomainError("De grens voor meervoudig onderhands ligt niet onder die voor enkelvoudig onderhands.",
                          field="multiple_quote_threshold")
    before = {"single_source_threshold": municipality.single_source_threshold,
              "multiple_quote_threshold": municipality.multiple_quote_threshold}
    municipality.single_source_threshold, municipality.multiple_quote_threshold = single_source, multiple_quote
    audit.record(by, "purchasing_policy_updated", municipality, f"Inkoopbeleid {municipality.name} gewijzigd",
                 audit.diff(before, {"single_source_threshold": single_source,
                                     "multiple_quote_threshold": multiple_quote}))
    return municipality


def memo_pdf(case: ProcurementCase, today: date) -> bytes:
    """The memo shows the assessment the decision was based on, or today's when nothing was decided yet."""
    decision, flagged = case.pending_decision or case.decision_in_force, planning.case_violations(case)
    if decision is not None:
        return render_memo_pdf(case, decision, decision.assessment, decision.estimated_value, flagged)
    assessment = assess(case, today)
    return render_memo_pdf(case, None, [r.as_dict() for r in assessment.routes], assessment.estimated_value, flagged)
