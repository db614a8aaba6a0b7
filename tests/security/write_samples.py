"""The objects the write matrix (test_write_matrix.py) writes on: each route gets objects of its own, in a state
its write may change, so that one route's own-side write does not use up another's; and objects of another region
whose ids an own-side user sends in a body."""
import hashlib
from datetime import timedelta

import sqlalchemy as sa

from core.extensions import db
from core.models import Region, Role, User
from tests.factories import _password_hash


def digest() -> dict[str, str]:
    """{table: hash of all its rows in primary-key order}: a refused write leaves every one as it was."""
    found = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(sa.select(table).order_by(*order)).all()
        found[table.name] = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
    return found


def more_samples(samples: dict) -> dict:
    """What writes.py needs beyond the read matrix's samples: objects in a state that a write may change."""
    from contracts import services as contract_services
    from contracts.models import Admission, AdmissionStatus, Contract, ContractStatus
    from core.auth import issue_token
    from core.dates import today
    from kpis.models import KpiAlert
    from payments.models import ClaimStatus, EvidenceClaim, PaymentRun, RunStatus
    from procurement.models import ProcurementCase, RouteScore
    from procurement.pve.models import Pve, PveComment
    from providers import services as provider_services
    from providers.models import Provider
    from reports.models import GrantMeasure
    from tests.factories import PDF
    from trajectories.duo.models import DuoOutboxItem, DuoTrajectoryState, OutboxKind, OutboxStatus
    from trajectories.models import Trajectory

    day = today()
    contract = db.session.get(Contract, samples["contract_id"])
    trajectory = db.session.get(Trajectory, samples["trajectory_id"])
    manager = db.session.scalar(sa.select(User).where(User.email == "contract@drechtsteden.demo"))
    target = User(email="doel@drechtsteden.example.nl", name="Doel", role=Role.INKOPER, region=contract.municipalities[
        0].regions[0], password_hash=_password_hash())
    db.session.add(target)
    db.session.flush()
    issue_token(target)
    token_id = db.session.scalar(sa.text("select max(id) from api_token"))
    document = {"title": "Extra", "kind": "overig"}
    api_contract_document = contract_services.add_contract_document(contract, document, "extra.pdf", PDF, by=manager)
    provider = db.session.get(Provider, samples["provider_id"])
    api_provider_document = provider_services.add_provider_document(provider, document, "extra.pdf", PDF, by=manager)
    for status, key in ((OutboxStatus.FAILED, "failed"), (OutboxStatus.MANUAL, "manual")):
        db.session.add(DuoOutboxItem(kind=OutboxKind.REPORT_MAP, dedupe_key=f"matrix-{key}", trajectory=trajectory,
                                     municipality_id=trajectory.municipality_id, status=status))
    db.session.add(DuoTrajectoryState(trajectory=trajectory, transfer_flagged_on=day))
    db.session.flush()
    items = dict(db.session.execute(sa.select(DuoOutboxItem.status, DuoOutboxItem.id)).all())
    case = db.session.get(ProcurementCase, samples["case_id"])
    pending = next((c for c in db.session.scalars(sa.select(ProcurementCase)) if c.pending_decision), case)
    free_case = next((c for c in db.session.scalars(sa.select(ProcurementCase).order_by(ProcurementCase.id))
                     if not db.session.scalar(sa.select(Pve.id).where(Pve.procurement_case_id == c.id))), pending)
    pve = db.session.get(Pve, samples["pve_id"])
    switch_to = next(c for c in db.session.scalars(sa.select(Contract).where(Contract.status == ContractStatus.ACTIVE))
                     if c.service.kind == trajectory.contract.service.kind
                     and c.service_id != trajectory.contract.service_id
                     and trajectory.municipality in c.municipalities and c.provider.has_valid_keurmerk_on(day))
    related = {p.id for p in db.session.scalars(sa.select(Provider))}
    applicant = next(p for p in db.session.scalars(sa.select(Provider).order_by(Provider.id))
                     if p.id in related and not db.session.scalar(sa.select(Admission.id).where(
                         Admission.provider_id == p.id)))
    draft = db.session.scalar(sa.select(PaymentRun).where(PaymentRun.status == RunStatus.DRAFT))
    open_claim = db.session.scalar(sa.select(EvidenceClaim).where(EvidenceClaim.status == ClaimStatus.OPEN)) or \
        db.session.scalar(sa.select(EvidenceClaim))
    milestone = contract.milestones[0]
    later = contract.ends_on.replace(year=contract.ends_on.year + 1)
    return samples | {
        "today": day.isoformat(), "target_user_id": target.id, "target_email": target.email, "token_id": token_id,
        "api_contract_document_id": api_contract_document.id, "api_provider_document_id": api_provider_document.id,
        "failed_item_id": items[OutboxStatus.FAILED], "manual_item_id": items[OutboxStatus.MANUAL],
        "item_id": items[OutboxStatus.FAILED], "pending_case_id": pending.id, "free_case_id": free_case.id,
        "case_service": case.service.code, "case_municipalities": [m.code for m in case.municipalities],
        "section_key": pve.latest.sections[0]["key"],
        "comment_id": db.session.scalar(sa.select(PveComment.id).where(PveComment.pve_id == pve.id)),
        "switch_contract_id": switch_to.id, "reference": trajectory.reference,
        "applicant_id": applicant.id,
        "admission_id": db.session.scalar(sa.select(Admission.id).where(
            Admission.status == AdmissionStatus.APPLIED)),
        "alert_id": db.session.scalar(sa.select(KpiAlert.id).order_by(KpiAlert.id)),
        "open_claim_id": open_claim.id, "draft_run_id": draft.id, "period": draft.period,
        "contract_ends_on": contract.ends_on.isoformat(), "contract_run_off": contract.run_off.value,
        "contract_ends_on_later": later.isoformat(), "milestone_code": milestone.code,
        "milestones": contract_services.schedule_of(contract),
        "tariff_day": contract.ends_on.replace(day=1).isoformat(),
        "tariff_day_api": (contract.ends_on.replace(day=1) - timedelta(days=31)).replace(day=1).isoformat(),
"provider_kvk": provider.kvk_number, "provider_iban": provider.iban,
        "score_id": db.session.scalar(sa.select(RouteScore.id).order_by(RouteScore.id)),
        "measure": GrantMeasure.SPENT.value,
        "report_args": {"scope": f"r:{samples['region_id']}", "start": f"{day.year}-01-01", "end": day.isoformat()},
    }




