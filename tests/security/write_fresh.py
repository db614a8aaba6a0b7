"""Objects of one route's own, made just before the write matrix tries that route (FRESH below): an own-side write
uses its object up (an approved run, a decided claim, a resolved comment), so no two routes share one. Each builder
takes the samples and returns the ones it replaces; the makers act as the demo's staff, not as the route's own
side, where four eyes apply (the approver is never the creator)."""
from datetime import date, timedelta

import sqlalchemy as sa

from core.dates import today
from core.extensions import db
from core.models import Municipality, Region, User

#: The demo's users who make what another then approves (test_write_matrix's own side approves as the other).
MAKER_FINANCE, MAKER_INKOPER = "financien@drechtsteden.demo", "inkoper@drechtsteden.demo"
#: Municipalities of the demo region that the municipality-scoped outsider (GM0642) does not hold.
RUN_MUNICIPALITIES = {"payments_api.approve": "GM0505", "payments.approve": "GM0590"}


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _municipality(code: str) -> Municipality:
    return db.session.scalar(sa.select(Municipality).where(Municipality.code == code))


def _no_drafts(s: dict) -> dict:
    """At most one draft run per municipality: the drafts of earlier routes are cancelled."""
    from payments.models import PaymentRun, RunStatus
    from payments.runs import cancel_run

    for run in db.session.scalars(sa.select(PaymentRun).where(PaymentRun.status == RunStatus.DRAFT)):
        cancel_run(run, by=None)
    return {}


def _run(endpoint: str):
    def build(s: dict) -> dict:
        from payments.runs import create_run

        _no_drafts(s)
        municipality = _municipality(RUN_MUNICIPALITIES.get(endpoint, "GM0531"))
        run = create_run(s["period"], municipality=municipality, by=_user(MAKER_FINANCE), today=today())
        return {"draft_run_id": run.id}
    return build


def _bank_change(code: str):
    def build(s: dict) -> dict:
        from payments.bank_details import propose_paying_organisation

        change = propose_paying_organisation({"name": f"Gemeente {code}", "iban": "NL91ABNA0417164300",
                                              "bic": "ABNANL2A"}, municipality=_municipality(code),
                                             by=_user(MAKER_FINANCE))
        return {"change_id": change.id}
    return build


def _claim(s: dict) -> dict:
    from payments.models import ClaimStatus, EvidenceClaim

    from trajectories.models import Trajectory

    model = db.session.scalar(sa.select(EvidenceClaim).order_by(EvidenceClaim.id))
    columns = {c.key: getattr(model, c.key) for c in EvidenceClaim.__table__.columns
               if c.key not in ("id", "status", "note", "decided_at", "decided_by_id", "created_at")}
    # on the sampled trajectory (GM0505), whatever municipality the demo's own claim drew that day
    trajectory = db.session.get(Trajectory, s["trajectory_id"])
    columns |= {"trajectory_id": trajectory.id, "contract_id": trajectory.contract_id,
                "provider_id": trajectory.contract.provider_id, "municipality_id": trajectory.municipality_id}
    count = db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceClaim))
    claim = EvidenceClaim(**columns | {"month_key": f"2099-{count:02d}", "status": ClaimStatus.OPEN})
    db.session.add(claim)
    db.session.flush()
    return {"open_claim_id": claim.id}


def _sampled_line(s: dict) -> dict:
    """The sampled line of the read matrix (not of the municipality-scoped outsider's GM0642), open again."""
    from payments.models import SampledLine, SampleStatus

    line = db.session.scalar(sa.select(SampledLine).join(Municipality, Municipality.id == SampledLine.municipality_id)
                             .where(Municipality.code != "GM0642").order_by(SampledLine.id))
    line.status, line.reason, line.checked_at, line.checked_by_id = SampleStatus.OPEN, "", None, None
    return {"sample_id": line.id}


def _case(s: dict):
    from procurement.models import ProcurementCase
    from tests.factories import ALL_CONDITIONS_MET, service

    region = db.session.get(Region, s["region_id"])
    case = ProcurementCase(service=service("knm"), region=region, municipalities=list(region.municipalities),
                           facts=dict(ALL_CONDITIONS_MET), expected_participants_per_year=10,
                           price_per_trajectory=1000, term_years=2, extension_years=0, weights={})
    db.session.add(case)
    db.session.flush()
    return case


def _free_case(s: dict) -> dict:
    return {"free_case_id": _case(s).id}


