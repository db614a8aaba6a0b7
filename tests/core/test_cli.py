import sqlalchemy as sa

from core.auth import user_for_token
from core.extensions import db
from core.models import ApiToken, Role, User


def test_users_create_and_token(app, make_region):
    region = make_region(name="Drechtsteden")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "fin@example.nl", "--role", "finance", "--region", "Drechtsteden"])
    assert result.exit_code == 0, result.output
    assert "Wachtwoord:" in result.output
    token = runner.invoke(args=["users", "token", "fin@example.nl"]).output.strip()
    user = db.session.scalar(sa.select(User).where(User.email == "fin@example.nl"))
    assert user.role == Role.FINANCE and user.region_id == region.id
    assert user_for_token(token) == user
    assert token not in {t.token_hash for t in db.session.scalars(sa.select(ApiToken))}


def test_users_create_with_municipalities(app, make_municipality):
    make_municipality(code="GM0505")
    result = app.test_cli_runner().invoke(
        args=["users", "create", "ink@example.nl", "--role", "inkoper", "--municipality", "GM0505"])
    assert result.exit_code == 0, result.output
    assert [m.code for m in db.session.scalar(sa.select(User).where(User.email == "ink@example.nl")).municipalities] == ["GM0505"]


def test_users_create_refuses_unknown_scope(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "x@example.nl", "--role", "inkoper", "--municipality", "GM0001"])
    assert result.exit_code != 0 and "Onbekende gemeente" in result.output


def test_demo_load_creates_the_drechtsteden_region_and_prints_logins(ctx, app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "inkoper@drechtsteden.demo" in result.output and "financien@drechtsteden.demo" in result.output
    codes = db.session.scalars(sa.text("select code from municipality order by code")).all()
    assert {"GM0505", "GM0642", "GM0590", "GM0531"} <= set(codes)


def test_demo_load_prints_the_login_url_of_the_port_it_will_run_on(ctx, app):
    result = app.test_cli_runner().invoke(args=["demo", "load", "--url", "http://127.0.0.1:8080"])
    assert result.exit_code == 0, result.output
    assert "Inloggen op http://127.0.0.1:8080/login met:" in result.output


def test_the_demo_case_decided_as_open_house_has_its_procedure(ctx, app):
    from contracts.models import Admission, AdmissionStatus, OpenHouse
    from procurement.models import ProcurementRoute

    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    house = db.session.scalar(sa.select(OpenHouse))
    assert house.procurement_case.decision_in_force.route == ProcurementRoute.OPEN_HOUSE
    statuses = sorted(a.status for a in db.session.scalars(sa.select(Admission)))
    assert statuses == sorted([AdmissionStatus.ADMITTED, AdmissionStatus.ADMITTED, AdmissionStatus.APPLIED])
    assert house.announced_on is not None and len(house.list_versions) == 2
    assert house.applications[0].contract.procurement_route == ProcurementRoute.OPEN_HOUSE
