"""Verbs on organisations and users."""
import sqlalchemy as sa

from core import audit
from core.auth import check_password_policy, end_sessions, hash_password
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import Municipality, Region, Role, Service, ServiceKind, User


def municipality_by_code(code: str, field: str = "municipality") -> Municipality:
    found = db.session.scalar(sa.select(Municipality).where(Municipality.code == (code or "").upper()))
    if found is None:
        raise DomainError(f"Onbekende gemeente: {code}.", field=field)
    return found


def municipalities_by_codes(codes: list[str], field: str = "municipalities") -> list[Municipality]:
    if not codes:
        raise DomainError("Kies minstens één gemeente.", field=field)
    return [municipality_by_code(code, field) for code in dict.fromkeys(codes)]


#: Why a part of a leerroute is not bought on its own, and where it is recorded instead.
PART_OF_LEERROUTE = {
    "alfabetisering": "Alfabetisering is een onderdeel van de leerroute (DUO's PIP geeft alfabetiseringsonderwijs "
                      "aan), geen aparte dienst: koop het in met de B1-route of de Z-route en leg de indicatie vast "
                      "bij de aanmelding van de deelnemer.",
    "duaal_traject": "Een duaal traject is een leerroute gecombineerd met werk, geen aparte dienst: koop de leerroute "
                     "in en leg bij de aanmelding van de deelnemer vast dat het traject duaal is.",
}


def orderable_services():
    """The services a procurement case or contract can be for, in catalogue order."""
    return sa.select(Service).where(Service.kind != ServiceKind.LEERROUTE_PART).order_by(Service.position)


def orderable_service(code: str, field: str = "service") -> Service:
    """A leerroute or participatietraject by its code; a part of a leerroute is refused with where it belongs."""
    found = db.session.scalar(sa.select(Service).where(Service.code == code))
    if found is None:
        raise DomainError(f"Onbekende dienst: {code}.", field=field)
    if not found.is_orderable:
        raise DomainError(PART_OF_LEERROUTE.get(found.code, f"{found.name} is een onderdeel van een leerroute, geen "
                                                "aparte dienst."), field=field)
    return found


def create_municipality(data: dict, by: User | None) -> Municipality:
    """A CBS code is unique."""
    code = data["code"].upper()
    if db.session.scalar(sa.select(Municipality.id).where(Municipality.code == code)):
        raise Conflict(f"Gemeente {code} bestaat al.", field="code")
    municipality = Municipality(code=code, name=data["name"], cost_centre=data.get("cost_centre"))
    db.session.add(municipality)
    db.session.flush()
    audit.record(by, "municipality_created", municipality, f"Gemeente {code} {municipality.name} aangemaakt")
    return municipality


def create_region(data: dict, by: User | None) -> Region:
    """A region name is unique; its municipalities must exist."""
    if db.session.scalar(sa.select(Region.id).where(Region.name == data["name"])):
        raise Conflict(f"Regio {data['name']} bestaat al.", field="name")
    region = Region(name=data["name"], executing_organisation=data.get("executing_organisation"),
                    municipalities=municipalities_by_codes(data.get("municipalities") or []))
    db.session.add(region)
    db.session.flush()
    audit.record(by, "region_created", region, f"Regio {region.name} aangemaakt",
                 {"municipalities": [m.code for m in region.municipalities]})
    return region


def create_user(email: str, role: Role, password: str, by: User | None, *, name: str = "",
                municipalities: list[Municipality] = (), region: Region | None = None,
                provider_id: int | None = None) -> User:
    """A provider user is scoped to exactly one provider; staff to a region and/or municipalities."""
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(f"Er bestaat al een gebruiker met e-mailadres {email}.", field="email")
    if (role == Role.PROVIDER) != (provider_id is not None):
        raise DomainError("Een aanbiedergebruiker hoort bij precies één aanbieder; andere rollen bij geen.",
                          field="provider")
    if role == Role.NATIONAL_ADMIN and (region is not None or municipalities):
        raise DomainError("Een landelijk beheerder hoort bij geen regio of gemeente.", field="region")
    if role == Role.ADMIN and region is None:
        raise DomainError("Een beheerder hoort bij een regio; een landelijk beheerder heeft een eigen rol.",
                          field="region")
    if role not in (Role.NATIONAL_ADMIN, Role.PROVIDER) and region is None and not municipalities:
        raise DomainError("Geef een regio of minstens één gemeente op.", field="municipalities")
    check_password_policy(password, email)
    user = User(email=email, name=name, role=role, password_hash=hash_password(password),
                municipalities=list(municipalities), region=region, provider_id=provider_id)
    db.session.add(user)
    db.session.flush()
    audit.record(by, "user_created", user, f"Gebruiker {email} ({role}) aangemaakt")
    return user


def set_user_enabled(user: User, enabled: bool, by: User | None) -> User:
    """Disabling ends every session and makes every token fail."""
    user.is_enabled = enabled
    end_sessions(user)
    audit.record(by, "user_enabled" if enabled else "user_disabled", user)
    return user
