"""PvE verbs: create from a template, save versions, review, adopt with four eyes, comments and attachments."""
from decimal import Decimal

import sqlalchemy as sa

from core import audit, files
from core.auth import scope_filter
from core.dates import now_utc
from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from core.scope import Action, require
from core.models import Municipality, Service, User
from core.money import parse_decimal
from core.terms import amount_on, validate_kpi_agreements, validate_milestones
from procurement.models import ProcurementCase, procurement_case_municipality
from procurement.pve import content, templates
from procurement.pve.models import TRANSITIONS, Pve, PveAttachment, PveComment, PveStatus, PveVersion

#: Attachments live in the file storage under pve/.
FOLDER = "pve"



def visible_cases(user: User):
    """Procurement cases with at least one municipality in the user's scope."""
    in_scope = sa.select(procurement_case_municipality.c.procurement_case_id).where(
        scope_filter(user, procurement_case_municipality.c.municipality_id))
    return sa.select(ProcurementCase).where(ProcurementCase.id.in_(in_scope))


def visible_pves(user: User, service: str | None = None, status: str | None = None,
                 municipality: str | None = None):
    """The PvEs of visible cases, newest first, optionally filtered by service code, status and CBS code."""
    stmt = (sa.select(Pve).join(Pve.procurement_case)
            .where(Pve.procurement_case_id.in_(visible_cases(user).with_only_columns(ProcurementCase.id)))
            .order_by(Pve.created_at.desc(), Pve.id.desc()))
    if service:
        stmt = stmt.join(Service, Service.id == ProcurementCase.service_id).where(Service.code == service)
    if status:
        latest = (sa.select(sa.func.max(PveVersion.number)).where(PveVersion.pve_id == Pve.id)
                  .correlate(Pve).scalar_subquery())
        stmt = stmt.where(sa.exists().where(PveVersion.pve_id == Pve.id, PveVersion.number == latest,
                                            PveVersion.status == status))
    if municipality:
        stmt = stmt.where(ProcurementCase.id.in_(
            sa.select(procurement_case_municipality.c.procurement_case_id)
            .join(Municipality, Municipality.id == procurement_case_municipality.c.municipality_id)
            .where(Municipality.code == municipality)))
    return stmt


def draft_authors(pve: Pve) -> set[int]:
    """Everyone who saved a version since the last adopted one: none of them may adopt it."""
    authors = set()
    for version in reversed(pve.versions):
        if version.is_adopted:
            break
        authors.add(version.created_by_id)
    return authors


def open_comments(pve: Pve) -> list[PveComment]:
    return [c for c in pve.comments if not c.is_resolved]


def contract_terms(version: PveVersion) -> dict:
    """What a contract made from this adopted version starts with: price, ceiling, milestones and KPI norms."""
    if not version.is_adopted:
        raise Conflict("Alleen een vastgestelde versie van het PvE kan de basis van een contract zijn.")
    financing = version.financing or {}
    price, milestones = Decimal(financing.get("price_per_trajectory", "0")), validate_milestones(
        financing.get("milestones", []))
    return {"pve_version_id": version.id, "procurement_case_id": version.pve.procurement_case_id,
            "price_per_trajectory": price,
            "ceiling": Decimal(financing["ceiling"]) if financing.get("ceiling") else None,
            "milestones": milestones, "kpis": validate_kpi_agreements(version.kpis or []),
            "milestone_amounts": {m["code"]: amount_on(m, price, (), None) for m in milestones}}




def _plain(value):
    return None if value is None else str(value)


def standard_keys(pve: Pve) -> list[str]:
    """The sections of the template the PvE started from, in its order (a later template leaves it alone)."""
    return [s["key"] for s in pve.versions[0].sections if not s["key"].startswith(content.FREE_PREFIX)]


