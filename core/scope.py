"""Who may write what: the one table a reviewer reads, and the checks every write service calls.

Scopes (core.models.User):
- a national admin (Role.NATIONAL_ADMIN) sees everything and writes everything but money (MONEY); it is its own
  role, never a side effect of an admin without a region;
- an admin (Role.ADMIN) is the admin of one region: it writes what that region's staff write but money, and
  manages the region's users and municipalities;
- staff (inkoper, contractmanager, finance) hold a whole region (User.region) and/or some municipalities
  (User.municipalities);
- a provider user holds one provider.

The rules:
1. The role must be among the writers of the action (WRITERS below); the national admin always is.
2. An object that concerns municipalities (a trajectory, a contract, a procurement case, a run, a budget line) is
   written only by a user whose scope holds every one of them: a user of one municipality may not change a
   region-wide contract.
3. What belongs to a region as a whole (its paying organisation, ledger accounts, sampling rule, a region-wide run
   or report, an Open House on its case) is written only by a user who holds that whole region.
4. Provider master data (name, KvK, address, contact, documents, bank details, logins) is shared between regions:
   it is written by the staff who hold a whole region that works with the provider (it registered the provider,
   has an active contract with it, or admitted it to an Open House: `provider_region`; a concept contract or an
   application gives no say), never by another region's staff nor by staff of only some municipalities. A
   provider user writes only its own documents and progress.
5. A bank detail (a provider's IBAN and BIC, its first one included, a paying organisation) takes effect only when
   a second person with the right to approve it (BANK_APPROVAL) approves the change (core.bank_details), and every
   region sees it on its next run's review page before it pays. Money moves on four eyes of finance: a region's
   admin manages users but neither proposes nor approves bank details, runs or the paying organisation, and
   cannot take an API token of a finance user (it would approve as that user).

A refusal is `OutOfScope` (403 with a Dutch reason); an object the user may not even see stays a 404.
"""
import enum

import sqlalchemy as sa

from core.auth import visible_municipality_ids
from core.bulk import insert_new
from core.errors import Forbidden
from core.extensions import db
from core.models import Region, Role, User, provider_region, region_municipality


class Action(enum.StrEnum):
    PROVIDER_DATA = "provider_data"
    PROVIDER_USERS = "provider_users"
    PROVIDER_DOCUMENTS = "provider_documents"
    BANK_DETAILS = "bank_details"
    BANK_APPROVAL = "bank_approval"
    PAYING_ORGANISATION = "paying_organisation"
    LEDGER_ACCOUNTS = "ledger_accounts"
    PROCUREMENT = "procurement"
    PVE = "pve"
    PVE_COMMENTS = "pve_comments"
    OPEN_HOUSE = "open_house"
    OPEN_HOUSE_APPLICATION = "open_house_application"
    CONTRACTS = "contracts"
    TRAJECTORIES = "trajectories"
    PROGRESS = "progress"
    ALERTS = "alerts"
    VERIFICATION = "verification"
    RUNS = "runs"
    BUDGET = "budget"
    SIMULATION = "simulation"
    REPORTS = "reports"
    GRANT_CODES = "grant_codes"
    USERS = "users"
    MUNICIPALITIES = "municipalities"
    REFERENCE_DATA = "reference_data"


_STAFF = frozenset({Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE})
#: What moves money or says where it goes: finance's own, on four eyes; no admin, regional or national, takes part.
MONEY = frozenset({Action.BANK_DETAILS, Action.BANK_APPROVAL, Action.PAYING_ORGANISATION, Action.LEDGER_ACCOUNTS,
                   Action.RUNS})