def foreign_objects(samples: dict) -> dict:
    """Objects of the other region (Elders, GM9999) whose ids an own-side user sends in a body: a provider only
    Elders works with, a procurement case with a PvE, and an active contract for the route a switch goes to."""
    from datetime import date

    from contracts.models import Contract, ContractStatus
    from core.models import Municipality
    from core.scope import relate_provider
    from procurement.models import ProcurementCase, ProcurementRoute
    from procurement.pve.services import create_pve
    from providers.models import Provider
    from tests.factories import ALL_CONDITIONS_MET, service

    elders = db.session.scalar(sa.select(Region).where(Region.name == "Elders"))
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == "GM9999"))
    provider = Provider(name="Taalschool Elders", kvk_number="99887766", iban="NL91ABNA0417164300", bic="ABNANL2A",
                        keurmerk_valid_until=date(2031, 12, 31))
    case = ProcurementCase(service=service("b1_route"), region=elders, municipalities=[municipality],
                           facts=dict(ALL_CONDITIONS_MET), expected_participants_per_year=5, price_per_trajectory=1000,
                           term_years=2, extension_years=0, weights={})
    db.session.add_all([provider, case])
    db.session.flush()
    relate_provider(provider.id, [elders])
    pve = create_pve(case, "PvE Elders", by=None)
    switch_to = db.session.get(Contract, samples["switch_contract_id"])
    contract = Contract(reference="ELDERS-1", provider=provider, service=switch_to.service,
                        procurement_route=ProcurementRoute.AANBESTEDING, municipalities=[municipality],
                        starts_on=date(2026, 1, 1), ends_on=date(2030, 12, 31), price_per_trajectory=1000,
                        status=ContractStatus.ACTIVE)
    db.session.add(contract)
    db.session.flush()
    return {"foreign_provider_id": provider.id, "foreign_case_id": case.id, "foreign_pve_id": pve.id,
            "foreign_pve_version_id": pve.latest.id, "foreign_contract_id": contract.id,
            "foreign_region_id": elders.id, "foreign_code": municipality.code, "foreign_codes": [municipality.code]}
