"""The authorisation matrix for writes, generated from the URL map and the OpenAPI document (core.scope).

Every mutating route, HTML and API, is sent a valid request (tests/security/writes.py) by a user of another region,
by a user of the same role scoped to another municipality of the same region, by a role the route does not allow
and by the admin of another region, on the demo region plus a second region: each is refused (403, or 404 where the
object is not even visible to them) and nothing in the database changes. The same request by the demo region's own
user is then not refused, which shows that the refusals came from the scope and not from the sample. A mutating
route that writes.py does not list fails the test, so a new endpoint cannot escape the matrix.
"""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import AuditEntry, Municipality, Region, Role, User
from tests.factories import PASSWORD, _password_hash
from tests.security.test_authorization_matrix import MACHINE, PUBLIC, _rules
from tests.security.test_scope_matrix import STAFF, world  # noqa: F401 - the module's world fixture
from tests.security.writes import NOT_WRITES, OWN_SIDE, WRITES

#: A refusal: outside the scope (403), not visible (404), or an object or choice the user's scope does not offer
#: (409, 422; on an HTML form the page shown again, 200). Whatever the answer, the database must not change.
REFUSED_API = (403, 404, 409, 422)
REFUSED_HTML = (200, *REFUSED_API)
#: A municipality of the demo region that the sampled objects do not concern alone (they concern GM0505 or all).
OTHER_MUNICIPALITY = "GM0642"


def _write_rules() -> list:
    return [param for param in _rules() if param.values[2] not in ("GET",) and param.values[0] not in PUBLIC | MACHINE]


def _mutating_operations(app) -> set[tuple[str, str]]:
    with app.test_request_context():
        document = app.test_client().get("/api/v1/openapi.json").get_json()
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item
            if method in ("post", "put", "patch", "delete")}


def test_every_mutating_route_is_in_the_matrix(world):
    app = world[0]
    listed = WRITES.keys() | NOT_WRITES.keys()
    missing = sorted({param.values[0] for param in _write_rules()} - listed)
    assert not missing, f"mutating routes without a sample request in tests/security/writes.py: {missing}"
    assert not (WRITES.keys() & NOT_WRITES.keys())
    rules = {(method, rule.rule.replace("<int:", "{").replace(">", "}")) for rule in app.url_map.iter_rules()
             for method in rule.methods}
    documented = {(m, p.split("/api/v1", 1)[-1]) for m, p in _mutating_operations(app)}
    in_map = {(m, "/api/v1" + p) for m, p in documented}
    assert in_map <= {(m, r.split("?")[0]) for m, r in rules}, "the OpenAPI document names a write the app lacks"


def _snapshot() -> dict:
    """Row counts of every table and the last audit entry: a refused write leaves both as they were."""
    counts = {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    return counts | {"audit": db.session.scalar(sa.select(sa.func.max(AuditEntry.id)))}


def _more_samples(samples: dict) -> dict:
    """What writes.py needs beyond the read matrix's samples: objects in a state that a write may change."""
    from contracts import services as contract_services
    from contracts.models import Admission, AdmissionStatus, Contract, ContractStatus
    from core.auth import issue_token
    from core.dates import today
    from kpis.models import KpiAlert
    from payments.bank_details import propose_paying_organisation
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
                     if c.service.kind == trajectory.contract.service.kind and c.service_id != trajectory.contract.service_id
                     and trajectory.municipality in c.municipalities)
    related = {p.id for p in db.session.scalars(sa.select(Provider))}
    applicant = next(p for p in db.session.scalars(sa.select(Provider).order_by(Provider.id))
                     if p.id in related and not db.session.scalar(sa.select(Admission.id).where(
                         Admission.provider_id == p.id)))
    draft = db.session.scalar(sa.select(PaymentRun).where(PaymentRun.status == RunStatus.DRAFT))
    open_claim = db.session.scalar(sa.select(EvidenceClaim).where(EvidenceClaim.status == ClaimStatus.OPEN)) or \
        db.session.scalar(sa.select(EvidenceClaim))
    milestone = contract.milestones[0]
    finance = db.session.scalar(sa.select(User).where(User.email == "financien@drechtsteden.demo"))
    change = propose_paying_organisation({"name": "Sociale Dienst Drechtsteden", "iban": "NL91ABNA0417164300",
                                          "bic": "ABNANL2A"}, region=db.session.get(Region, samples["region_id"]),
                                         by=finance)
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
        "change_id": change.id, "provider_kvk": provider.kvk_number, "provider_iban": provider.iban,
        "score_id": db.session.scalar(sa.select(RouteScore.id).order_by(RouteScore.id)), "measure": GrantMeasure.SPENT.value,
        "report_args": {"scope": f"r:{samples['region_id']}", "start": f"{day.year}-01-01", "end": day.isoformat()},
    }


