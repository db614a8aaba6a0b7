"""The narrative sections of a council report (toelichting, risico's, vooruitblik): every save is a new version,
a version is approved by someone who wrote none of the versions since the last approval, and an approved version
is never changed (a new text after it is a new concept)."""
from datetime import date

import sqlalchemy as sa

from core import audit
from core.dates import now_utc
from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from core.models import Municipality, Region, User
from core.scope import Action, require
from reports.models import SECTIONS, CouncilReport, NarrativeStatus, NarrativeVersion

MAX_SECTION = 20_000


def find_report(start: date, end: date, *, region: Region | None = None,
                municipality: Municipality | None = None) -> CouncilReport | None:
    scope = CouncilReport.region_id == region.id if region is not None else \
        CouncilReport.municipality_id == municipality.id
    return db.session.scalar(sa.select(CouncilReport).where(scope, CouncilReport.starts_on == start,
                                                            CouncilReport.ends_on == end))


def draft_authors(report: CouncilReport) -> set[int]:
    """Who wrote a version since the last approved one: none of them may approve."""
    authors = set()
    for version in reversed(report.versions):
        if version.status == NarrativeStatus.APPROVED:
            break
        authors.add(version.created_by_id)
    return authors


def _require_scope(by: User, region: Region | None, municipality: Municipality | None) -> None:
    """A region's report is written by who holds the whole region, a municipality's by who holds it."""
    require(by, Action.REPORTS, list(region.municipalities) if region is not None else [municipality], region=region)


def save_narrative(start: date, end: date, sections: dict, *, by: User, region: Region | None = None,
                   municipality: Municipality | None = None) -> NarrativeVersion:
    """A new concept version of the report's narrative (the report made on its first save); audited."""
    _require_scope(by, region, municipality)
    for key, text in sections.items():
        if len(text or "") > MAX_SECTION:
            raise DomainError(f"{SECTIONS[key]} is langer dan {MAX_SECTION} tekens.", field=key)
    report = find_report(start, end, region=region, municipality=municipality)
    if report is None:
        report = CouncilReport(region=region, municipality=municipality, starts_on=start, ends_on=end)
        db.session.add(report)
        db.session.flush()
    number = (report.latest.number if report.latest else 0) + 1
    version = NarrativeVersion(report=report, number=number, created_by=by,
                               **{key: (sections.get(key) or "").strip() for key in SECTIONS})
    db.session.add(version)
    db.session.flush()
    audit.record(by, "council_narrative_saved", report, f"{report}: versie {number} (concept)")
    return version


def approve_narrative(report: CouncilReport, number: int, *, by: User) -> NarrativeVersion:
    """Approve the latest version, by a second person; it is read-only from then on. Audited."""
    _require_scope(by, report.region, report.municipality)
    version = report.latest
    if version is None or version.number != number:
        raise Conflict("Alleen de laatste versie kan worden vastgesteld.")
    if version.status == NarrativeStatus.APPROVED:
        raise Conflict("Deze versie is al vastgesteld.")
    if by.id in draft_authors(report):
        raise Forbidden("U heeft aan deze tekst meegeschreven; een andere medewerker moet haar vaststellen.")
    version.status, version.approved_by, version.approved_at = NarrativeStatus.APPROVED, by, now_utc()
    audit.record(by, "council_narrative_approved", report, f"{report}: versie {number} vastgesteld")
    return version
