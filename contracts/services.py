"""Verbs on contracts: create (prefilled from the adopted PvE), amend, alerts, documents; reads in scope. What a
contract pays and on what evidence changes in contracts/pricing.py."""
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from contracts.models import (CONTRACT_TRANSITIONS, Alert, AlertKind, Contract, ContractDocument, ContractDocumentKind,
                              ContractLedger, ContractStatus, KpiAgreement, Milestone, RunOff,
                              contract_municipality)
from core import audit, documents
from core.auth import can_see_municipality, visible_municipality_ids
from core.errors import Conflict, DomainError
from core.extensions import db
from core.formats import format_date, format_rate
from core.models import Municipality, Role, Service, User
from core.scope import Action, regions_of, relate_provider, require
from core.services import municipalities_by_codes, orderable_service
from core.terms import terms_to_json, validate_kpi_agreements, validate_milestones
from procurement.models import ROUTE_LABELS, ProcurementCase, ProcurementRoute
from procurement.pve.models import Pve, PveVersion
from procurement.pve.templates import check_fits_service, template_content
from providers.models import Provider
from providers.services import keurmerk_warnings

CONTRACT_END_WARNING = timedelta(days=183)  # six months
OPTION_DEADLINE_WARNING = timedelta(days=61)  # two months
CEILING_WARNING_SHARE = Decimal("0.80")
#: Contract documents live in the file storage under contracts.
DOCUMENT_FOLDER = "contracts"
AMENDABLE = ("ends_on", "ceiling", "extension_count", "extension_months", "option_deadline", "status", "run_off",
             "run_off_until", "pays_effort_in_extension")


def visible_contracts(user: User):
    """Provider users see their provider's contracts; staff those with a municipality in their scope."""
    stmt = sa.select(Contract).order_by(Contract.reference)
    if user.role == Role.PROVIDER:
        return stmt.where(Contract.provider_id == (user.provider_id or -1))
    ids = visible_municipality_ids(user)
    if ids is None:
        return stmt
    in_scope = sa.select(contract_municipality.c.contract_id).where(
        contract_municipality.c.municipality_id.in_(ids or [-1]))
    return stmt.where(Contract.id.in_(in_scope))


def get_visible_contract(user: User, contract_id: int) -> Contract:
    """The contract, or 404 when it does not exist or lies outside the user's scope."""
    return db.first_or_404(visible_contracts(user).where(Contract.id == contract_id))


def provider_by_id(provider_id: int) -> Provider:
    found = db.session.get(Provider, provider_id)
    if found is None:
        raise DomainError("Onbekende aanbieder.", field="provider_id")
    return found


def paid_total(contract_id: int) -> Decimal:
    """What approved payment runs paid on this contract, over all municipalities (its ledger)."""
    ledger = db.session.get(ContractLedger, contract_id)
    return ledger.paid_total if ledger is not None else Decimal("0.00")


def adopted_pve_version(case: ProcurementCase) -> PveVersion | None:
    return db.session.scalar(sa.select(PveVersion).join(Pve).where(
        Pve.procurement_case_id == case.id, PveVersion.adopted_at.is_not(None))
        .order_by(PveVersion.adopted_at.desc(), PveVersion.id.desc()).limit(1))


def terms_from_case(case: ProcurementCase | None) -> dict:
    """The financing and KPI terms that prefill a contract for the case: its adopted PvE version's, else those of
    its service's template (at the case's price); {} without a case."""
    if case is None:
        return {}
    version = adopted_pve_version(case)
    if version is not None:
        financing, kpis = version.financing or {}, version.kpis or []
    else:
        start = template_content(case.service, str(case.price_per_trajectory or "0.00"))
        financing, kpis = start["financing"], start["kpis"]
    terms = {"service": case.service, "procurement_case": case, "municipalities": list(case.municipalities),
             "milestones": financing.get("milestones") or [], "kpis": kpis, "pve_version": version}
    for name in ("price_per_trajectory", "ceiling"):
        if financing.get(name) is not None:
            terms[name] = Decimal(str(financing[name]))
    return terms


