"""Beheer: the users of a region, their roles and scopes, their API tokens, the region's municipalities.

What an admin may manage is decided in one place, `manageable_regions`: a region's admin manages that region, its
municipalities and the staff scoped to them; the national admin (its own role) manages every region (core.scope)."""
import secrets

import sqlalchemy as sa
from flask import abort

from core import audit
from core.auth import end_sessions, issue_token
from core.dates import now_utc
from core.errors import DomainError
from core.extensions import db
from core.models import ApiToken, Municipality, Region, Role, User, region_municipality, user_municipality
from core.scope import OutOfScope
from core.services import create_municipality, create_region, create_user

#: The roles an admin gives on the Beheer screens; provider users are made on their provider's page. Only the
#: national admin makes national admins.
STAFF_ROLES = (Role.ADMIN, Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE)


def is_national(admin: User) -> bool:
    return admin.role == Role.NATIONAL_ADMIN


def staff_roles(admin: User) -> tuple[Role, ...]:
    return (*STAFF_ROLES, Role.NATIONAL_ADMIN) if is_national(admin) else STAFF_ROLES


def manageable_regions(admin: User):
    """The regions this admin manages: its own region, or all for the national admin."""
    stmt = sa.select(Region).order_by(Region.name)
    return stmt if is_national(admin) else stmt.where(Region.id == (admin.region_id or -1))


def _region_ids(admin: User) -> sa.Select:
    return manageable_regions(admin).with_only_columns(Region.id)


def manageable_municipalities(admin: User):
    stmt = sa.select(Municipality).order_by(Municipality.name)
    if is_national(admin):
        return stmt
    return stmt.where(Municipality.id.in_(sa.select(region_municipality.c.municipality_id).where(
        region_municipality.c.region_id.in_(_region_ids(admin)))))


def manageable_users(admin: User):
    """Staff whose whole scope lies within the admin's region (its region, or only municipalities of it); provider
    users are not staff."""
    stmt = sa.select(User).where(User.role != Role.PROVIDER).order_by(User.name, User.email)
    if is_national(admin):
        return stmt
    outside = sa.select(user_municipality.c.user_id).where(user_municipality.c.municipality_id.not_in(
        manageable_municipalities(admin).with_only_columns(Municipality.id)))
    has_municipality = sa.select(user_municipality.c.user_id)
    # the user's whole scope within the admin's region: never a user who also holds another region's
    region_ok = sa.or_(User.region_id.in_(_region_ids(admin)),
                       sa.and_(User.region_id.is_(None), User.id.in_(has_municipality)))
    return stmt.where(region_ok, User.id.not_in(outside))


def get_managed(admin: User, model, object_id: int):
    """The user, region or municipality with this id if the admin manages it; 404 otherwise, as for any object
    outside one's scope."""
    query = {User: manageable_users, Region: manageable_regions, Municipality: manageable_municipalities}[model]
    found = db.session.scalar(query(admin).where(model.id == object_id))
    if found is None:
        abort(404)
    return found


def _check_scope(admin: User, region: Region | None, municipalities: list[Municipality]) -> None:
    regions = set(db.session.scalars(_region_ids(admin)))
    managed = set(db.session.scalars(manageable_municipalities(admin).with_only_columns(Municipality.id)))
    if region is not None and region.id not in regions:
        raise OutOfScope("U beheert deze regio niet.")
    if any(m.id not in managed for m in municipalities):
        raise OutOfScope("U beheert niet al deze gemeenten.")


def add_staff_user(admin: User, data: dict) -> tuple[User, str]:
    """A staff user within the admin's regions, with a one-time password to hand over; returns both."""
    _check_scope(admin, data["region"], data["municipalities"])
    _check_role(admin, data)
    password = secrets.token_urlsafe(15)
    user = create_user(data["email"], data["role"], password, by=admin, name=data["name"], region=data["region"],
                       municipalities=data["municipalities"])
    return user, password


def update_staff_user(admin: User, user: User, data: dict) -> User:
    """Change name, role and scope; a changed role or scope ends the user's sessions."""
    _check_scope(admin, data["region"], data["municipalities"])
    _check_role(admin, data)
    if data["role"] != Role.NATIONAL_ADMIN and data["region"] is None and not data["municipalities"]:
        raise DomainError("Geef een regio of minstens één gemeente op.", field="municipalities")
    if user.id == admin.id and data["role"] != admin.role:
        raise DomainError("U kunt uw eigen beheerrol niet afnemen.", field="role")
    before = _scope_of(user)
    user.name, user.role, user.region = data["name"], data["role"], data["region"]
    user.municipalities = list(data["municipalities"])
    after = _scope_of(user)
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changes.keys() - {"name"}:
        end_sessions(user)
    if changes:
        audit.record(admin, "user_updated", user, f"Gebruiker {user.email} gewijzigd", changes)
    return user


def _check_role(admin: User, data: dict) -> None:
    """A region's admin belongs to a region; only the national admin makes another national admin."""
    if data["role"] not in staff_roles(admin):
        raise DomainError("Deze rol kunt u niet geven.", field="role")
    if data["role"] == Role.ADMIN and data["region"] is None:
        raise DomainError("Een beheerder hoort bij een regio; kies die regio.", field="region")


def _scope_of(user: User) -> dict:
    return {"name": user.name, "role": user.role, "region": str(user.region or ""),
            "municipalities": [m.code for m in user.municipalities]}


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def add_token(admin: User, user: User) -> str:
    """A new API token for the user; it is shown once, only its hash is kept. Never for a finance user: whoever
    holds the token acts as that user, and money moves on the four eyes of two finance users (core.scope); they
    get theirs from the operator (flask users token)."""
    if user.role == Role.FINANCE:
        raise OutOfScope("Een API-token van een financieel medewerker geeft u die medewerker niet: wie het token "
                         "heeft, keurt als die medewerker goed. De beheerder van de installatie maakt het (flask users "
                         "token).")
    token = issue_token(user)
    db.session.flush()
    audit.record(admin, "api_token_issued", user, f"API-token voor {user.email} uitgegeven")
    return token


def revoke_token(admin: User, user: User, token_id: int) -> ApiToken:
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        abort(404)
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        audit.record(admin, "api_token_revoked", user, f"API-token {token.id} van {user.email} ingetrokken")
    return token


def add_municipality(admin: User, data: dict, region: Region | None) -> Municipality:
    """A municipality, at once part of one of the admin's regions (an admin bound to a region must name it)."""
    if region is None and not is_national(admin):
        raise DomainError("Kies de regio waartoe de gemeente hoort.", field="region")
    _check_scope(admin, region, [])
    municipality = create_municipality(data, by=admin)
    if region is not None:
        region.municipalities.append(municipality)
        audit.record(admin, "region_updated", region, f"Gemeente {municipality.code} toegevoegd aan {region.name}",
                     {"municipalities": [None, municipality.code]})
    return municipality


def add_region(admin: User, data: dict) -> Region:
    """Only the national admin makes new regions."""
    if not is_national(admin):
        raise OutOfScope("Alleen een landelijk beheerder maakt nieuwe regio's.")
    return create_region(data, by=admin)