def clean_sections(sections, standard: list[str]) -> list[dict]:
    """The standard sections in their order, then the free ones; titles and bodies checked."""
    errors, by_key = [], {}
    for index, section in enumerate(sections if isinstance(sections, list) else []):
        key, title, body = section.get("key", ""), (section.get("title") or "").strip(), section.get("body") or ""
        if key not in standard and not key.startswith(content.FREE_PREFIX):
            errors.append({"index": index, "field": "key", "message": "Onbekende paragraaf."})
        elif key in by_key:
            errors.append({"index": index, "field": "key", "message": "Deze paragraaf komt twee keer voor."})
        if not title or len(title) > 200:
            errors.append({"index": index, "field": "title", "message": "Geef een titel van hoogstens 200 tekens."})
        if len(body) > content.MAX_BODY:
            errors.append({"index": index, "field": "body", "message": f"Maximaal {content.MAX_BODY} tekens."})
        by_key[key] = {"key": key, "title": title, "body": body}
    missing = [key for key in standard if key not in by_key]
    errors += [{"field": "sections", "message": f"De paragraaf {key} ontbreekt."} for key in missing]
    if errors:
        raise DomainError("De paragrafen zijn niet geldig.", field="sections", errors=errors)
    free = [s for k, s in by_key.items() if k.startswith(content.FREE_PREFIX)]
    return [by_key[key] for key in standard] + free


def clean_financing(financing) -> dict:
    """Price, optional ceiling and a milestone schedule that a contract will accept (core.terms)."""
    if not isinstance(financing, dict):
        raise DomainError("De financiering ontbreekt.", field="financing")
    try:
        price = parse_decimal(str(financing.get("price_per_trajectory")))
        ceiling = parse_decimal(str(financing["ceiling"])) if financing.get("ceiling") not in (None, "") else None
    except ValueError:
        raise DomainError("Geef prijs en plafond als bedrag met hoogstens twee decimalen.",
                          field="price_per_trajectory") from None
    if price < 0 or (ceiling is not None and ceiling <= 0):
        raise DomainError("De prijs per traject mag niet negatief zijn, het plafond moet groter dan nul zijn.",
                          field="price_per_trajectory")
    milestones = validate_milestones(financing.get("milestones", []))
    return {"price_per_trajectory": str(price), "ceiling": _plain(ceiling),
            "milestones": [m | {"amount": _plain(m["amount"]), "percentage": _plain(m["percentage"])}
                           for m in milestones]}


def clean_kpis(kpis) -> list[dict]:
    return [k | {"norm": str(k["norm"])} for k in validate_kpi_agreements(kpis if kpis is not None else [])]




def create_pve(case: ProcurementCase, title: str, by: User) -> Pve:
    """One PvE per procurement case, started from the template of its service."""
    require(by, Action.PVE, case.municipalities)
    if db.session.scalar(sa.select(Pve.id).where(Pve.procurement_case_id == case.id)):
        raise Conflict("Voor deze inkoopzaak bestaat al een PvE.", field="procurement_case_id")
    pve = Pve(procurement_case=case, title=title.strip() or f"Programma van Eisen {case.service.name}")
    # The procurement case's price, once it records one, is where the financing section starts.
    start = templates.template_content(case.service, str(case.price_per_trajectory or "0.00"))
    pve.versions.append(PveVersion(number=1, status=PveStatus.CONCEPT, created_by=by, note="Gestart uit sjabloon",
                                   sections=start["sections"], kpis=clean_kpis(start["kpis"]),
                                   financing=clean_financing(start["financing"])))
    db.session.add(pve)
    db.session.flush()
    audit.record(by, "pve_created", pve, f"PvE {pve.title} gestart uit het sjabloon "
                 f"{templates.template_for(case.service).name}")
    return pve


def save_version(pve: Pve, data: dict, by: User) -> PveVersion:
    """Every save is a new version; saving on an adopted version starts a new concept from it. The schedule and
    indicators must fit the service (no exam in the Z-route). With `based_on`, a save made on an older version
    than the latest is refused: someone else saved in between."""
    require(by, Action.PVE, pve.procurement_case.municipalities)
    latest = pve.latest
    if data.get("based_on") not in (None, latest.number):
        raise Conflict(f"Intussen is versie {latest.number} opgeslagen; open die en breng uw wijziging daarin aan.")
    version = PveVersion(
        number=latest.number + 1,
        status=PveStatus.CONCEPT if latest.is_adopted else latest.status,
        sections=clean_sections(data.get("sections", latest.sections), standard_keys(pve)),
        kpis=clean_kpis(data.get("kpis", latest.kpis)),
        financing=clean_financing(data.get("financing", latest.financing)),
        note=(data.get("note") or "")[:500], created_by=by)
    templates.check_fits_service(pve.procurement_case.service, version.financing["milestones"], version.kpis)
    pve.versions.append(version)
    db.session.flush()
    audit.record(by, "pve_version_saved", pve, f"Versie {version.number} opgeslagen",
                 {"version": [latest.number, version.number]})
    return version