def _refuse_unseen(by: User | None, case: ProcurementCase | None, version: PveVersion | None) -> None:
    """Another region's case or PvE version is as unknown as one that does not exist: no answer tells them apart."""
    version_case = version.pve.procurement_case if version is not None else None
    for found, field, message in ((case, "procurement_case_id", "Onbekende inkoopzaak."),
                                  (version_case, "pve_version_id", "Onbekende PvE-versie.")):
        if by is not None and found is not None and not any(can_see_municipality(by, m) for m in found.municipalities):
            raise DomainError(message, field=field)


def _check_pve_version(version: PveVersion | None, case: ProcurementCase | None) -> None:
    """A contract made from a PvE version names an adopted version of its own procurement case's PvE."""
    if version is None:
        return
    if not version.is_adopted:
        raise DomainError("Alleen een vastgestelde versie van het PvE kan de basis van een contract zijn.",
                          field="pve_version_id")
    if case is None or version.pve.procurement_case_id != case.id:
        raise DomainError("Deze PvE-versie hoort niet bij de inkoopzaak van het contract.", field="pve_version_id")


def suggested_terms(case: ProcurementCase | None, service: Service | None = None) -> dict:
    """What a new contract or Open House form starts with: the case's adopted PvE terms, else the PvE template of
    the kind of service (the case's, or `service`); {} when neither is known."""
    terms = terms_from_case(case)
    service = case.service if case is not None else service
    if terms or service is None:
        return terms
    template = template_content(service)
    return {"service": service, "milestones": template["financing"]["milestones"], "kpis": template["kpis"],
            **({"procurement_case": case, "municipalities": list(case.municipalities)} if case is not None else {})}


def _check_municipalities(municipalities: list[Municipality], case: ProcurementCase | None, by: User | None,
                          scoped: bool = True):
    if not municipalities:
        raise DomainError("Kies minstens één deelnemende gemeente.", field="municipalities")
    for municipality in municipalities:
        if scoped and by is not None and not can_see_municipality(by, municipality):
            raise DomainError(f"Onbekende gemeente: {municipality.code}.", field="municipalities")
        if case is not None and municipality not in case.municipalities:
            raise DomainError(f"{municipality.name} neemt niet deel aan deze inkoopzaak.", field="municipalities")


def _check_period_and_money(starts_on: date, ends_on: date, price: Decimal, ceiling: Decimal | None) -> None:
    if ends_on < starts_on:
        raise DomainError("De einddatum ligt vóór de begindatum.", field="end_date")
    if price is None or price < 0:
        raise DomainError("De prijs per traject mag niet negatief zijn.", field="price_per_trajectory")
    if ceiling is not None and ceiling < 0:
        raise DomainError("Het plafond mag niet negatief zijn.", field="ceiling")


def _check_options(count: int, months: int | None, deadline: date | None, ends_on: date) -> None:
    if count < 0 or (count and not months) or (months is not None and months < 1):
        raise DomainError("Geef bij verlengingsopties het aantal en de duur in maanden.", field="extension_months")
    if deadline is not None and (not count or deadline > ends_on):
        raise DomainError("De beslisdatum hoort bij een verlengingsoptie en ligt uiterlijk op de einddatum.",
                          field="option_deadline")


def _check_run_off(run_off, until: date | None, ends_on: date) -> RunOff:
    """The run-off is chosen, never assumed; a date, when chosen, lies on or after the contract's end."""
    if not run_off:
        raise DomainError("Kies tot wanneer trajecten die na het einde van het contract doorlopen, worden betaald.",
                          field="run_off")
    run_off = RunOff(run_off)
    if run_off == RunOff.UNTIL_DATE and (until is None or until < ends_on):
        raise DomainError(f"Geef de laatste betaaldag van de uitloop; die ligt niet vóór de einddatum van het "
                          f"contract ({ends_on:%d-%m-%Y}).", field="run_off_until")
    if run_off == RunOff.UNTIL_TRAJECTORY_END and until is not None:
        raise DomainError("Een laatste betaaldag hoort alleen bij uitloop tot en met een datum.", field="run_off_until")
    return run_off


def _milestone_rows(service: Service, items: list[dict]) -> list[Milestone]:
    milestones = validate_milestones(items)
    check_fits_service(service, milestones, [])
    return [Milestone(position=i, **m) for i, m in enumerate(milestones, start=1)]


def _kpi_rows(service: Service, items: list[dict]) -> list[KpiAgreement]:
    kpis = validate_kpi_agreements(items)
    check_fits_service(service, [], kpis)
    return [KpiAgreement(**k) for k in kpis]


