"""Verbs on providers: register, update, search, their user accounts and the keurmerk watch."""
import re
import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import postcode as stdnum_postcode

from core import audit, bank_details, documents, services as core_services
from core.bank_details import normalise_bic, normalise_iban
from core.auth import check_password_policy
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import Role, User
from core.scope import Action, OutOfScope, relate_provider, require, require_provider
from providers.models import KEURMERK_LABELS, KeurmerkStatus, Provider, ProviderDocument, ProviderDocumentKind

KEURMERK_WARNING_DAYS = 60
#: Provider documents live in the file storage under providers.
DOCUMENT_FOLDER = "providers"
FIELDS = ("name", "kvk_number", "iban", "bic", "street", "postcode", "city", "contact_name", "contact_email",
          "contact_phone", "keurmerk_status", "keurmerk_valid_until", "keurmerk_status_since")
KEURMERK_FIELDS = ("keurmerk_status", "keurmerk_valid_until", "keurmerk_status_since")
K = KeurmerkStatus


def normalise_kvk(value: str) -> str:
    """A KvK number is eight digits (python-stdnum has no KvK module; the number carries no check digit)."""
    digits = re.sub(r"[\s.]", "", value or "")
    if not re.fullmatch(r"\d{8}", digits):
        raise DomainError("Een KvK-nummer bestaat uit acht cijfers.", field="kvk_number")
    return digits


def normalise_postcode(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return stdnum_postcode.validate(value).replace(" ", "")
    except StdnumError:
        raise DomainError("Geef een Nederlandse postcode, zoals 3311 AB.", field="postcode") from None


def _cleaned(data: dict) -> dict:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in data.items() if k in FIELDS}
    if "name" in data and not cleaned.get("name"):
        raise DomainError("Geef de naam van de aanbieder.", field="name")
    for name, normalise in (("kvk_number", normalise_kvk), ("iban", normalise_iban), ("bic", normalise_bic),
                            ("postcode", normalise_postcode)):
        if name in data:
            cleaned[name] = normalise(data[name])
    return cleaned


def _keurmerk(cleaned: dict, provider: Provider | None) -> dict:
    """The keurmerk's three fields, consistent. Sent without a status, a dated keurmerk is valid until its date
    (and none without one), unless it stands suspended or withdrawn."""
    if not set(KEURMERK_FIELDS) & cleaned.keys():
        return {}
    values = {name: cleaned.get(name, getattr(provider, name, None)) for name in KEURMERK_FIELDS}
    status = cleaned.get("keurmerk_status")
    if status is None:
        current = getattr(provider, "keurmerk_status", None)
        status = current if current in (K.SUSPENDED, K.WITHDRAWN) else (
            K.VALID_UNTIL if values["keurmerk_valid_until"] else K.NONE)
    status = K(status)
    if status == K.VALID_UNTIL and not values["keurmerk_valid_until"]:
        raise DomainError("Geef de datum tot en met wanneer het keurmerk geldig is.", field="keurmerk_valid_until")
    if status in (K.NONE, K.INDEFINITE) and values["keurmerk_valid_until"]:
        raise DomainError(f"Een keurmerk met status '{KEURMERK_LABELS[status]}' heeft geen einddatum.",
                          field="keurmerk_valid_until")
    if status in (K.SUSPENDED, K.WITHDRAWN) and not values["keurmerk_status_since"]:
        raise DomainError(f"Geef de datum vanaf wanneer het keurmerk {KEURMERK_LABELS[status].lower()} is.",
                          field="keurmerk_status_since")
    if status not in (K.SUSPENDED, K.WITHDRAWN) and values["keurmerk_status_since"]:
        raise DomainError("Alleen een geschorst of ingetrokken keurmerk heeft een datum van schorsing of intrekking.",
                          field="keurmerk_status_since")
    return values | {"keurmerk_status": status}


def _refuse_duplicate_kvk(kvk: str, provider_id: int | None = None) -> None:
    found = db.session.scalar(sa.select(Provider.id).where(Provider.kvk_number == kvk))
    if found is not None and found != provider_id:
        raise Conflict(f"Er is al een aanbieder met KvK-nummer {kvk}.", field="kvk_number")


def register_provider(data: dict, by: User | None) -> Provider:
    """KvK (eight digits, unique), IBAN and BIC are validated and normalised; the IBAN is proposed, and paid to
    only once a second person approves it. The registering user's region works with the provider from then on
    (core.scope): its region-wide staff maintain the provider's master data."""
    require(by, Action.PROVIDER_DATA)
    if by is not None and by.role != Role.NATIONAL_ADMIN and by.region_id is None:
        raise OutOfScope("Alleen wie een hele regio in zijn bereik heeft, registreert een aanbieder.")
    cleaned = _cleaned({"name": None, "kvk_number": None, "iban": None, **data})
    cleaned |= _keurmerk(cleaned, None)
    _refuse_duplicate_kvk(cleaned["kvk_number"])
    # A person's first IBAN waits for a second person like every later one; the system (demo, import) sets it.
    proposed = (cleaned.pop("iban"), cleaned.pop("bic", None)) if by is not None else None
    provider = Provider(**cleaned, **({"iban": ""} if proposed else {}))
    db.session.add(provider)
    db.session.flush()
    if by is not None and by.region is not None:
        relate_provider(provider.id, [by.region])
    audit.record(by, "provider_created", provider, f"Aanbieder {provider.name} ({provider.kvk_number}) geregistreerd",
                 {k: [None, v] for k, v in cleaned.items() if v is not None})
    if proposed:
        propose_bank_details(provider, *proposed, by=by)
    return provider


