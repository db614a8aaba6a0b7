"""Beheer on screen: an admin manages the staff, tokens and municipalities of its own region only."""
import re

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from core import admin
from core.auth import user_for_token
from core.errors import DomainError
from core.extensions import db
from core.models import ApiToken, AuditEntry, Municipality, Role, User
from core.scope import OutOfScope


@pytest.fixture
def two_regions(make_region, make_user):
    own, other = make_region(name="Drechtsteden"), make_region(name="Midden-Limburg West")
    return {"own": own, "other": other, "admin": make_user(Role.ADMIN, region=own),
            "colleague": make_user(Role.INKOPER, region=own),
            "local": make_user(Role.FINANCE, municipalities=[own.municipalities[0]]),
            "stranger": make_user(Role.INKOPER, region=other),
            "national": make_user(Role.ADMIN)}


def test_a_region_admin_sees_only_the_staff_of_its_region(two_regions):
    t = two_regions
    seen = set(db.session.scalars(admin.manageable_users(t["admin"])))
    assert seen == {t["admin"], t["colleague"], t["local"]}
    assert t["stranger"] in set(db.session.scalars(admin.manageable_users(t["national"])))
    with pytest.raises(NotFound):
        admin.get_managed(t["admin"], User, t["stranger"].id)
    assert set(db.session.scalars(admin.manageable_municipalities(t["admin"]))) == set(t["own"].municipalities)


@pytest.mark.parametrize(("scope", "refusal", "field"), [
    # outside the region: a write outside the admin's scope (403)
    (lambda t: {"region": t["other"], "municipalities": []}, OutOfScope, None),
    (lambda t: {"region": None, "municipalities": [t["other"].municipalities[0]]}, OutOfScope, None),
    # staff without any scope: a form error on the field
    (lambda t: {"region": None, "municipalities": []}, DomainError, "municipalities"),
])
def test_a_region_admin_cannot_give_a_scope_outside_its_region(two_regions, scope, refusal, field):
    data = {"email": "nieuw@example.nl", "name": "Nieuw", "role": Role.INKOPER} | scope(two_regions)
    with pytest.raises(refusal) as refused:
        admin.add_staff_user(two_regions["admin"], data)
    assert refused.value.field == field


def test_a_new_user_gets_a_one_time_password_and_is_audited(two_regions):
    user, password = admin.add_staff_user(two_regions["admin"], {
        "email": "Nieuw@Example.nl", "name": "Nieuw", "role": Role.CONTRACTMANAGER, "region": two_regions["own"],
        "municipalities": []})
    assert user.email == "nieuw@example.nl" and len(password) >= 16 and password not in user.password_hash
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_id == user.id)) == "user_created"


def test_changing_role_or_scope_ends_the_sessions_a_new_name_does_not(two_regions):
    t, user = two_regions, two_regions["colleague"]
    version = user.session_version
    admin.update_staff_user(t["admin"], user, {"name": "Andere naam", "role": Role.INKOPER, "region": t["own"],
                                               "municipalities": []})
    assert user.session_version == version
    admin.update_staff_user(t["admin"], user, {"name": "Andere naam", "role": Role.FINANCE, "region": t["own"],
                                               "municipalities": []})
    assert user.session_version == version + 1 and user.role == Role.FINANCE
    with pytest.raises(DomainError, match="eigen beheerrol"):
        admin.update_staff_user(t["admin"], t["admin"], {"name": "x", "role": Role.INKOPER, "region": t["own"],
                                                         "municipalities": []})


def test_a_revoked_token_no_longer_authenticates(two_regions):
    t = two_regions
    token = admin.add_token(t["admin"], t["colleague"])
    assert user_for_token(token) == t["colleague"]
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == t["colleague"].id))
    admin.revoke_token(t["admin"], t["colleague"], stored.id)
    assert user_for_token(token) is None
    with pytest.raises(NotFound):  # a token of another user is not reachable through this user
        admin.revoke_token(t["admin"], t["local"], stored.id)