def _check_route(route: ProcurementRoute, case: ProcurementCase | None, milestones: list[Milestone]) -> None:
    """A contract follows the route its case decided; a subsidy pays for the activity, never for results."""
    decision = case.decision_in_force if case is not None else None
    if decision is not None and decision.route != route:
        raise DomainError(f"Voor deze inkoopzaak is de route {ROUTE_LABELS[decision.route]} besloten; het contract "
                          "volgt die route.", field="procurement_route")
    if route == ProcurementRoute.SUBSIDIE:
        errors = [{"index": i, "field": "kind", "message": f"{m.code}: een subsidie betaalt niet voor een resultaat "
                   "(prestatie). Wie op resultaat betaalt, bedingt een prestatie die de gemeente kan afdwingen: dat is "
                   "een overheidsopdracht (art. 4:21 Awb; art. 1.1 Aanbestedingswet 2012)."}
                  for i, m in enumerate(milestones) if m.kind == "prestatie"]
        if errors:
            raise DomainError("Een subsidie betaalt alleen voor inspanning.", field="milestones", errors=errors)


def create_contract(data: dict, by: User | None, scoped: bool = True) -> Contract:
    """A contract needs a unique reference, a valid schedule and KPIs, and municipalities within the case's.

    `scoped=False` for an Open House admission: the uniform terms cover every municipality of the case (the
    admission's decision checked the scope)."""
    if scoped:
        require(by, Action.CONTRACTS, data["municipalities"])
        _refuse_unseen(by, data.get("procurement_case"), data.get("pve_version"))
    if db.session.scalar(sa.select(Contract.id).where(Contract.reference == data["reference"])):
        raise Conflict(f"Er is al een contract met kenmerk {data['reference']}.", field="reference")
    case = data.get("procurement_case")
    _check_municipalities(data["municipalities"], case, by, scoped)
    _check_period_and_money(data["starts_on"], data["ends_on"], data["price_per_trajectory"], data.get("ceiling"))
    _check_options(data.get("extension_count") or 0, data.get("extension_months"), data.get("option_deadline"),
                   data["ends_on"])
    run_off = _check_run_off(data.get("run_off"), data.get("run_off_until"), data["ends_on"])
    if case is not None and case.service_id != data["service"].id:
        raise DomainError("De dienst wijkt af van die van de inkoopzaak.", field="service")
    _check_pve_version(data.get("pve_version"), case)
    route, milestones = ProcurementRoute(data["procurement_route"]), _milestone_rows(data["service"],
                                                                                     data.get("milestones") or [])
    _check_route(route, case, milestones)
    contract = Contract(
        reference=data["reference"], provider=data["provider"], service=data["service"],
        procurement_route=route, procurement_case=case, pve_version=data.get("pve_version"),
        municipalities=list(data["municipalities"]), starts_on=data["starts_on"], ends_on=data["ends_on"],
        price_per_trajectory=data["price_per_trajectory"], ceiling=data.get("ceiling"),
        extension_count=data.get("extension_count") or 0, extension_months=data.get("extension_months"),
        option_deadline=data.get("option_deadline"), status=ContractStatus(data.get("status") or "active"),
        run_off=run_off, run_off_until=data.get("run_off_until"),
        pays_effort_in_extension=bool(data.get("pays_effort_in_extension")),
        milestones=milestones, kpi_agreements=_kpi_rows(data["service"], data.get("kpis") or []))
    db.session.add(contract)
    db.session.flush()
    if contract.status == ContractStatus.ACTIVE:  # a concept gives no say over the provider's master data
        relate_provider(contract.provider.id, regions_of(contract.municipalities))
    audit.record(by, "contract_created", contract, f"Contract {contract.reference} met {contract.provider} vastgelegd",
                 {"price_per_trajectory": [None, contract.price_per_trajectory], "ceiling": [None, contract.ceiling],
                  "milestones": [None, schedule_of(contract)],
                  "pays_effort_in_extension": [None, contract.pays_effort_in_extension],
                  **({"pve_version_id": [None, contract.pve_version_id]} if contract.pve_version_id else {})})
    return contract


def schedule_of(contract: Contract) -> list[dict]:
    return terms_to_json([{"code": m.code, "label": m.label, "kind": m.kind, "trigger": m.trigger,
                           "params": m.params, "amount": m.amount, "percentage": m.percentage, "sources": m.sources}
                          for m in contract.milestones])


