"""The core part of `flask demo load`: the Drechtsteden region and one user per staff role."""
import secrets

import sqlalchemy as sa
from flask import current_app

from core import services
from core.extensions import db
from core.models import Municipality, Region, Role
from core.registry import items

DRECHTSTEDEN = [("GM0505", "Dordrecht", "KPL-6100"), ("GM0642", "Zwijndrecht", "KPL-6200"),
                ("GM0590", "Papendrecht", "KPL-6300"), ("GM0531", "Hendrik-Ido-Ambacht", "KPL-6400")]
STAFF = [("beheer@drechtsteden.demo", Role.ADMIN, "Bea Beheer"),
         ("landelijk@beheer.demo", Role.NATIONAL_ADMIN, "Lars Landelijk"),
         ("inkoper@drechtsteden.demo", Role.INKOPER, "Ilse Inkoper"),
         ("inkoper2@drechtsteden.demo", Role.INKOPER, "Ivo Inkoper"),
         ("contract@drechtsteden.demo", Role.CONTRACTMANAGER, "Carla Contract"),
         ("financien@drechtsteden.demo", Role.FINANCE, "Frank Financiën"),
         ("financien2@drechtsteden.demo", Role.FINANCE, "Fatima Financiën")]


def demo_password() -> str:
    return "Demo-" + secrets.token_urlsafe(12)


def load_region(state: dict) -> None:
    """Idempotent in spirit: refuses to load twice into one database."""
    if db.session.scalar(sa.select(Region.id).where(Region.name == "Drechtsteden")):
        raise SystemExit("De demoregio Drechtsteden is al geladen.")
    for code, name, cost_centre in DRECHTSTEDEN:
        if not db.session.scalar(sa.select(Municipality.id).where(Municipality.code == code)):
            services.create_municipality({"code": code, "name": name, "cost_centre": cost_centre}, by=None)
    region = services.create_region({"name": "Drechtsteden", "executing_organisation": "Sociale Dienst Drechtsteden",
                                     "municipalities": [code for code, _, _ in DRECHTSTEDEN]}, by=None)
    state["region"] = region
    state["municipalities"] = {m.code: m for m in region.municipalities}
    for email, role, name in STAFF:
        password = demo_password()
        user = services.create_user(email, role, password, by=None, name=name,
                                    region=None if role == Role.NATIONAL_ADMIN else region)
        state.setdefault("users", {})[email] = user
        state["logins"].append((email, role.value, password))


def load_all() -> list[tuple[str, str, str]]:
    """Run every domain's demo step in order; returns the logins as (email, role, password)."""
    state: dict = {"logins": []}
    for step in items(current_app, "demo"):
        step.load(state)
        db.session.flush()
    return state["logins"]