def _pending_case(s: dict) -> dict:
    from core.dates import now_utc
    from procurement.models import ProcurementRoute
    from procurement.services import record_decision

    case = _case(s)
    record_decision(case, ProcurementRoute.OPEN_HOUSE, "Keuzevrijheid", by=_user(MAKER_INKOPER), today=today(),
                    now=now_utc())
    return {"pending_case_id": case.id}


def _open_house(s: dict, announced: bool = False) -> dict:
    from contracts.open_house import announce, open_open_house

    house = open_open_house(_case(s), {"title": "Matrix", "starts_on": today() - timedelta(days=30),
                                       "ends_on": today() + timedelta(days=365), "price_per_trajectory": 1000}, by=None)
    if announced:
        announce(house, today(), "https://tenderned.nl/matrix", by=None, today=today())
    return {"open_house_id": house.id}


def _pve(status: str | None = None, comment: bool = False):
    def build(s: dict) -> dict:
        from procurement.pve import services as pve
        from procurement.pve.models import PveStatus

        maker = _user(MAKER_INKOPER)
        made = pve.create_pve(_case(s), "Matrix", by=maker)
        db.session.flush()
        if status:
            pve.change_status(made, PveStatus.IN_REVIEW, by=maker)
            pve.change_status(made, PveStatus.ADOPTED, by=_user("beheer@drechtsteden.demo"))
        found = {"pve_id": made.id, "section_key": made.latest.sections[0]["key"]}
        if comment:
            found["comment_id"] = pve.add_comment(made, found["section_key"], "Graag aanvullen", by=maker).id
        return found
    return build


def _trajectory(s: dict) -> dict:
    from trajectories.models import Trajectory

    model = db.session.get(Trajectory, s["trajectory_id"])
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Trajectory))
    trajectory = Trajectory(contract=model.contract, municipality=model.municipality, reference=f"MATRIX-F{count}",
                            referral_date=model.referral_date, participant_pseudonym=f"P-MATRIX-{count}")
    db.session.add(trajectory)
    db.session.flush()
    return {"trajectory_id": trajectory.id, "reference": trajectory.reference}


def _failed_import(s: dict) -> dict:
    import io

    from trajectories.imports import ImportStatus, save_upload

    upload = save_upload(io.BytesIO(b"trajectory,event_id\n"), "matrix.csv", by=_user("contract@drechtsteden.demo"))
    upload.status = ImportStatus.FAILED
    return {"import_id": upload.id}


def _narrative(s: dict) -> dict:
    from reports.services import save_narrative_for

    args = s["report_args"]
    version = save_narrative_for(_user(MAKER_FINANCE), args["scope"], date.fromisoformat(args["start"]),
                                 date.fromisoformat(args["end"]), {"toelichting": "Concept van financiën"})
    return {"number": version.number}


FRESH = {
    "payments_api.create": _no_drafts, "payments.index": _no_drafts,
    **{f"payments{api}.{verb}": _run(f"payments{api}.{verb}") for api in ("", "_api")
       for verb in ("approve", "cancel", "recalculate")},
    "payments_api.approve_bank_change": _bank_change("GM0505"), "payments_api.reject_bank_change":
        _bank_change("GM0590"), "payments.decide_bank_change": _bank_change("GM0531"),
    **{f"verification{api}.{verb}": _claim for api in ("", "_api") for verb in ("accept", "reject")},
    "verification.sample": _sampled_line, "verification_api.check": _sampled_line,
    "pve.create": _free_case, "pve_api.create": _free_case, "open_house.create": _free_case,
    "procurement.approve": _pending_case, "procurement_api.approve": _pending_case,
    "open_house.announce": _open_house, "contracts_api.announce": _open_house,
    **{f"pve{api}.{verb}": _pve() for api in ("", "_api") for verb in ("edit", "save", "change_status", "status")},
    "pve.new_draft": _pve("adopted"), "pve_api.new_draft": _pve("adopted"),
    **{f"pve{api}.{verb}": _pve(comment=True) for api in ("", "_api")
       for verb in ("answer_comment", "resolve_comment")},
    "trajectories.switch": _trajectory, "trajectories_api.switch_trajectory": _trajectory,
    "trajectories.add_event": _trajectory, "trajectories_api.progress_events": _trajectory,
    "trajectories.import_action": _failed_import, "reports.approve": _narrative,
    "open_house.apply": lambda s: _open_house(s, announced=True),
}


def fresh(endpoint: str, samples: dict) -> dict:
    """The samples with this route's own objects, made and committed."""
    build = FRESH.get(endpoint)
    if build is None:
        return samples
    found = samples | build(samples)
    db.session.commit()
    return found