def update_provider(provider: Provider, data: dict, by: User | None) -> Provider:
    """Same rules as registering. A new IBAN or BIC is only proposed (propose_bank_details); the other fields
    change at once, their audit line keeping every field before and after. Finance may propose bank details
    without being allowed to change the rest."""
    if set(data) - {"iban", "bic"}:
        require_provider(by, Action.PROVIDER_DATA, provider)
    cleaned = _cleaned(data)
    cleaned |= _keurmerk(cleaned, provider)
    if "kvk_number" in cleaned:
        _refuse_duplicate_kvk(cleaned["kvk_number"], provider.id)
    bank = {name: cleaned.pop(name) for name in ("iban", "bic") if name in cleaned}
    before = {k: getattr(provider, k) for k in cleaned}
    for name, value in cleaned.items():
        setattr(provider, name, value)
    changes = audit.diff(before, cleaned)
    if changes:
        audit.record(by, "provider_updated", provider, f"Aanbieder {provider.name} gewijzigd", changes)
    if bank:  # a new IBAN sent without a BIC drops the old bank's BIC (within the EEA SEPA needs none)
        propose_bank_details(provider, bank.get("iban", provider.iban),
                             bank.get("bic", provider.bic if "iban" not in bank else None), by=by)
    return provider


def propose_bank_details(provider: Provider, iban: str, bic: str | None, *, by: User | None) -> None:
    """A new IBAN or BIC waits for a second person (payments approves it); nothing happens when both stand as they
    are."""
    if (iban, bic) == (provider.iban, provider.bic):
        return
    require_provider(by, Action.BANK_DETAILS, provider)
    current = (provider.name, provider.iban, provider.bic)
    bank_details.propose({"provider_id": provider.id}, f"aanbieder {provider.name}", current,
                         (provider.name, iban, bic), by=by)
    db.session.expire(provider, ["pending_bank_change"])


def search_providers(query: str | None = None):
    """All providers, by name; `query` matches name, KvK number or city."""
    stmt = sa.select(Provider).order_by(Provider.name, Provider.id)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(Provider.name).like(like), Provider.kvk_number.like(like),
                                 sa.func.lower(Provider.city).like(like)))
    return stmt


def visible_providers(user: User, query: str | None = None):
    """Staff see the whole registry; a provider user only their own provider."""
    stmt = search_providers(query)
    return stmt.where(Provider.id == user.provider_id) if user.role == Role.PROVIDER else stmt


def provider_users(provider: Provider) -> list[User]:
    return db.session.scalars(sa.select(User).where(User.provider_id == provider.id).order_by(User.email)).all()


def create_provider_user(provider: Provider, email: str, name: str, password: str, by: User | None) -> User:
    """A provider user sees only this provider's contracts, trajectories and statements; made by the staff of a
    region that works with the provider."""
    require_provider(by, Action.PROVIDER_USERS, provider)
    return core_services.create_user(email, Role.PROVIDER, password, by=by, name=name, provider_id=provider.id)


def one_time_password(email: str) -> str:
    """A generated first password that passes the password policy for this e-mail address."""
    for _ in range(100):
        password = secrets.token_urlsafe(16)
        try:
            check_password_policy(password, email)
            return password
        except DomainError:
            continue
    raise DomainError("Kies een ander e-mailadres.", field="email")


def keurmerk_warnings(today: date, days: int = KEURMERK_WARNING_DAYS) -> list[tuple[Provider, date, str]]:
    """(provider, date, Dutch message) for a keurmerk that ends within `days` days (or ended), or that is suspended
    or withdrawn."""
    warnings = []
    for provider in db.session.scalars(sa.select(Provider).where(sa.or_(
            sa.and_(Provider.keurmerk_status == K.VALID_UNTIL,
                    Provider.keurmerk_valid_until <= today + timedelta(days=days)),
            Provider.keurmerk_status.in_([K.SUSPENDED, K.WITHDRAWN]))).order_by(Provider.name)):
        if provider.keurmerk_status == K.VALID_UNTIL:
            warnings.append((provider, provider.keurmerk_valid_until, f"Keurmerk van {provider.name} verloopt op "
                             f"{provider.keurmerk_valid_until:%d-%m-%Y}."))
        else:
            warnings.append((provider, provider.keurmerk_status_since, f"Keurmerk van {provider.name} is "
                             f"{KEURMERK_LABELS[provider.keurmerk_status].lower()} sinds "
                             f"{provider.keurmerk_status_since:%d-%m-%Y}."))
    return warnings


def provider_documents(provider: Provider):
    """The provider's documents: current ones first, newest first."""
    return documents.listing(ProviderDocument, ProviderDocument.provider_id == provider.id)


def get_provider_document(provider: Provider, document_id: int) -> ProviderDocument:
    """The document, or 404 when it is not this provider's."""
    return db.first_or_404(provider_documents(provider).where(ProviderDocument.id == document_id))


def add_provider_document(provider: Provider, data: dict, filename: str, content: bytes, by: User | None) -> ProviderDocument:
    """Contract managers, admins and the provider's own users add documents (keurmerk, VOG, insurance ...)."""
    require_provider(by, Action.PROVIDER_DOCUMENTS, provider)
    return documents.add_document(ProviderDocument(provider=provider), provider, provider_documents(provider),
                                  ProviderDocumentKind, data, filename, content, by=by,
                                  folder=DOCUMENT_FOLDER)


def delete_provider_document(document: ProviderDocument, by: User | None) -> None:
    require_provider(by, Action.PROVIDER_DATA, document.provider)
    documents.delete_document(document, document.provider, by=by, folder=DOCUMENT_FOLDER)
