"""Own against foreign scope for every GET endpoint that names an object, generated from the URL map.

The demo region (Drechtsteden) holds one object of every kind. A user of that region opens each such URL and gets
an answer; a user of the same role in another region gets 404, as does a provider user for another provider's
objects. A new endpoint is covered as soon as its URL arguments are among SAMPLES below; an argument nobody
samples fails the test, so it cannot slip through.
"""
import io
import os

import pytest
import sqlalchemy as sa

from benchmarks.dataset import rebuild_schema
from contracts import services as contract_services
from contracts.models import Contract, KpiAgreement, OpenHouse
from core import create_app
from core.auth import issue_token
from core.catalogue import service_rows
from core.demo import load_all
from core.extensions import db
from core.models import Municipality, Region, Role, Service, User
from trajectories.imports import save_upload
from trajectories.models import Trajectory
from payments.models import PaymentLine, PaymentRun
from procurement.models import PlanningMilestone, ProcurementCase
from procurement.pve import services as pve_services
from procurement.pve.models import PveVersion
from providers.models import Provider
from providers import services as provider_services
from tests.conftest import _config, _database_url
from tests.factories import PASSWORD, PDF, _password_hash
from tests.security.test_authorization_matrix import _rules

#: The provider registry is shared by all staff (a provider works for many regions; registering one must find it
#: by KvK): for these endpoints the foreign side is another provider's user, where providers may open them at all.
SHARED_WITH_STAFF = {"providers.detail", "providers.edit", "providers_api.detail", "providers.document",
                     "providers_api.documents", "providers_api.document"}
#: Query strings that some endpoints require, filled from the samples.
QUERIES = {"pve_api.diff": "?from={number}&to={number}",
           "payments_api.specification": "?provider_id={provider_id}"}
#: Staff roles tried in this order: the first one the endpoint allows is used.
STAFF = (Role.CONTRACTMANAGER, Role.INKOPER, Role.FINANCE)


def _first(stmt):
    found = db.session.scalars(stmt.limit(1)).first()
    assert found is not None, f"the demo holds no {stmt}"
    return found