@pytest.fixture(scope="module")
def sides(world):
    """(app, samples, {side: client factory}): the read matrix's users plus users of another municipality."""
    app, samples, clients = world
    with app.app_context():
        samples = _more_samples(samples)
        db.session.commit()
        other = db.session.scalar(sa.select(Municipality).where(Municipality.code == OTHER_MUNICIPALITY))
        for role in STAFF:
            if role == Role.ADMIN:
                continue
            user = User(email=f"{role.value}@zwijndrecht.example.nl", name="Zwijndrecht", role=role,
                        municipalities=[other], password_hash=_password_hash())
            db.session.add(user)
            db.session.commit()
            clients[("municipality", role)] = _logged_in(app, user)
        national = User(email="landelijk@beheer.example.nl", name="Landelijk", role=Role.NATIONAL_ADMIN,
                        password_hash=_password_hash())
        db.session.add(national)
        db.session.commit()
        clients[("national", Role.NATIONAL_ADMIN)] = _logged_in(app, national)
    return app, samples, clients


def _logged_in(app, user: User) -> dict:
    from core.auth import issue_token

    html, api = app.test_client(), app.test_client()
    assert html.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user)}"
    db.session.commit()
    return {"api": api, "html": html}


def _role_for(app, endpoint: str) -> Role:
    allowed = getattr(app.view_functions[endpoint], "allowed_roles", set(Role))
    return next(role for role in STAFF if role in allowed)


def _send(app, clients, side, endpoint, rule, samples):
    view_rule = next(r for r in app.url_map.iter_rules() if r.rule == rule and r.endpoint == endpoint)
    request = WRITES[endpoint](samples)
    values = {**(view_rule.defaults or {}), **{a: samples[a] for a in view_rule._converters if a in samples},
              **request.pop("args", {})}
    path = view_rule.build(values)[1]
    method = request.pop("method", next(iter(view_rule.methods - {"GET", "HEAD", "OPTIONS"})))
    client = clients[side]["api" if rule.startswith("/api/") else "html"]
    with app.app_context():
        return client.open(path, method=method, **request)


@pytest.mark.parametrize("endpoint, rule, method, url", _write_rules())
def test_foreign_writes_are_refused_and_change_nothing(sides, endpoint, rule, method, url):
    app, samples, clients = sides
    if endpoint in NOT_WRITES:
        return
    role = _role_for(app, endpoint)
    allowed = getattr(app.view_functions[endpoint], "allowed_roles", set(Role))
    wrong = next((r for r in STAFF if r not in allowed), None)
    tries = [("foreign", role), ("foreign", Role.ADMIN)]
    tries += [("municipality", role)] if ("municipality", role) in clients else []
    tries += [("own", wrong)] if wrong is not None else []
    with app.app_context():
        before = _snapshot()
    refused = REFUSED_API if rule.startswith("/api/") else REFUSED_HTML
    for side in tries:
        status = _send(app, clients, side, endpoint, rule, samples).status_code
        assert status in refused, f"{side} on {method} {rule}: {status}"
    with app.app_context():
        assert _snapshot() == before, f"a refused {method} {rule} changed the database"


@pytest.mark.parametrize("endpoint, rule, method, url", _write_rules())
def test_the_same_write_passes_the_scope_of_the_own_region(sides, endpoint, rule, method, url):
    app, samples, clients = sides
    if endpoint in NOT_WRITES:
        return
    own = OWN_SIDE.get(endpoint, _role_for(app, endpoint))
    side = ("national", own) if own == Role.NATIONAL_ADMIN else ("own", own)
    response = _send(app, clients, side, endpoint, rule, samples)
    assert response.status_code not in (403, 404) and response.status_code < 500, (
        f"own region on {method} {rule}: {response.status_code} {response.get_data(as_text=True)[:300]}")