def kpis_of(contract: Contract) -> list[dict]:
    return terms_to_json([{"kpi": k.kpi, "params": k.params, "norm": k.norm, "direction": k.direction}
                          for k in contract.kpi_agreements])


def _snapshot(contract: Contract) -> dict:
    return {**{name: getattr(contract, name) for name in AMENDABLE},
            "municipalities": [m.code for m in contract.municipalities], "kpis": kpis_of(contract)}


def amend_contract(contract: Contract, data: dict, reason: str, by: User | None) -> Contract:
    """An amendment needs a reason; the audit log keeps every changed field before and after."""
    require(by, Action.CONTRACTS, [*contract.municipalities, *data.get("municipalities", [])])
    if not (reason or "").strip():
        raise DomainError("Geef de reden van de wijziging.", field="reason")
    before = _snapshot(contract)
    status = ContractStatus(data.get("status", contract.status))
    if status != contract.status and status not in CONTRACT_TRANSITIONS[contract.status]:
        raise Conflict(f"Een contract met status {contract.status} kan niet naar {status}.", field="status")
    if "municipalities" in data:
        _check_municipalities(data["municipalities"], contract.procurement_case, by)
        contract.municipalities = list(data["municipalities"])
    for name in set(AMENDABLE) & data.keys():
        setattr(contract, name, data[name])
    contract.status = status
    if status == ContractStatus.ACTIVE:
        relate_provider(contract.provider_id, regions_of(contract.municipalities))
    _check_period_and_money(contract.starts_on, contract.ends_on, contract.price_per_trajectory, contract.ceiling)
    _check_options(contract.extension_count or 0, contract.extension_months, contract.option_deadline, contract.ends_on)
    contract.run_off = _check_run_off(contract.run_off, contract.run_off_until, contract.ends_on)
    if "kpis" in data:
        rows = _kpi_rows(contract.service, data["kpis"])
        contract.kpi_agreements = []
        db.session.flush()  # the old rows go first: a KPI kept would otherwise clash with itself (one per contract)
        contract.kpi_agreements = rows
        db.session.flush()
    changes = audit.diff(before, _snapshot(contract))
    if not changes:
        raise DomainError("Er is niets gewijzigd.", field="reason")
    audit.record(by, "contract_amended", contract, f"Contract {contract.reference} gewijzigd: {reason.strip()}",
                 changes)
    return contract


def ceiling_share(contract: Contract) -> Decimal | None:
    """The share of the ceiling paid so far, or None without a ceiling."""
    if not contract.ceiling:
        return None
    return paid_total(contract.id) / contract.ceiling


def _wanted_alerts(today: date) -> dict[str, dict]:
    wanted = {}
    for provider, due_on, message in keurmerk_warnings(today):
        wanted[f"keurmerk:{provider.id}:{provider.keurmerk_status}:{due_on}"] = dict(
            kind=AlertKind.KEURMERK, provider=provider, due_on=due_on, message=message)
    running = db.session.scalars(sa.select(Contract).where(
        Contract.status == ContractStatus.ACTIVE, Contract.ends_on >= today)).all()
    for c in running:
        if c.ends_on <= today + CONTRACT_END_WARNING:
            wanted[f"contract_end:{c.id}:{c.ends_on}"] = dict(
                kind=AlertKind.CONTRACT_END, contract=c, provider=c.provider, due_on=c.ends_on,
                message=f"Contract {c.reference} eindigt op {format_date(c.ends_on)}.")
        if c.option_deadline and today <= c.option_deadline <= today + OPTION_DEADLINE_WARNING:
            wanted[f"option_deadline:{c.id}:{c.option_deadline}"] = dict(
                kind=AlertKind.OPTION_DEADLINE, contract=c, provider=c.provider, due_on=c.option_deadline,
                message=f"Beslis uiterlijk {format_date(c.option_deadline)} over verlenging van {c.reference}.")
        share = ceiling_share(c)
        if share is not None and share >= CEILING_WARNING_SHARE:
            wanted[f"ceiling:{c.id}:{c.ceiling}"] = dict(
                kind=AlertKind.CEILING, contract=c, provider=c.provider, due_on=None,
                message=f"Plafond van {c.reference} is voor {format_rate(share)} verbruikt.")
    return wanted


