"""Passwords, sessions, API tokens, roles and the scope every query is filtered by."""
import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache, wraps

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, g, session
from flask_login import current_user, login_user

from core.dates import now_utc
from core.errors import DomainError
from core.extensions import db, login_manager
from core.models import ApiToken, Municipality, Region, Role, User

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
# A short deny-list of the passwords that breach corpora list first; length does the rest.
COMMON_PASSWORDS = {"welkom123456", "wachtwoord12", "password1234", "123456789012", "qwertyuiop12",
                    "welkomwelkom", "gemeente2026", "zomer2026!!!", "inburgering1"}


def check_password_policy(password: str, email: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn.", field="password")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or (email and email.split("@")[0].lower() in lowered):
        raise DomainError("Dit wachtwoord is te makkelijk te raden; kies een ander.", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Whether the password is the user's; for no user it is checked against a stand-in hash and refused, so that
    an unknown e-mail address takes as long to answer as a known one."""
    try:
        matches = _hasher.verify(user.password_hash if user is not None else _stand_in_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and user is not None


@cache
def _stand_in_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_enabled or user.session_version != int(version):
        return None
    started = session.get("login_at")
    max_age = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    if started is None or now_utc() - datetime.fromisoformat(started) > max_age:
        return None
    return user


def start_session(user: User) -> None:
    """Log in with a fresh session, so that no identifier from before the login survives it."""
    session.clear()
    login_user(user)
    session["login_at"] = now_utc().isoformat()
    session.permanent = True


def end_sessions(user: User) -> None:
    """Invalidate every session of this user (logout, password change, disabling)."""
    user.session_version += 1


def issue_token(user: User) -> str:
    """Create a new API token for the user; returns the token, of which only a hash is kept."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hashlib.sha256(token.encode()).hexdigest()))
    return token


def user_for_token(token: str) -> User | None:
    found = db.session.scalar(sa.select(ApiToken).where(
        ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest(), ApiToken.revoked_at.is_(None)))
    if found is None or not found.user.is_enabled:
        return None
    return found.user


def authenticate_bearer(header: str | None) -> User | None:
    """Authenticate an API request by its bearer token only: cookies never reach the API."""
    scheme, _, token = (header or "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is not None:
        login_manager._update_request_context_with_user(user)  # this request only: no session is created
        g.api_user = user
    return user


def roles_required(*roles: Role):
    """Allow only these roles (the admins always); others get 403. Login itself is enforced app-wide. What the user
    may write within the view is decided by core.scope."""
    allowed = {Role.ADMIN, Role.NATIONAL_ADMIN, *roles}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


def visible_municipality_ids(user: User) -> set[int] | None:
    """The municipalities whose objects the user may see; None means all (the national admin). A region's admin
    sees its region."""
    if user.role == Role.NATIONAL_ADMIN:
        return None
    ids = {m.id for m in user.municipalities}
    if user.region is not None:
        ids |= {m.id for m in user.region.municipalities}
    return ids


def scope_filter(user: User, column):
    """A WHERE clause limiting a municipality column to the user's scope."""
    ids = visible_municipality_ids(user)
    return sa.true() if ids is None else column.in_(ids or [-1])


def can_see_municipality(user: User, municipality: Municipality) -> bool:
    ids = visible_municipality_ids(user)
    return ids is None or municipality.id in ids


def visible_regions(user: User):
    if user.role == Role.NATIONAL_ADMIN:
        return sa.select(Region).order_by(Region.name)
    ids = visible_municipality_ids(user) or {-1}
    return (sa.select(Region).join(Region.municipalities).where(Municipality.id.in_(ids))
            .distinct().order_by(Region.name))