def start_new_draft(pve: Pve, by: User) -> PveVersion:
    """A new concept, a copy of the adopted version; the adopted version itself stays read-only."""
    require(by, Action.PVE, pve.procurement_case.municipalities)
    if not pve.latest.is_adopted:
        raise Conflict("Er is al een concept of een versie in review.")
    latest = pve.latest
    return save_version(pve, {"sections": latest.sections, "kpis": latest.kpis, "financing": latest.financing,
                              "note": f"Nieuw concept op basis van vastgestelde versie {latest.number}"}, by)


def change_status(pve: Pve, to: PveStatus, by: User) -> PveVersion:
    """concept -> in review -> vastgesteld (or back to concept); adoption needs someone who wrote none of it."""
    require(by, Action.PVE, pve.procurement_case.municipalities)
    version = pve.latest
    if to not in TRANSITIONS[version.status]:
        raise Conflict(f"Een versie met status {version.status} kan niet naar {to}.")
    if to == PveStatus.ADOPTED:
        if by.id in draft_authors(pve):
            raise Forbidden("U heeft aan deze versie meegeschreven; een andere medewerker moet haar vaststellen.")
        if open_comments(pve):
            raise Conflict("Er staan nog onafgehandelde reviewopmerkingen open.")
        if Decimal(version.financing["price_per_trajectory"]) <= 0:
            raise Conflict("Vul de prijs per traject in voordat het PvE wordt vastgesteld.")
        version.adopted_at, version.adopted_by = now_utc(), by
    before = version.status
    version.status = to
    audit.record(by, f"pve_{to.value}", pve, f"Versie {version.number}: {before} naar {to}",
                 {"status": [before, to]})
    return version


def add_comment(pve: Pve, section_key: str, body: str, by: User) -> PveComment:
    """A review remark on one section of the current version."""
    require(by, Action.PVE_COMMENTS, pve.procurement_case.municipalities)
    if not pve.latest.section(section_key):
        raise DomainError("Kies een paragraaf van het PvE.", field="section_key")
    if not body.strip():
        raise DomainError("Schrijf een opmerking.", field="body")
    comment = PveComment(pve=pve, version=pve.latest, section_key=section_key, body=body.strip(), created_by=by)
    db.session.add(comment)
    db.session.flush()
    audit.record(by, "pve_comment_added", pve, f"Opmerking bij {section_key}")
    return comment


def answer_comment(comment: PveComment, answer: str, by: User) -> PveComment:
    require(by, Action.PVE, comment.pve.procurement_case.municipalities)
    if not answer.strip():
        raise DomainError("Schrijf een antwoord.", field="answer")
    comment.answer, comment.answered_at, comment.answered_by = answer.strip(), now_utc(), by
    audit.record(by, "pve_comment_answered", comment.pve, f"Antwoord op opmerking {comment.id}")
    return comment


def resolve_comment(comment: PveComment, by: User) -> PveComment:
    require(by, Action.PVE_COMMENTS, comment.pve.procurement_case.municipalities)
    if comment.is_resolved:
        raise Conflict("Deze opmerking is al afgehandeld.")
    comment.resolved_at, comment.resolved_by = now_utc(), by
    audit.record(by, "pve_comment_resolved", comment.pve, f"Opmerking {comment.id} afgehandeld")
    return comment


def add_attachment(pve: Pve, filename: str, data: bytes, by: User) -> PveAttachment:
    """Store a checked file under a generated name with its SHA-256."""
    require(by, Action.PVE, pve.procurement_case.municipalities)
    attachment = PveAttachment(pve=pve, created_by=by, **files.store(filename, data, FOLDER).columns)
    db.session.add(attachment)
    db.session.flush()
    audit.record(by, "pve_attachment_added", pve, f"Bijlage {attachment.filename} ({attachment.file_type})",
                 {"sha256": [None, attachment.sha256]})
    return attachment