def refresh_alerts(today: date) -> str:
    """The daily job: raise new alerts, resolve those whose cause is gone (renewed keurmerk, extended contract)."""
    wanted = _wanted_alerts(today)
    existing = {a.key: a for a in db.session.scalars(sa.select(Alert).where(Alert.resolved_on.is_(None)))}
    known = set(db.session.scalars(sa.select(Alert.key).where(Alert.key.in_(list(wanted) or [""]))))
    for key, fields in wanted.items():
        if key not in known:
            db.session.add(Alert(key=key, raised_on=today, **fields))
    for key, alert in existing.items():
        if key not in wanted:
            alert.resolved_on = today
    return f"{len(set(wanted) - known)} nieuwe signalen"


def open_alerts(user: User):
    """Unresolved alerts in the user's scope: contract alerts per contract scope, keurmerk alerts for all staff."""
    contract_ids = visible_contracts(user).with_only_columns(Contract.id).order_by(None)
    return (sa.select(Alert).where(Alert.resolved_on.is_(None),
                                   sa.or_(Alert.contract_id.in_(contract_ids), Alert.contract_id.is_(None)))
            .order_by(Alert.due_on.is_(None), Alert.due_on, Alert.id))


def contract_data(payload: dict) -> dict:
    """The API's field names and codes -> the objects create_contract takes."""
    case_id = payload.get("procurement_case_id")
    case = db.session.get(ProcurementCase, case_id) if case_id else None
    if case_id and case is None:
        raise DomainError("Onbekende inkoopzaak.", field="procurement_case_id")
    return {**payload, "provider": provider_by_id(payload["provider_id"]), "service": orderable_service(payload["service"]),
            "procurement_case": case, "municipalities": municipalities_by_codes(payload["municipalities"]),
            "starts_on": payload["start_date"], "ends_on": payload["end_date"],
            "pve_version": pve_version_by_id(payload.get("pve_version_id"))}


def pve_version_by_id(version_id: int | None) -> PveVersion | None:
    found = db.session.get(PveVersion, version_id) if version_id else None
    if version_id and found is None:
        raise DomainError("Onbekende PvE-versie.", field="pve_version_id")
    return found


def amendment_data(payload: dict) -> dict:
    data = {k: v for k, v in payload.items() if k not in ("reason", "end_date", "municipalities")}
    if "end_date" in payload:
        data["ends_on"] = payload["end_date"]
    if "municipalities" in payload:
        data["municipalities"] = municipalities_by_codes(payload["municipalities"])
    return data


def form_data(data: dict) -> dict:
    """An HTML form's data -> what create_contract and amend_contract take (ids and codes become objects)."""
    data = {k: v for k, v in data.items() if k not in ("csrf_token", "reason")}
    if "provider" in data:
        data["provider"] = provider_by_id(data["provider"])
        data["service"] = orderable_service(data["service"])
        data["procurement_case"] = db.session.get(ProcurementCase, data["procurement_case"] or 0)
        data["pve_version"] = pve_version_by_id(data.get("pve_version"))
    if "municipalities" in data:
        data["municipalities"] = municipalities_by_codes(data["municipalities"])
    data["extension_count"] = data.get("extension_count") or 0
    return data


def contract_documents(contract: Contract):
    """The contract's documents: current ones first, newest first."""
    return documents.listing(ContractDocument, ContractDocument.contract_id == contract.id)


def get_contract_document(contract: Contract, document_id: int) -> ContractDocument:
    """The document, or 404 when it is not this contract's."""
    return db.first_or_404(contract_documents(contract).where(ContractDocument.id == document_id))


def add_contract_document(contract: Contract, data: dict, filename: str, content: bytes, by: User | None) -> ContractDocument:
    """Contract managers and admins add documents (the signed contract, amendments ...)."""
    require(by, Action.CONTRACTS, contract.municipalities)
    return documents.add_document(ContractDocument(contract=contract), contract, contract_documents(contract),
                                  ContractDocumentKind, data, filename, content, by=by,
                                  folder=DOCUMENT_FOLDER)


def delete_contract_document(document: ContractDocument, by: User | None) -> None:
    require(by, Action.CONTRACTS, document.contract.municipalities)
    documents.delete_document(document, document.contract, by=by, folder=DOCUMENT_FOLDER)