#: Who may write what (the national admin may always, except MONEY). The region admin writes what the region's
#: staff write, except MONEY.
WRITERS: dict[Action, frozenset[Role]] = {
    Action.PROVIDER_DATA: frozenset({Role.CONTRACTMANAGER, Role.ADMIN}),
    Action.PROVIDER_USERS: frozenset({Role.CONTRACTMANAGER, Role.ADMIN}),
    Action.PROVIDER_DOCUMENTS: frozenset({Role.CONTRACTMANAGER, Role.ADMIN, Role.PROVIDER}),
    Action.BANK_DETAILS: frozenset({Role.CONTRACTMANAGER, Role.FINANCE}),
    Action.BANK_APPROVAL: frozenset({Role.FINANCE}),
    Action.PAYING_ORGANISATION: frozenset({Role.FINANCE}),
    Action.LEDGER_ACCOUNTS: frozenset({Role.FINANCE}),
    Action.PROCUREMENT: frozenset({Role.INKOPER, Role.ADMIN}),
    Action.PVE: frozenset({Role.INKOPER, Role.ADMIN}),
    Action.PVE_COMMENTS: _STAFF | {Role.ADMIN},
    Action.OPEN_HOUSE: frozenset({Role.CONTRACTMANAGER, Role.ADMIN}),
    Action.OPEN_HOUSE_APPLICATION: frozenset({Role.CONTRACTMANAGER, Role.ADMIN, Role.PROVIDER}),
    Action.CONTRACTS: frozenset({Role.CONTRACTMANAGER, Role.ADMIN}),
    Action.TRAJECTORIES: frozenset({Role.CONTRACTMANAGER, Role.ADMIN}),
    Action.PROGRESS: frozenset({Role.CONTRACTMANAGER, Role.ADMIN, Role.PROVIDER}),
    Action.ALERTS: frozenset({Role.CONTRACTMANAGER, Role.ADMIN}),
    Action.VERIFICATION: frozenset({Role.CONTRACTMANAGER, Role.ADMIN}),
    Action.RUNS: frozenset({Role.FINANCE}),
    Action.BUDGET: frozenset({Role.FINANCE, Role.ADMIN}),
    Action.SIMULATION: frozenset({Role.FINANCE, Role.INKOPER, Role.ADMIN}),
    Action.REPORTS: frozenset({Role.FINANCE, Role.CONTRACTMANAGER, Role.ADMIN}),
    Action.GRANT_CODES: frozenset({Role.FINANCE, Role.ADMIN}),
    Action.USERS: frozenset({Role.ADMIN}),
    Action.MUNICIPALITIES: frozenset({Role.ADMIN}),
    #: The catalogue's route scores and the regions themselves: national.
    Action.REFERENCE_DATA: frozenset(),
}


class OutOfScope(Forbidden):
    """A write outside the user's role or scope: always a 403 page or problem, never shown as a form error."""


def may(user: User, action: Action) -> bool:
    return (user.role == Role.NATIONAL_ADMIN and action not in MONEY) or user.role in WRITERS[action]


def require(user: User | None, action: Action, municipalities=(), *, region: Region | None = None) -> None:
    """Refuse unless the user's role writes `action` and its scope holds every municipality named and, when given,
    the whole region. No user is the system itself (the demo loader, DUO's feed, scheduled jobs)."""
    if user is None:
        return
    if not may(user, action):
        raise OutOfScope("Uw rol mag dit niet wijzigen.")
    if user.role == Role.NATIONAL_ADMIN:
        return
    if region is not None and user.region_id != region.id:
        raise OutOfScope(f"Dit geldt voor de hele regio {region.name}; alleen wie de hele regio in zijn bereik heeft, "
                         "mag het wijzigen.")
    visible = visible_municipality_ids(user) or set()
    outside = sorted(m.name for m in municipalities if m.id not in visible)
    if outside:
        raise OutOfScope(f"Dit betreft ook gemeenten buiten uw bereik: {', '.join(outside)}.")


def permits(user: User, action: Action, municipalities=(), *, region: Region | None = None) -> bool:
    """Whether `require` would let this write pass: for the choices a form offers."""
    try:
        require(user, action, municipalities, region=region)
    except OutOfScope:
        return False
    return True



def require_provider(user: User | None, action: Action, provider) -> None:
    """Shared provider master data: the provider's own user (documents only), the staff holding a whole region
    that works with the provider, or the national admin."""
    if user is None:
        return
    if not may(user, action):
        raise OutOfScope("Uw rol mag dit niet wijzigen.")
    if user.role == Role.PROVIDER:
        if user.provider_id != provider.id:
            raise OutOfScope("Dit is niet uw organisatie.")
        return
    if user.role != Role.NATIONAL_ADMIN and not works_with(user, provider.id):
        raise OutOfScope("Uw regio werkt niet met deze aanbieder; alleen een regio die met de aanbieder werkt, "
                         "wijzigt haar gegevens.")


def works_with(user: User, provider_id: int) -> bool:
    return user.region_id is not None and db.session.scalar(sa.select(provider_region.c.provider_id).where(
        provider_region.c.provider_id == provider_id, provider_region.c.region_id == user.region_id)) is not None


def relate_provider(provider_id: int, regions) -> None:
    """Record that these regions work with the provider (registered it, have an active contract with it, admitted
    it to an Open House); a relation recorded at the same moment by another request is kept once."""
    rows = [{"provider_id": provider_id, "region_id": region_id} for region_id in sorted({r.id for r in regions})]
    if rows:
        insert_new(provider_region, rows)


def regions_of(municipalities) -> list[Region]:
    """The regions these municipalities belong to."""
    ids = [m.id for m in municipalities] or [-1]
    return list(db.session.scalars(sa.select(Region).join(region_municipality).where(
        region_municipality.c.municipality_id.in_(ids)).distinct().order_by(Region.id)))


def held_regions(user: User):
    """The regions the user holds whole (all, for the national admin): the choices for region-wide writes."""
    stmt = sa.select(Region).order_by(Region.name)
    if user.role == Role.NATIONAL_ADMIN:
        return stmt
    return stmt.where(Region.id == (user.region_id or -1))