def _samples(app) -> tuple[dict, dict, dict]:
    """Load the demo: ({URL argument: value} for its objects, {role: user} of the demo region, {email: password})."""
    passwords = {email: password for email, _, password in load_all()}
    region = db.session.scalar(sa.select(Region).where(Region.name == "Drechtsteden"))
    users = {user.role: user for user in db.session.scalars(sa.select(User).where(User.region_id == region.id))}
    case = _first(sa.select(ProcurementCase).where(ProcurementCase.region_id == region.id))
    version = _first(sa.select(PveVersion).order_by(PveVersion.id))
    contract = _first(sa.select(Contract).join(KpiAgreement).order_by(Contract.id))
    run = _first(sa.select(PaymentRun).order_by(PaymentRun.id))
    house = _first(sa.select(OpenHouse).join(OpenHouse.procurement_case).where(ProcurementCase.region_id == region.id))
    attachment = pve_services.add_attachment(version.pve, "bijlage.pdf", PDF, by=users[Role.INKOPER])
    provider_id = _first(sa.select(PaymentLine.provider_id).where(PaymentLine.run_id == run.id))
    document = {"title": "Getekend", "kind": "getekend"}, "contract.pdf", PDF
    contract_document = contract_services.add_contract_document(contract, *document, by=users[Role.CONTRACTMANAGER])
    provider_document = provider_services.add_provider_document(
        db.session.get(Provider, provider_id), {"title": "VOG", "kind": "vog"}, "vog.pdf", PDF,
        by=users[Role.CONTRACTMANAGER])
    upload = save_upload(io.BytesIO(b"trajectory,event_id\n"), "voortgang.csv", by=users[Role.CONTRACTMANAGER])
    samples = {
        "case_id": case.id, "milestone_id": _first(sa.select(PlanningMilestone).where(
            PlanningMilestone.procurement_case_id == case.id)).id,
        "pve_id": version.pve_id, "number": version.number, "attachment_id": attachment.id,
        "contract_id": contract.id, "kpi": contract.kpi_agreements[0].kpi,
        "open_house_id": house.id, "import_id": upload.id, "run_id": run.id,
        "provider_id": provider_id, "provider_document_id": provider_document.id,
        "contract_document_id": contract_document.id,
        "trajectory_id": _first(sa.select(Trajectory.id).join(Municipality).where(Municipality.code == "GM0505")),
        "region_id": region.id, "code": "GM0505",
    }
    return samples, users, passwords


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A database of its own: the demo takes seconds to load, so it is loaded once for this module."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "master")
    url = _database_url(f"{worker}_scope")
    if not url.startswith("postgresql"):
        url = f"sqlite:///{tmp_path_factory.mktemp('scope') / 'scope.db'}"
    app = create_app(_config(url))
    with app.app_context():
        rebuild_schema()
        db.session.execute(sa.insert(Service), service_rows())
        samples, users, passwords = _samples(app)
        clients = _clients(app, samples, users, passwords)
    yield app, samples, clients
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _clients(app, samples: dict, users: dict, passwords: dict) -> dict:
    """{(own|foreign, role): {"api": bearer client, "html": logged-in client}}: staff of the demo region and of
    another region, and the users of the sampled provider and of another provider."""
    elsewhere = Region(name="Elders", executing_organisation="Elders BV",
                       municipalities=[Municipality(code="GM9999", name="Elders", cost_centre="E")])
    outsiders = {role: User(email=f"{role.value}@elders.example.nl", name="Buiten", role=role, region=elsewhere,
                            password_hash=_password_hash()) for role in STAFF}
    db.session.add_all([elsewhere, *outsiders.values()])
    passwords = passwords | {user.email: PASSWORD for user in outsiders.values()}
    provider_users = {user.provider_id: user for user in db.session.scalars(
        sa.select(User).where(User.provider_id.is_not(None)).order_by(User.id.desc()))}
    own_provider = samples["provider_id"]
    other_provider = next(pid for pid in provider_users if pid != own_provider)
    sides = {("own", role): users[role] for role in STAFF} | {("foreign", r): u for r, u in outsiders.items()}
    sides |= {("own", Role.PROVIDER): provider_users[own_provider],
              ("foreign", Role.PROVIDER): provider_users[other_provider]}
    clients = {}
    for key, user in sides.items():
        api_client, html_client = app.test_client(), app.test_client()
        api_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user)}"
        db.session.commit()
        answer = html_client.post("/login", data={"email": user.email, "password": passwords[user.email]})
        assert answer.status_code == 302, f"{user.email} cannot log in"
        clients[key] = {"api": api_client, "html": html_client}
    return clients


def _object_rules() -> list:
    return [param for param in _rules()
            if param.values[2] == "GET" and "<" in param.values[1] and not param.values[1].startswith("/static")]


@pytest.mark.parametrize("endpoint, rule, method, url", _object_rules())
def test_own_scope_answers_and_foreign_scope_is_404(world, endpoint, rule, method, url):
    app, samples, clients = world
    view_rule = next(r for r in app.url_map.iter_rules() if r.rule == rule and r.endpoint == endpoint)
    missing = set(view_rule._converters) - samples.keys()
    assert not missing, f"no sample object for {missing}: add one to _samples()"
    path = view_rule.build({**(view_rule.defaults or {}), **{a: samples[a] for a in view_rule._converters}})[1]
    allowed = getattr(app.view_functions[endpoint], "allowed_roles", set(Role))
    path += QUERIES.get(endpoint, "").format(**samples)
    staff = [r for r in STAFF if r in allowed and endpoint not in SHARED_WITH_STAFF]
    role = next(iter(staff), Role.PROVIDER if Role.PROVIDER in allowed else None)
    sides = (("own", None), ("foreign", 404))
    if role is None:  # a registry page that only staff edit: every contract manager may, whatever the region
        role, sides = Role.CONTRACTMANAGER, (("own", None), ("foreign", None))
    for side, expected in sides:
        client = clients[(side, role)]["api" if rule.startswith("/api/") else "html"]
        with app.app_context():
            status = client.get(path).status_code
        if expected is None:
            assert status < 400, f"{role} ({side}): {status} on {path}"
        else:
            assert status == expected, f"{role} of another region: {status} on {path}"