def test_municipalities_join_the_admins_region_and_only_a_national_admin_makes_regions(two_regions):
    t = two_regions
    with pytest.raises(DomainError, match="regio"):
        admin.add_municipality(t["admin"], {"code": "GM0999", "name": "Nergensdorp"}, None)
    added = admin.add_municipality(t["admin"], {"code": "gm0998", "name": "Ergensdorp"}, t["own"])
    assert added.code == "GM0998" and added in t["own"].municipalities
    with pytest.raises(DomainError, match="landelijk beheerder"):
        admin.add_region(t["admin"], {"name": "Nieuw", "municipalities": ["GM0998"]})
    assert admin.add_region(t["national"], {"name": "Nieuw", "municipalities": ["GM0998"]}).name == "Nieuw"


def test_the_admin_manages_users_and_tokens_on_screen(client, login, two_regions):
    t = two_regions
    login(t["admin"])
    users = client.get("/beheer/gebruikers").get_data(as_text=True)
    assert t["colleague"].email in users and t["stranger"].email not in users
    assert client.get(f"/beheer/gebruikers/{t['stranger'].id}").status_code == 404
    own = t["own"].municipalities[0]
    created = client.post("/beheer/gebruikers/nieuw", data={
        "email": "carla@example.nl", "name": "Carla", "role": "contractmanager", "region_id": 0,
        "municipality_ids": [own.id]})
    assert created.status_code == 200 and "eenmalige wachtwoord" in created.get_data(as_text=True)
    carla = db.session.scalar(sa.select(User).where(User.email == "carla@example.nl"))
    assert carla.municipalities == [own] and carla.region is None
    issued = client.post(f"/beheer/gebruikers/{carla.id}/tokens").get_data(as_text=True)
    token = re.search(r'id="secret" value="([^"]+)"', issued).group(1)
    assert user_for_token(token) == carla
    token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == carla.id))
    assert client.post(f"/beheer/gebruikers/{carla.id}/tokens/{token_id}/intrekken").status_code == 302
    db.session.expire_all()
    assert user_for_token(token) is None
    assert client.post(f"/beheer/gebruikers/{carla.id}/blokkeren").status_code == 302
    assert db.session.get(User, carla.id).is_enabled is False


def test_a_refused_user_form_says_why_at_the_top(client, login, two_regions):
    login(two_regions["admin"])
    other = two_regions["other"].municipalities[0]
    refused = client.post("/beheer/gebruikers/nieuw", data={"email": "x@example.nl", "name": "X", "role": "inkoper",
                                                            "region_id": 0, "municipality_ids": [other.id]})
    # Not offered on this form at all: the choice is not valid.
    assert refused.status_code == 422 and 'href="#municipality_ids"' in refused.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/beheer/gebruikers", "/beheer/gemeenten", "/beheer/regios"])
def test_beheer_is_for_admins_only(client, login, make_user, make_region, path):
    login(make_user(Role.CONTRACTMANAGER, region=make_region()))
    assert client.get(path).status_code == 403


def test_every_municipality_links_its_policy_and_indicator_pages(client, login, two_regions):
    login(two_regions["admin"])
    page = client.get("/beheer/gemeenten").get_data(as_text=True)
    for m in two_regions["own"].municipalities:
        assert f'/inkoop/inkoopbeleid/{m.code}"' in page and f'/indicatoren/gemeenten/{m.code}"' in page
    assert db.session.scalar(sa.select(sa.func.count(Municipality.id))) > len(two_regions["own"].municipalities)
    assert two_regions["other"].municipalities[0].name not in page


def test_the_admin_adds_a_municipality_to_its_region_on_screen(client, login, two_regions):
    login(two_regions["admin"])
    added = client.post("/beheer/gemeenten", data={"code": "GM0997", "name": "Ergensdorp",
                                                    "region_id": two_regions["own"].id})
    assert added.status_code == 302
    assert "Gemeente Ergensdorp is toegevoegd." in client.get(added.location).get_data(as_text=True)
    refused = client.post("/beheer/gemeenten", data={"code": "GM0997", "name": "Nog eens",
                                                      "region_id": two_regions["own"].id})
    assert refused.status_code == 422 and 'href="#code">CBS-code' in refused.get_data(as_text=True)
